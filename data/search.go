package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// The search document of a contact lives in contact_search (FTS5), keyed by
// the contact's number in contact_doc. It is rebuilt for every contact a write
// touches, in the same transaction, and for all contacts at once after bulk
// loads, because an index update per row is many times slower in bulk.
//
// Document numbers come in ranges. A rebuild numbers every live client from
// docSorted up in name order (sort_name, then id), so that the first matches
// of a broad search by name are the first matches by number, which FTS5 gives
// without reading the others. Clients added or renamed afterwards are numbered
// from docFresh up, in no order; numbers below docSorted are those of
// databases indexed before the ranges existed, in no order either.
const (
	docSorted int64 = 1 << 40
	docFresh  int64 = 1 << 41
)

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
	if cl%2 == 0 {
		// However the client stopped being live (deleted, or blanked by
		// whatever empties a record), no balance of theirs is kept.
		if err := t.dropBalance(id); err != nil {
			return err
		}
	}
	res, err := t.ExecContext(t.ctx, "UPDATE contact SET sort_name = ? WHERE id = ? AND sort_name <> ?", sortKey(display), id, sortKey(display))
	if err != nil {
		return err
	}
	renamed, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if err := t.refreshDoc(id, cl%2 == 1, renamed > 0); err != nil {
		return err
	}
	return t.refreshStats(id)
}

// refreshDoc rewrites the contact's document; a renamed contact leaves the
// name-ordered range for a fresh number.
func (t *txn) refreshDoc(id string, alive, renamed bool) error {
	var doc int64
	err := t.QueryRowContext(t.ctx, "SELECT doc FROM contact_doc WHERE contact_id = ?", id).Scan(&doc)
	if err == nil {
		if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_search WHERE rowid = ?", doc); err != nil {
			return err
		}
		if renamed && doc >= docSorted && doc < docFresh {
			if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_doc WHERE doc = ?", doc); err != nil {
				return err
			}
			err = sql.ErrNoRows
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if !alive {
			return nil
		}
		if err := t.QueryRowContext(t.ctx, "SELECT max(coalesce(max(doc), 0) + 1, ?) FROM contact_doc", docFresh).Scan(&doc); err != nil {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "INSERT INTO contact_doc(doc, contact_id) VALUES(?, ?)", doc, id); err != nil {
			return err
		}
	case err != nil:
		return err
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

// rebuildDerived recomputes sort names, every search document, every
// contact's figures and loyalty balance; bulk loads call it once instead of
// per row.
func (t *txn) rebuildDerived() error {
	if err := t.rebuildSortNames(); err != nil {
		return err
	}
	// Every live client gets a number in name order (see docSorted).
	for _, q := range []string{
		"DELETE FROM contact_search",
		"DELETE FROM contact_doc",
		fmt.Sprintf(`INSERT INTO contact_doc(doc, contact_id) SELECT %d + row_number() OVER (ORDER BY sort_name, id) - 1, id
			FROM contact WHERE cl %% 2 = 1`, docSorted),
	} {
		if _, err := t.ExecContext(t.ctx, q); err != nil {
			return err
		}
	}
	docs, err := t.QueryContext(t.ctx, strings.Replace(docQuery, "SELECT", "SELECT d.doc,", 1)+" JOIN contact_doc d ON d.contact_id = c.id WHERE c.cl % 2 = 1")
	if err != nil {
		return err
	}
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
	// In number order, which FTS5 writes fastest (reading the documents in
	// that order would be slower: in name order, not the table's).
	sort.Slice(batch, func(i, j int) bool { return batch[i].doc < batch[j].doc })
	// The digits column (numbers read and cut into suffixes) is made on another
	// goroutine while this one writes the index, rebuildDocs documents per
	// statement: a statement for each would cost a good part of the work.
	suffixes := make(chan string, 256)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(suffixes)
		for _, r := range batch {
			select {
			case suffixes <- phoneDigitSuffixes(r.numbers):
			case <-stop:
				return
			}
		}
	}()
	insertSQL := func(n int) string {
		return "INSERT INTO contact_search(rowid, name, other, digits) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", n), ", ")
	}
	full, err := t.PrepareContext(t.ctx, insertSQL(rebuildDocs))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 4*rebuildDocs)
	for i, r := range batch {
		args = append(args, r.doc, r.name, r.other, <-suffixes)
		if len(args) < cap(args) && i < len(batch)-1 {
			continue
		}
		if len(args) == cap(args) {
			_, err = full.ExecContext(t.ctx, args...)
		} else {
			_, err = t.ExecContext(t.ctx, insertSQL(len(args)/4), args...)
		}
		if err != nil {
			return err
		}
		args = args[:0]
	}
	if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_stats"); err != nil {
		return err
	}
	if _, err = t.ExecContext(t.ctx, "INSERT INTO contact_stats "+statsAll); err != nil {
		return err
	}
	return t.rebuildBalances()
}

