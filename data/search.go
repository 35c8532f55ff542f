package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// The search document of a contact lives in contact_search (FTS5), keyed by
// the contact's number in contact_doc. It is rebuilt for every contact a write
// touches, in the same transaction, and for all contacts at once after bulk
// loads, because an index update per row is many times slower in bulk.

// refreshTouched brings the derived data of every touched contact up to date.
func (t *txn) refreshTouched() error {
	for id := range t.touched {
		if err := t.refreshContact(id); err != nil {
			return fmt.Errorf("refresh contact %s: %w", id, err)
		}
	}
	return nil
}

func (t *txn) refreshContact(id string) error {
	var cl int64
	var display string
	err := t.QueryRowContext(t.ctx, "SELECT cl, display_name FROM contact WHERE id = ?", id).Scan(&cl, &display)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE contact SET sort_name = ? WHERE id = ? AND sort_name <> ?", sortKey(display), id, sortKey(display)); err != nil {
		return err
	}
	if err := t.refreshDoc(id, cl%2 == 1); err != nil {
		return err
	}
	return t.refreshStats(id)
}

func (t *txn) refreshDoc(id string, alive bool) error {
	var doc int64
	err := t.QueryRowContext(t.ctx, "SELECT doc FROM contact_doc WHERE contact_id = ?", id).Scan(&doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if !alive {
			return nil
		}
		res, err := t.ExecContext(t.ctx, "INSERT INTO contact_doc(contact_id) VALUES(?)", id)
		if err != nil {
			return err
		}
		if doc, err = res.LastInsertId(); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_search WHERE rowid = ?", doc); err != nil {
			return err
		}
	}
	if !alive {
		return nil
	}
	var name, other, digits string
	if err := t.QueryRowContext(t.ctx, docQuery+" WHERE c.id = ?", id).Scan(&name, &other, &digits); err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, "INSERT INTO contact_search(rowid, name, other, digits) VALUES(?, ?, ?, ?)", doc, name, other, phoneDigitSuffixes(digits))
	return err
}

// docQuery computes the three columns of a contact's search document; digits
// comes back as the phones' raw numbers, one per line, for phoneDigitSuffixes.
const docQuery = `SELECT
	c.display_name || ' ' || c.given || ' ' || c.family || ' ' || c.nickname,
	c.organization || ' ' || c.title
		|| coalesce((SELECT ' ' || group_concat(address, ' ') FROM contact_email WHERE contact_id = c.id AND cl % 2 = 1), '')
		|| coalesce((SELECT ' ' || group_concat(t.name, ' ') FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
			WHERE ct.contact_id = c.id AND ct.cl % 2 = 1 AND t.cl % 2 = 1), '')
		|| coalesce((SELECT ' ' || group_concat(subject || ' ' || value, ' ') FROM preference WHERE contact_id = c.id AND cl % 2 = 1), '')
		|| coalesce((SELECT ' ' || group_concat(locality, ' ') FROM contact_address WHERE contact_id = c.id AND cl % 2 = 1), '')
		|| ' ' || c.notes,
	coalesce((SELECT group_concat(number || char(10) || e164, char(10)) FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1), '')
FROM contact c`

