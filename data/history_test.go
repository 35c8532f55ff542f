package data

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// syncAll sends every operation of from's outbox after *seq to to.
func syncAll(t *testing.T, from, to *Store, seq *int64) {
	t.Helper()
	ctx := context.Background()
	ops, last, err := from.Outbox(ctx, *seq, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	*seq = last
	if _, err := to.ApplyRemote(ctx, ops); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryShowsEveryChange(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	a.Staff, b.Staff = "Mia", "Ben"
	if err := a.SetDeviceName(ctx, b.DeviceID(), "Till"); err != nil {
		t.Fatal(err)
	}
	c := &Contact{Given: "Anna", Family: "Keller", Emails: []Email{{Address: "anna@example.com"}}, Tags: []string{"VIP"}, Photo: []byte{1, 2, 3}}
	must(t, a.SaveContact(ctx, c))
	c.Given = "Annie"
	must(t, a.SaveContact(ctx, c))
	must(t, a.SetPreference(ctx, &Preference{ContactID: c.ID, Category: "size", Subject: "dress", Value: "38 EU"}))
	must(t, a.SetPreference(ctx, &Preference{ContactID: c.ID, Category: "size", Subject: "dress", Value: "40 EU"}))
	must(t, a.SetConsent(ctx, c.ID, "email", "in", 2, "signed form"))
	must(t, a.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "purchase", AmountMinor: 12000, Currency: "EUR", Summary: "Dress", Staff: "Lea"}))
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	appt := &Appointment{ContactID: c.ID, Start: at, End: at.Add(time.Hour), Purpose: "Fitting"}
	must(t, a.AddAppointment(ctx, appt))
	must(t, a.AddImportantDate(ctx, &ImportantDate{ContactID: c.ID, Kind: "anniversary", Date: Date{Year: 2010, Month: 6, Day: 5}, Yearly: true, LeadDays: 7}))
	task := &Task{ContactID: c.ID, Title: "Call about the hem", Due: Date{Year: 2026, Month: 3, Day: 20}}
	must(t, a.AddTask(ctx, task))
	must(t, a.CompleteTask(ctx, task.ID))
	must(t, a.DeleteContact(ctx, c.ID))
	must(t, a.RestoreContact(ctx, c.ID))

	// An edit made on the other computer, once it has everything of A's.
	var seqA, seqB int64
	syncAll(t, a, b, &seqA)
	bc, err := b.Contact(ctx, c.ID)
	must(t, err)
	bc.Notes = "Prefers linen"
	must(t, b.SaveContact(ctx, bc))
	syncAll(t, b, a, &seqB)

	// Another client's changes are not in Anna's history.
	must(t, a.SaveContact(ctx, &Contact{Given: "Bea", Family: "Roth"}))

	hist, err := a.History(ctx, c.ID)
	must(t, err)
	for i := 1; i < len(hist); i++ {
		if hist[i].At.After(hist[i-1].At) {
			t.Fatalf("history not newest first: %v after %v", hist[i].At, hist[i-1].At)
		}
	}
	for _, tc := range []struct {
		name                 string
		table, action, field string
		old, new             string
		oldKnown             bool
		staff                string
		local                bool
		deviceName           string
	}{
		{"ContactCreated", "contact", "created", "given", "", "Anna", false, "Mia", true, ""},
		{"PhotoBySize", "contact", "created", "photo", "", "(3 bytes)", false, "Mia", true, ""},
		{"NameChanged", "contact", "changed", "given", "Anna", "Annie", true, "Mia", true, ""},
		{"EmailAdded", "contact_email", "created", "address", "", "anna@example.com", false, "Mia", true, ""},
		{"Tagged", "contact_tag", "created", "tag", "", "VIP", false, "Mia", true, ""},
		{"PreferenceChanged", "preference", "changed", "value", "38 EU", "40 EU", true, "Mia", true, ""},
		{"ConsentGiven", "consent", "created", "status", "", "in", false, "Mia", true, ""},
		{"ConsentHistory", "consent_event", "created", "source", "", "signed form", false, "Mia", true, ""},
		{"PurchaseLogged", "interaction", "created", "amount_minor", "", "12000", false, "Mia", true, ""},
		{"AppointmentBooked", "appointment", "created", "purpose", "", "Fitting", false, "Mia", true, ""},
		{"DateAdded", "important_date", "created", "kind", "", "anniversary", false, "Mia", true, ""},
		{"TaskAdded", "task", "created", "title", "", "Call about the hem", false, "Mia", true, ""},
		{"TaskDone", "task", "changed", "done_at", "", "2026-03-10T09:30:00.000Z", true, "Mia", true, ""},
		{"Deleted", "contact", "deleted", "", "", "", false, "Mia", true, ""},
		{"Restored", "contact", "restored", "", "", "", false, "Mia", true, ""},
		{"EditedElsewhere", "contact", "changed", "notes", "", "Prefers linen", true, "Ben", false, "Till"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, e := range hist {
				if e.Table != tc.table || e.Action != tc.action {
					continue
				}
				if tc.field == "" {
					if e.Staff != tc.staff || e.ThisComputer != tc.local {
						t.Errorf("%s %s by %q, this computer %v; want %q, %v", e.Table, e.Action, e.Staff, e.ThisComputer, tc.staff, tc.local)
					}
					return
				}
				for _, f := range e.Changes {
					if f.Field != tc.field || f.New != tc.new {
						continue
					}
					if f.Old != tc.old || f.OldKnown != tc.oldKnown {
						t.Errorf("%s.%s: old %q (known %v), want %q (%v)", tc.table, tc.field, f.Old, f.OldKnown, tc.old, tc.oldKnown)
					}
					if e.Staff != tc.staff || e.ThisComputer != tc.local {
						t.Errorf("%s.%s by %q, this computer %v; want %q, %v", tc.table, tc.field, e.Staff, e.ThisComputer, tc.staff, tc.local)
					}
					wantDev := a.DeviceID()
					if !tc.local {
						wantDev = b.DeviceID()
					}
					if e.Device != wantDev || tc.deviceName != "" && e.DeviceName != tc.deviceName {
						t.Errorf("%s.%s on %s %q, want %s %q", tc.table, tc.field, e.Device, e.DeviceName, wantDev, tc.deviceName)
					}
					if e.At.IsZero() {
						t.Errorf("%s.%s has no time", tc.table, tc.field)
					}
					return
				}
			}
			t.Errorf("no %s %s of %s = %q in the history:\n%s", tc.table, tc.action, tc.field, tc.new, renderHistory(hist))
		})
	}
	t.Run("OnlyThisClient", func(t *testing.T) {
		if s := renderHistory(hist); strings.Contains(s, "Bea") {
			t.Errorf("another client's change in the history:\n%s", s)
		}
	})
	t.Run("StaffOfTheInteraction", func(t *testing.T) {
		// An operation without a staff name falls back to the entry's own.
		b.Staff = ""
		must(t, b.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "visit", Staff: "Lea"}))
		syncAll(t, b, a, &seqB)
		hist, err := a.History(ctx, c.ID)
		must(t, err)
		if e := hist[0]; e.Table != "interaction" || e.Staff != "Lea" || e.ThisComputer {
			t.Errorf("newest entry %+v, want the visit by Lea from the other computer", e)
		}
	})
	t.Run("SameOnBothComputers", func(t *testing.T) {
		ha, err := a.History(ctx, c.ID)
		must(t, err)
		hb, err := b.History(ctx, c.ID)
		must(t, err)
		if len(ha) != len(hb) {
			t.Errorf("%d entries on A, %d on B", len(ha), len(hb))
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := a.History(ctx, "0190e0c0-0000-7000-8000-00000000dead"); !errors.Is(err, ErrNotFound) {
			t.Errorf("history of no one: %v", err)
		}
	})
}

