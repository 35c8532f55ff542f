package main

import (
	"strings"
	"testing"
)

func TestHistoryCommand(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.ok("contact", "edit", anna, "--given", "Annie")
	s.ok("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38 EU")
	s.ok("log", anna, "--kind", "purchase", "--amount", "120", "--currency", "EUR", "--summary", "Dress")

	out := s.ok("history", anna)
	for _, want := range []string{
		"client created  by Mia on this computer",
		"given: Anna → Annie",
		"e-mail created",
		"address: anna@example.com",
		"tag created",
		"preference created",
		"value: 38 EU",
		"timeline entry created",
		"amount_minor: 12000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "timeline entry created") > strings.Index(out, "client created") {
		t.Errorf("history is not newest first:\n%s", out)
	}

	var hist []struct {
		Action, Table, Staff, Device string
		ThisComputer                 bool `json:"this_computer"`
		Changes                      []struct{ Field, Old, New string }
	}
	s.json(&hist, "history", anna[:8])
	if len(hist) < 5 || hist[0].Table != "interaction" || hist[0].Staff != "Mia" || !hist[0].ThisComputer || len(hist[0].Device) != 32 {
		t.Errorf("history --json: %+v", hist)
	}
	if r := s.run("history"); r.code != 2 {
		t.Errorf("history without an id: %+v", r)
	}
	if r := s.run("history", "0190e0c0-0000-7000-8000-00000000dead"); r.code != 1 {
		t.Errorf("history of no one: %+v", r)
	}
}