// rebuildDocs is how many documents one statement of a rebuild indexes.
const rebuildDocs = 64

// rebuildSortNames writes the sort names that differ from what sortKey makes
// of the display names (a bulk load writes them with the rows); the keys are
// computed on every processor.
func (t *txn) rebuildSortNames() error {
	rows, err := t.QueryContext(t.ctx, "SELECT id, display_name, sort_name FROM contact")
	if err != nil {
		return err
	}
	type name struct{ id, display, key string }
	var all []name
	for rows.Next() {
		var n name
		if err := rows.Scan(&n.id, &n.display, &n.key); err != nil {
			rows.Close()
			return err
		}
		all = append(all, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	stale := make([][]int, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(all); i += workers {
				if k := sortKey(all[i].display); k != all[i].key {
					all[i].key = k
					stale[w] = append(stale[w], i)
				}
			}
		}(w)
	}
	wg.Wait()
	upd, err := t.PrepareContext(t.ctx, "UPDATE contact SET sort_name = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, list := range stale {
		for _, i := range list {
			if _, err := upd.ExecContext(t.ctx, all[i].key, all[i].id); err != nil {
				return err
			}
		}
	}
	return nil
}

// SearchResult is one match of a search, best first.
type SearchResult struct {
	ContactSummary
}

// broadMatches is the number of matches above which a search is ordered by
// name instead of by relevance: ranking every match of "mar" among 100,000
// clients costs tens of milliseconds, reading the first names in order does not.
const broadMatches = 2000

// broadCount is how far searchWalk counts the matches: enough to size its walk.
const broadCount = 25_000

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
	var ids []string
	if strings.HasPrefix(match, "digits:") {
		var err error
		if ids, err = s.searchIDs(ctx, match, limit); err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		return s.searchSummaries(ctx, ids)
	}
	// Clients whose names match come first, then those matched elsewhere
	// (e-mail, tags, notes...), so "mar" lists Maria before a client whose
	// e-mail happens to contain "mar".
	ids, err := s.searchIDs(ctx, "name : ("+match+")", limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	if len(ids) < limit {
		more, err := s.searchIDs(ctx, match, limit+len(ids))
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			seen[id] = true
		}
		for _, id := range more {
			if len(ids) == limit {
				break
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return s.searchSummaries(ctx, ids)
}

// searchIDs gives the ids of the best matches of an FTS5 query: ranked by
// relevance, or, when it matches more than broadMatches clients, by name.
func (s *Store) searchIDs(ctx context.Context, match string, limit int) ([]string, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM contact_search WHERE contact_search MATCH ? LIMIT ?)", match, broadMatches+1).Scan(&n); err != nil {
		return nil, err
	}
	if n > broadMatches {
		return s.searchBroad(ctx, match, limit)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.contact_id FROM contact_search s JOIN contact_doc d ON d.doc = s.rowid
		WHERE contact_search MATCH ? ORDER BY bm25(contact_search, 10.0, 2.0, 5.0), d.contact_id LIMIT ?`, match, limit)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// searchSummaries is summaries in two queries rather than two per contact:
// for a page of 50 results, a millisecond or two instead of several.
func (s *Store) searchSummaries(ctx context.Context, ids []string) ([]ContactSummary, error) {
	out := make([]ContactSummary, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, display_name, organization,
		coalesce((SELECT address FROM contact_email WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1), ''),
		coalesce((SELECT number FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1), '')
		FROM contact c WHERE id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*ContactSummary, len(ids))
	found := make([]ContactSummary, 0, len(ids))
	for rows.Next() {
		var c ContactSummary
		if err := rows.Scan(&c.ID, &c.DisplayName, &c.Organization, &c.Email, &c.Phone); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range found {
		byID[found[i].ID] = &found[i]
	}
	rows, err = s.db.QueryContext(ctx, `SELECT contact_tag.contact_id, tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id
		WHERE contact_tag.contact_id IN (`+marks+`) AND contact_tag.cl % 2 = 1 AND tag.cl % 2 = 1
		ORDER BY contact_tag.contact_id, tag.name COLLATE NOCASE`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		if c := byID[id]; c != nil {
			c.Tags = append(c.Tags, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		c := byID[id]
		if c == nil {
			return nil, fmt.Errorf("contact %s: %w", id, sql.ErrNoRows)
		}
		out = append(out, *c)
	}
	return out, nil
}

// broadUnordered is how many matches outside the name-ordered range
// searchBroad sorts itself (a few microseconds each); beyond, it walks.
const broadUnordered = 3000

// searchBroad gives the first live clients in name order among the many that
// match. In the range of numbers given in name order (see
// docSorted), those are the first matches by number, which FTS5 reads without
// the others; the few matches outside it, clients added or renamed since the
// last rebuild, are sorted by name and merged in. When there are many of
// those, searchWalk finds the first by name among all matches.
func (s *Store) searchBroad(ctx context.Context, match string, limit int) ([]string, error) {
	unordered := [][2]int64{{math.MinInt64, docSorted}, {docFresh, math.MaxInt64}}
	counts := make([]int, len(unordered))
	total := 0
	for i, r := range unordered {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contact_search
			WHERE contact_search MATCH ? AND rowid >= ? AND rowid < ? LIMIT ?)`, match, r[0], r[1], broadUnordered+1).Scan(&counts[i]); err != nil {
			return nil, err
		}
		total += counts[i]
	}
	if total > broadUnordered {
		return s.searchWalk(ctx, match, limit)
	}
	hits, err := s.nameHits(ctx, `SELECT c.id, c.sort_name FROM (SELECT rowid AS doc FROM contact_search
			WHERE contact_search MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?) m
		JOIN contact_doc d ON d.doc = m.doc JOIN contact c ON c.id = d.contact_id WHERE c.cl % 2 = 1`, match, docSorted, docFresh, limit)
	if err != nil {
		return nil, err
	}
	for i, r := range unordered {
		if counts[i] == 0 {
			continue
		}
		more, err := s.nameHits(ctx, `SELECT c.id, c.sort_name FROM contact_search s JOIN contact_doc d ON d.doc = s.rowid
			JOIN contact c ON c.id = d.contact_id
			WHERE contact_search MATCH ? AND s.rowid >= ? AND s.rowid < ? AND c.cl % 2 = 1
			ORDER BY c.sort_name, c.id LIMIT ?`, match, r[0], r[1], limit)
		if err != nil {
			return nil, err
		}
		hits = append(hits, more...)
	}
	return firstByName(hits, limit), nil
}

