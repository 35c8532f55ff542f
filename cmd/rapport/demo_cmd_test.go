package main

import (
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	s := newShop(t)
	out := s.ok("demo", "--clients", "40", "--seed", "7")
	if !strings.Contains(out, "Generated 40 clients (seed 7)") {
		t.Errorf("demo printed %q", out)
	}
	var list []map[string]any
	s.json(&list, "contact", "list", "--json")
	if len(list) != 40 {
		t.Errorf("demo made %d clients, want 40", len(list))
	}
	// The generated clients are searchable like any others.
	name := list[0]["display_name"].(string)
	var found []map[string]any
	s.json(&found, "contact", "search", strings.Fields(name)[0], "--json")
	if len(found) == 0 {
		t.Errorf("search for %q found nothing", name)
	}
	if r := s.run("demo", "--clients", "10"); r.code != 1 || !strings.Contains(r.err, "already holds 40 clients") {
		t.Errorf("demo on a full database: exit %d, %q", r.code, r.err)
	}
	if r := s.run("demo", "--clients", "0"); r.code != 2 {
		t.Errorf("demo --clients 0: exit %d, want 2", r.code)
	}
}
