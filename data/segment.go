package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// SegmentFilter picks clients by what Rapport knows of them. Every condition
// given must hold; an empty filter is every live client.
type SegmentFilter struct {
	Tags        []string           `json:"tags,omitempty"`        // tagged with each of them
	Preferences []PreferenceFilter `json:"preferences,omitempty"` // a preference matching each
	Tier        string             `json:"tier,omitempty"`        // in this loyalty tier now
	// Spend over the last twelve months in Currency (the loyalty programme's
	// when empty), within [MinSpendMinor, MaxSpendMinor]; nil is no bound.
	MinSpendMinor *int64 `json:"min_spend_minor,omitempty"`
	MaxSpendMinor *int64 `json:"max_spend_minor,omitempty"`
	Currency      string `json:"currency,omitempty"`
	// Last visit (a visit or a purchase) within the last SeenWithinDays days,
	// or, for NotSeenDays, longer ago than that (clients who never came are
	// not "not seen", as on Today).
	SeenWithinDays int `json:"seen_within_days,omitempty"`
	NotSeenDays    int `json:"not_seen_days,omitempty"`
	BirthdayMonth  int `json:"birthday_month,omitempty"` // 1-12
	// Kinds: an interaction of each kind, in the last KindWithinDays days
	// when that is set, else ever.
	Kinds          []string `json:"kinds,omitempty"`
	KindWithinDays int      `json:"kind_within_days,omitempty"`
	City           string   `json:"city,omitempty"` // the town of one of their addresses, accents and case aside
}

