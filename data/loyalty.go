package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// The loyalty programme: points earned from purchases and referrals, kept in
// an insert-only ledger, and tiers by spend over the last twelve months.
//
// Two computers may both redeem a client's last points while apart. Each
// checks the balance it knows, so each redemption is allowed, and once they
// have synced the ledger holds both: the balance is negative and shows as
// points owed, which later purchases pay back first. Nothing is lost or
// silently dropped, and the shop sees what happened.

// LoyaltyProgramme is the shop's programme. A zero PointsPerUnit means no
// points for purchases; no tiers means no tiers.
type LoyaltyProgramme struct {
	Currency          string          `json:"currency"`            // the currency points are earned in: EUR
	PointsPerUnit     int64           `json:"points_per_unit"`     // points per whole unit spent (per euro)
	PointsPerReferral int64           `json:"points_per_referral"` // points to the client who referred someone
	Tiers             []LoyaltyTier   `json:"tiers"`               // lowest threshold first
	Rewards           []LoyaltyReward `json:"rewards"`             // cheapest first
}

// LoyaltyTier is reached by spending ThresholdMinor (minor units of the
// programme's currency) over the last twelve months.
type LoyaltyTier struct {
	Name           string `json:"name"`
	ThresholdMinor int64  `json:"threshold_minor"`
}

// LoyaltyReward is what a client may take for points.
type LoyaltyReward struct {
	Name       string `json:"name"`
	CostPoints int64  `json:"cost_points"`
}

// Ledger entry kinds.
const (
	PointsFromPurchase = "purchase"
	PointsFromReferral = "referral"
	PointsRedeemed     = "redeem"
	PointsAdjusted     = "adjust"
)

