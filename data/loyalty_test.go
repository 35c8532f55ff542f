package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// boutiqueProgramme is one point per euro, 50 for a referral, Silver from
// 200 EUR and Gold from 500 EUR over twelve months.
var boutiqueProgramme = LoyaltyProgramme{Currency: "EUR", PointsPerUnit: 1, PointsPerReferral: 50,
	Tiers:   []LoyaltyTier{{"Silver", 20000}, {"Gold", 50000}},
	Rewards: []LoyaltyReward{{"Scarf", 100}, {"Voucher 20 EUR", 150}}}

func withProgramme(t *testing.T, s *Store) {
	t.Helper()
	if err := s.SaveLoyaltyProgramme(context.Background(), boutiqueProgramme); err != nil {
		t.Fatal(err)
	}
}

func buy(t *testing.T, s *Store, contact string, minor int64, currency string, when time.Time) string {
	t.Helper()
	in := &Interaction{ContactID: contact, Kind: "purchase", AmountMinor: minor, Currency: currency, At: when}
	if err := s.LogInteraction(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return in.ID
}

func loyaltyOf(t *testing.T, s *Store, contact string) LoyaltyStatus {
	t.Helper()
	st, err := s.Loyalty(context.Background(), contact)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestLoyaltyTiersAtBoundaries(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	yearAgo := now.AddDate(-1, 0, 0)
	type buyAt struct {
		minor    int64
		currency string
		at       time.Time
	}
	tests := []struct {
		name      string
		purchases []buyAt
		spend     int64
		tier      string
		next      string
		toNext    int64
		progress  int
	}{
		{"nothing bought", nil, 0, "", "Silver", 20000, 0},
		{"one cent short of Silver", []buyAt{{19999, "EUR", now}}, 19999, "", "Silver", 1, 99},
		{"exactly Silver", []buyAt{{20000, "EUR", now}}, 20000, "Silver", "Gold", 30000, 0},
		{"halfway to Gold", []buyAt{{20000, "EUR", now}, {15000, "EUR", now}}, 35000, "Silver", "Gold", 15000, 50},
		{"one cent short of Gold", []buyAt{{49999, "EUR", now}}, 49999, "Silver", "Gold", 1, 99},
		{"exactly Gold", []buyAt{{50000, "EUR", now}}, 50000, "Gold", "", 0, 100},
		{"purchase exactly twelve months ago counts", []buyAt{{20000, "EUR", yearAgo}}, 20000, "Silver", "Gold", 30000, 0},
		{"purchase a second before twelve months ago does not", []buyAt{{20000, "EUR", yearAgo.Add(-time.Second)}}, 0, "", "Silver", 20000, 0},
		{"other currencies count for no tier", []buyAt{{90000, "CHF", now}}, 0, "", "Silver", 20000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			at(s, now)
			withProgramme(t, s)
			anna := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller"})
			for _, p := range tc.purchases {
				buy(t, s, anna, p.minor, p.currency, p.at)
			}
			st := loyaltyOf(t, s, anna)
			if st.SpendMinor != tc.spend || st.Tier != tc.tier || st.NextTier != tc.next || st.ToNextTierMinor != tc.toNext || st.ProgressPercent != tc.progress {
				t.Errorf("spend %d tier %q next %q to next %d progress %d%%, want %d %q %q %d %d%%",
					st.SpendMinor, st.Tier, st.NextTier, st.ToNextTierMinor, st.ProgressPercent,
					tc.spend, tc.tier, tc.next, tc.toNext, tc.progress)
			}
		})
	}
}

func TestLoyaltyPointsPerCurrencyUnit(t *testing.T) {
	for _, tc := range []struct {
		currency string
		perUnit  int64
		minor    int64
		want     int64
	}{
		{"EUR", 1, 1299, 12}, // 12.99 EUR: whole euros only
		{"EUR", 3, 1250, 37}, // 12.50 EUR at 3 a euro: 37.5, rounded down
		{"JPY", 1, 1500, 1500},
		{"KWD", 2, 1500, 3}, // 1.500 KWD
		{"EUR", 1, 9223372036854775807, 92233720368547758},
	} {
		p := LoyaltyProgramme{Currency: tc.currency, PointsPerUnit: tc.perUnit}
		if got := p.pointsFor(tc.minor); got != tc.want {
			t.Errorf("%d %s at %d a unit: %d points, want %d", tc.minor, tc.currency, tc.perUnit, got, tc.want)
		}
	}
}

func TestLoyaltyLedgerEarnsFromPurchasesAndReferrals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	ben := mustContact(t, s, &Contact{Given: "Ben"})
	buy(t, s, anna, 5000, "EUR", time.Time{}) // before the programme: earns nothing
	withProgramme(t, s)
	kept := buy(t, s, anna, 12050, "EUR", time.Time{})
	returned := buy(t, s, anna, 3000, "EUR", time.Time{})
	buy(t, s, anna, 9900, "USD", time.Time{}) // not the programme's currency
	if err := s.LogInteraction(ctx, &Interaction{ContactID: anna, Kind: "referral", ReferredID: ben}); err != nil {
		t.Fatal(err)
	}
	if st := loyaltyOf(t, s, anna); st.Balance != 120+30+50 || len(st.Entries) != 3 {
		t.Fatalf("balance %d with %d entries, want 200 with 3", st.Balance, len(st.Entries))
	}
	// A purchase taken back takes its points back.
	if err := s.DeleteInteraction(ctx, returned); err != nil {
		t.Fatal(err)
	}
	st := loyaltyOf(t, s, anna)
	if st.Balance != 170 {
		t.Errorf("balance after a return %d, want 170", st.Balance)
	}
	var found bool
	for _, e := range st.Entries {
		if e.SourceID == kept && e.Kind == PointsFromPurchase && e.Points == 120 {
			found = true
		}
	}
	if !found {
		t.Errorf("no entry for purchase %s in %+v", kept, st.Entries)
	}
	if b := loyaltyOf(t, s, ben); b.Balance != 0 {
		t.Errorf("the referred client has %d points, want 0", b.Balance)
	}
}

