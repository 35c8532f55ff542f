package data

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustRule(t *testing.T, s *Store, r CheckinRule) {
	t.Helper()
	if err := s.SaveCheckinRule(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
}

func applyRules(t *testing.T, s *Store, through Date) int {
	t.Helper()
	n, err := s.ApplyCheckinRules(context.Background(), through)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func taskTitles(t *testing.T, s *Store, contact string) string {
	t.Helper()
	tasks, err := s.ContactTasks(context.Background(), contact)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range tasks {
		out = append(out, k.Due.String()+" "+k.Title)
	}
	return strings.Join(out, "; ")
}

// The clock of openTest is Tuesday 10 March 2026: the rules start that day.
func TestCheckinAfterPurchase(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	if err := s.LogInteraction(ctx, &Interaction{ContactID: anna, Kind: "purchase", AmountMinor: 9900, Currency: "EUR",
		Summary: "linen dress", At: day(2026, 3, 5)}); err != nil {
		t.Fatal(err)
	}
	buy(t, s, anna, 100, "EUR", day(2025, 1, 2)) // long before the rule: never followed up
	mustRule(t, s, CheckinRule{Name: "after a purchase", Trigger: "purchase", Days: 7})

	if n := applyRules(t, s, Date{2026, 3, 11}); n != 0 {
		t.Errorf("a task due on the 12th made by the 11th (%d)", n)
	}
	if n := applyRules(t, s, Date{2026, 3, 17}); n != 1 {
		t.Fatalf("%d tasks made, want 1", n)
	}
	if got, want := taskTitles(t, s, anna), "2026-03-12 Check in: purchase of 5 Mar (linen dress)"; got != want {
		t.Errorf("tasks %q, want %q", got, want)
	}
	if n := applyRules(t, s, Date{2026, 3, 17}); n != 0 {
		t.Errorf("applying again made %d more", n)
	}
	tasks, _ := s.ContactTasks(ctx, anna)
	if err := s.CompleteTask(ctx, tasks[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := applyRules(t, s, Date{2026, 4, 1}); n != 0 {
		t.Errorf("a done task was made again (%d)", n)
	}
}

func TestCheckinAfterComplaintForATag(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	anna := mustContact(t, s, &Contact{Given: "Anna", Tags: []string{"VIP"}})
	ben := mustContact(t, s, &Contact{Given: "Ben"})
	mustRule(t, s, CheckinRule{Name: "VIP complaints", Trigger: "complaint", Days: 2, Title: "Call back", Tag: "vip"})
	for _, id := range []string{anna, ben} {
		if err := s.LogInteraction(ctx, &Interaction{ContactID: id, Kind: "complaint", Summary: "zip broke"}); err != nil {
			t.Fatal(err)
		}
	}
	applyRules(t, s, Date{2026, 3, 17})
	if got, want := taskTitles(t, s, anna), "2026-03-12 Call back: complaint of 10 Mar (zip broke)"; got != want {
		t.Errorf("Anna's tasks %q, want %q", got, want)
	}
	if got := taskTitles(t, s, ben); got != "" {
		t.Errorf("Ben, without the tag, has tasks %q", got)
	}
	// Today shows the task once it is within its window.
	items, err := s.Today(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		if it.Kind == "task" && it.ContactID == anna && strings.HasPrefix(it.Detail, "Call back: complaint of 10 Mar") {
			found = true
		}
	}
	if !found {
		t.Errorf("Today lacks the check-in task: %+v", items)
	}
}

func TestCheckinBeforeBirthday(t *testing.T) {
	s := openTest(t)
	soon := mustContact(t, s, &Contact{Given: "Anna", Birthday: Date{1986, 3, 20}})
	passed := mustContact(t, s, &Contact{Given: "Ben", Birthday: Date{0, 3, 12}}) // its task was due before the rule began
	leap := mustContact(t, s, &Contact{Given: "Chloé", Birthday: Date{1996, 2, 29}})
	mustRule(t, s, CheckinRule{Name: "birthday notes", Trigger: "birthday", Days: 7})

	applyRules(t, s, Date{2026, 3, 17})
	if got, want := taskTitles(t, s, soon), "2026-03-13 Send a birthday note: birthday on Fri 20 Mar"; got != want {
		t.Errorf("tasks %q, want %q", got, want)
	}
	if got := taskTitles(t, s, passed); got != "" {
		t.Errorf("a birthday before the rule began: %q", got)
	}
	at(s, day(2027, 2, 20))
	applyRules(t, s, Date{2027, 3, 6})
	if got, want := taskTitles(t, s, leap), "2027-02-21 Send a birthday note: birthday on Sun 28 Feb"; got != want {
		t.Errorf("Feb 29 in a common year: %q, want %q", got, want)
	}
	if got := taskTitles(t, s, passed); got != "2027-03-05 Send a birthday note: birthday on Fri 12 Mar" {
		t.Errorf("next year's birthday: %q", got)
	}
	// Tasks are made at most a month ahead, however far one asks.
	applyRules(t, s, Date{2028, 12, 31})
	for _, id := range []string{soon, passed, leap} {
		if got := taskTitles(t, s, id); strings.Contains(got, "2028-") || strings.Contains(got, "2027-04-") {
			t.Errorf("a task due beyond a month ahead was made: %q", got)
		}
	}
}

func TestCheckinRulesOnTwoComputersMakeOneTask(t *testing.T) {
	ctx := context.Background()
	shop, backRoom := openTest(t), openTest(t)
	anna := mustContact(t, shop, &Contact{Given: "Anna", Birthday: Date{0, 3, 15}})
	mustRule(t, shop, CheckinRule{Name: "birthday notes", Trigger: "birthday", Days: 3})
	aSeq, bSeq := syncBoth(t, shop, backRoom, 0, 0)
	applyRules(t, shop, Date{2026, 3, 14})
	applyRules(t, backRoom, Date{2026, 3, 14})
	syncBoth(t, shop, backRoom, aSeq, bSeq)
	for name, s := range map[string]*Store{"shop": shop, "back room": backRoom} {
		if got := taskTitles(t, s, anna); got != "2026-03-12 Send a birthday note: birthday on Sun 15 Mar" {
			t.Errorf("%s: tasks %q, want one", name, got)
		}
	}
	rules, err := backRoom.CheckinRules(ctx)
	if err != nil || len(rules) != 1 || rules[0].Since != (Date{2026, 3, 10}) {
		t.Errorf("rules after sync %+v %v", rules, err)
	}
}

func TestCheckinRuleSaveAndDelete(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for name, r := range map[string]CheckinRule{
		"no name":       {Trigger: "purchase", Days: 3},
		"bad trigger":   {Name: "x", Trigger: "visit", Days: 3},
		"negative days": {Name: "x", Trigger: "purchase", Days: -1},
	} {
		if err := s.SaveCheckinRule(ctx, &r); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	mustRule(t, s, CheckinRule{Name: "after a purchase", Trigger: "purchase", Days: 7})
	at(s, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	mustRule(t, s, CheckinRule{Name: "After a purchase", Trigger: "purchase", Days: 14}) // a change keeps its start
	rules, _ := s.CheckinRules(ctx)
	if len(rules) != 1 || rules[0].Days != 14 || rules[0].Since != (Date{2026, 3, 10}) {
		t.Errorf("rules %+v", rules)
	}
	if err := s.DeleteCheckinRule(ctx, "after a purchase"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCheckinRule(ctx, "after a purchase"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if rules, _ := s.CheckinRules(ctx); len(rules) != 0 {
		t.Errorf("rules after delete %+v", rules)
	}
}

// Each run looks back a month before the previous one, not to the rule's
// first day: a purchase logged much later with a date long past is not
// followed up, one from the last weeks is.
func TestCheckinRunsLookBackAMonth(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	mustRule(t, s, CheckinRule{Name: "after a purchase", Trigger: "purchase", Days: 7})
	at(s, day(2026, 6, 1))
	applyRules(t, s, Date{2026, 6, 8})
	for _, d := range []time.Time{day(2026, 3, 20), day(2026, 5, 20)} {
		if err := s.LogInteraction(ctx, &Interaction{ContactID: anna, Kind: "purchase", AmountMinor: 100, Currency: "EUR", At: d}); err != nil {
			t.Fatal(err)
		}
	}
	applyRules(t, s, Date{2026, 6, 8})
	if got, want := taskTitles(t, s, anna), "2026-05-27 Check in: purchase of 20 May"; got != want {
		t.Errorf("tasks %q, want %q", got, want)
	}
}
