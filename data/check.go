package data

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// CheckProblem is one thing Check found wrong.
type CheckProblem struct {
	Area     string `json:"area"` // database, foreign keys, search index, figures, sync, erasure
	Detail   string `json:"detail"`
	Repaired bool   `json:"repaired"`
}

// CheckReport is what Check looked at and found.
type CheckReport struct {
	Quick    bool           `json:"quick"`
	Checked  []string       `json:"checked"`
	Problems []CheckProblem `json:"problems"`
}

// OK reports whether nothing is left wrong.
func (r CheckReport) OK() bool {
	for _, p := range r.Problems {
		if !p.Repaired {
			return false
		}
	}
	return true
}

// Check areas.
const (
	areaDatabase    = "database"
	areaForeignKeys = "foreign keys"
	areaSearch      = "search index"
	areaFigures     = "figures"
	areaSync        = "sync"
	areaErasure     = "erasure"
)

// Check looks the database over: SQLite's own integrity check (the quick one
// when quick is set, which skips checking that indexes match their tables),
// foreign keys, the search index and per-client figures against the data,
// and, when not quick, that every operation in the outbox is about a row
// that exists. What can be rebuilt from the data (the search index and the
// figures) is rebuilt when repair is set; the rest is reported, because
// only a backup can bring back what a damaged file lost.
func (s *Store) Check(ctx context.Context, quick, repair bool) (CheckReport, error) {
	r := CheckReport{Quick: quick, Checked: []string{}, Problems: []CheckProblem{}}
	pragma := "integrity_check"
	if quick {
		pragma = "quick_check"
	}
	r.Checked = append(r.Checked, areaDatabase)
	lines, err := s.strings(ctx, "PRAGMA "+pragma+"(100)")
	if err != nil {
		// A file too damaged to be read at all says so here.
		r.Problems = append(r.Problems, CheckProblem{Area: areaDatabase, Detail: err.Error()})
		return r, nil
	}
	damaged := !(len(lines) == 1 && lines[0] == "ok")
	if damaged {
		// The other checks read the same damaged pages and could only add
		// noise; what helps now is a backup (or an export of what is left).
		for _, l := range lines {
			r.Problems = append(r.Problems, CheckProblem{Area: areaDatabase, Detail: l})
		}
		return r, nil
	}

	r.Checked = append(r.Checked, areaForeignKeys)
	fk, err := s.foreignKeyProblems(ctx)
	if err != nil {
		return r, err
	}
	r.Problems = append(r.Problems, fk...)

	r.Checked = append(r.Checked, areaSearch, areaFigures)
	derived, err := s.derivedProblems(ctx, quick)
	if err != nil {
		return r, err
	}
	if len(derived) > 0 && repair {
		if err := s.RebuildDerived(ctx); err != nil {
			return r, fmt.Errorf("rebuilding the search index: %w", err)
		}
		again, err := s.derivedProblems(ctx, quick)
		if err != nil {
			return r, err
		}
		if len(again) == 0 {
			for i := range derived {
				derived[i].Repaired = true
			}
		} else {
			derived = again
		}
	}
	r.Problems = append(r.Problems, derived...)

	if !quick {
		r.Checked = append(r.Checked, areaSync)
		syncs, err := s.syncProblems(ctx)
		if err != nil {
			return r, err
		}
		r.Problems = append(r.Problems, syncs...)

		r.Checked = append(r.Checked, areaErasure)
		erasures, err := s.erasureProblems(ctx, repair)
		if err != nil {
			return r, err
		}
		r.Problems = append(r.Problems, erasures...)
	}
	return r, nil
}

// strings runs a query of one text column.
func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v.String)
	}
	return out, rows.Err()
}