func TestLoyaltyRedemptionNeverBelowZero(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	withProgramme(t, s)
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	buy(t, s, anna, 12000, "EUR", time.Time{}) // 120 points

	if _, err := s.RedeemReward(ctx, anna, "Voucher 20 EUR"); !errors.Is(err, ErrConflict) {
		t.Errorf("redeeming 150 of 120 points: %v, want ErrConflict", err)
	}
	if _, err := s.RedeemReward(ctx, anna, "Free dress"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown reward: %v, want ErrNotFound", err)
	}
	e, err := s.RedeemReward(ctx, anna, "scarf") // names match whatever the case
	if err != nil || e.Points != -100 || e.Reward != "Scarf" {
		t.Fatalf("redeem scarf: %+v %v", e, err)
	}
	if _, err := s.RedeemReward(ctx, anna, "Scarf"); !errors.Is(err, ErrConflict) {
		t.Errorf("redeeming 100 of 20 points: %v, want ErrConflict", err)
	}
	if _, err := s.AdjustPoints(ctx, anna, -21, "typo"); !errors.Is(err, ErrConflict) {
		t.Errorf("taking 21 of 20 points by hand: %v, want ErrConflict", err)
	}
	if _, err := s.AdjustPoints(ctx, anna, 5, " "); !errors.Is(err, ErrInvalid) {
		t.Errorf("an adjustment without a reason: %v, want ErrInvalid", err)
	}
	if _, err := s.AdjustPoints(ctx, anna, 80, "birthday gift"); err != nil {
		t.Fatal(err)
	}
	st := loyaltyOf(t, s, anna)
	if st.Balance != 100 || st.OwedPoints != 0 || len(st.Available) != 1 || st.Available[0].Name != "Scarf" {
		t.Errorf("after the gift: balance %d owed %d rewards %+v", st.Balance, st.OwedPoints, st.Available)
	}
	if st.Entries[0].Kind != PointsAdjusted || st.Entries[0].Reason != "birthday gift" {
		t.Errorf("newest entry %+v, want the adjustment with its reason", st.Entries[0])
	}
}

