package main

import (
	"time"

	"rapport/data"
)

// The JSON that --json prints: snake_case, lists always present ([] rather
// than null), dates as YYYY-MM-DD or --MM-DD, times as RFC 3339 with offset.

type emailJSON struct {
	Address   string `json:"address"`
	Label     string `json:"label"`
	Preferred bool   `json:"preferred"`
}

type phoneJSON struct {
	Number    string `json:"number"`
	E164      string `json:"e164"`
	Label     string `json:"label"`
	Preferred bool   `json:"preferred"`
}

type addressJSON struct {
	Street     string `json:"street"`
	Locality   string `json:"locality"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	Label      string `json:"label"`
	Preferred  bool   `json:"preferred"`
}

type urlJSON struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// contactJSON is a contact as lists and searches print it.
type contactJSON struct {
	ID           string        `json:"id"`
	DisplayName  string        `json:"display_name"`
	Given        string        `json:"given"`
	Family       string        `json:"family"`
	Nickname     string        `json:"nickname"`
	Organization string        `json:"organization"`
	Title        string        `json:"title"`
	Emails       []emailJSON   `json:"emails"`
	Phones       []phoneJSON   `json:"phones"`
	Addresses    []addressJSON `json:"addresses"`
	URLs         []urlJSON     `json:"urls"`
	Tags         []string      `json:"tags"`
	Birthday     data.Date     `json:"birthday"`
	Notes        string        `json:"notes"`
	Source       string        `json:"source,omitempty"`
	Created      time.Time     `json:"created,omitzero"`
	Updated      time.Time     `json:"updated,omitzero"`
	Deleted      bool          `json:"deleted"`
	MergedInto   string        `json:"merged_into,omitempty"`
}

func contactView(c *data.Contact) contactJSON {
	v := contactJSON{
		ID: c.ID, DisplayName: c.DisplayName, Given: c.Given, Family: c.Family, Nickname: c.Nickname,
		Organization: c.Organization, Title: c.Title, Birthday: c.Birthday, Notes: c.Notes, Source: c.Source,
		Created: c.Created, Updated: c.Updated, Deleted: c.Deleted, MergedInto: c.MergedInto,
		Emails: []emailJSON{}, Phones: []phoneJSON{}, Addresses: []addressJSON{}, URLs: []urlJSON{}, Tags: []string{},
	}
	for _, e := range c.Emails {
		v.Emails = append(v.Emails, emailJSON{e.Address, e.Label, e.Preferred})
	}
	for _, p := range c.Phones {
		v.Phones = append(v.Phones, phoneJSON{p.Number, p.E164, p.Label, p.Preferred})
	}
	for _, a := range c.Addresses {
		v.Addresses = append(v.Addresses, addressJSON{a.Street, a.Locality, a.Region, a.PostalCode, a.Country, a.Label, a.Preferred})
	}
	for _, u := range c.URLs {
		v.URLs = append(v.URLs, urlJSON{u.URL, u.Label})
	}
	v.Tags = append(v.Tags, c.Tags...)
	return v
}

// contactDetailJSON is everything `contact show` knows about a client.
type contactDetailJSON struct {
	contactJSON
	Dates        []dateJSON        `json:"dates"`
	Preferences  []preferenceJSON  `json:"preferences"`
	Consent      []data.Consent    `json:"consent"`
	Interactions []interactionJSON `json:"interactions"`
	Appointments []appointmentJSON `json:"appointments"`
	Tasks        []taskJSON        `json:"tasks"`
	Summary      summaryJSON       `json:"summary"`
	// Loyalty is there when the shop has a programme or the client points.
	Loyalty *clientLoyaltyJSON `json:"loyalty,omitempty"`
}

// clientLoyaltyJSON is a client's standing in the loyalty programme, as the
// client page shows it (loyalty show gives the ledger too).
type clientLoyaltyJSON struct {
	Balance         int64    `json:"balance"`
	OwedPoints      int64    `json:"owed_points,omitempty"`
	Tier            string   `json:"tier,omitempty"`
	NextTier        string   `json:"next_tier,omitempty"`
	ToNextTier      string   `json:"to_next_tier,omitempty"`
	Currency        string   `json:"currency,omitempty"`
	ProgressPercent int      `json:"progress_percent"`
	Rewards         []string `json:"rewards_available"`
}

type dateJSON struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Date     data.Date `json:"date"`
	Label    string    `json:"label"`
	Yearly   bool      `json:"yearly"`
	LeadDays int       `json:"lead_days"`
}

func dateView(d data.ImportantDate) dateJSON {
	return dateJSON{ID: d.ID, Kind: d.Kind, Date: d.Date, Label: d.Label, Yearly: d.Yearly, LeadDays: d.LeadDays}
}

type preferenceJSON struct {
	ID        string    `json:"id"`
	Category  string    `json:"category"`
	Subject   string    `json:"subject"`
	Value     string    `json:"value"`
	Confirmed data.Date `json:"confirmed"`
	Stale     bool      `json:"stale"`
}

func preferenceView(p data.Preference, today data.Date) preferenceJSON {
	return preferenceJSON{ID: p.ID, Category: p.Category, Subject: p.Subject, Value: p.Value, Confirmed: p.Confirmed, Stale: p.Stale(today)}
}

type interactionJSON struct {
	ID          string    `json:"id"`
	ContactID   string    `json:"contact_id"`
	Kind        string    `json:"kind"`
	At          time.Time `json:"at"`
	Staff       string    `json:"staff,omitempty"`
	Summary     string    `json:"summary,omitempty"`
	Body        string    `json:"body,omitempty"`
	Amount      string    `json:"amount,omitempty"` // decimal: "12.50"
	AmountMinor int64     `json:"amount_minor,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	Rating      int       `json:"rating,omitempty"`
	ReferredID  string    `json:"referred_id,omitempty"`
	Referred    string    `json:"referred_name,omitempty"`
}

