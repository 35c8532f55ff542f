package privacyzip

import (
	"strconv"
	"strings"
	"time"

	"rapport/data"
)

// The JSON forms of a client's records: snake_case, lists always present ([]
// rather than null), dates as YYYY-MM-DD or --MM-DD, times as RFC 3339 with
// offset. The command line's --json prints these same forms, so that the copy
// a client receives reads like what a script sees.

// Email is a contact's e-mail address.
type Email struct {
	Address   string `json:"address"`
	Label     string `json:"label"`
	Preferred bool   `json:"preferred"`
}

// Phone is a contact's phone number, as typed and normalised.
type Phone struct {
	Number    string `json:"number"`
	E164      string `json:"e164"`
	Label     string `json:"label"`
	Preferred bool   `json:"preferred"`
}

// Address is a contact's postal address.
type Address struct {
	Street     string `json:"street"`
	Locality   string `json:"locality"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	Label      string `json:"label"`
	Preferred  bool   `json:"preferred"`
}

// URL is a contact's web link.
type URL struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// Contact is a contact as lists and searches print it.
type Contact struct {
	ID           string    `json:"id"`
	DisplayName  string    `json:"display_name"`
	Given        string    `json:"given"`
	Family       string    `json:"family"`
	Nickname     string    `json:"nickname"`
	Organization string    `json:"organization"`
	Title        string    `json:"title"`
	Emails       []Email   `json:"emails"`
	Phones       []Phone   `json:"phones"`
	Addresses    []Address `json:"addresses"`
	URLs         []URL     `json:"urls"`
	Tags         []string  `json:"tags"`
	Birthday     data.Date `json:"birthday"`
	Notes        string    `json:"notes"`
	Source       string    `json:"source,omitempty"`
	Created      time.Time `json:"created,omitzero"`
	Updated      time.Time `json:"updated,omitzero"`
	Deleted      bool      `json:"deleted"`
	MergedInto   string    `json:"merged_into,omitempty"`
}

// ContactForm is c in its JSON form.
func ContactForm(c *data.Contact) Contact {
	v := Contact{
		ID: c.ID, DisplayName: c.DisplayName, Given: c.Given, Family: c.Family, Nickname: c.Nickname,
		Organization: c.Organization, Title: c.Title, Birthday: c.Birthday, Notes: c.Notes, Source: c.Source,
		Created: c.Created, Updated: c.Updated, Deleted: c.Deleted, MergedInto: c.MergedInto,
		Emails: []Email{}, Phones: []Phone{}, Addresses: []Address{}, URLs: []URL{}, Tags: []string{},
	}
	for _, e := range c.Emails {
		v.Emails = append(v.Emails, Email{e.Address, e.Label, e.Preferred})
	}
	for _, p := range c.Phones {
		v.Phones = append(v.Phones, Phone{p.Number, p.E164, p.Label, p.Preferred})
	}
	for _, a := range c.Addresses {
		v.Addresses = append(v.Addresses, Address{a.Street, a.Locality, a.Region, a.PostalCode, a.Country, a.Label, a.Preferred})
	}
	for _, u := range c.URLs {
		v.URLs = append(v.URLs, URL{u.URL, u.Label})
	}
	v.Tags = append(v.Tags, c.Tags...)
	return v
}

// Date is an important date of a client.
type Date struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Date     data.Date `json:"date"`
	Label    string    `json:"label"`
	Yearly   bool      `json:"yearly"`
	LeadDays int       `json:"lead_days"`
}

// DateForm is d in its JSON form.
func DateForm(d data.ImportantDate) Date {
	return Date{ID: d.ID, Kind: d.Kind, Date: d.Date, Label: d.Label, Yearly: d.Yearly, LeadDays: d.LeadDays}
}

// Preference is a client's preference, marked stale when a size is over a year old.
type Preference struct {
	ID        string    `json:"id"`
	Category  string    `json:"category"`
	Subject   string    `json:"subject"`
	Value     string    `json:"value"`
	Confirmed data.Date `json:"confirmed"`
	Stale     bool      `json:"stale"`
}

// PreferenceForm is p in its JSON form, stale or not as of today.
func PreferenceForm(p data.Preference, today data.Date) Preference {
	return Preference{ID: p.ID, Category: p.Category, Subject: p.Subject, Value: p.Value, Confirmed: p.Confirmed, Stale: p.Stale(today)}
}

// Interaction is an entry of a client's timeline.
type Interaction struct {
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

// InteractionForm is in in its JSON form, its time in loc.
func InteractionForm(in data.Interaction, loc *time.Location) Interaction {
	v := Interaction{ID: in.ID, ContactID: in.ContactID, Kind: in.Kind, At: in.At.In(loc), Staff: in.Staff,
		Summary: in.Summary, Body: in.Body, AmountMinor: in.AmountMinor, Currency: in.Currency, Rating: in.Rating, ReferredID: in.ReferredID}
	if in.Currency != "" {
		v.Amount = amount(in.AmountMinor, in.Currency)
	}
	return v
}

// Appointment is an appointment, with the client's name where it helps.
type Appointment struct {
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

// AppointmentForm is a in its JSON form, for the client named name.
func AppointmentForm(a data.Appointment, name string) Appointment {
	return Appointment{ID: a.ID, ContactID: a.ContactID, DisplayName: name, Start: a.Start, End: a.End, TZ: a.TZ,
		AllDay: a.AllDay, Purpose: a.Purpose, Staff: a.Staff, Status: a.Status}
}

// Task is a task or follow-up, with the client's name where it helps.
type Task struct {
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

// TaskForm is k in its JSON form, for the client named name, overdue or not as of today.
func TaskForm(k data.Task, name string, today data.Date) Task {
	return Task{ID: k.ID, ContactID: k.ContactID, DisplayName: name, Title: k.Title, Due: k.Due,
		Done: !k.DoneAt.IsZero(), DoneAt: k.DoneAt, SnoozedUntil: k.SnoozedUntil,
		Overdue: k.DoneAt.IsZero() && k.Due.Time().Before(today.Time())}
}

// amount writes minor units as a decimal in the currency's scale: 1250 EUR -> "12.50".
func amount(minor int64, code string) string {
	scale := data.CurrencyScale(code)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