// LoyaltyEntry is one line of a client's points ledger.
type LoyaltyEntry struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Points   int64     `json:"points"` // negative for a redemption
	At       time.Time `json:"at"`
	SourceID string    `json:"source_id,omitempty"` // the purchase or referral it was earned from
	Reward   string    `json:"reward,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Staff    string    `json:"staff,omitempty"`
}

// LoyaltyStatus is a client's standing in the programme.
type LoyaltyStatus struct {
	ContactID string `json:"contact_id"`
	// Balance may be negative after two computers redeemed the same points
	// while apart; OwedPoints is then what the client owes back.
	Balance    int64  `json:"balance"`
	OwedPoints int64  `json:"owed_points,omitempty"`
	Currency   string `json:"currency,omitempty"`
	// SpendMinor is the spend over the last twelve months in the programme's currency.
	SpendMinor int64  `json:"spend_12_months_minor"`
	Tier       string `json:"tier,omitempty"`
	NextTier   string `json:"next_tier,omitempty"`
	// ToNextTierMinor is what is left to spend to reach NextTier, and
	// ProgressPercent how far from the current tier's threshold to the next
	// one the client has come.
	ToNextTierMinor int64           `json:"to_next_tier_minor,omitempty"`
	ProgressPercent int             `json:"progress_percent"`
	Available       []LoyaltyReward `json:"rewards_available"`
	Entries         []LoyaltyEntry  `json:"entries"`
}

// programmeID is the one row of loyalty_programme.
var programmeID = derivedID("loyalty_programme", "shop")

func tierID(name string) string   { return derivedID("loyalty_tier", normalName(name)) }
func rewardID(name string) string { return derivedID("loyalty_reward", normalName(name)) }

// earnedEntryID is the id of the points earned from an interaction: derived,
// so the entry exists once and follows the interaction when it is deleted.
func earnedEntryID(interactionID string) string { return derivedID("loyalty_earned", interactionID) }

// CurrencyScale is the number of decimals of a currency: 2 for EUR, 0 for
// JPY, 3 for KWD; 2 for codes the standard does not know.
func CurrencyScale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// pointsFor is the points a purchase of amount minor units earns: whole units
// times the rate, rounded down, computed without overflowing.
func (p LoyaltyProgramme) pointsFor(amountMinor int64) int64 {
	unit := int64(1)
	for range CurrencyScale(p.Currency) {
		unit *= 10
	}
	return amountMinor/unit*p.PointsPerUnit + amountMinor%unit*p.PointsPerUnit/unit
}

// tierIndex is the index in Tiers of the tier spend reaches, -1 for none.
func (p LoyaltyProgramme) tierIndex(spendMinor int64) int {
	idx := -1
	for i, t := range p.Tiers {
		if spendMinor >= t.ThresholdMinor {
			idx = i
		}
	}
	return idx
}

// configured reports whether the shop has a programme at all.
func (p LoyaltyProgramme) configured() bool {
	return p.PointsPerUnit > 0 || p.PointsPerReferral > 0 || len(p.Tiers) > 0 || len(p.Rewards) > 0
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// LoyaltyProgramme gives the shop's programme (zero when none is set).
func (s *Store) LoyaltyProgramme(ctx context.Context) (LoyaltyProgramme, error) {
	return loadProgramme(ctx, s.db)
}

func loadProgramme(ctx context.Context, q querier) (LoyaltyProgramme, error) {
	p := LoyaltyProgramme{Tiers: []LoyaltyTier{}, Rewards: []LoyaltyReward{}}
	err := q.QueryRowContext(ctx, "SELECT currency, points_per_unit, points_per_referral FROM loyalty_programme WHERE id = ? AND cl % 2 = 1", programmeID).
		Scan(&p.Currency, &p.PointsPerUnit, &p.PointsPerReferral)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("loyalty programme: %w", err)
	}
	rows, err := q.QueryContext(ctx, "SELECT name, threshold_minor FROM loyalty_tier WHERE cl % 2 = 1 ORDER BY threshold_minor, name")
	if err != nil {
		return p, err
	}
	for rows.Next() {
		var t LoyaltyTier
		if err := rows.Scan(&t.Name, &t.ThresholdMinor); err != nil {
			rows.Close()
			return p, err
		}
		p.Tiers = append(p.Tiers, t)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, "SELECT name, cost_points FROM loyalty_reward WHERE cl % 2 = 1 ORDER BY cost_points, name")
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var r LoyaltyReward
		if err := rows.Scan(&r.Name, &r.CostPoints); err != nil {
			return p, err
		}
		p.Rewards = append(p.Rewards, r)
	}
	return p, rows.Err()
}

// SaveLoyaltyProgramme makes p the shop's programme: its settings, and
// exactly its tiers and rewards (others are removed). Only what differs is
// written, so edits made on two computers to different settings both stay.
func (s *Store) SaveLoyaltyProgramme(ctx context.Context, p LoyaltyProgramme) error {
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	if p.Currency != "" && (len(p.Currency) != 3 || strings.Trim(p.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return fmt.Errorf("%w currency %q: want a three-letter code such as EUR", ErrInvalid, p.Currency)
	}
	if p.PointsPerUnit < 0 || p.PointsPerReferral < 0 {
		return fmt.Errorf("%w loyalty points: must not be negative", ErrInvalid)
	}
	if p.Currency == "" && (p.PointsPerUnit > 0 || len(p.Tiers) > 0) {
		return fmt.Errorf("%w loyalty programme: points per unit and tiers need a currency", ErrInvalid)
	}
	tiers, rewards := map[string]LoyaltyTier{}, map[string]LoyaltyReward{}
	thresholds := map[int64]string{}
	for _, t := range p.Tiers {
		t.Name = strings.TrimSpace(t.Name)
		if t.Name == "" || t.ThresholdMinor < 0 {
			return fmt.Errorf("%w tier %q: a name and a threshold of zero or more are needed", ErrInvalid, t.Name)
		}
		if other, dup := thresholds[t.ThresholdMinor]; dup {
			return fmt.Errorf("%w tiers %q and %q have the same threshold", ErrInvalid, other, t.Name)
		}
		if _, dup := tiers[tierID(t.Name)]; dup {
			return fmt.Errorf("%w tier %q named twice", ErrInvalid, t.Name)
		}
		thresholds[t.ThresholdMinor] = t.Name
		tiers[tierID(t.Name)] = t
	}
	for _, r := range p.Rewards {
		r.Name = strings.TrimSpace(r.Name)
		if r.Name == "" || r.CostPoints <= 0 {
			return fmt.Errorf("%w reward %q: a name and a cost of one point or more are needed", ErrInvalid, r.Name)
		}
		if _, dup := rewards[rewardID(r.Name)]; dup {
			return fmt.Errorf("%w reward %q named twice", ErrInvalid, r.Name)
		}
		rewards[rewardID(r.Name)] = r
	}
	return s.write(ctx, func(t *txn) error {
		if _, err := t.put("loyalty_programme", programmeID, fields{"currency": p.Currency,
			"points_per_unit": p.PointsPerUnit, "points_per_referral": p.PointsPerReferral}); err != nil {
			return err
		}
		if err := t.reviveAll("loyalty_programme", map[string]bool{programmeID: true}); err != nil {
			return err
		}
		keep := map[string]bool{}
		for id, tier := range tiers {
			keep[id] = true
			if _, err := t.put("loyalty_tier", id, fields{"name": tier.Name, "threshold_minor": tier.ThresholdMinor}); err != nil {
				return err
			}
		}
		if err := t.keepOnly("loyalty_tier", keep); err != nil {
			return err
		}
		keep = map[string]bool{}
		for id, r := range rewards {
			keep[id] = true
			if _, err := t.put("loyalty_reward", id, fields{"name": r.Name, "cost_points": r.CostPoints}); err != nil {
				return err
			}
		}
		return t.keepOnly("loyalty_reward", keep)
	})
}

// keepOnly makes the rows of table in keep alive and tombstones the others.
func (t *txn) keepOnly(table string, keep map[string]bool) error {
	if err := t.reviveAll(table, keep); err != nil {
		return err
	}
	ids, err := t.idsWhere("SELECT id FROM " + table + " WHERE cl % 2 = 1")
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !keep[id] {
			if _, err := t.setAlive(table, id, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// reviveAll brings back rows of ids that were deleted before (a tier removed
// and added again has the same derived id).
func (t *txn) reviveAll(table string, ids map[string]bool) error {
	for id := range ids {
		if _, err := t.setAlive(table, id, true); err != nil {
			return err
		}
	}
	return nil
}

// earnPoints adds to the ledger what a purchase or a referral earns under the
// programme in force, in the transaction that logs it.
func (t *txn) earnPoints(in *Interaction) error {
	if in.Kind != "purchase" && in.Kind != "referral" {
		return nil
	}
	p, err := loadProgramme(t.ctx, t)
	if err != nil {
		return err
	}
	_, err = t.earnUnder(p, in)
	return err
}

// earnUnder adds what in earns under programme p, and reports whether it
// earned anything.
func (t *txn) earnUnder(p LoyaltyProgramme, in *Interaction) (bool, error) {
	var points int64
	kind := PointsFromPurchase
	switch {
	case in.Kind == "purchase" && p.Currency != "" && in.Currency == p.Currency:
		points = p.pointsFor(in.AmountMinor)
	case in.Kind == "referral":
		points, kind = p.PointsPerReferral, PointsFromReferral
	}
	if points <= 0 {
		return false, nil
	}
	_, err := t.put("loyalty_entry", earnedEntryID(in.ID), fields{"contact_id": in.ContactID, "kind": kind, "points": points,
		"at": formatTS(in.At), "source_id": in.ID, "staff": in.Staff})
	return err == nil, err
}

// AwardPastPoints gives the points of the programme now in force for the
// purchases and referrals logged from `since` on that earned none (they were
// logged before the programme began, or before it gave points for them),
// and returns how many it credited. Points taken back, with a deleted
// purchase, stay taken back; running it again credits nothing twice.
func (s *Store) AwardPastPoints(ctx context.Context, since time.Time) (int, error) {
	credited := 0
	err := s.write(ctx, func(t *txn) error {
		credited = 0
		p, err := loadProgramme(t.ctx, t)
		if err != nil {
			return err
		}
		rows, err := t.QueryContext(t.ctx, `SELECT i.id, i.contact_id, i.kind, i.at, i.amount_minor, i.currency, i.staff
			FROM interaction i JOIN contact c ON c.id = i.contact_id
			WHERE i.kind IN ('purchase', 'referral') AND i.at >= ? AND i.cl % 2 = 1 AND c.cl % 2 = 1 AND c.merged_into = ''
			ORDER BY i.at, i.id`, formatTS(since))
		if err != nil {
			return err
		}
		var todo []Interaction
		for rows.Next() {
			var in Interaction
			var at string
			if err := rows.Scan(&in.ID, &in.ContactID, &in.Kind, &at, &in.AmountMinor, &in.Currency, &in.Staff); err != nil {
				rows.Close()
				return err
			}
			in.At = parseTS(at)
			todo = append(todo, in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range todo {
			// The derived id says whether it earned before.
			var one int
			err := t.QueryRowContext(t.ctx, "SELECT 1 FROM loyalty_entry WHERE id = ?", earnedEntryID(todo[i].ID)).Scan(&one)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			made, err := t.earnUnder(p, &todo[i])
			if err != nil {
				return err
			}
			if made {
				credited++
			}
		}
		return nil
	})
	return credited, err
}

// forgetEarned takes back the points earned from an interaction being deleted.
func (t *txn) forgetEarned(interactionID string) error {
	var cl int64
	err := t.QueryRowContext(t.ctx, "SELECT cl FROM loyalty_entry WHERE id = ?", earnedEntryID(interactionID)).Scan(&cl)
	if errors.Is(err, sql.ErrNoRows) || err == nil && cl%2 == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = t.setAlive("loyalty_entry", earnedEntryID(interactionID), false)
	return err
}

// balanceSelect is the balance from the ledger of live clients: a deleted
// (or erased) client keeps no balance here, and gets it back when restored.
const balanceSelect = `SELECT e.contact_id, sum(e.points) FROM loyalty_entry e JOIN contact c ON c.id = e.contact_id
	WHERE e.cl % 2 = 1 AND c.cl % 2 = 1`

// balancesAll is balanceSelect for every client.
const balancesAll = balanceSelect + " GROUP BY e.contact_id"

// markLedger asks for the client's balance to be computed again before commit:
// its ledger changed, or the client was deleted or restored.
func (t *txn) markLedger(contactID string) {
	if contactID == "" {
		return
	}
	if t.ledgers == nil {
		t.ledgers = map[string]bool{}
	}
	t.ledgers[contactID] = true
}

// refreshBalances brings the balances of the clients marked in this
// transaction up to date.
func (t *txn) refreshBalances() error {
	for id := range t.ledgers {
		if err := t.dropBalance(id); err != nil {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "INSERT INTO loyalty_balance(contact_id, points) "+balanceSelect+
			" AND e.contact_id = ? GROUP BY e.contact_id", id); err != nil {
			return err
		}
	}
	return nil
}

// dropBalance forgets a client's kept balance (a client no longer live).
func (t *txn) dropBalance(contactID string) error {
	_, err := t.ExecContext(t.ctx, "DELETE FROM loyalty_balance WHERE contact_id = ?", contactID)
	return err
}

// rebuildBalances computes every balance again (after bulk loads, and to repair).
func (t *txn) rebuildBalances() error {
	if _, err := t.ExecContext(t.ctx, "DELETE FROM loyalty_balance"); err != nil {
		return err
	}
	_, err := t.ExecContext(t.ctx, "INSERT INTO loyalty_balance(contact_id, points) "+balancesAll)
	return err
}

func balanceOf(ctx context.Context, q querier, contactID string) (int64, error) {
	var b int64
	err := q.QueryRowContext(ctx, "SELECT coalesce(sum(points), 0) FROM loyalty_entry WHERE contact_id = ? AND cl % 2 = 1", contactID).Scan(&b)
	return b, err
}

// RedeemReward gives a client a reward for its points, at a visit now. It is
// refused when the balance is short: a redemption never takes the balance
// below zero on the computer that records it.
func (s *Store) RedeemReward(ctx context.Context, contactID, reward string) (LoyaltyEntry, error) {
	var e LoyaltyEntry
	err := s.write(ctx, func(t *txn) error {
		if err := t.requireContact(contactID); err != nil {
			return err
		}
		var r LoyaltyReward
		err := t.QueryRowContext(t.ctx, "SELECT name, cost_points FROM loyalty_reward WHERE id = ? AND cl % 2 = 1", rewardID(reward)).Scan(&r.Name, &r.CostPoints)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reward %q: %w", reward, ErrNotFound)
		}
		if err != nil {
			return err
		}
		balance, err := balanceOf(t.ctx, t, contactID)
		if err != nil {
			return err
		}
		if balance < r.CostPoints {
			return fmt.Errorf("%w: %s costs %d points and the balance is %d", ErrConflict, r.Name, r.CostPoints, balance)
		}
		e = LoyaltyEntry{ID: newID(), Kind: PointsRedeemed, Points: -r.CostPoints, At: t.s.now(), Reward: r.Name, Staff: t.s.staff()}
		return t.putEntry(contactID, e)
	})
	return e, err
}

// AdjustPoints adds (or, negative, takes away) points by hand, with the
// reason written in the ledger. Like a redemption, it never takes the balance
// below zero.
func (s *Store) AdjustPoints(ctx context.Context, contactID string, points int64, reason string) (LoyaltyEntry, error) {
	reason = strings.TrimSpace(reason)
	if points == 0 {
		return LoyaltyEntry{}, fmt.Errorf("%w adjustment: the points must not be zero", ErrInvalid)
	}
	if reason == "" {
		return LoyaltyEntry{}, fmt.Errorf("%w adjustment: a reason is needed", ErrInvalid)
	}
	var e LoyaltyEntry
	err := s.write(ctx, func(t *txn) error {
		if err := t.requireContact(contactID); err != nil {
			return err
		}
		if points < 0 {
			balance, err := balanceOf(t.ctx, t, contactID)
			if err != nil {
				return err
			}
			if balance+points < 0 {
				return fmt.Errorf("%w: taking %d points from a balance of %d would leave it below zero", ErrConflict, -points, balance)
			}
		}
		e = LoyaltyEntry{ID: newID(), Kind: PointsAdjusted, Points: points, At: t.s.now(), Reason: reason, Staff: t.s.staff()}
		return t.putEntry(contactID, e)
	})
	return e, err
}

func (t *txn) putEntry(contactID string, e LoyaltyEntry) error {
	_, err := t.put("loyalty_entry", e.ID, fields{"contact_id": contactID, "kind": e.Kind, "points": e.Points,
		"at": formatTS(e.At), "source_id": e.SourceID, "reward": e.Reward, "reason": e.Reason, "staff": e.Staff})
	return err
}

// spendSince sums a client's purchases in currency from `from` on.
func spendSince(ctx context.Context, q querier, contactID, currency string, from time.Time) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(sum(amount_minor), 0) FROM interaction INDEXED BY interaction_contact
		WHERE contact_id = ? AND kind = 'purchase' AND currency = ? AND at >= ? AND cl % 2 = 1`, contactID, currency, formatTS(from)).Scan(&n)
	return n, err
}