// PreferenceFilter matches a preference: each part given must match,
// accents and case aside; Value matches the whole value or its first
// word(s), so "38" finds "38 EU" but not "380".
type PreferenceFilter struct {
	Category string `json:"category,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Value    string `json:"value,omitempty"`
}

// Segment is a saved filter with its name.
type Segment struct {
	Name   string        `json:"name"`
	Filter SegmentFilter `json:"filter"`
	// Problem says why the filter cannot be read (Segments lists such a
	// segment so it can be saved again; nothing else uses it).
	Problem string `json:"problem,omitempty"`
}

func segmentID(name string) string { return derivedID("segment", normalName(name)) }

func (f *SegmentFilter) check() error {
	for i, p := range f.Preferences {
		p.Category = strings.ToLower(strings.TrimSpace(p.Category))
		p.Subject, p.Value = strings.TrimSpace(p.Subject), strings.TrimSpace(p.Value)
		if p.Category != "" && !oneOf(p.Category, PreferenceCategories) {
			return fmt.Errorf("%w preference category %q: want one of %s", ErrInvalid, p.Category, strings.Join(PreferenceCategories, ", "))
		}
		if p.Category == "" && p.Subject == "" && p.Value == "" {
			return fmt.Errorf("%w preference filter: give a category, subject or value", ErrInvalid)
		}
		f.Preferences[i] = p
	}
	for i, k := range f.Kinds {
		f.Kinds[i] = strings.ToLower(strings.TrimSpace(k))
		if !oneOf(f.Kinds[i], InteractionKinds) {
			return fmt.Errorf("%w kind %q: want one of %s", ErrInvalid, k, strings.Join(InteractionKinds, ", "))
		}
	}
	if f.BirthdayMonth < 0 || f.BirthdayMonth > 12 {
		return fmt.Errorf("%w birthday month %d: want 1 to 12", ErrInvalid, f.BirthdayMonth)
	}
	if f.SeenWithinDays < 0 || f.NotSeenDays < 0 || f.KindWithinDays < 0 {
		return fmt.Errorf("%w days: must not be negative", ErrInvalid)
	}
	f.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	f.Tier, f.City = strings.TrimSpace(f.Tier), strings.TrimSpace(f.City)
	return nil
}

// SaveSegment saves (or replaces) the segment called name.
func (s *Store) SaveSegment(ctx context.Context, name string, f SegmentFilter) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Errorf("%w segment: a name is needed", ErrInvalid)
	}
	if err := f.check(); err != nil {
		return err
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *txn) error {
		id := segmentID(name)
		if _, err := t.put("segment", id, fields{"name": name, "filter": string(b)}); err != nil {
			return err
		}
		_, err := t.setAlive("segment", id, true)
		return err
	})
}

// DeleteSegment removes a saved segment.
func (s *Store) DeleteSegment(ctx context.Context, name string) error {
	return s.write(ctx, func(t *txn) error {
		changed, err := t.setAlive("segment", segmentID(name), false)
		if errors.Is(err, ErrNotFound) || err == nil && !changed {
			return fmt.Errorf("segment %q: %w", name, ErrNotFound)
		}
		return err
	})
}

// SegmentByName gives a saved segment.
func (s *Store) SegmentByName(ctx context.Context, name string) (Segment, error) {
	return segmentByName(ctx, s.db, name)
}

func segmentByName(ctx context.Context, q querier, name string) (Segment, error) {
	var seg Segment
	var filter string
	err := q.QueryRowContext(ctx, "SELECT name, filter FROM segment WHERE id = ? AND cl % 2 = 1", segmentID(name)).Scan(&seg.Name, &filter)
	if errors.Is(err, sql.ErrNoRows) {
		return seg, fmt.Errorf("segment %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return seg, err
	}
	return seg, decodeFilter(filter, &seg.Filter)
}

// decodeFilter reads a saved filter. A condition this Rapport does not know
// (saved by a newer one on another computer) is an error rather than left
// out: without it the segment would hold more clients than it should, and
// an outreach would reach them.
func decodeFilter(text string, f *SegmentFilter) error {
	if text == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return fmt.Errorf("%w segment filter (saved by a newer Rapport?): %v", ErrInvalid, err)
	}
	return nil
}

// Segments lists the saved segments by name.
func (s *Store) Segments(ctx context.Context) ([]Segment, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name, filter FROM segment WHERE cl % 2 = 1 ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Segment{}
	for rows.Next() {
		var seg Segment
		var filter string
		if err := rows.Scan(&seg.Name, &filter); err != nil {
			return nil, err
		}
		if err := decodeFilter(filter, &seg.Filter); err != nil {
			seg.Filter, seg.Problem = SegmentFilter{}, err.Error()
		}
		out = append(out, seg)
	}
	return out, rows.Err()
}

// SegmentMembers gives the ids of the live clients the filter picks, in name order.
func (s *Store) SegmentMembers(ctx context.Context, f SegmentFilter) ([]string, error) {
	return s.segmentMembers(ctx, s.db, f)
}

// SegmentCount counts the live clients the filter picks, for a segment
// builder that shows the count while the filter is being made.
func (s *Store) SegmentCount(ctx context.Context, f SegmentFilter) (int, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	where, args, err := s.segmentWhere(ctx, s.db, f)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.QueryRowContext(ctx, "SELECT count(*) FROM contact c WHERE c.cl % 2 = 1 AND c.merged_into = ''"+where, args...).Scan(&n)
	return n, err
}

// SegmentClients gives the list form of the clients the filter picks.
func (s *Store) SegmentClients(ctx context.Context, f SegmentFilter) ([]ContactSummary, error) {
	ids, err := s.SegmentMembers(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.summaries(ctx, ids)
}

func (s *Store) segmentMembers(ctx context.Context, q querier, f SegmentFilter) ([]string, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	where, args, err := s.segmentWhere(ctx, q, f)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT c.id FROM contact c WHERE c.cl % 2 = 1 AND c.merged_into = ''"+where+" ORDER BY c.sort_name, c.id", args...)
	if err != nil {
		return nil, err
	}
	ids, err := scanIDs(rows)
	if ids == nil {
		ids = []string{}
	}
	return ids, err
}

// segmentWhere turns a filter into conditions on the contact c. Each is a
// list that SQLite reads once (c.id IN (...)), not a lookup per client: left
// to itself SQLite may read a whole index for each of 100,000 clients.
func (s *Store) segmentWhere(ctx context.Context, q querier, f SegmentFilter) (string, []any, error) {
	var where strings.Builder
	var args []any
	cond := func(sql string, a ...any) {
		where.WriteString(" AND " + sql)
		args = append(args, a...)
	}
	for _, tag := range f.Tags {
		cond(`c.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
			WHERE t.id = ? AND ct.cl % 2 = 1 AND t.cl % 2 = 1)`, tagID(tag))
	}
	for _, p := range f.Preferences {
		sql := "c.id IN (SELECT p.contact_id FROM preference p WHERE p.cl % 2 = 1"
		var a []any
		if p.Category != "" {
			sql += " AND p.category = ?"
			a = append(a, p.Category)
		}
		for _, part := range []struct {
			column, want string
			words        bool
		}{{"subject", p.Subject, false}, {"value", p.Value, true}} {
			if part.want == "" {
				continue
			}
			list, err := matchingTexts(ctx, q, "SELECT DISTINCT "+part.column+" FROM preference WHERE cl % 2 = 1", part.want, part.words)
			if err != nil {
				return "", nil, err
			}
			sql += " AND p." + part.column + " IN (SELECT value FROM json_each(?))"
			a = append(a, list)
		}
		cond(sql+")", a...)
	}
	if f.Tier != "" || f.MinSpendMinor != nil || f.MaxSpendMinor != nil {
		p, err := loadProgramme(ctx, q)
		if err != nil {
			return "", nil, err
		}
		currency := f.Currency
		if currency == "" {
			currency = p.Currency
		}
		if currency == "" {
			return "", nil, fmt.Errorf("%w segment: spend needs a currency (or a loyalty programme)", ErrInvalid)
		}
		since := formatTS(s.yearAgo())
		// Clients whose spend reaches n; every client's reaches 0 or less.
		atLeast := func(n int64) {
			if n > 0 {
				cond("c.id IN ("+spenders+" HAVING sum(amount_minor) >= ?)", since, currency, n)
			}
		}
		// Clients whose spend stays below n; nobody's is below 0 or less.
		below := func(n int64) {
			if n <= 0 {
				cond("0")
				return
			}
			cond("c.id NOT IN ("+spenders+" HAVING sum(amount_minor) >= ?)", since, currency, n)
		}
		if f.Tier != "" {
			lo, hi, err := tierRange(p, f.Tier)
			if err != nil {
				return "", nil, err
			}
			if currency != p.Currency {
				return "", nil, fmt.Errorf("%w segment: tiers are measured in %s, not %s", ErrInvalid, p.Currency, currency)
			}
			// A tier is a range of spend: from its threshold to the next one's.
			atLeast(lo)
			if hi != nil {
				below(*hi)
			}
		}
		if f.MinSpendMinor != nil {
			atLeast(*f.MinSpendMinor)
		}
		if f.MaxSpendMinor != nil {
			if *f.MaxSpendMinor < 0 {
				cond("0")
			} else {
				below(*f.MaxSpendMinor + 1)
			}
		}
	}
	today := s.today().Time()
	if f.SeenWithinDays > 0 {
		cond("c.id IN (SELECT contact_id FROM contact_stats WHERE last_visit >= ?)",
			formatTS(today.AddDate(0, 0, -f.SeenWithinDays)))
	}
	if f.NotSeenDays > 0 {
		cond("c.id IN (SELECT contact_id FROM contact_stats WHERE last_visit <> '' AND last_visit < ?)",
			formatTS(today.AddDate(0, 0, -f.NotSeenDays)))
	}
	if f.BirthdayMonth > 0 {
		cond("c.bday_month = ?", f.BirthdayMonth)
	}
	since := ""
	if f.KindWithinDays > 0 {
		since = formatTS(today.AddDate(0, 0, -f.KindWithinDays))
	}
	for _, k := range f.Kinds {
		cond("c.id IN (SELECT contact_id FROM interaction WHERE kind = ? AND at >= ? AND cl % 2 = 1)", k, since)
	}
	if f.City != "" {
		towns, err := matchingTexts(ctx, q, "SELECT DISTINCT locality FROM contact_address WHERE cl % 2 = 1 AND locality <> ''", f.City, false)
		if err != nil {
			return "", nil, err
		}
		cond("c.id IN (SELECT contact_id FROM contact_address WHERE cl % 2 = 1 AND locality IN (SELECT value FROM json_each(?)))", towns)
	}
	return where.String(), args, nil
}

// matchingTexts lists, as JSON, the distinct texts the query gives that are
// want with accents and case aside ("munchen" finds "München"; SQLite folds
// only the case of ASCII, so the few distinct values are compared here), or,
// with words, that begin with want's words ("38" finds "38 EU", not "380").
func matchingTexts(ctx context.Context, q querier, query, want string, words bool) (string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	key := sortKey(strings.Join(strings.Fields(want), " "))
	out := []string{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return "", err
		}
		k := sortKey(strings.Join(strings.Fields(text), " "))
		if k == key || words && strings.HasPrefix(k, key+" ") {
			out = append(out, text)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// spenders groups the purchases from a time (first argument) in a currency
// (second) by client, for a HAVING on their sum; NULLs are left out, as one
// would make every NOT IN false.
const spenders = `SELECT contact_id FROM interaction INDEXED BY interaction_kind_at
	WHERE kind = 'purchase' AND at >= ? AND currency = ? AND cl % 2 = 1 AND contact_id IS NOT NULL
	GROUP BY contact_id`

// tierRange is the spend that puts a client in the named tier: from its
// threshold up to, not including, the next tier's (nil for the top tier).
func tierRange(p LoyaltyProgramme, name string) (int64, *int64, error) {
	for i, t := range p.Tiers {
		if normalName(t.Name) == normalName(name) {
			if i+1 < len(p.Tiers) {
				return t.ThresholdMinor, &p.Tiers[i+1].ThresholdMinor, nil
			}
			return t.ThresholdMinor, nil, nil
		}
	}
	return 0, nil, fmt.Errorf("tier %q: %w", name, ErrNotFound)
}
