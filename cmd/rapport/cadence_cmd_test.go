package main

import (
	"strings"
	"testing"
)

func TestCadenceCommandsMakeTasksShownOnToday(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	ben := s.id("contact", "add", "--given", "Ben", "--birthday", "--03-14")
	s.ok("log", anna, "--kind", "purchase", "--amount", "80", "--currency", "EUR", "--at", "2026-03-05", "--summary", "linen dress")
	if out := s.ok("cadence", "set", "after a purchase", "--trigger", "purchase", "--days", "7"); out != "after a purchase: 7 days after each purchase, from 2026-03-10\n" {
		t.Errorf("cadence set printed %q", out)
	}
	s.ok("cadence", "set", "birthday notes", "--trigger", "birthday", "--days", "2", "--title", "Card for")
	s.ok("cadence", "set", "vip complaints", "--trigger", "complaint", "--days", "1", "--tag", "VIP")

	var items []struct {
		Kind      string `json:"kind"`
		ContactID string `json:"contact_id"`
		Detail    string `json:"detail"`
	}
	s.json(&items, "today")
	want := map[string]bool{
		anna + " Check in: purchase of 5 Mar (linen dress), due on Thursday 12 March": true,
		ben + " Card for: birthday on Sat 14 Mar, due on Thursday 12 March":           true,
	}
	for _, it := range items {
		if it.Kind == "task" {
			if !want[it.ContactID+" "+it.Detail] {
				t.Errorf("unexpected task %s %q", it.ContactID, it.Detail)
			}
			delete(want, it.ContactID+" "+it.Detail)
		}
	}
	for w := range want {
		t.Errorf("today lacks %q", w)
	}
	// Running today again makes nothing new.
	before := s.state()
	s.ok("today")
	if s.state() != before {
		t.Error("a second today changed the book")
	}
	list := s.ok("cadence", "list")
	if !strings.Contains(list, "vip complaints    1 day after each complaint of clients tagged VIP, from 2026-03-10") {
		t.Errorf("cadence list:\n%s", list)
	}
	s.ok("cadence", "delete", "vip complaints")
	if r := s.run("cadence", "delete", "vip complaints"); r.code != 1 {
		t.Errorf("deleting twice: exit %d %q", r.code, r.err)
	}
	for _, bad := range [][]string{{"cadence", "set", "x", "--days", "3"}, {"cadence", "set", "--trigger", "purchase", "--days", "3"}} {
		if r := s.run(bad...); r.code != 2 {
			t.Errorf("%v: exit %d %q", bad, r.code, r.err)
		}
	}
	if r := s.run("cadence", "set", "x", "--trigger", "visit", "--days", "3"); r.code != 1 {
		t.Errorf("bad trigger: exit %d %q", r.code, r.err)
	}
}

func TestTodayShowsLoyalty(t *testing.T) {
	s := newShop(t)
	s.programme()
	anna := s.anna()
	s.ok("log", anna, "--kind", "purchase", "--amount", "210", "--currency", "EUR")
	out := strings.Join(strings.Fields(s.ok("today")), " ")
	for _, want := range []string{"2026-03-10 tier Anna Keller reached Silver", "2026-03-10 reward Anna Keller 210 points: Scarf, Voucher"} {
		if !strings.Contains(out, want) {
			t.Errorf("today lacks %q:\n%s", want, out)
		}
	}
}
