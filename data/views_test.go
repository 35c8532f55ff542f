package data

import (
	"context"
	"strings"
	"testing"
	"time"
)

// at fixes the store's clock.
func at(s *Store, t time.Time) { s.Now = func() time.Time { return t } }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

func mustContact(t *testing.T, s *Store, c *Contact) string {
	t.Helper()
	if err := s.SaveContact(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestUpcomingDates(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		today    time.Time
		date     ImportantDate
		days     int
		wantOn   string // "" when it must not be listed
		wantText string
	}{
		{"birthday with year, in window", day(2026, 3, 10), ImportantDate{Kind: "birthday", Date: Date{1986, 3, 13}, LeadDays: 7}, 7, "2026-03-13", "turns 40 on Friday 13 March"},
		{"year-less birthday", day(2026, 3, 10), ImportantDate{Kind: "birthday", Date: Date{0, 3, 10}, LeadDays: 7}, 7, "2026-03-10", "birthday today"},
		{"outside window and lead", day(2026, 3, 10), ImportantDate{Kind: "birthday", Date: Date{0, 4, 20}, LeadDays: 7}, 7, "", ""},
		{"long lead time shows early", day(2026, 3, 10), ImportantDate{Kind: "anniversary", Date: Date{2001, 4, 20}, LeadDays: 45}, 7, "2026-04-20", "anniversary (25 years) in 41 days (Mon 20 Apr)"},
		{"Feb 29 on Feb 28 in a common year", day(2027, 2, 25), ImportantDate{Kind: "birthday", Date: Date{1996, 2, 29}, LeadDays: 7}, 7, "2027-02-28", "turns 31 on Sunday 28 February"},
		{"Feb 29 on Feb 29 in a leap year", day(2028, 2, 25), ImportantDate{Kind: "birthday", Date: Date{0, 2, 29}, LeadDays: 7}, 7, "2028-02-29", "birthday on Tuesday 29 February"},
		{"across the new year", day(2026, 12, 28), ImportantDate{Kind: "birthday", Date: Date{2000, 1, 2}, LeadDays: 7}, 7, "2027-01-02", "turns 27 on Saturday 2 January"},
		{"one-off date in the past", day(2026, 3, 10), ImportantDate{Kind: "custom", Label: "graduation", Date: Date{2025, 3, 12}, LeadDays: 7}, 7, "", ""},
		{"one-off date ahead", day(2026, 3, 10), ImportantDate{Kind: "custom", Label: "son's graduation", Date: Date{2026, 3, 12}, LeadDays: 7}, 7, "2026-03-12", "son's graduation on Thursday 12 March"},
		{"zero lead, inside asked window", day(2026, 3, 10), ImportantDate{Kind: "birthday", Date: Date{0, 3, 20}, LeadDays: 0}, 14, "2026-03-20", "birthday in 10 days (Fri 20 Mar)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			at(s, tc.today)
			id := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller"})
			d := tc.date
			d.ContactID, d.Yearly = id, d.Kind != "custom"
			if err := s.AddImportantDate(ctx, &d); err != nil {
				t.Fatal(err)
			}
			got, err := s.UpcomingDates(ctx, tc.days)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantOn == "" {
				if len(got) != 0 {
					t.Fatalf("listed %+v, want nothing", got)
				}
				return
			}
			if len(got) != 1 || got[0].On.String() != tc.wantOn {
				t.Fatalf("got %+v, want one on %s", got, tc.wantOn)
			}
			items, err := s.Today(ctx, tc.days)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 || items[0].Detail != tc.wantText {
				t.Errorf("today = %+v, want detail %q", items, tc.wantText)
			}
		})
	}
}