// syncBoth hands every operation each store has not yet given the other
// across, as the shared folder would, and returns the new positions.
func syncBoth(t *testing.T, a, b *Store, aSeq, bSeq int64) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	opsA, nextA, err := a.Outbox(ctx, aSeq, 100000)
	if err != nil {
		t.Fatal(err)
	}
	opsB, nextB, err := b.Outbox(ctx, bSeq, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ApplyRemote(ctx, opsA); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyRemote(ctx, opsB); err != nil {
		t.Fatal(err)
	}
	// What was just applied went into neither outbox, so only later edits follow.
	_, nextA, _ = a.Outbox(ctx, nextA, 100000)
	_, nextB, _ = b.Outbox(ctx, nextB, 100000)
	return nextA, nextB
}

// Both computers redeem the last points while apart. Each was right to allow
// it with what it knew; after sync both redemptions stand, the balance is
// negative on both computers and shows as owed, and the next purchase pays
// it back first.
func TestLoyaltyConcurrentRedemptionsMergeAsOwed(t *testing.T) {
	ctx := context.Background()
	shop, backRoom := openTest(t), openTest(t)
	withProgramme(t, shop)
	anna := mustContact(t, shop, &Contact{Given: "Anna"})
	buy(t, shop, anna, 10000, "EUR", time.Time{}) // 100 points
	aSeq, bSeq := syncBoth(t, shop, backRoom, 0, 0)
	if st := loyaltyOf(t, backRoom, anna); st.Balance != 100 {
		t.Fatalf("the back room sees %d points, want 100", st.Balance)
	}

	if _, err := shop.RedeemReward(ctx, anna, "Scarf"); err != nil {
		t.Fatal(err)
	}
	if _, err := backRoom.RedeemReward(ctx, anna, "Scarf"); err != nil {
		t.Fatal(err)
	}
	// Each refuses a second one on its own.
	if _, err := backRoom.RedeemReward(ctx, anna, "Scarf"); !errors.Is(err, ErrConflict) {
		t.Fatalf("second redemption on one computer: %v, want ErrConflict", err)
	}
	aSeq, bSeq = syncBoth(t, shop, backRoom, aSeq, bSeq)

	for name, s := range map[string]*Store{"shop": shop, "back room": backRoom} {
		st := loyaltyOf(t, s, anna)
		redeemed := 0
		for _, e := range st.Entries {
			if e.Kind == PointsRedeemed {
				redeemed++
			}
		}
		if st.Balance != -100 || st.OwedPoints != 100 || redeemed != 2 || len(st.Available) != 0 {
			t.Errorf("%s: balance %d owed %d, %d redemptions, rewards %+v; want -100, 100 owed, 2, none",
				name, st.Balance, st.OwedPoints, redeemed, st.Available)
		}
	}
	if _, err := shop.AdjustPoints(ctx, anna, -1, "test"); !errors.Is(err, ErrConflict) {
		t.Errorf("taking points from a negative balance: %v, want ErrConflict", err)
	}
	buy(t, backRoom, anna, 15000, "EUR", time.Time{})
	syncBoth(t, shop, backRoom, aSeq, bSeq)
	if a, b := loyaltyOf(t, shop, anna), loyaltyOf(t, backRoom, anna); a.Balance != 50 || b.Balance != 50 {
		t.Errorf("after paying back: %d and %d points, want 50 on both", a.Balance, b.Balance)
	}
	// The balances kept for Today match the ledger on both computers.
	for name, s := range map[string]*Store{"shop": shop, "back room": backRoom} {
		r, err := s.Check(ctx, false, false)
		if err != nil || !r.OK() {
			t.Errorf("%s: check %+v %v", name, r, err)
		}
		var points int64
		if err := s.db.QueryRow("SELECT points FROM loyalty_balance WHERE contact_id = ?", anna).Scan(&points); err != nil || points != 50 {
			t.Errorf("%s: kept balance %d %v, want 50", name, points, err)
		}
	}
}