func interactionView(in data.Interaction, loc *time.Location) interactionJSON {
	v := interactionJSON{ID: in.ID, ContactID: in.ContactID, Kind: in.Kind, At: in.At.In(loc), Staff: in.Staff,
		Summary: in.Summary, Body: in.Body, AmountMinor: in.AmountMinor, Currency: in.Currency, Rating: in.Rating, ReferredID: in.ReferredID}
	if in.Currency != "" {
		v.Amount = formatAmount(in.AmountMinor, in.Currency)
	}
	return v
}

type appointmentJSON struct {
	ID          string    `json:"id"`
	ContactID   string    `json:"contact_id"`
	DisplayName string    `json:"display_name,omitempty"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	TZ          string    `json:"tz"`
	AllDay      bool      `json:"all_day"`
	Purpose     string    `json:"purpose"`
	Staff       string    `json:"staff,omitempty"`
	Status      string    `json:"status"`
}

func appointmentView(a data.Appointment, name string) appointmentJSON {
	return appointmentJSON{ID: a.ID, ContactID: a.ContactID, DisplayName: name, Start: a.Start, End: a.End, TZ: a.TZ,
		AllDay: a.AllDay, Purpose: a.Purpose, Staff: a.Staff, Status: a.Status}
}

type taskJSON struct {
	ID           string    `json:"id"`
	ContactID    string    `json:"contact_id"`
	DisplayName  string    `json:"display_name,omitempty"`
	Title        string    `json:"title"`
	Due          data.Date `json:"due"`
	Done         bool      `json:"done"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	SnoozedUntil data.Date `json:"snoozed_until,omitzero"`
	Overdue      bool      `json:"overdue"`
}

func taskView(k data.Task, name string, today data.Date) taskJSON {
	return taskJSON{ID: k.ID, ContactID: k.ContactID, DisplayName: name, Title: k.Title, Due: k.Due,
		Done: !k.DoneAt.IsZero(), DoneAt: k.DoneAt, SnoozedUntil: k.SnoozedUntil,
		Overdue: k.DoneAt.IsZero() && k.Due.Time().Before(today.Time())}
}

type summaryJSON struct {
	Visits            int       `json:"visits"`
	LastVisit         time.Time `json:"last_visit,omitzero"`
	LastContact       time.Time `json:"last_contact,omitzero"`
	Purchases         int       `json:"purchases"`
	TotalSpend        string    `json:"total_spend,omitempty"` // decimal, in Currency
	TotalSpendMinor   int64     `json:"total_spend_minor"`
	AverageSpend      string    `json:"average_spend,omitempty"`
	AverageSpendMinor int64     `json:"average_spend_minor"`
	Currency          string    `json:"currency,omitempty"`
	UsualIntervalDays int       `json:"usual_interval_days"`
}

func summaryView(s data.Summary) summaryJSON {
	v := summaryJSON{Visits: s.Visits, LastVisit: s.LastVisit, LastContact: s.LastContact, Purchases: s.Purchases,
		TotalSpendMinor: s.TotalSpendMinor, AverageSpendMinor: s.AverageSpendMinor, Currency: s.Currency,
		UsualIntervalDays: s.UsualIntervalDays}
	if s.Currency != "" {
		v.TotalSpend = formatAmount(s.TotalSpendMinor, s.Currency)
		v.AverageSpend = formatAmount(s.AverageSpendMinor, s.Currency)
	}
	return v
}
