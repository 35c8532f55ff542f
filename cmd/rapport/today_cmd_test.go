package main

import (
	"strings"
	"testing"
)

type todayOut struct {
	Kind        string `json:"kind"`
	RefID       string `json:"ref_id"`
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Date        string `json:"date"`
	Detail      string `json:"detail"`
	Context     string `json:"context"`
	Overdue     bool   `json:"overdue"`
}

func TestToday(t *testing.T) {
	s := newShop(t)
	anna := s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--birthday", "1986-03-13")
	ben := s.id("contact", "add", "--given", "Ben", "--family", "Roth")
	s.ok("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38")
	s.ok("date", "add", ben, "--kind", "anniversary", "--date", "--03-25", "--label", "wedding", "--lead-days", "3")
	appt := s.id("appt", "add", ben, "--start", "2026-03-11 16:00", "--end", "17:00", "--purpose", "fitting")
	task := s.id("task", "add", "--title", "order linen", "--due", "2026-03-09")

	var items []todayOut
	s.json(&items, "today")
	type key struct{ kind, contact, date string }
	got := map[key]todayOut{}
	for _, it := range items {
		got[key{it.Kind, it.ContactID, it.Date}] = it
	}
	want := []struct {
		k      key
		detail string
		ref    string
	}{
		{key{"birthday", anna, "2026-03-13"}, "turns 40 on Friday 13 March", ""},
		{key{"appointment", ben, "2026-03-11"}, "tomorrow 16:00, fitting", appt},
		{key{"task", "", "2026-03-09"}, "order linen, overdue since Mon 9 Mar", task},
	}
	for _, w := range want {
		it, ok := got[w.k]
		if !ok {
			t.Errorf("today lacks %+v; has %+v", w.k, items)
			continue
		}
		if it.Detail != w.detail || w.ref != "" && it.RefID != w.ref {
			t.Errorf("%+v: detail %q ref %q, want %q %q", w.k, it.Detail, it.RefID, w.detail, w.ref)
		}
	}
	if it := got[want[0].k]; it.DisplayName != "Anna Keller" || !strings.Contains(it.Context, "dress 38") {
		t.Errorf("birthday item %+v", it)
	}
	if it := got[want[2].k]; !it.Overdue {
		t.Errorf("overdue task %+v", it)
	}
	if len(items) != 3 {
		t.Errorf("today has %d items, want 3 (the anniversary is 15 days away): %+v", len(items), items)
	}

	// A wider window takes in the anniversary.
	s.json(&items, "today", "--days", "15")
	found := false
	for _, it := range items {
		found = found || it.Kind == "anniversary" && it.Date == "2026-03-25" && it.DisplayName == "Ben Roth"
	}
	if !found {
		t.Errorf("today --days 15 lacks the anniversary: %+v", items)
	}

	out := s.ok("today")
	for _, want := range []string{"2026-03-13  birthday", "Anna Keller", "turns 40 on Friday 13 March", "dress 38",
		"task (overdue)", "(shop)", "order linen"} {
		if !strings.Contains(out, want) {
			t.Errorf("today lacks %q:\n%s", want, out)
		}
	}
	if out := newShop(t).ok("today"); out != "Nothing needs attention.\n" {
		t.Errorf("empty today %q", out)
	}
	if out := newShop(t).ok("today", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty today --json %q", out)
	}
}

func TestStats(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	gone := s.id("contact", "add", "--given", "Gone")
	s.ok("contact", "delete", gone)
	s.ok("log", anna, "--kind", "purchase", "--amount", "120", "--currency", "EUR", "--at", "2026-02-10 11:00")
	s.ok("log", anna, "--kind", "purchase", "--amount", "30.50", "--currency", "EUR")
	s.ok("log", anna, "--kind", "checkin", "--rating", "4")
	s.ok("task", "add", "--title", "order linen", "--due", "2026-03-20")

	var st struct {
		Clients      int            `json:"clients"`
		Deleted      int            `json:"deleted"`
		Interactions int            `json:"interactions"`
		OpenTasks    int            `json:"open_tasks"`
		Tags         map[string]int `json:"tags"`
		Months       []struct {
			Month     string           `json:"month"`
			Purchases int              `json:"purchases"`
			Revenue   map[string]int64 `json:"revenue_minor"`
		} `json:"months"`
	}
	s.json(&st, "stats")
	if st.Clients != 1 || st.Deleted != 1 || st.Interactions != 3 || st.OpenTasks != 1 || st.Tags["VIP"] != 1 {
		t.Errorf("stats %+v", st)
	}
	if n := len(st.Months); n != 12 || st.Months[n-1].Month != "2026-03" || st.Months[n-1].Revenue["EUR"] != 3050 || st.Months[n-2].Revenue["EUR"] != 12000 {
		t.Errorf("months %+v", st.Months)
	}
	out := s.ok("stats")
	for _, want := range []string{"Clients           1 (and 1 recently deleted)", "Open tasks        1", "Tags              VIP 1",
		"Month    Visits  Purchases  Revenue", "2026-02  ", "120.00 EUR", "2026-03  ", "30.50 EUR", "4.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lacks %q:\n%s", want, out)
		}
	}
}