func TestLoyaltyProgrammeEditsMerge(t *testing.T) {
	ctx := context.Background()
	shop, backRoom := openTest(t), openTest(t)
	withProgramme(t, shop)
	aSeq, bSeq := syncBoth(t, shop, backRoom, 0, 0)

	p, _ := shop.LoyaltyProgramme(ctx)
	p.PointsPerReferral = 80
	p.Tiers = append(p.Tiers, LoyaltyTier{"Platinum", 200000})
	if err := shop.SaveLoyaltyProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	q, _ := backRoom.LoyaltyProgramme(ctx)
	q.PointsPerUnit = 2
	q.Rewards = q.Rewards[1:] // the scarf is no longer offered
	if err := backRoom.SaveLoyaltyProgramme(ctx, q); err != nil {
		t.Fatal(err)
	}
	syncBoth(t, shop, backRoom, aSeq, bSeq)
	a, _ := shop.LoyaltyProgramme(ctx)
	b, _ := backRoom.LoyaltyProgramme(ctx)
	if render(a) != render(b) {
		t.Fatalf("programmes differ after sync:\n%s\n%s", render(a), render(b))
	}
	if a.PointsPerUnit != 2 || a.PointsPerReferral != 80 || len(a.Tiers) != 3 || len(a.Rewards) != 1 || a.Rewards[0].Name != "Voucher 20 EUR" {
		t.Errorf("merged programme %s: want both computers' edits", render(a))
	}
}

