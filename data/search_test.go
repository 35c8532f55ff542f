package data

import (
	"context"
	"testing"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	chloe := mustContact(t, s, &Contact{Given: "Chloé", Family: "Dubois", Phones: []Phone{{Number: "+33 6 12 34 56 78"}}, Tags: []string{"Bridal"}})
	marc := mustContact(t, s, &Contact{Given: "Marc", Family: "Lefèvre", Emails: []Email{{Address: "marc.lefevre@example.fr"}}, Notes: "prefers linen"})
	martina := mustContact(t, s, &Contact{Given: "Martina", Family: "Rossi", Organization: "Atelier Marc"})
	s.SetPreference(ctx, &Preference{ContactID: martina, Category: "fabric", Subject: "", Value: "cashmere"})

	tests := []struct {
		query string
		want  []string // ids in order; nil means no result
	}{
		{"chloe", []string{chloe}},
		{"CHLO", []string{chloe}},
		{"dubois chl", []string{chloe}},
		{"345678", []string{chloe}},
		{"06 12 34", []string{chloe}},
		{"+33 6 12", []string{chloe}},
		{"lefevre", []string{marc}},
		{"marc.lefevre@example", []string{marc}},
		{"bridal", []string{chloe}},
		{"cashm", []string{martina}},
		{"linen", []string{marc}},
		{"marc", []string{marc, martina}}, // a name match ranks above an organisation match
		{"zzz", nil},
		{"", nil},
		{`"*()`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, err := s.Search(ctx, tc.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("Search(%q) = %v, want %v", tc.query, names(got), tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Fatalf("Search(%q) = %v, want %v", tc.query, names(got), tc.want)
				}
			}
		})
	}
}

func names(cs []ContactSummary) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.DisplayName)
	}
	return out
}

func TestPhoneDigitSuffixes(t *testing.T) {
	got := phoneDigitSuffixes("+49 176 1234\n")
	want := "491761234 91761234 1761234 761234 61234 1234 234"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
