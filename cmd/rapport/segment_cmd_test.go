package main

import (
	"context"
	"strings"
	"testing"

	"rapport/data"
)

type segmentOut struct {
	Name        string         `json:"name"`
	Filter      map[string]any `json:"filter"`
	Description string         `json:"description"`
	Count       int            `json:"count"`
	Clients     []struct {
		ID          string `json:"id"`
		DisplayName string `json:"display_name"`
	} `json:"clients"`
}

// segmentShop adds Anna (VIP, dress 38, Berlin, Gold after a 600 EUR purchase),
// Ben (VIP, dress 40, Munich, a complaint) and Chloé (born in March).
func segmentShop(t *testing.T) (s *shop, anna, ben, chloe string) {
	s = newShop(t)
	s.programme()
	anna = s.anna()
	s.ok("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38 EU")
	s.address(anna, "Berlin")
	s.ok("log", anna, "--kind", "purchase", "--amount", "600", "--currency", "EUR")
	ben = s.id("contact", "add", "--given", "Ben", "--tag", "VIP")
	s.ok("pref", "set", ben, "--category", "size", "--subject", "dress", "--value", "40")
	s.ok("log", ben, "--kind", "complaint", "--at", "2026-03-01")
	chloe = s.id("contact", "add", "--given", "Chloé", "--birthday", "1990-03-01")
	return s, anna, ben, chloe
}

func TestSegmentCommands(t *testing.T) {
	s, anna, ben, chloe := segmentShop(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"tag", []string{"--tag", "vip"}, []string{anna, ben}},
		{"dress size 38", []string{"--pref", "size:dress=38"}, []string{anna}},
		{"subject and value", []string{"--pref", "dress=40"}, []string{ben}},
		{"tier", []string{"--tier", "Gold"}, []string{anna}},
		{"spend", []string{"--min-spend", "100"}, []string{anna}},
		{"at most, in the programme's currency", []string{"--max-spend", "599.99"}, []string{ben, chloe}},
		{"seen lately", []string{"--seen-within", "30"}, []string{anna}},
		{"birthday month", []string{"--birthday-month", "3"}, []string{chloe}},
		{"interaction kind", []string{"--kind", "complaint", "--kind-within", "30"}, []string{ben}},
		{"city", []string{"--city", "berlin"}, []string{anna}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "seg " + tc.name
			out := s.ok(append([]string{"segment", "save", name}, tc.args...)...)
			if !strings.Contains(out, name+": ") {
				t.Errorf("save printed %q", out)
			}
			var got segmentOut
			s.json(&got, "segment", "show", name)
			var ids []string
			for _, c := range got.Clients {
				ids = append(ids, c.ID)
			}
			if strings.Join(ids, " ") != strings.Join(tc.want, " ") || got.Count != len(tc.want) {
				t.Errorf("segment %s holds %v (count %d), want %v", name, ids, got.Count, tc.want)
			}
		})
	}
	var list []segmentOut
	s.json(&list, "segment", "list")
	if len(list) != len(tests) {
		t.Fatalf("segment list has %d, want %d", len(list), len(tests))
	}
	text := s.ok("segment", "show", "seg dress size 38")
	if !strings.Contains(text, "seg dress size 38: dress size 38 (1 client)") || !strings.Contains(text, "Anna Keller") {
		t.Errorf("segment show:\n%s", text)
	}
	if text := s.ok("segment", "list"); !strings.Contains(text, "tier Gold") || !strings.Contains(text, "spent at most 599.99 EUR in 12 months") {
		t.Errorf("segment list:\n%s", text)
	}
	// A tier removed from the programme makes its segment unusable, not the list.
	s.ok("loyalty", "programme", "--remove-tier", "Gold")
	if text := s.ok("segment", "list"); !strings.Contains(text, `cannot be used: tier "Gold": not found`) || !strings.Contains(text, "seg city") {
		t.Errorf("segment list with a removed tier:\n%s", text)
	}
	s.ok("segment", "delete", "seg city")
	if r := s.run("segment", "show", "seg city"); r.code != 1 {
		t.Errorf("a deleted segment: exit %d %q", r.code, r.err)
	}
	for _, bad := range [][]string{
		{"segment", "save", "x", "--pref", "size"},
		{"segment", "save"},
	} {
		if r := s.run(bad...); r.code != 2 {
			t.Errorf("%v: exit %d %q", bad, r.code, r.err)
		}
	}
	if r := s.run("segment", "save", "x", "--tier", "Platinum"); r.code != 1 || !strings.Contains(r.err, "Platinum") {
		t.Errorf("unknown tier: exit %d %q", r.code, r.err)
	}
}

// address gives a client a postal address in city (the command line has no
// flag for addresses; they come from imports and the app).
func (s *shop) address(id, city string) {
	s.t.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, s.db)
	if err != nil {
		s.t.Fatal(err)
	}
	defer st.Close()
	ct, err := st.Contact(ctx, id)
	if err != nil {
		s.t.Fatal(err)
	}
	ct.Addresses = append(ct.Addresses, data.Address{Street: "Torstraße 1", PostalCode: "10119", Locality: city})
	if err := st.SaveContact(ctx, ct); err != nil {
		s.t.Fatal(err)
	}
}