func TestLoyaltyProgrammeRefusesBadSettings(t *testing.T) {
	s := openTest(t)
	for name, p := range map[string]LoyaltyProgramme{
		"no currency":        {PointsPerUnit: 1},
		"bad currency":       {Currency: "EURO", PointsPerUnit: 1},
		"negative points":    {Currency: "EUR", PointsPerUnit: -1},
		"same threshold":     {Currency: "EUR", Tiers: []LoyaltyTier{{"A", 100}, {"B", 100}}},
		"tier named twice":   {Currency: "EUR", Tiers: []LoyaltyTier{{"Gold", 100}, {"gold", 200}}},
		"free reward":        {Currency: "EUR", Rewards: []LoyaltyReward{{"Gift", 0}}},
		"unnamed reward":     {Currency: "EUR", Rewards: []LoyaltyReward{{" ", 10}}},
		"negative threshold": {Currency: "EUR", Tiers: []LoyaltyTier{{"A", -1}}},
	} {
		if err := s.SaveLoyaltyProgramme(context.Background(), p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func TestLoyaltyOnToday(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	now := s.Now()
	withProgramme(t, s)
	anna := mustContact(t, s, &Contact{Given: "Anna"}) // reaches Silver this week
	buy(t, s, anna, 15000, "EUR", now.AddDate(0, -2, 0))
	buy(t, s, anna, 6000, "EUR", now.AddDate(0, 0, -3))
	ben := mustContact(t, s, &Contact{Given: "Ben"}) // Silver for months: nothing new
	buy(t, s, ben, 25000, "EUR", now.AddDate(0, -2, 0))
	buy(t, s, ben, 100, "EUR", now.AddDate(0, 0, -1))
	items, err := s.Today(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items {
		if it.Kind == "tier" || it.Kind == "reward" {
			got[it.Kind+" "+it.DisplayName] = it.Detail
		}
	}
	want := map[string]string{
		"tier Anna":   "reached Silver",
		"reward Anna": "210 points: Scarf, Voucher 20 EUR",
		"reward Ben":  "251 points: Scarf, Voucher 20 EUR",
	}
	if render(got) != render(want) {
		t.Errorf("loyalty on Today %s, want %s", render(got), render(want))
	}
}

func TestLoyaltyMovesWithMergedContact(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	withProgramme(t, s)
	keep := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller"})
	other := mustContact(t, s, &Contact{Given: "Anna", Family: "Keller", Emails: []Email{{Address: "anna@example.com"}}})
	buy(t, s, keep, 4000, "EUR", time.Time{})
	buy(t, s, other, 7000, "EUR", time.Time{})
	if err := s.MergeContacts(ctx, keep, other); err != nil {
		t.Fatal(err)
	}
	if st := loyaltyOf(t, s, keep); st.Balance != 110 {
		t.Errorf("merged balance %d, want 110", st.Balance)
	}
}

func TestLoyaltyBalanceCheckedAndRepaired(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	withProgramme(t, s)
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	buy(t, s, anna, 12000, "EUR", time.Time{})
	if _, err := s.db.Exec("UPDATE loyalty_balance SET points = 7"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Check(ctx, false, false)
	if err != nil || r.OK() {
		t.Fatalf("a wrong balance not found: %+v %v", r, err)
	}
	if r, err = s.Check(ctx, false, true); err != nil || !r.Problems[0].Repaired {
		t.Fatalf("repair: %+v %v", r, err)
	}
	if r, err = s.Check(ctx, false, false); err != nil || !r.OK() {
		t.Errorf("after repair: %+v %v", r, err)
	}
}

// Whatever ledger operations arrive, in whatever order and batches, the
// balances kept for Today equal the sum of the live ledger, and two computers
// given the same operations keep the same balances.
func TestLoyaltyBalancesFollowAnyMerge(t *testing.T) {
	f := newStoreFactory(t)
	contacts, entries := poolIDs(1, 3), poolIDs(7, 4)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "ops")
		ops := make([]Op, n)
		for i := range ops {
			op := Op{
				ID:     fmt.Sprintf("%08x-0000-7000-8000-%012x", rapid.Uint32().Draw(t, "op id"), i),
				HLC:    formatHLC(0x019a00000000<<16 + rapid.Uint64Range(0, 6).Draw(t, "hlc")),
				Device: rapid.SampledFrom(remoteDevices).Draw(t, "device"),
				Table:  "loyalty_entry",
				Row:    rapid.SampledFrom(entries).Draw(t, "row"),
				CL:     rapid.Int64Range(0, 4).Draw(t, "cl"),
				Set:    map[string]any{},
			}
			if rapid.Bool().Draw(t, "moves") {
				op.Set["contact_id"] = rapid.SampledFrom(append([]string{""}, contacts...)).Draw(t, "contact")
			}
			if rapid.Bool().Draw(t, "points change") {
				op.Set["points"] = rapid.Int64Range(-150, 150).Draw(t, "points")
			}
			ops[i] = op
		}
		balances := func(s *Store) (kept, ledger string) {
			read := func(q string) string {
				rows, err := s.db.Query(q)
				if err != nil {
					t.Fatal(err)
				}
				ids, err := scanPairs(rows)
				if err != nil {
					t.Fatal(err)
				}
				return ids
			}
			return read("SELECT contact_id, points FROM loyalty_balance ORDER BY contact_id"),
				read("SELECT * FROM (" + balancesAll + ") ORDER BY 1")
		}
		first, second := f.fresh(t), f.fresh(t)
		applySchedule(t, first, ops, "first", 0)
		applySchedule(t, second, ops, "second", 0)
		kept1, ledger1 := balances(first)
		kept2, _ := balances(second)
		if kept1 != ledger1 {
			t.Fatalf("kept balances %s, ledger %s", kept1, ledger1)
		}
		if kept1 != kept2 {
			t.Fatalf("two computers keep %s and %s", kept1, kept2)
		}
	})
}

func scanPairs(rows *sql.Rows) (string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return "", err
		}
		out = append(out, fmt.Sprintf("%s=%d", id, n))
	}
	return strings.Join(out, " "), rows.Err()
}

