package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Change capture. Every write of a synced table goes through put or setCL,
// which update the row and, in the same transaction, append an operation to
// sync_outbox holding only the fields that changed, the row's causal length,
// and a fresh clock stamp; per-field stamps are kept in sync_field_stamp
// (SYNC.md, "Merge"). A row inserted with all its fields carries that
// operation's stamp in its own stamp column instead of one row per field.

type colKind int

const (
	textCol colKind = iota
	intCol
	blobCol
)

// tableSpec lists the synced columns of a table; id, cl and stamp are bookkeeping.
type tableSpec struct {
	name  string
	cols  map[string]colKind
	order []string // column order, for SQL
	// refs are columns holding the id of a row of another table that must exist
	// (a placeholder is made when sync brings a child before its parent).
	refs map[string]string
}

func spec(name string, refs map[string]string, cols ...string) *tableSpec {
	t := &tableSpec{name: name, cols: map[string]colKind{}, refs: refs}
	for _, c := range cols {
		kind := textCol
		switch {
		case strings.HasSuffix(c, ":int"):
			kind, c = intCol, strings.TrimSuffix(c, ":int")
		case strings.HasSuffix(c, ":blob"):
			kind, c = blobCol, strings.TrimSuffix(c, ":blob")
		}
		t.cols[c] = kind
		t.order = append(t.order, c)
	}
	return t
}

var toContact = map[string]string{"contact_id": "contact"}

// syncedTables is every table that sync replicates, with its columns.
var syncedTables = map[string]*tableSpec{}

func init() {
	for _, t := range []*tableSpec{
		spec("contact", nil, "given", "family", "display_name", "nickname", "organization", "title",
			"bday_year:int", "bday_month:int", "bday_day:int", "notes", "photo:blob", "photo_url",
			"source", "extra_vcard", "merged_into", "created", "updated", "uid"),
		spec("contact_email", toContact, "contact_id", "address", "label", "pref:int"),
		spec("contact_phone", toContact, "contact_id", "number", "e164", "label", "pref:int"),
		spec("contact_address", toContact, "contact_id", "street", "locality", "region", "postal_code", "country", "label", "pref:int"),
		spec("contact_url", toContact, "contact_id", "url", "label"),
		spec("tag", nil, "name"),
		spec("contact_tag", map[string]string{"contact_id": "contact", "tag_id": "tag"}, "contact_id", "tag_id"),
		spec("preference", toContact, "contact_id", "category", "subject", "value", "confirmed"),
		spec("consent", toContact, "contact_id", "channel", "status", "max_per_month:int", "topics"),
		spec("consent_event", toContact, "contact_id", "channel", "status", "at", "recorded_by", "source"),
		spec("interaction", toContact, "contact_id", "kind", "at", "staff", "summary", "body",
			"amount_minor:int", "currency", "category", "items", "rating:int", "referred_id"),
		spec("appointment", toContact, "contact_id", "start_utc", "end_utc", "tz", "all_day:int", "purpose", "staff", "status"),
		spec("important_date", toContact, "contact_id", "kind", "label", "year:int", "month:int", "day:int", "yearly:int", "lead_days:int"),
		spec("task", toContact, "contact_id", "title", "due", "done_at", "snoozed_until"),
		// The record that a client was erased; its row id is the client's id.
		spec("erasure", nil, "at", "device"),
		spec("loyalty_programme", nil, "currency", "points_per_unit:int", "points_per_referral:int"),
		spec("loyalty_tier", nil, "name", "threshold_minor:int"),
		spec("loyalty_reward", nil, "name", "cost_points:int"),
		spec("loyalty_entry", toContact, "contact_id", "kind", "points:int", "at", "source_id", "reward", "reason", "staff"),
		spec("segment", nil, "name", "filter"),
		spec("checkin_rule", nil, "name", "trigger", "days:int", "title", "tag", "since"),
	} {
		syncedTables[t.name] = t
	}
}

// fields are column values: string for text, int64 for int, []byte for blob.
// A text reference column holding "" is stored as NULL (no parent).
type fields map[string]any

