package main

import (
	"strings"
	"testing"
)

type interactionOut struct {
	ID          string `json:"id"`
	ContactID   string `json:"contact_id"`
	Kind        string `json:"kind"`
	At          string `json:"at"`
	Staff       string `json:"staff"`
	Summary     string `json:"summary"`
	Body        string `json:"body"`
	Amount      string `json:"amount"`
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
	Rating      int    `json:"rating"`
	ReferredID  string `json:"referred_id"`
}

func TestLog(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want interactionOut // ID, ContactID and ReferredID are checked apart
	}{
		{"visit now", []string{"--kind", "visit", "--summary", "tried the linen dress"},
			interactionOut{Kind: "visit", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Summary: "tried the linen dress"}},
		{"call at a local time", []string{"--kind", "call", "--at", "2026-03-09 17:45", "--body", "asked about sizes"},
			interactionOut{Kind: "call", At: "2026-03-09T17:45:00+01:00", Staff: "Mia", Body: "asked about sizes"}},
		{"at in RFC 3339", []string{"--kind", "message", "--at", "2026-03-09T08:00:00Z"},
			interactionOut{Kind: "message", At: "2026-03-09T09:00:00+01:00", Staff: "Mia"}},
		{"at a day", []string{"--kind", "note", "--at", "2026-03-01", "--summary", "son left for college"},
			interactionOut{Kind: "note", At: "2026-03-01T12:00:00+01:00", Staff: "Mia", Summary: "son left for college"}},
		{"purchase", []string{"--kind", "purchase", "--amount", "12.50", "--currency", "EUR", "--summary", "scarf"},
			interactionOut{Kind: "purchase", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Summary: "scarf", Amount: "12.50", AmountMinor: 1250, Currency: "EUR"}},
		{"purchase in yen", []string{"--kind", "purchase", "--amount", "1500", "--currency", "jpy"},
			interactionOut{Kind: "purchase", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Amount: "1500", AmountMinor: 1500, Currency: "JPY"}},
		{"purchase in the locale's currency", []string{"--kind", "purchase", "--amount", "99.90"},
			interactionOut{Kind: "purchase", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Amount: "99.90", AmountMinor: 9990, Currency: "EUR"}},
		{"complaint", []string{"--kind", "complaint", "--summary", "zip broke"},
			interactionOut{Kind: "complaint", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Summary: "zip broke"}},
		{"compliment", []string{"--kind", "compliment"},
			interactionOut{Kind: "compliment", At: "2026-03-10T10:00:00+01:00", Staff: "Mia"}},
		{"check-in", []string{"--kind", "checkin", "--rating", "4"},
			interactionOut{Kind: "checkin", At: "2026-03-10T10:00:00+01:00", Staff: "Mia", Rating: 4}},
		{"referral", []string{"--kind", "referral", "--referred", "BEN"},
			interactionOut{Kind: "referral", At: "2026-03-10T10:00:00+01:00", Staff: "Mia"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			anna := s.anna()
			ben := s.id("contact", "add", "--given", "Ben")
			args := append([]string{"log", anna}, tc.args...)
			for i, a := range args {
				if a == "BEN" {
					args[i] = ben
				}
			}
			id := s.id(args...)
			var got []interactionOut
			m := s.show(anna)
			for _, in := range m["interactions"].([]any) {
				f := in.(map[string]any)
				o := interactionOut{ID: str(f["id"]), ContactID: str(f["contact_id"]), Kind: str(f["kind"]), At: str(f["at"]),
					Staff: str(f["staff"]), Summary: str(f["summary"]), Body: str(f["body"]), Amount: str(f["amount"]),
					Currency: str(f["currency"]), ReferredID: str(f["referred_id"])}
				if v, ok := f["amount_minor"].(float64); ok {
					o.AmountMinor = int64(v)
				}
				if v, ok := f["rating"].(float64); ok {
					o.Rating = int(v)
				}
				got = append(got, o)
			}
			if len(got) != 1 {
				t.Fatalf("timeline %+v, want one entry", got)
			}
			g := got[0]
			if g.ID != id || g.ContactID != anna {
				t.Errorf("id %s contact %s, want %s %s", g.ID, g.ContactID, id, anna)
			}
			if tc.want.Kind == "referral" && g.ReferredID != ben {
				t.Errorf("referred %q, want %q", g.ReferredID, ben)
			}
			g.ID, g.ContactID, g.ReferredID = "", "", ""
			if g != tc.want {
				t.Errorf("got  %+v\nwant %+v", g, tc.want)
			}
		})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func TestLogJSONAndCurrency(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	var in interactionOut
	s.json(&in, "log", anna, "--kind", "purchase", "--amount", "0.05", "--currency", "CHF")
	if in.AmountMinor != 5 || in.Amount != "0.05" || in.Currency != "CHF" || in.ContactID != anna {
		t.Errorf("log --json %+v", in)
	}
	// Without a region there is no default currency: the amount needs one.
	t.Setenv("RAPPORT_REGION", "")
	t.Setenv("LANG", "C")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_TELEPHONE", "")
	r := s.run("log", anna, "--kind", "purchase", "--amount", "10")
	if r.code != 1 || !strings.Contains(r.err, "--currency") {
		t.Errorf("amount without a currency: exit %d %q", r.code, r.err)
	}
	t.Setenv("RAPPORT_CURRENCY", "GBP")
	s.json(&in, "log", anna, "--kind", "purchase", "--amount", "10")
	if in.Currency != "GBP" || in.AmountMinor != 1000 {
		t.Errorf("$RAPPORT_CURRENCY: %+v", in)
	}
}
