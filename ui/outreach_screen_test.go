package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rapport/data"
)

// newOutreachWindow opens the Outreach screen, counting at each change so
// the test need not wait.
func newOutreachWindow(t *testing.T, shop *testShop) (*MainWindow, fyne.Window, *OutreachScreen) {
	t.Helper()
	m, w := newTestWindow(t, shop)
	m.outreach.delay = 0
	m.show(screenOutreach)
	return m, w, m.outreach
}

func tapInDialog(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	for _, o := range w.Canvas().Overlays().List() {
		if b := findButton(o, text); b != nil {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no %q button in the dialogs; they show %q", text, dialogTexts(w))
}

func TestSegmentBuilderCountFollowsTheFilter(t *testing.T) {
	shop := newTestShop(t)
	_, w, s := newOutreachWindow(t, shop)
	requireShown(t, w, "Outreach", "Who to reach", "3 clients match")

	s.tag.SetSelected("vip")
	requireShown(t, w, "1 client matches")
	s.tag.SetSelected(anyTag)
	test.Type(s.pref, "dress=38")
	requireShown(t, w, "1 client matches")
	s.pref.SetText("dress=40")
	requireShown(t, w, "0 clients match")
	s.pref.SetText("")

	s.lastVisit.SetSelected(lastVisitIn)
	test.Type(s.visitDays, "x")
	requireShown(t, w, `Last visit: "x" is not a number of days.`)
	s.visitDays.SetText("90")
	requireShown(t, w, "1 client matches")
	s.lastVisit.SetSelected(lastVisitAny)
	s.month.SetSelected("March")
	requireShown(t, w, "1 client matches")

	t.Run("SaveAndLoad", func(t *testing.T) {
		s.askSave(nil)
		entries := dialogEntries(w)
		if len(entries) != 1 {
			t.Fatalf("the save dialog has %d entries", len(entries))
		}
		test.Type(entries[0], "March birthdays")
		entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		seg, err := shop.store.SegmentByName(context.Background(), "March birthdays")
		if err != nil || seg.Filter.BirthdayMonth != 3 {
			t.Fatalf("saved segment: %+v, %v", seg, err)
		}
		s.clearFilter()
		requireShown(t, w, "3 clients match")
		s.segments.SetSelected("March birthdays")
		if s.month.Selected != "March" {
			t.Errorf("loading the segment set the month to %q", s.month.Selected)
		}
		requireShown(t, w, "1 client matches")
		s.channel.SetSelected(channelTitle("sms"))
		requireShown(t, w, "1 client matches · 1 may be contacted by SMS", "+46701234567", "Copy numbers")
		if s.dirty {
			t.Errorf("choosing a channel counts as a change to the segment")
		}
	})

	t.Run("Delete", func(t *testing.T) {
		test.Tap(s.deleteButton)
		tapInDialog(t, w, "Delete")
		if segs, err := shop.store.Segments(context.Background()); err != nil || len(segs) != 0 {
			t.Errorf("segments after the delete: %+v, %v", segs, err)
		}
		if s.deleteButton.Visible() || s.month.Selected != "March" {
			t.Errorf("after the delete the button shows (%v) or the filter is lost (month %q)", s.deleteButton.Visible(), s.month.Selected)
		}
	})
}

func TestOutreachExclusions(t *testing.T) {
	shop := newTestShop(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(shop.store.SetConsent(ctx, shop.chidi, "email", "out", 0, "asked at the till"))
	must(shop.store.SetConsent(ctx, shop.anna, "email", "in", 0, "signed form"))
	m, w, s := newOutreachWindow(t, shop)
	requireShown(t, w, "3 clients match · 1 may be contacted by e-mail", "May be contacted (1)", "Left out (2)",
		"anna@berg.example", "Chidi Okafor", "opted out", "Mei Tanaka", "no consent given")
	if !excluded(s, shop.chidi, "opted out") {
		t.Errorf("Chidi, opted out, is not among the excluded with the reason: %+v", s.audience.Excluded)
	}

	t.Run("CopyAddresses", func(t *testing.T) {
		s.onCopy()
		if got := m.app.Clipboard().Content(); got != "anna@berg.example" {
			t.Errorf("copied %q", got)
		}
	})

	t.Run("RecordOptOut", func(t *testing.T) {
		s.includedList.Select(0)
		test.Tap(s.optOutButton)
		tapInDialog(t, w, "Record opt-out")
		if !excluded(s, shop.anna, "opted out") {
			t.Errorf("Anna is not excluded as opted out after the opt-out: %+v", s.audience.Excluded)
		}
		requireShown(t, w, "May be contacted (0)")
		if !s.sendButton.Disabled() {
			t.Errorf("Record as sent is offered for nobody")
		}
	})

	t.Run("RecordAsSent", func(t *testing.T) {
		must(shop.store.SetConsent(ctx, shop.anna, "email", "in", 1, "changed her mind"))
		s.recount()
		s.tag.SetSelected("vip")
		test.Tap(s.sendButton)
		entries := dialogEntries(w) // the segment is saved first
		test.Type(entries[0], "VIP")
		entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		entries = dialogEntries(w)
		if len(entries) != 1 {
			t.Fatalf("the record dialog has %d entries: %q", len(entries), dialogTexts(w))
		}
		test.Type(entries[0], "spring collection")
		entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		got, err := shop.store.Interactions(ctx, shop.anna, 1)
		if err != nil || len(got) != 1 || got[0].Kind != "message" || got[0].Summary != "spring collection" {
			t.Fatalf("Anna's newest entry: %+v, %v", got, err)
		}
		// Her limit of one a month is reached now, and the screen says so.
		if !excluded(s, shop.anna, "monthly limit reached") {
			t.Errorf("after the message Anna is not excluded by her limit: %+v", s.audience.Excluded)
		}
	})
}

func excluded(s *OutreachScreen, id, reason string) bool {
	for _, u := range s.audience.Excluded {
		if u.ContactID == id && strings.HasPrefix(u.Reason, reason) {
			return true
		}
	}
	return false
}

func TestAudienceCSV(t *testing.T) {
	b, err := audienceCSV(data.Audience{Included: []data.Reachable{{ContactID: "c1", DisplayName: "Berg, Anna", Address: "anna@berg.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "contact_id,name,address\nc1,\"Berg, Anna\",anna@berg.example\n"
	if string(b) != want {
		t.Errorf("csv %q, want %q", b, want)
	}
}

// While the owner is still choosing, nothing is counted: the count waits
// until the filter has stopped changing.
func TestSegmentBuilderWaitsForTheLastChange(t *testing.T) {
	shop := newTestShop(t)
	_, w, s := newOutreachWindow(t, shop)
	requireShown(t, w, "3 clients match")
	s.delay = time.Hour
	s.tag.SetSelected("vip")
	test.Type(s.town, "Stockholm")
	requireShown(t, w, "3 clients match")
	if s.timer == nil || !s.timer.Stop() {
		t.Fatal("no count is waiting for the end of the changes")
	}
	s.recount()
	requireShown(t, w, "0 clients match")
}