// The balance kept for Today follows the client: gone when deleted, here or
// on another computer, back when restored, moved by a merge.
func TestLoyaltyKeptBalanceFollowsTheClient(t *testing.T) {
	ctx := context.Background()
	shop, backRoom := openTest(t), openTest(t)
	withProgramme(t, shop)
	anna := mustContact(t, shop, &Contact{Given: "Anna"})
	twin := mustContact(t, shop, &Contact{Given: "Anna", Family: "K."})
	buy(t, shop, anna, 12000, "EUR", time.Time{})
	buy(t, shop, twin, 3000, "EUR", time.Time{})
	kept := func(s *Store) string {
		rows, err := s.db.Query("SELECT contact_id, points FROM loyalty_balance ORDER BY points")
		if err != nil {
			t.Fatal(err)
		}
		got, err := scanPairs(rows)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	checkBoth := func(what string, want string) {
		t.Helper()
		for name, s := range map[string]*Store{"shop": shop, "back room": backRoom} {
			if got := kept(s); got != want {
				t.Errorf("%s, %s: kept %q, want %q", what, name, got, want)
			}
			r, err := s.Check(ctx, false, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range r.Problems {
				if strings.Contains(p.Detail, "loyalty") {
					t.Errorf("%s, %s: check finds %s", what, name, p.Detail)
				}
			}
		}
	}
	aSeq, bSeq := syncBoth(t, shop, backRoom, 0, 0)
	checkBoth("synced", twin+"=30 "+anna+"=120")
	if err := shop.DeleteContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	aSeq, bSeq = syncBoth(t, shop, backRoom, aSeq, bSeq)
	checkBoth("deleted", twin+"=30")
	if err := backRoom.RestoreContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	aSeq, bSeq = syncBoth(t, shop, backRoom, aSeq, bSeq)
	checkBoth("restored", twin+"=30 "+anna+"=120")
	if err := shop.MergeContacts(ctx, anna, twin); err != nil {
		t.Fatal(err)
	}
	syncBoth(t, shop, backRoom, aSeq, bSeq)
	checkBoth("merged", anna+"=150")
}

// A book whose ledger was written before balances were kept gets them when
// its schema is brought up to date.
func TestLoyaltyBalancesFilledWhenUpgrading(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/rapport.db"
	old, err := openAt(ctx, path, 6)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO contact(id, given, cl) VALUES('c1', 'Anna', 1), ('c2', 'Ben', 2)",
		`INSERT INTO loyalty_entry(id, contact_id, kind, points, cl) VALUES('e1', 'c1', 'purchase', 120, 1),
			('e2', 'c1', 'redeem', -100, 1), ('e3', 'c1', 'adjust', 500, 2), ('e4', 'c2', 'purchase', 70, 1)`,
	} {
		if _, err := old.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.db.Query("SELECT contact_id, points FROM loyalty_balance ORDER BY contact_id")
	if err != nil {
		t.Fatal(err)
	}
	// Deleted entries and deleted clients count for nothing.
	if got, err := scanPairs(rows); err != nil || got != "c1=20" {
		t.Errorf("balances after the upgrade %q %v, want c1=20", got, err)
	}
}

func TestLoyaltyAwardPastPoints(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	now := s.Now()
	anna := mustContact(t, s, &Contact{Given: "Anna"})
	ben := mustContact(t, s, &Contact{Given: "Ben"})
	buy(t, s, anna, 9000, "EUR", now.AddDate(-2, 0, 0)) // before the date asked for
	buy(t, s, anna, 12000, "EUR", now.AddDate(0, -3, 0))
	returned := buy(t, s, anna, 5000, "EUR", now.AddDate(0, -2, 0))
	if err := s.DeleteInteraction(ctx, returned); err != nil {
		t.Fatal(err)
	}
	if err := s.LogInteraction(ctx, &Interaction{ContactID: anna, Kind: "referral", ReferredID: ben, At: now.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	withProgramme(t, s)
	buy(t, s, ben, 3000, "EUR", time.Time{}) // earned when logged
	n, err := s.AwardPastPoints(ctx, now.AddDate(-1, 0, 0))
	if err != nil || n != 2 {
		t.Fatalf("credited %d %v, want the purchase and the referral", n, err)
	}
	if a, b := loyaltyOf(t, s, anna), loyaltyOf(t, s, ben); a.Balance != 120+50 || b.Balance != 30 {
		t.Errorf("balances %d and %d, want 170 and 30", a.Balance, b.Balance)
	}
	if n, err := s.AwardPastPoints(ctx, now.AddDate(-1, 0, 0)); err != nil || n != 0 {
		t.Errorf("again: credited %d %v, want 0", n, err)
	}
}