// Op is one replicated operation, as SYNC.md writes it on the share.
type Op struct {
	ID     string         `json:"op"`
	HLC    string         `json:"hlc"`
	Device string         `json:"dev"`
	Table  string         `json:"table"`
	Row    string         `json:"row"`
	CL     int64          `json:"cl"`
	Set    map[string]any `json:"set,omitempty"`
	// Staff is the name of the person who made the change ("" when the
	// computer has none set), for the history of a client.
	Staff string `json:"by,omitempty"`
}

func (o Op) stamp() string { return stamp(o.HLC, o.Device, o.ID) }

// txn is one write transaction of the store. It collects the contacts whose
// search document and figures must be recomputed before commit.
type txn struct {
	*sql.Tx
	ctx     context.Context
	s       *Store
	touched map[string]bool
	hlc     uint64
	stmts   map[string]*sql.Stmt // prepared once per transaction; see prepared
	erased  bool                 // a client was erased: see writeTx
	// anyErasure caches whether the database records any erasure, so that
	// applying operations in a book that never erased anyone costs no more
	// than before; nil until asked.
	anyErasure *bool
	// erasedMemo remembers isErased's answers for the transaction; it is
	// dropped when an erasure or a merge could change them.
	erasedMemo map[string]bool
	// ledgers are the clients whose points ledger changed, whose balance
	// is brought up to date before commit.
	ledgers map[string]bool
	// deferDerived leaves the search index and figures of touched contacts
	// to a RebuildDerived after a large merge, which is much faster than
	// refreshing each contact in every batch.
	deferDerived bool
	// writer, when not nil, is closed when the rows an import handed to
	// another goroutine are written (rowInserter.flushAsync); writeErr is
	// what that failed with. Every statement first waits for it (await).
	writer   chan struct{}
	writeErr error
}

// await waits for the import's writer, if one is running, and gives the
// error a write failed with: after one, the transaction is gone (INSERT OR
// ROLLBACK) and nothing more may run on its connection.
func (t *txn) await() error {
	if t.writer != nil {
		<-t.writer
		t.writer = nil
	}
	return t.writeErr
}