func renderHistory(h []HistoryEntry) string {
	var b strings.Builder
	for _, e := range h {
		b.WriteString(e.At.Format(time.RFC3339) + " " + e.Action + " " + e.Table + " by " + e.Staff + ":")
		for _, f := range e.Changes {
			b.WriteString(" " + f.Field + "=" + f.Old + "->" + f.New)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHistoryOfChangesMadeBeforeTheUpgrade: operations recorded before the
// schema had staff names and the log of remote ones still make a history.
func TestHistoryOfChangesMadeBeforeTheUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := openAt(ctx, path, 4)
	must(t, err)
	id := "0190e0c0-0000-7000-8000-000000000001"
	for _, q := range []string{
		`INSERT INTO contact(id, given, family, display_name, cl, stamp) VALUES('` + id + `', 'Chloé', 'Martin', 'Chloé Martin', 1, '')`,
		`INSERT INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json) VALUES('0190e0c0-0000-7000-8000-0000000000a1', '019a000000000000', 'contact', '` + id + `', 1, '{"given":"Chloé","family":"Martin"}')`,
	} {
		if _, err := old.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	s, err := Open(ctx, path)
	must(t, err)
	defer s.Close()
	hist, err := s.History(ctx, id)
	must(t, err)
	if len(hist) != 1 || hist[0].Action != "created" || hist[0].Staff != "" || !hist[0].ThisComputer || len(hist[0].Changes) != 2 {
		t.Errorf("history after the upgrade: %+v", hist)
	}
}