// nameHit is a client found with its sort name.
type nameHit struct{ id, key string }

func (s *Store) nameHits(ctx context.Context, q string, args ...any) ([]nameHit, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []nameHit
	for rows.Next() {
		var h nameHit
		if err := rows.Scan(&h.id, &h.key); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// firstByName is the ids of the first `limit` hits by sort name, then id.
func firstByName(hits []nameHit, limit int) []string {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].key != hits[j].key {
			return hits[i].key < hits[j].key
		}
		return hits[i].id < hits[j].id
	})
	ids := make([]string, 0, min(limit, len(hits)))
	for i := 0; i < len(hits) && i < limit; i++ {
		ids = append(ids, hits[i].id)
	}
	return ids
}

// searchWalk is searchBroad whatever the order of the numbers: the first live
// clients in name order among all that match. Sorting them all reads every
// match's name, a few microseconds each: tens of milliseconds for "mar" among
// 100,000 clients. Walking the clients in name order down the (cl, sort_name)
// index and keeping those that match stops after `limit` of them, which is
// quick when matches are spread through the alphabet (surnames, towns), and
// slow when they are not (given names sort together, "sophie" late). So the
// walk is given as many steps as there are matches, about what sorting them
// costs, then sorting takes over: at worst about twice the better of the two.
// The walk follows live clients of cl 1; those restored after a delete (cl 3,
// 5, ...) are few and are added from their own query.
func (s *Store) searchWalk(ctx context.Context, match string, limit int) ([]string, error) {
	collect := func(q string, args ...any) ([]nameHit, error) { return s.nameHits(ctx, q, args...) }
	var matches int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM contact_search WHERE contact_search MATCH ? LIMIT ?)", match, broadCount).Scan(&matches); err != nil {
		return nil, err
	}
	// (+d.doc: the matches are made into a set once, not looked up per client.)
	hits, err := collect(`SELECT id, sort_name FROM (
			SELECT c.id, c.sort_name, d.doc FROM contact c INDEXED BY contact_sort JOIN contact_doc d ON d.contact_id = c.id
			WHERE c.cl = 1 ORDER BY c.sort_name LIMIT ?)
		WHERE +doc IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?) LIMIT ?`, matches, match, limit)
	if err != nil {
		return nil, err
	}
	if len(hits) < limit {
		// The walk ran out of steps: sort every match.
		hits, err = collect(`SELECT c.id, c.sort_name FROM contact c JOIN contact_doc d ON d.contact_id = c.id
			WHERE c.cl % 2 = 1 AND d.doc IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)
			ORDER BY c.sort_name, c.id LIMIT ?`, match, limit)
		if err != nil {
			return nil, err
		}
	} else {
		var restored bool
		if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM contact INDEXED BY contact_sort WHERE cl > 2 AND cl % 2 = 1)").Scan(&restored); err != nil {
			return nil, err
		}
		if restored {
			more, err := collect(`SELECT c.id, c.sort_name FROM contact c INDEXED BY contact_sort JOIN contact_doc d ON d.contact_id = c.id
				WHERE c.cl > 2 AND c.cl % 2 = 1 AND +d.doc IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)
				ORDER BY c.sort_name, c.id LIMIT ?`, match, limit)
			if err != nil {
				return nil, err
			}
			hits = append(hits, more...)
		}
	}
	return firstByName(hits, limit), nil
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
	// Words joined by punctuation ("hannah.kuhn@web.de", "Anne-Kathrin",
	// "O'Brien") are one phrase, its last word a prefix: they stand together
	// in the document too, and a phrase is ranked as one, where separate words
	// would have bm25 read every document with "de" or "com" to weigh them.
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	joins := func(r rune) bool { return strings.ContainsRune(".@-_'’", r) }
	var terms []string
	for _, chunk := range strings.FieldsFunc(q, func(r rune) bool { return !inWord(r) && !joins(r) }) {
		words := strings.FieldsFunc(chunk, func(r rune) bool { return !inWord(r) })
		if len(words) > 0 {
			terms = append(terms, `"`+strings.Join(words, " ")+`"*`)
		}
	}
	return strings.Join(terms, " ")
}

// RebuildDerived recomputes the search index, sort names, per-client
// figures and loyalty balances from the data; bulk loads and repairs use it.
func (s *Store) RebuildDerived(ctx context.Context) error {
	return s.write(ctx, func(t *txn) error { return t.rebuildDerived() })
}