// ExecContext, QueryContext, QueryRowContext and PrepareContext are the
// transaction's, once the import's writer is done.
func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := t.await(); err != nil {
		return nil, err
	}
	return t.Tx.ExecContext(ctx, q, args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := t.await(); err != nil {
		return nil, err
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

// QueryRowContext reads nothing written by a failed import: that failure
// is returned by the next statement that writes.
func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	t.await()
	return t.Tx.QueryRowContext(ctx, q, args...)
}

func (t *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	if err := t.await(); err != nil {
		return nil, err
	}
	return t.Tx.PrepareContext(ctx, q)
}

// maxCachedStmts bounds the statements a transaction keeps prepared: the
// UPDATEs of put vary with the fields changed.
const maxCachedStmts = 64

// prepared gives the statement for q, prepared on the transaction the first
// time: the driver would otherwise parse the same SQL again for every row,
// which is a third of the time of a large import. The statements close with
// the transaction.
func (t *txn) prepared(q string) (*sql.Stmt, error) {
	if err := t.await(); err != nil {
		return nil, err
	}
	if st := t.stmts[q]; st != nil {
		return st, nil
	}
	st, err := t.PrepareContext(t.ctx, q)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	if len(t.stmts) < maxCachedStmts {
		t.stmts[q] = st
	}
	return st, nil
}

// execPrepared runs q through prepared.
func (t *txn) execPrepared(q string, args ...any) error {
	st, err := t.prepared(q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(t.ctx, args...)
	return err
}

// write runs fn in one transaction and commits it with the derived data of
// every touched contact brought up to date.
func (s *Store) write(ctx context.Context, fn func(t *txn) error) error {
	return explainIOError(s.writeTx(ctx, fn))
}

func (s *Store) writeTx(ctx context.Context, fn func(t *txn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &txn{Tx: tx, ctx: ctx, s: s, touched: map[string]bool{}}
	if err := fn(t); err != nil {
		t.await()
		tx.Rollback()
		return err
	}
	if err := t.await(); err != nil {
		tx.Rollback()
		return err
	}
	if !t.deferDerived {
		if err := t.refreshTouched(); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := t.refreshBalances(); err != nil {
		tx.Rollback()
		return err
	}
	if t.hlc != 0 {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sync_state(key, value) VALUES('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > value", formatHLC(t.hlc)); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if t.erased {
		s.purgeFreedSpace(ctx)
	}
	return nil
}

// purgeFreedSpace takes erased values off the disk. Rows are gone from the
// tables once the erasure commits, but copies of their bytes stay in the
// unused space of pages that were rewritten before (SQLite does not clear
// it), and the write-ahead log holds the pages as they were. VACUUM rebuilds
// the file from the live rows alone, and the checkpoint copies the result
// into the database and empties the log. A reader still open (the app, while
// a command erases) can hold either off; the purge is then left pending for
// PurgeIfPending, which the app runs from time to time. It takes a while on
// a large book, which is acceptable for something this rare.
func (s *Store) purgeFreedSpace(ctx context.Context) bool {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false
	}
	defer conn.Close()
	// Waiting the usual ten seconds for a reader to let go would hold up the
	// command that erased; a pending purge is retried anyway.
	conn.ExecContext(ctx, "PRAGMA busy_timeout = 1000")
	defer conn.ExecContext(ctx, "PRAGMA busy_timeout = 10000")
	_, err = conn.ExecContext(ctx, "VACUUM")
	var busy, logFrames, copied int
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &copied)
	}
	done := err == nil && busy == 0
	if done {
		s.db.ExecContext(ctx, "DELETE FROM sync_state WHERE key = 'purge_pending'")
	} else {
		s.db.ExecContext(ctx, "INSERT INTO sync_state(key, value) VALUES('purge_pending', '1') ON CONFLICT(key) DO NOTHING")
	}
	return done
}

// PurgeIfPending finishes taking erased values off the disk when an erasure
// could not (see purgeFreedSpace). It reports whether a purge was pending and
// whether it is now done.
func (s *Store) PurgeIfPending(ctx context.Context) (pending, done bool, err error) {
	var v string
	err = s.db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'purge_pending'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, s.purgeFreedSpace(ctx), nil
}

func (t *txn) touch(contactIDs ...string) {
	for _, id := range contactIDs {
		if id != "" {
			t.touched[id] = true
		}
	}
}

// sqlValue turns a field value into what SQLite stores for column c.
func sqlValue(ts *tableSpec, c string, v any) any {
	if _, isRef := ts.refs[c]; isRef {
		if s, _ := v.(string); s == "" {
			return nil
		}
	}
	return v
}

// normalise checks a field set against the table and converts Go values to the
// canonical kinds (string, int64, []byte).
func (ts *tableSpec) normalise(f fields) (fields, error) {
	out := make(fields, len(f))
	for c, v := range f {
		kind, ok := ts.cols[c]
		if !ok {
			return nil, fmt.Errorf("%w field %s.%s", ErrInvalid, ts.name, c)
		}
		switch kind {
		case textCol:
			switch x := v.(type) {
			case string:
				// Operations travel as JSON, which replaces bytes that are not
				// UTF-8; keeping the same text here keeps the copies equal.
				out[c] = strings.ToValidUTF8(x, "\uFFFD")
			case nil:
				out[c] = ""
			default:
				return nil, fmt.Errorf("%w value %T for %s.%s", ErrInvalid, v, ts.name, c)
			}
		case intCol:
			switch x := v.(type) {
			case int:
				out[c] = int64(x)
			case int64:
				out[c] = x
			case bool:
				out[c] = boolInt(x)
			case float64: // from JSON
				if x != float64(int64(x)) {
					return nil, fmt.Errorf("%w value %v for %s.%s", ErrInvalid, x, ts.name, c)
				}
				out[c] = int64(x)
			case json.Number:
				n, err := x.Int64()
				if err != nil {
					return nil, fmt.Errorf("%w value %v for %s.%s", ErrInvalid, x, ts.name, c)
				}
				out[c] = n
			default:
				return nil, fmt.Errorf("%w value %T for %s.%s", ErrInvalid, v, ts.name, c)
			}
		case blobCol:
			switch x := v.(type) {
			case []byte:
				if len(x) == 0 {
					x = nil // no bytes is no blob (NULL), as in JSON, where it is null
				}
				out[c] = x
			case nil:
				out[c] = []byte(nil)
			default:
				return nil, fmt.Errorf("%w value %T for %s.%s", ErrInvalid, v, ts.name, c)
			}
		}
	}
	return out, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// readRow loads cl, stamp and the given columns of a row; ok is false when the
// row does not exist.
func (t *txn) readRow(ts *tableSpec, id string, cols []string) (cl int64, rowStamp string, vals fields, ok bool, err error) {
	sel := "cl, stamp"
	for _, c := range cols {
		if _, isRef := ts.refs[c]; isRef {
			sel += ", coalesce(" + c + ", '')"
		} else {
			sel += ", " + c
		}
	}
	dest := make([]any, 2+len(cols))
	dest[0], dest[1] = &cl, &rowStamp
	raw := make([]any, len(cols))
	for i := range cols {
		switch ts.cols[cols[i]] {
		case textCol:
			raw[i] = new(string)
		case intCol:
			raw[i] = new(int64)
		case blobCol:
			raw[i] = new([]byte)
		}
		dest[2+i] = raw[i]
	}
	st, err := t.prepared("SELECT " + sel + " FROM " + ts.name + " WHERE id = ?")
	if err != nil {
		return 0, "", nil, false, fmt.Errorf("read %s %s: %w", ts.name, id, err)
	}
	err = st.QueryRowContext(t.ctx, id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil, false, nil
	}
	if err != nil {
		return 0, "", nil, false, fmt.Errorf("read %s %s: %w", ts.name, id, err)
	}
	vals = make(fields, len(cols))
	for i, c := range cols {
		switch p := raw[i].(type) {
		case *string:
			vals[c] = *p
		case *int64:
			vals[c] = *p
		case *[]byte:
			vals[c] = *p
		}
	}
	return cl, rowStamp, vals, true, nil
}

func sameValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, _ := b.([]byte)
		return string(ab) == string(bb)
	}
	return a == b
}

// newOp stamps an operation from this computer.
func (t *txn) newOp(table, row string, cl int64, set fields) Op {
	v := t.s.clock.next(t.s.Now())
	t.hlc = v
	op := Op{ID: newID(), HLC: formatHLC(v), Device: t.s.clock.device, Table: table, Row: row, CL: cl, Set: set, Staff: t.s.staff()}
	if table == "erasure" {
		op.Staff = "" // the record of an erasure holds no name at all: when and which computer only
	}
	return op
}

func (t *txn) record(op Op) error {
	var setJSON []byte
	if len(op.Set) > 0 {
		var err error
		if setJSON, err = json.Marshal(op.Set); err != nil {
			return err
		}
	}
	return t.execPrepared("INSERT INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json, staff) VALUES(?, ?, ?, ?, ?, ?, ?)",
		op.ID, op.HLC, op.Table, op.Row, op.CL, string(setJSON), op.Staff)
}

// put creates the row or changes the given fields of it, recording one
// operation with just the fields whose values differ. It reports whether
// anything was written.
// fieldGroups are fields that only make sense together: a date's year,
// month and day. An edit of one records all of its group with one stamp, so
// that two computers changing a date at once give one of their two dates
// after sync, never the month of one and the day of the other (Feb 31).
var fieldGroups = map[string][][]string{
	"contact":        {{"bday_year", "bday_month", "bday_day"}},
	"important_date": {{"year", "month", "day"}},
}

// withGroups adds to changed the rest of the group of each field it holds,
// with its value after the write: from f when f sets it, else as it is.
func withGroups(table string, changed, f, cur fields) {
	for _, g := range fieldGroups[table] {
		touched := false
		for _, c := range g {
			_, ok := changed[c]
			touched = touched || ok
		}
		if !touched {
			continue
		}
		for _, c := range g {
			if _, ok := changed[c]; ok {
				continue
			}
			if v, ok := f[c]; ok {
				changed[c] = v
			} else {
				changed[c] = cur[c]
			}
		}
	}
}

func (t *txn) put(table, id string, f fields) (bool, error) {
	ts := syncedTables[table]
	f, err := ts.normalise(f)
	if err != nil {
		return false, err
	}
	read := keys(f)
	for _, g := range fieldGroups[table] {
		for _, c := range g {
			if _, ok := f[c]; ok {
				read = append(read, g...)
				break
			}
		}
	}
	if _, ok := ts.cols["contact_id"]; ok && f["contact_id"] == nil {
		read = append(read, "contact_id")
	}
	cl, _, cur, ok, err := t.readRow(ts, id, read)
	if err != nil {
		return false, err
	}
	t.touchFor(ts, id, cur)
	t.touchFor(ts, id, f)
	if !ok {
		return true, t.insert(ts, id, f)
	}
	changed := fields{}
	for c, v := range f {
		if !sameValue(cur[c], v) {
			changed[c] = v
		}
	}
	withGroups(table, changed, f, cur)
	if cl == 0 { // a placeholder that sync made: this write brings it to life
		cl = 1
	} else if len(changed) == 0 {
		return false, nil
	}
	op := t.newOp(table, id, cl, changed)
	st := op.stamp()
	set, args := "cl = ?", []any{cl}
	for _, c := range keys(changed) {
		set += ", " + c + " = ?"
		args = append(args, sqlValue(ts, c, changed[c]))
		if err := t.execPrepared("INSERT INTO sync_field_stamp(tbl, row_id, field, stamp) VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET stamp = excluded.stamp", table, id, c, st); err != nil {
			return false, err
		}
	}
	args = append(args, id)
	if err := t.execPrepared("UPDATE "+table+" SET "+set+" WHERE id = ?", args...); err != nil {
		return false, fmt.Errorf("update %s %s: %w", table, id, err)
	}
	return true, t.record(op)
}

// insert writes a new row with every column, defaults included, so that the
// operation describes the whole row and the row's own stamp covers all fields.
func (t *txn) insert(ts *tableSpec, id string, f fields) error {
	cols, marks, args := "id, cl", "?, 1", []any{id}
	for _, c := range keys(f) {
		cols += ", " + c
		marks += ", ?"
		args = append(args, sqlValue(ts, c, f[c]))
	}
	if err := t.execPrepared("INSERT INTO "+ts.name+"("+cols+") VALUES("+marks+")", args...); err != nil {
		return fmt.Errorf("insert %s: %w", ts.name, err)
	}
	_, _, all, _, err := t.readRow(ts, id, ts.order)
	if err != nil {
		return err
	}
	op := t.newOp(ts.name, id, 1, all)
	if err := t.execPrepared("UPDATE "+ts.name+" SET stamp = ? WHERE id = ?", op.stamp(), id); err != nil {
		return err
	}
	return t.record(op)
}

// setAlive deletes (tombstones) or restores a row by moving its causal length
// to the next even or odd number. It reports whether the state changed.
func (t *txn) setAlive(table, id string, alive bool) (bool, error) {
	ts := syncedTables[table]
	cols := []string{}
	if _, ok := ts.cols["contact_id"]; ok {
		cols = append(cols, "contact_id")
	}
	cl, _, cur, ok, err := t.readRow(ts, id, cols)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("%s %s: %w", table, id, ErrNotFound)
	}
	if (cl%2 == 1) == alive {
		return false, nil
	}
	cl++
	t.touchFor(ts, id, cur)
	if table == "contact" { // deleted or restored: its balance goes or comes back
		t.markLedger(id)
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE "+table+" SET cl = ? WHERE id = ?", cl, id); err != nil {
		return false, err
	}
	return true, t.record(t.newOp(table, id, cl, nil))
}

// touchFor marks the contacts a write to a row of ts concerns.
func (t *txn) touchFor(ts *tableSpec, id string, f fields) {
	if ts.name == "contact" {
		t.touch(id)
		return
	}
	if c, ok := f["contact_id"].(string); ok {
		t.touch(c)
		if ts.name == "loyalty_entry" {
			t.markLedger(c)
		}
	}
	if ts.name == "tag" {
		// A renamed or deleted tag changes every tagged contact's search document.
		rows, err := t.QueryContext(t.ctx, "SELECT contact_id FROM contact_tag WHERE tag_id = ? AND contact_id IS NOT NULL", id)
		if err == nil {
			for rows.Next() {
				var c string
				if rows.Scan(&c) == nil {
					t.touch(c)
				}
			}
			rows.Close()
		}
	}
}

func keys(f fields) []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tsLayout is how instants are stored: UTC, fixed width, so text order is time order.
const tsLayout = "2006-01-02T15:04:05.000Z"

func formatTS(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}
