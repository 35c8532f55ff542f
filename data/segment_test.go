package data

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// segmentShop is a small book to filter: Anna (VIP, dress 38 EU, Berlin,
// born in March, Gold, seen last week, complained), Ben (VIP, dress 40,
// Munich, born in June, Silver, last seen 200 days ago), Chloé (shoes 38,
// "berlin", born in March, never came in) and Dora (VIP, deleted).
func segmentShop(t *testing.T) (*Store, map[string]string) {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	withProgramme(t, s)
	now := s.Now()
	names := map[string]string{}
	add := func(c *Contact) string {
		id := mustContact(t, s, c)
		names[id] = c.Given
		return id
	}
	pref := func(id, category, subject, value string) {
		if err := s.SetPreference(ctx, &Preference{ContactID: id, Category: category, Subject: subject, Value: value}); err != nil {
			t.Fatal(err)
		}
	}
	log := func(id, kind string, when time.Time) {
		if err := s.LogInteraction(ctx, &Interaction{ContactID: id, Kind: kind, At: when}); err != nil {
			t.Fatal(err)
		}
	}
	anna := add(&Contact{Given: "Anna", Tags: []string{"VIP"}, Birthday: Date{1986, 3, 13},
		Addresses: []Address{{Street: "Torstraße 1", Locality: "Berlin"}}})
	pref(anna, "size", "dress", "38 EU")
	buy(t, s, anna, 60000, "EUR", now.AddDate(0, 0, -7))
	log(anna, "complaint", now.AddDate(0, 0, -6))
	ben := add(&Contact{Given: "Ben", Tags: []string{"vip"}, Birthday: Date{0, 6, 2},
		Addresses: []Address{{Street: "Leopoldstraße 5", Locality: "München"}}})
	pref(ben, "size", "dress", "40")
	pref(ben, "colour", "", "380 navy") // a value starting with "38" that is not 38
	buy(t, s, ben, 25000, "EUR", now.AddDate(0, 0, -200))
	chloe := add(&Contact{Given: "Chloé", Birthday: Date{1990, 3, 1},
		Addresses: []Address{{Street: "Kastanienallee 9", Locality: "berlin"}}})
	pref(chloe, "size", "shoes", "38")
	pref(chloe, "fabric", "Écharpe", "Soie")
	pref(chloe, "colour", "robe", "Bleu marine")
	dora := add(&Contact{Given: "Dora", Tags: []string{"VIP"}, Birthday: Date{0, 3, 5}})
	pref(dora, "size", "dress", "38")
	if err := s.DeleteContact(ctx, dora); err != nil {
		t.Fatal(err)
	}
	return s, names
}

func ptr(n int64) *int64 { return &n }