// phoneDigitSuffixes turns phone numbers into the tokens of the digits column:
// every suffix of 3 or more digits of each number, so that a prefix query for
// any run of digits ("7612") finds "+49 176 1234" whatever its formatting.
func phoneDigitSuffixes(numbers string) string {
	var b strings.Builder
	seen := map[string]bool{}
	lines := strings.Split(numbers, "\n")
	for _, n := range lines {
		// People type a number the way it is dialled at home ("06 12 34 56 78"),
		// so the national form of an international number is searchable too.
		if strings.HasPrefix(n, "+") {
			if pn, err := phonenumbers.Parse(n, ""); err == nil {
				lines = append(lines, phonenumbers.Format(pn, phonenumbers.NATIONAL))
			}
		}
	}
	for _, n := range lines {
		var d []byte
		for i := 0; i < len(n); i++ {
			if n[i] >= '0' && n[i] <= '9' {
				d = append(d, n[i])
			}
		}
		for i := 0; i+3 <= len(d); i++ {
			s := string(d[i:])
			if seen[s] {
				continue
			}
			seen[s] = true
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// rebuildDerived recomputes sort names, every search document and every
// contact's figures; bulk loads call it once instead of per row.
func (t *txn) rebuildDerived() error {
	rows, err := t.QueryContext(t.ctx, "SELECT id, display_name FROM contact")
	if err != nil {
		return err
	}
	type cn struct{ id, name string }
	var all []cn
	for rows.Next() {
		var c cn
		if err := rows.Scan(&c.id, &c.name); err != nil {
			rows.Close()
			return err
		}
		all = append(all, c)
	}
	rows.Close()
	upd, err := t.PrepareContext(t.ctx, "UPDATE contact SET sort_name = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, c := range all {
		if _, err := upd.ExecContext(t.ctx, sortKey(c.name), c.id); err != nil {
			return err
		}
	}
	for _, q := range []string{
		"DELETE FROM contact_search",
		"INSERT INTO contact_doc(contact_id) SELECT id FROM contact WHERE cl % 2 = 1 AND id NOT IN (SELECT contact_id FROM contact_doc)",
	} {
		if _, err := t.ExecContext(t.ctx, q); err != nil {
			return err
		}
	}
	docs, err := t.QueryContext(t.ctx, strings.Replace(docQuery, "SELECT", "SELECT d.doc,", 1)+" JOIN contact_doc d ON d.contact_id = c.id WHERE c.cl % 2 = 1")
	if err != nil {
		return err
	}
	ins, err := t.PrepareContext(t.ctx, "INSERT INTO contact_search(rowid, name, other, digits) VALUES(?, ?, ?, ?)")
	if err != nil {
		docs.Close()
		return err
	}
	defer ins.Close()
	type docRow struct {
		doc                  int64
		name, other, numbers string
	}
	var batch []docRow
	for docs.Next() {
		var r docRow
		if err := docs.Scan(&r.doc, &r.name, &r.other, &r.numbers); err != nil {
			docs.Close()
			return err
		}
		batch = append(batch, r)
	}
	docs.Close()
	if err := docs.Err(); err != nil {
		return err
	}
	for _, r := range batch {
		if _, err := ins.ExecContext(t.ctx, r.doc, r.name, r.other, phoneDigitSuffixes(r.numbers)); err != nil {
			return err
		}
	}
	if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_stats"); err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, "INSERT INTO contact_stats "+statsSelect+" WHERE c.cl > 0")
	return err
}

// SearchResult is one match of a search, best first.
type SearchResult struct {
	ContactSummary
}

// broadMatches is the number of matches above which a search is ordered by
// name instead of by relevance: ranking every match of "mar" among 100,000
// clients costs tens of milliseconds, reading the first names in order does not.
const broadMatches = 2000

// Search finds live clients by any fragment: the start of any word of their
// names, organisation, e-mails, tags, preferences, town or notes, or any run of
// 3 or more digits of a phone number. Accents and case do not matter. Results
// come best first: by relevance, names counting most; when the query matches a
// great many clients, by name.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]ContactSummary, error) {
	match := ftsQuery(query)
	if match == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM contact_search WHERE contact_search MATCH ? LIMIT ?)", match, broadMatches+1).Scan(&n); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	var rows *sql.Rows
	var err error
	if n > broadMatches {
		rows, err = s.db.QueryContext(ctx, `SELECT c.id FROM contact c JOIN contact_doc d ON d.contact_id = c.id
			WHERE c.cl % 2 = 1 AND d.doc IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)
			ORDER BY c.sort_name LIMIT ?`, match, limit)
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT d.contact_id FROM contact_search s JOIN contact_doc d ON d.doc = s.rowid
			WHERE contact_search MATCH ? ORDER BY bm25(contact_search, 10.0, 2.0, 5.0), d.contact_id LIMIT ?`, match, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return s.summaries(ctx, ids)
}

// ftsQuery turns what a person typed into an FTS5 query in which every word
// must match as a prefix. A query of digits and phone punctuation only
// ("0176 123-45") is one run of digits, matched against the phone suffixes.
func ftsQuery(q string) string {
	hasLetter, hasDigit := false, false
	for _, r := range q {
		hasLetter = hasLetter || unicode.IsLetter(r)
		hasDigit = hasDigit || unicode.IsDigit(r)
	}
	if hasDigit && !hasLetter {
		var d strings.Builder
		for _, r := range q {
			if r >= '0' && r <= '9' {
				d.WriteRune(r)
			}
		}
		return `digits:"` + d.String() + `"*`
	}
	var terms []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}

// RebuildDerived recomputes the search index, sort names and per-client
// figures from the data; bulk loads and repairs use it.
func (s *Store) RebuildDerived(ctx context.Context) error {
	return s.write(ctx, func(t *txn) error { return t.rebuildDerived() })
}