// yearAgo is the start of the twelve months tiers are measured over.
func (s *Store) yearAgo() time.Time { return s.now().AddDate(-1, 0, 0) }

// Loyalty gives a client's points, ledger (newest first), tier and progress.
func (s *Store) Loyalty(ctx context.Context, contactID string) (LoyaltyStatus, error) {
	st := LoyaltyStatus{ContactID: contactID, Available: []LoyaltyReward{}, Entries: []LoyaltyEntry{}}
	if _, err := s.Contact(ctx, contactID); err != nil {
		return st, err
	}
	p, err := s.LoyaltyProgramme(ctx)
	if err != nil {
		return st, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, points, at, source_id, reward, reason, staff FROM loyalty_entry
		WHERE contact_id = ? AND cl % 2 = 1 ORDER BY at DESC, rowid DESC`, contactID)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var e LoyaltyEntry
		var at string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Points, &at, &e.SourceID, &e.Reward, &e.Reason, &e.Staff); err != nil {
			rows.Close()
			return st, err
		}
		e.At = parseTS(at)
		st.Balance += e.Points
		st.Entries = append(st.Entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	if st.Balance < 0 {
		st.OwedPoints = -st.Balance
	}
	for _, r := range p.Rewards {
		if r.CostPoints <= st.Balance {
			st.Available = append(st.Available, r)
		}
	}
	if p.Currency == "" {
		return st, nil
	}
	st.Currency = p.Currency
	if st.SpendMinor, err = spendSince(ctx, s.db, contactID, p.Currency, s.yearAgo()); err != nil {
		return st, err
	}
	i := p.tierIndex(st.SpendMinor)
	var from int64
	if i >= 0 {
		st.Tier, from = p.Tiers[i].Name, p.Tiers[i].ThresholdMinor
	}
	if i+1 < len(p.Tiers) {
		next := p.Tiers[i+1]
		st.NextTier, st.ToNextTierMinor = next.Name, next.ThresholdMinor-st.SpendMinor
		st.ProgressPercent = int((st.SpendMinor - from) * 100 / (next.ThresholdMinor - from))
	} else if i >= 0 {
		st.ProgressPercent = 100
	}
	return st, nil
}

// tierJustReachedDays is how long Today shows that a client reached a tier.
const tierJustReachedDays = 14

// loyaltyToday lists clients who reached a higher tier in the last two weeks
// and clients whose points pay for a reward.
func (s *Store) loyaltyToday(ctx context.Context) ([]TodayItem, error) {
	p, err := s.LoyaltyProgramme(ctx)
	if err != nil || !p.configured() {
		return nil, err
	}
	today := s.today()
	var items []TodayItem
	if len(p.Tiers) > 0 {
		now := s.now()
		then := now.AddDate(0, 0, -tierJustReachedDays)
		// Only clients who bought in the last two weeks can have reached a
		// tier in them: find those from the (kind, at) index, then sum each
		// one's purchases from the (contact, at) index.
		rows, err := s.db.QueryContext(ctx, `SELECT x.contact_id, c.display_name,
				(SELECT coalesce(sum(amount_minor), 0) FROM interaction INDEXED BY interaction_contact WHERE contact_id = x.contact_id
					AND kind = 'purchase' AND currency = ? AND at >= ? AND cl % 2 = 1),
				(SELECT coalesce(sum(amount_minor), 0) FROM interaction INDEXED BY interaction_contact WHERE contact_id = x.contact_id
					AND kind = 'purchase' AND currency = ? AND at >= ? AND at < ? AND cl % 2 = 1)
			FROM (SELECT DISTINCT contact_id FROM interaction INDEXED BY interaction_kind_at
				WHERE kind = 'purchase' AND at >= ? AND currency = ? AND cl % 2 = 1) x
			JOIN contact c ON c.id = x.contact_id
			WHERE c.cl % 2 = 1 AND c.merged_into = ''
			ORDER BY c.sort_name, x.contact_id`,
			p.Currency, formatTS(now.AddDate(-1, 0, 0)),
			p.Currency, formatTS(then.AddDate(-1, 0, 0)), formatTS(then),
			formatTS(then), p.Currency)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, name string
			var spendNow, spendThen int64
			if err := rows.Scan(&id, &name, &spendNow, &spendThen); err != nil {
				rows.Close()
				return nil, err
			}
			if i := p.tierIndex(spendNow); i > p.tierIndex(spendThen) && len(items) < todayListLimit {
				items = append(items, TodayItem{Kind: "tier", ContactID: id, DisplayName: name, Date: today,
					Detail: "reached " + p.Tiers[i].Name})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if len(p.Rewards) > 0 {
		cheapest := p.Rewards[0].CostPoints
		rows, err := s.db.QueryContext(ctx, `SELECT b.contact_id, c.display_name, b.points FROM loyalty_balance b
			JOIN contact c ON c.id = b.contact_id WHERE b.points >= ? AND c.cl % 2 = 1 AND c.merged_into = ''
			ORDER BY b.points DESC, b.contact_id LIMIT ?`, cheapest, todayListLimit)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, name string
			var balance int64
			if err := rows.Scan(&id, &name, &balance); err != nil {
				return nil, err
			}
			var can []string
			for _, r := range p.Rewards {
				if r.CostPoints <= balance {
					can = append(can, r.Name)
				}
			}
			items = append(items, TodayItem{Kind: "reward", ContactID: id, DisplayName: name, Date: today,
				Detail: fmt.Sprintf("%d points: %s", balance, strings.Join(can, ", "))})
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return items, nil
}
