package main

import (
	"strings"
	"testing"
)

type loyaltyOut struct {
	ContactID  string `json:"contact_id"`
	Balance    int64  `json:"balance"`
	OwedPoints int64  `json:"owed_points"`
	Currency   string `json:"currency"`
	Spend      string `json:"spend_12_months"`
	SpendMinor int64  `json:"spend_12_months_minor"`
	Tier       string `json:"tier"`
	NextTier   string `json:"next_tier"`
	ToNextTier string `json:"to_next_tier"`
	Progress   int    `json:"progress_percent"`
	Available  []struct {
		Name string `json:"name"`
	} `json:"rewards_available"`
	Entries []struct {
		Kind   string `json:"kind"`
		Points int64  `json:"points"`
		At     string `json:"at"`
		Reward string `json:"reward"`
		Reason string `json:"reason"`
		Staff  string `json:"staff"`
	} `json:"entries"`
}

func (s *shop) programme() {
	s.t.Helper()
	s.ok("loyalty", "programme", "--currency", "EUR", "--points-per-unit", "1", "--referral-points", "50",
		"--tier", "Silver=200", "--tier", "Gold=500", "--reward", "Scarf=100", "--reward", "Voucher=150")
}

func TestLoyaltyCommands(t *testing.T) {
	s := newShop(t)
	s.programme()
	anna := s.anna()
	s.ok("log", anna, "--kind", "purchase", "--amount", "250.40", "--currency", "EUR")

	var st loyaltyOut
	s.json(&st, "loyalty", "show", anna)
	if st.ContactID != anna || st.Balance != 250 || st.Tier != "Silver" || st.NextTier != "Gold" ||
		st.ToNextTier != "249.60" || st.Spend != "250.40" || st.Progress != 16 || len(st.Available) != 2 {
		t.Fatalf("loyalty show %+v", st)
	}
	if e := st.Entries[0]; e.Kind != "purchase" || e.Points != 250 || e.At != "2026-03-10T10:00:00+01:00" || e.Staff != "Mia" {
		t.Errorf("entry %+v", e)
	}
	text := s.ok("loyalty", "show", anna)
	for _, want := range []string{"Anna Keller", "Points: 250", "Tier: Silver (spent 250.40 EUR in the last 12 months); 249.60 EUR more to reach Gold (16%)",
		"Rewards available: Scarf (100 points), Voucher (150 points)", "+250  purchase"} {
		if !strings.Contains(text, want) {
			t.Errorf("loyalty show lacks %q:\n%s", want, text)
		}
	}

	// The client page shows the same.
	page := strings.Join(strings.Fields(s.ok("contact", "show", anna)), " ")
	if want := "loyalty 250 points; Silver; 249.60 EUR more to reach Gold (16%); can have Scarf, Voucher"; !strings.Contains(page, want) {
		t.Errorf("contact show lacks %q:\n%s", want, page)
	}
	if l, _ := s.show(anna)["loyalty"].(map[string]any); l == nil || l["balance"] != 250.0 || l["tier"] != "Silver" || l["to_next_tier"] != "249.60" {
		t.Errorf("contact show --json loyalty %v", l)
	}

	if out := s.ok("loyalty", "redeem", anna, "--reward", "voucher"); !strings.Contains(out, "Points: 100") {
		t.Errorf("redeem printed %q", out)
	}
	before := s.state()
	r := s.run("loyalty", "redeem", anna, "--reward", "Voucher")
	if r.code != 1 || !strings.Contains(r.err, "costs 150 points and the balance is 100") {
		t.Errorf("redeeming more than the balance: exit %d %q", r.code, r.err)
	}
	if s.state() != before {
		t.Error("a refused redemption changed the book")
	}
	if r := s.run("loyalty", "adjust", anna, "--points", "20"); r.code != 2 {
		t.Errorf("adjust without a reason: exit %d %q", r.code, r.err)
	}
	if r := s.run("loyalty", "adjust", anna, "--points", "-101", "--reason", "typo"); r.code != 1 {
		t.Errorf("adjust below zero: exit %d %q", r.code, r.err)
	}
	s.ok("loyalty", "adjust", anna, "--points", "-30", "--reason", "returned belt")
	s.json(&st, "loyalty", "show", anna)
	if st.Balance != 70 || st.Entries[0].Reason != "returned belt" || st.Entries[1].Reward != "Voucher" {
		t.Errorf("after redeem and adjust %+v", st)
	}
}

func TestLoyaltyAwardSince(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.ok("log", anna, "--kind", "purchase", "--amount", "80", "--currency", "EUR", "--at", "2026-02-01")
	s.ok("log", anna, "--kind", "purchase", "--amount", "40", "--currency", "EUR", "--at", "2025-12-31")
	s.programme()
	r := s.run("loyalty", "programme", "--award-since", "2026-01-01")
	if r.code != 0 || !strings.Contains(r.err, "gave points for 1 purchases and referrals logged since 2026-01-01") {
		t.Fatalf("award: exit %d %q", r.code, r.err)
	}
	var st loyaltyOut
	s.json(&st, "loyalty", "show", anna)
	if st.Balance != 80 {
		t.Errorf("balance %d, want 80", st.Balance)
	}
	if r := s.run("loyalty", "programme", "--award-since", "January"); r.code != 2 {
		t.Errorf("a bad date: exit %d %q", r.code, r.err)
	}
}

func TestLoyaltyProgrammeCommand(t *testing.T) {
	s := newShop(t)
	if out := s.ok("loyalty", "programme"); !strings.Contains(out, "No loyalty programme yet") {
		t.Errorf("no programme: %q", out)
	}
	s.programme()
	// Change one tier, drop a reward, keep the rest; the currency defaults to the locale's.
	s.ok("loyalty", "programme", "--tier", "gold=600", "--remove-reward", "scarf", "--referral-points", "0")
	var p struct {
		Currency          string `json:"currency"`
		PointsPerUnit     int64  `json:"points_per_unit"`
		PointsPerReferral int64  `json:"points_per_referral"`
		Tiers             []struct {
			Name           string `json:"name"`
			ThresholdMinor int64  `json:"threshold_minor"`
		} `json:"tiers"`
		Rewards []struct {
			Name       string `json:"name"`
			CostPoints int64  `json:"cost_points"`
		} `json:"rewards"`
	}
	s.json(&p, "loyalty", "programme")
	if p.Currency != "EUR" || p.PointsPerUnit != 1 || p.PointsPerReferral != 0 || len(p.Tiers) != 2 ||
		p.Tiers[1].Name != "gold" || p.Tiers[1].ThresholdMinor != 60000 || len(p.Rewards) != 1 || p.Rewards[0].Name != "Voucher" {
		t.Errorf("programme %+v", p)
	}
	text := s.ok("loyalty", "programme")
	for _, want := range []string{"Points: 1 per EUR spent, 0 for a referral", "Tier Silver: from 200.00 EUR spent in 12 months", "Reward Voucher: 150 points"} {
		if !strings.Contains(text, want) {
			t.Errorf("programme lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range [][]string{{"--tier", "Gold"}, {"--reward", "Scarf=lots"}} {
		if r := s.run(append([]string{"loyalty", "programme"}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d %q", bad, r.code, r.err)
		}
	}
	if r := s.run("loyalty", "programme", "--remove-tier", "Bronze"); r.code != 1 || !strings.Contains(r.err, "Bronze") {
		t.Errorf("removing an unknown tier: exit %d %q", r.code, r.err)
	}
}
