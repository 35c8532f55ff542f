package main

import (
	"os"
	"path/filepath"
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

func TestHistoryOfAnImportedClient(t *testing.T) {
	s := newShop(t)
	card := filepath.Join(t.TempDir(), "one.vcf")
	os.WriteFile(card, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bea Roth\r\nN:Roth;Bea;;;\r\nEMAIL:bea@example.com\r\nEND:VCARD\r\n"), 0o600)
	s.ok("import", card)
	var found []struct{ ID string }
	s.json(&found, "contact", "search", "Roth")
	if len(found) != 1 {
		t.Fatalf("search after the import: %+v", found)
	}
	out := s.ok("history", found[0].ID)
	for _, want := range []string{"client created  by Mia on this computer", "given: Bea", "address: bea@example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("history of an imported client lacks %q:\n%s", want, out)
		}
	}
}