func TestDueTasksAndAppointments(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at(s, day(2026, 3, 10))
	id := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller"})
	tasks := map[string]*Task{
		"overdue": {ContactID: id, Title: "Call about alterations", Due: Date{2026, 3, 8}},
		"today":   {Title: "Order linen", Due: Date{2026, 3, 10}},
		"later":   {Title: "Inventory", Due: Date{2026, 4, 30}},
		"snoozed": {Title: "Snoozed", Due: Date{2026, 3, 9}},
		"done":    {Title: "Done", Due: Date{2026, 3, 9}},
	}
	for _, k := range tasks {
		if err := s.AddTask(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	s.SnoozeTask(ctx, tasks["snoozed"].ID, Date{2026, 3, 12})
	s.CompleteTask(ctx, tasks["done"].ID)
	due, err := s.DueTasks(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].ID != tasks["overdue"].ID || !due[0].Overdue || due[1].ID != tasks["today"].ID || due[1].Overdue {
		t.Errorf("due tasks = %+v", due)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	a := &Appointment{ContactID: id, Start: time.Date(2026, 3, 11, 14, 0, 0, 0, paris), End: time.Date(2026, 3, 11, 15, 0, 0, 0, paris), TZ: "Europe/Paris", Purpose: "fitting"}
	if err := s.AddAppointment(ctx, a); err != nil {
		t.Fatal(err)
	}
	items, err := s.Today(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, it := range items {
		if it.Kind == "appointment" {
			found = true
			if it.Date.String() != "2026-03-11" || !strings.Contains(it.Detail, "fitting") {
				t.Errorf("appointment item = %+v", it)
			}
		}
	}
	if !found {
		t.Errorf("appointment missing from today: %+v", items)
	}
	if err := s.SetAppointmentStatus(ctx, a.ID, "done"); err != nil {
		t.Fatal(err)
	}
	tl, _ := s.Interactions(ctx, id, 0)
	if len(tl) != 1 || tl[0].Kind != "visit" || tl[0].Summary != "fitting" {
		t.Errorf("done appointment gave timeline %+v, want one visit", tl)
	}
}

func TestClientFiguresAndRepurchase(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at(s, day(2026, 3, 10))
	regular := mustContact(t, s, &Contact{Given: "Marta", Family: "Nowak"})
	lapsed := mustContact(t, s, &Contact{Given: "Ines", Family: "Duarte"})
	// Marta buys every 30 days; the last purchase was 28 days ago.
	for _, ago := range []int{88, 58, 28} {
		if err := s.LogInteraction(ctx, &Interaction{ContactID: regular, Kind: "purchase", At: day(2026, 3, 10).AddDate(0, 0, -ago), AmountMinor: 10000, Currency: "EUR"}); err != nil {
			t.Fatal(err)
		}
	}
	s.LogInteraction(ctx, &Interaction{ContactID: regular, Kind: "visit", At: day(2026, 3, 10).AddDate(0, 0, -28)})
	s.LogInteraction(ctx, &Interaction{ContactID: lapsed, Kind: "visit", At: day(2025, 10, 1)})

	sum, err := s.ClientSummary(ctx, regular)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Visits != 3 || sum.Purchases != 3 || sum.TotalSpendMinor != 30000 || sum.AverageSpendMinor != 10000 || sum.UsualIntervalDays != 30 || sum.Currency != "EUR" {
		t.Errorf("summary = %+v (a visit and a purchase on one day are one visit)", sum)
	}
	rep, err := s.RepurchaseDue(ctx, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 1 || rep[0].ContactID != regular || rep[0].Due.String() != "2026-03-12" {
		t.Errorf("repurchase due = %+v", rep)
	}
	ns, err := s.NotSeen(ctx, 90, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].ContactID != lapsed {
		t.Errorf("not seen = %+v", ns)
	}
	months, err := s.MonthlyFigures(ctx, Date{2025, 12, 1}, Date{2026, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 4 || months[1].Month != "2026-01" || months[1].Purchases != 1 || months[1].Revenue["EUR"] != 10000 || months[3].NewClients != 2 {
		t.Errorf("monthly = %+v", months)
	}
}

func TestContactable(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at(s, day(2026, 3, 10))
	in := mustContact(t, s, &Contact{Given: "A", Emails: []Email{{Address: "a@example.com"}}})
	out := mustContact(t, s, &Contact{Given: "B", Emails: []Email{{Address: "b@example.com"}}})
	unknown := mustContact(t, s, &Contact{Given: "C", Emails: []Email{{Address: "c@example.com"}}})
	capped := mustContact(t, s, &Contact{Given: "D", Emails: []Email{{Address: "d@example.com"}}})
	noAddress := mustContact(t, s, &Contact{Given: "E"})
	for id, st := range map[string]string{in: "in", out: "out", capped: "in", noAddress: "in"} {
		max := 0
		if id == capped {
			max = 1
		}
		if err := s.SetConsent(ctx, id, "email", st, max, "in shop"); err != nil {
			t.Fatal(err)
		}
	}
	s.LogInteraction(ctx, &Interaction{ContactID: capped, Kind: "message", Category: "email", At: day(2026, 3, 1)})
	a, err := s.Contactable(ctx, "email")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Included) != 1 || a.Included[0].ContactID != in || a.Included[0].Address != "a@example.com" {
		t.Errorf("included = %+v", a.Included)
	}
	reasons := map[string]string{}
	for _, e := range a.Excluded {
		reasons[e.ContactID] = e.Reason
	}
	want := map[string]string{out: "opted out", unknown: "no consent given", capped: "monthly limit reached (1 of 1 in the last 30 days)", noAddress: "no e-mail address"}
	for id, r := range want {
		if reasons[id] != r {
			t.Errorf("reason for %s = %q, want %q", id, reasons[id], r)
		}
	}
	cs, _ := s.Consents(ctx, out)
	if len(cs) != 1 || cs[0].Status != "out" || len(cs[0].History) != 1 || cs[0].History[0].Source != "in shop" {
		t.Errorf("consent of opted-out client = %+v", cs)
	}
}

func TestMergeContacts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	keep := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller", Emails: []Email{{Address: "anna@example.ch"}}, Tags: []string{"VIP"}})
	other := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller", Organization: "Keller AG", Birthday: Date{1986, 3, 13},
		Emails: []Email{{Address: "ANNA@example.ch"}, {Address: "anna.keller@work.ch"}}, Tags: []string{"Bridal"}})
	s.SetPreference(ctx, &Preference{ContactID: other, Category: "size", Subject: "dress", Value: "38"})
	s.SetConsent(ctx, other, "sms", "out", 0, "phone call")
	s.LogInteraction(ctx, &Interaction{ContactID: other, Kind: "visit", Summary: "first visit"})
	if err := s.MergeContacts(ctx, keep, other); err != nil {
		t.Fatal(err)
	}
	c, err := s.Contact(ctx, keep)
	if err != nil {
		t.Fatal(err)
	}
	if c.Organization != "Keller AG" || c.Birthday != (Date{1986, 3, 13}) || len(c.Emails) != 2 || strings.Join(c.Tags, ",") != "Bridal,VIP" {
		t.Errorf("kept contact = %+v", c)
	}
	prefs, _ := s.Preferences(ctx, keep)
	tl, _ := s.Interactions(ctx, keep, 0)
	cons, _ := s.Consents(ctx, keep)
	dates, _ := s.ImportantDates(ctx, keep)
	if len(prefs) != 1 || len(tl) != 1 || len(cons) != 1 || cons[0].Status != "out" || len(cons[0].History) != 1 || len(dates) != 1 {
		t.Errorf("moved: prefs %v, timeline %v, consent %v, dates %v", prefs, tl, cons, dates)
	}
	o, _ := s.Contact(ctx, other)
	if !o.Deleted {
		t.Errorf("merged contact still alive")
	}
	if err := s.RestoreContact(ctx, other); err == nil {
		t.Errorf("a merged contact was restored on its own")
	}
	if n, _ := s.CountContacts(ctx, ""); n != 1 {
		t.Errorf("%d contacts after merge, want 1", n)
	}
	if r, _ := s.Search(ctx, "keller", 10); len(r) != 1 || r[0].ID != keep {
		t.Errorf("search after merge = %+v", r)
	}
}

// TestTodayCheckInDays: the check-in interval of this computer's settings
// decides who Today lists as not seen for a while.
func TestTodayCheckInDays(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at(s, day(2026, 3, 10))
	id := mustContact(t, s, &Contact{Given: "Ines", Family: "Duarte"})
	if err := s.LogInteraction(ctx, &Interaction{ContactID: id, Kind: "visit", At: day(2026, 1, 29)}); err != nil { // 40 days ago
		t.Fatal(err)
	}
	for _, tc := range []struct {
		setting string
		want    bool
	}{
		{"", false},   // 90 days by default
		{"30", true},  // a month
		{"45", false}, // 40 days is not yet 45
		{"x", false},  // unreadable: the default
	} {
		if err := s.SetLocalSetting(ctx, CheckInSetting, tc.setting); err != nil {
			t.Fatal(err)
		}
		items, err := s.Today(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, it := range items {
			got = got || it.Kind == "not-seen" && it.ContactID == id
		}
		if got != tc.want {
			t.Errorf("check-in days %q: Ines on Today %v, want %v", tc.setting, got, tc.want)
		}
	}
}
