package main

import (
	"time"

	"rapport/data"
	"rapport/data/privacyzip"
)

// The JSON that --json prints: snake_case, lists always present ([] rather
// than null), dates as YYYY-MM-DD or --MM-DD, times as RFC 3339 with offset.

// The forms of single records are those the privacy export packs; the names
// here keep the command's code short.
type (
	contactJSON     = privacyzip.Contact
	dateJSON        = privacyzip.Date
	preferenceJSON  = privacyzip.Preference
	interactionJSON = privacyzip.Interaction
	appointmentJSON = privacyzip.Appointment
	taskJSON        = privacyzip.Task
)

func contactView(c *data.Contact) contactJSON { return privacyzip.ContactForm(c) }

func dateView(d data.ImportantDate) dateJSON { return privacyzip.DateForm(d) }

func preferenceView(p data.Preference, today data.Date) preferenceJSON {
	return privacyzip.PreferenceForm(p, today)
}

func interactionView(in data.Interaction, loc *time.Location) interactionJSON {
	return privacyzip.InteractionForm(in, loc)
}

func appointmentView(a data.Appointment, name string) appointmentJSON {
	return privacyzip.AppointmentForm(a, name)
}

func taskView(k data.Task, name string, today data.Date) taskJSON {
	return privacyzip.TaskForm(k, name, today)
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