func TestSegmentFilters(t *testing.T) {
	ctx := context.Background()
	s, names := segmentShop(t)
	tests := []struct {
		name   string
		filter SegmentFilter
		want   string // given names in name order
	}{
		{"no filter: every live client", SegmentFilter{}, "Anna Ben Chloé"},
		{"tag, case aside", SegmentFilter{Tags: []string{"Vip"}}, "Anna Ben"},
		{"every tag must hold", SegmentFilter{Tags: []string{"VIP", "Bride"}}, ""},
		{"dress size 38", SegmentFilter{Preferences: []PreferenceFilter{{Category: "size", Subject: "dress", Value: "38"}}}, "Anna"},
		{"size 38 of anything", SegmentFilter{Preferences: []PreferenceFilter{{Category: "size", Value: "38"}}}, "Anna Chloé"},
		{"whole value, case aside", SegmentFilter{Preferences: []PreferenceFilter{{Value: "38 eu"}}}, "Anna"},
		{"a value is matched by words, not letters", SegmentFilter{Preferences: []PreferenceFilter{{Value: "3"}}}, ""},
		{"subject alone", SegmentFilter{Preferences: []PreferenceFilter{{Subject: "Dress"}}}, "Anna Ben"},
		{"accents and case aside", SegmentFilter{Preferences: []PreferenceFilter{{Subject: "echarpe", Value: "SOIE"}}}, "Chloé"},
		{"the first word of a value, case aside", SegmentFilter{Preferences: []PreferenceFilter{{Value: "bleu"}}}, "Chloé"},
		{"tier Gold", SegmentFilter{Tier: "gold"}, "Anna"},
		{"tier Silver stops below Gold", SegmentFilter{Tier: "Silver"}, "Ben"},
		{"spend from 300", SegmentFilter{MinSpendMinor: ptr(30000)}, "Anna"},
		{"spend up to 250, the bound included", SegmentFilter{MaxSpendMinor: ptr(25000)}, "Ben Chloé"},
		{"spend from exactly 600", SegmentFilter{MinSpendMinor: ptr(60000)}, "Anna"},
		{"spent nothing", SegmentFilter{MaxSpendMinor: ptr(0)}, "Chloé"},
		{"a spend range", SegmentFilter{MinSpendMinor: ptr(20000), MaxSpendMinor: ptr(59999)}, "Ben"},
		{"spend in another currency", SegmentFilter{MinSpendMinor: ptr(1), Currency: "CHF"}, ""},
		{"seen in the last 30 days", SegmentFilter{SeenWithinDays: 30}, "Anna"},
		{"not seen for 90 days", SegmentFilter{NotSeenDays: 90}, "Ben"},
		{"born in March", SegmentFilter{BirthdayMonth: 3}, "Anna Chloé"},
		{"complained", SegmentFilter{Kinds: []string{"complaint"}}, "Anna"},
		{"bought in the last 30 days", SegmentFilter{Kinds: []string{"purchase"}, KindWithinDays: 30}, "Anna"},
		{"bought ever", SegmentFilter{Kinds: []string{"purchase"}}, "Anna Ben"},
		{"city, case aside", SegmentFilter{City: "BERLIN"}, "Anna Chloé"},
		{"city, accents and case aside", SegmentFilter{City: " munchen "}, "Ben"},
		{"city, whole name only", SegmentFilter{City: "Berl"}, ""},
		{"everything together", SegmentFilter{Tags: []string{"VIP"}, City: "Berlin", BirthdayMonth: 3, Tier: "Gold",
			Preferences: []PreferenceFilter{{Category: "size", Subject: "dress", Value: "38"}}, Kinds: []string{"complaint"}, SeenWithinDays: 30}, "Anna"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, err := s.SegmentMembers(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, id := range ids {
				got = append(got, names[id])
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), tc.want)
			}
			if n, err := s.SegmentCount(ctx, tc.filter); err != nil || n != len(ids) {
				t.Errorf("count %d %v, want %d", n, err, len(ids))
			}
		})
	}
}

func TestSegmentFilterErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := segmentShop(t)
	for name, tc := range map[string]struct {
		f    SegmentFilter
		want error
	}{
		"unknown tier":          {SegmentFilter{Tier: "Platinum"}, ErrNotFound},
		"unknown kind":          {SegmentFilter{Kinds: []string{"party"}}, ErrInvalid},
		"month 13":              {SegmentFilter{BirthdayMonth: 13}, ErrInvalid},
		"unknown category":      {SegmentFilter{Preferences: []PreferenceFilter{{Category: "mood", Value: "x"}}}, ErrInvalid},
		"empty preference":      {SegmentFilter{Preferences: []PreferenceFilter{{}}}, ErrInvalid},
		"tier in another money": {SegmentFilter{Tier: "Gold", Currency: "CHF"}, ErrInvalid},
	} {
		if _, err := s.SegmentMembers(ctx, tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	fresh := openTest(t)
	if _, err := fresh.SegmentMembers(ctx, SegmentFilter{MinSpendMinor: ptr(100)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("spend without a currency or programme: %v, want ErrInvalid", err)
	}
}

func TestSegmentSaveListDeleteAndSync(t *testing.T) {
	ctx := context.Background()
	s, backRoom := openTest(t), openTest(t)
	berlin := SegmentFilter{City: "Berlin", Preferences: []PreferenceFilter{{Category: "size", Subject: "dress", Value: "38"}}}
	if err := s.SaveSegment(ctx, "Berlin 38", berlin); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSegment(ctx, "birthdays", SegmentFilter{BirthdayMonth: 4}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSegment(ctx, " ", SegmentFilter{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a segment without a name: %v", err)
	}
	// Saving under the same name, case aside, replaces it.
	if err := s.SaveSegment(ctx, "Birthdays", SegmentFilter{BirthdayMonth: 5}); err != nil {
		t.Fatal(err)
	}
	aSeq, bSeq := syncBoth(t, s, backRoom, 0, 0)
	for name, st := range map[string]*Store{"here": s, "after sync": backRoom} {
		list, err := st.Segments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "Berlin 38" || list[1].Name != "Birthdays" || list[1].Filter.BirthdayMonth != 5 {
			t.Errorf("%s: segments %+v", name, list)
		}
		got, err := st.SegmentByName(ctx, "berlin 38")
		if err != nil || got.Filter.City != "Berlin" || len(got.Filter.Preferences) != 1 || got.Filter.Preferences[0].Value != "38" {
			t.Errorf("%s: segment %+v %v", name, got, err)
		}
	}
	if err := backRoom.DeleteSegment(ctx, "birthdays"); err != nil {
		t.Fatal(err)
	}
	if err := backRoom.DeleteSegment(ctx, "birthdays"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	syncBoth(t, s, backRoom, aSeq, bSeq)
	if _, err := s.SegmentByName(ctx, "Birthdays"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted segment after sync: %v", err)
	}
	// Saved again, it comes back.
	if err := s.SaveSegment(ctx, "Birthdays", SegmentFilter{BirthdayMonth: 6}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SegmentByName(ctx, "Birthdays"); err != nil || got.Filter.BirthdayMonth != 6 {
		t.Errorf("saved again: %+v %v", got, err)
	}
}

// TestLoyaltyMigrationSteps: the loyalty schema is steps 6 and 7, which
// databases already carry; they must stay where they are.
func TestLoyaltyMigrationSteps(t *testing.T) {
	steps, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 7 || !strings.Contains(steps[5], "CREATE TABLE loyalty_entry") || !strings.Contains(steps[6], "CREATE TABLE loyalty_balance") {
		t.Errorf("steps 6 and 7 are not the loyalty schema")
	}
}

// A filter saved by a newer Rapport, with a condition this one does not
// know, must not be read as the conditions it does know: the segment would
// hold more clients than it should.
func TestSegmentWithAnUnknownConditionIsNotUsed(t *testing.T) {
	ctx := context.Background()
	s, newer := openTest(t), openTest(t)
	mustContact(t, s, &Contact{Given: "Anna"})
	if err := newer.SaveSegment(ctx, "German speakers", SegmentFilter{City: "Berlin"}); err != nil {
		t.Fatal(err)
	}
	ops, _, err := newer.Outbox(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ops {
		if ops[i].Table == "segment" {
			ops[i].Set["filter"] = `{"city":"Berlin","language":"de"}`
		}
	}
	if _, err := s.ApplyRemote(ctx, ops); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SegmentByName(ctx, "German speakers"); !errors.Is(err, ErrInvalid) {
		t.Errorf("reading it: %v, want ErrInvalid", err)
	}
	if _, err := s.OutreachAudience(ctx, "German speakers", "email"); !errors.Is(err, ErrInvalid) {
		t.Errorf("an outreach to it: %v, want ErrInvalid", err)
	}
	if _, err := s.SendOutreach(ctx, "German speakers", "email", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("sending to it: %v, want ErrInvalid", err)
	}
	list, err := s.Segments(ctx)
	if err != nil || len(list) != 1 || list[0].Problem == "" {
		t.Errorf("listed %+v %v, want it with its problem", list, err)
	}
}
