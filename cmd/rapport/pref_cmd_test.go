package main

import (
	"testing"
)

func TestPrefSet(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	first := s.id("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38 EU")
	var p struct {
		ID, Category, Subject, Value, Confirmed string
		Stale                                   bool
	}
	// The same category and subject again updates the preference.
	s.json(&p, "pref", "set", anna, "--category", "Size", "--subject", "Dress", "--value", "40 EU")
	if p.ID != first || p.Category != "size" || p.Value != "40 EU" || p.Confirmed != "2026-03-10" || p.Stale {
		t.Errorf("pref set --json %+v, want %s updated", p, first)
	}
	s.id("pref", "set", anna, "--category", "dislike", "--value", "wool")
	prefs := s.show(anna)["preferences"].([]any)
	if len(prefs) != 2 {
		t.Fatalf("preferences %v", prefs)
	}
	if r := s.run("pref", "set", anna, "--category", "size"); r.code != 2 {
		t.Errorf("pref set without --value: exit %d", r.code)
	}
}

func TestConsentSet(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.ok("consent", "set", anna, "--channel", "email", "--status", "in", "--max-per-month", "2", "--source", "in shop, signed form")
	s.ok("consent", "set", anna, "--channel", "email", "--status", "out")
	s.ok("consent", "set", anna, "--channel", "SMS", "--status", "in")
	consent := s.show(anna)["consent"].([]any)
	if len(consent) != 2 {
		t.Fatalf("consent %v", consent)
	}
	email := consent[0].(map[string]any)
	if email["channel"] != "email" || email["status"] != "out" {
		t.Errorf("e-mail consent %v", email)
	}
	history := email["history"].([]any)
	if len(history) != 2 || history[0].(map[string]any)["source"] != "in shop, signed form" || history[0].(map[string]any)["recorded_by"] != "Mia" {
		t.Errorf("history %v", history)
	}
	if sms := consent[1].(map[string]any); sms["channel"] != "sms" || sms["status"] != "in" {
		t.Errorf("sms consent %v", sms)
	}
	if r := s.run("consent", "set", anna, "--channel", "email"); r.code != 2 {
		t.Errorf("consent set without --status: exit %d", r.code)
	}
}