func (s *Store) count(ctx context.Context, q string, args ...any) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// foreignKeyProblems sums PRAGMA foreign_key_check up per table and parent.
func (s *Store) foreignKeyProblems(ctx context.Context) ([]CheckProblem, error) {
	rows, err := s.db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, err
		}
		counts[table+" → "+parent]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []CheckProblem
	for _, k := range sortedKeys(counts) {
		table, parent, _ := strings.Cut(k, " → ")
		out = append(out, CheckProblem{Area: areaForeignKeys,
			Detail: fmt.Sprintf("%d rows of %s point to a %s that does not exist", counts[k], table, parent)})
	}
	return out, nil
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// derivedProblems compares the search index and the per-client figures
// with the clients they are made from; all of the figures when not quick.
func (s *Store) derivedProblems(ctx context.Context, quick bool) ([]CheckProblem, error) {
	var out []CheckProblem
	checks := []struct {
		area, what, q string
	}{
		{areaSearch, "clients missing from the search index",
			"SELECT count(*) FROM contact c WHERE c.cl % 2 = 1 AND NOT EXISTS (SELECT 1 FROM contact_doc d WHERE d.contact_id = c.id)"},
		// A deleted client keeps its document number, so that a restore
		// puts it back in its place; only its document must be gone.
		{areaSearch, "deleted clients still in the search index",
			`SELECT count(*) FROM contact_doc d JOIN contact c ON c.id = d.contact_id
			JOIN contact_search s ON s.rowid = d.doc WHERE c.cl % 2 = 0`},
		{areaSearch, "search documents of no client",
			"SELECT (SELECT count(*) FROM contact_search) - (SELECT count(*) FROM contact_search s JOIN contact_doc d ON d.doc = s.rowid)"},
		{areaSearch, "clients whose document number has no search document",
			`SELECT count(*) FROM contact_doc d JOIN contact c ON c.id = d.contact_id
			WHERE c.cl % 2 = 1 AND NOT EXISTS (SELECT 1 FROM contact_search s WHERE s.rowid = d.doc)`},
		{areaFigures, "clients without their figures",
			"SELECT count(*) FROM contact c WHERE c.cl % 2 = 1 AND NOT EXISTS (SELECT 1 FROM contact_stats f WHERE f.contact_id = c.id)"},
	}
	if !quick {
		checks = append(checks, struct{ area, what, q string }{areaFigures, "clients whose figures differ from their timeline",
			"SELECT count(*) FROM (" + statsAll + ` EXCEPT SELECT contact_id, visits, last_visit, last_contact,
				purchases, first_purchase, last_purchase, spend_minor, spend_currency FROM contact_stats)`},
			struct{ area, what, q string }{areaFigures, "loyalty balances that differ from the points ledger",
				"SELECT (SELECT count(*) FROM (" + balancesAll + " EXCEPT SELECT contact_id, points FROM loyalty_balance))" +
					" + (SELECT count(*) FROM (SELECT contact_id, points FROM loyalty_balance EXCEPT " + balancesAll + "))"})
	}
	for _, c := range checks {
		n, err := s.count(ctx, c.q)
		if err != nil {
			return nil, fmt.Errorf("checking %s: %w", c.area, err)
		}
		if n != 0 {
			out = append(out, CheckProblem{Area: c.area, Detail: fmt.Sprintf("%d %s", n, c.what)})
		}
	}
	// FTS5's own check that its index matches its stored documents.
	if _, err := s.db.ExecContext(ctx, "INSERT INTO contact_search(contact_search) VALUES('integrity-check')"); err != nil {
		out = append(out, CheckProblem{Area: areaSearch, Detail: "the index does not match its documents: " + err.Error()})
	}
	return out, nil
}

// syncProblems checks the sync bookkeeping against the outbox: every
// operation recorded here is about a row that exists (a row removed
// without its change being recorded would be missing on every other
// computer forever), and none is stamped after the clock a restart resumes
// from. (Operations need not be in stamp order: a large import writes its
// rows table by table.)
func (s *Store) syncProblems(ctx context.Context) ([]CheckProblem, error) {
	var out []CheckProblem
	tables := make([]string, 0, len(syncedTables))
	for name := range syncedTables {
		tables = append(tables, name)
	}
	sort.Strings(tables)
	for _, table := range tables {
		n, err := s.count(ctx, `SELECT count(*) FROM sync_outbox o WHERE o.tbl = ? AND NOT EXISTS (SELECT 1 FROM "`+table+`" r WHERE r.id = o.row_id)`, table)
		if err != nil {
			return nil, fmt.Errorf("checking the outbox of %s: %w", table, err)
		}
		if n != 0 {
			out = append(out, CheckProblem{Area: areaSync, Detail: fmt.Sprintf("%d recorded changes of %s are about rows that no longer exist", n, table)})
		}
	}
	// On start the clock resumes from the saved value and the last
	// operation; an operation stamped after both could be stamped again.
	n, err := s.count(ctx, `SELECT count(*) FROM sync_outbox WHERE hlc > max(
		coalesce((SELECT value FROM sync_state WHERE key = 'hlc'), ''),
		coalesce((SELECT hlc FROM sync_outbox ORDER BY seq DESC LIMIT 1), ''))`)
	if err != nil {
		return nil, fmt.Errorf("checking the outbox clock: %w", err)
	}
	if n != 0 {
		out = append(out, CheckProblem{Area: areaSync, Detail: fmt.Sprintf("%d recorded changes are stamped after the clock this computer would resume from", n)})
	}
	unknown, err := s.count(ctx, "SELECT count(*) FROM sync_outbox WHERE tbl NOT IN ("+quoteList(tables)+")")
	if err != nil {
		return nil, err
	}
	if unknown != 0 {
		out = append(out, CheckProblem{Area: areaSync, Detail: fmt.Sprintf("%d recorded changes are about tables this Rapport does not sync", unknown)})
	}
	return out, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + strings.ReplaceAll(n, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}
