package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Property tests of the sync merge (SYNC.md, "Merge"): ApplyRemote must give
// the same database whatever the order, batching and repetition of the
// operations, and replaying a store's outbox elsewhere must reproduce it.
//
// Every check works on real SQLite files in a temporary folder. Migrating a
// database costs more than a whole check, so each test migrates one template
// and copies it; a property check gets stores emptied of the previous check's
// rows (storeFactory.fresh), which is the same as new ones and much cheaper.

// cleanupTB is what both *testing.T and *rapid.T offer.
type cleanupTB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

type storeFactory struct {
	dir      string
	template string
	n        atomic.Int64
	mu       sync.Mutex
	free     []*Store // stores of finished checks, emptied before use again
}

// newStoreFactory migrates a template database in a temporary folder of t.
// The template has no device id, so every copy makes its own when opened.
func newStoreFactory(t *testing.T) *storeFactory {
	t.Helper()
	f := &storeFactory{dir: t.TempDir()}
	f.template = filepath.Join(f.dir, "template.db")
	ctx := context.Background()
	s, err := Open(ctx, f.template)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DELETE FROM sync_state", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range f.free {
			s.Close()
		}
	})
	return f
}

// open gives a new store, a copy of the template, with a fixed clock.
func (f *storeFactory) open(t cleanupTB) *Store {
	t.Helper()
	path := filepath.Join(f.dir, fmt.Sprintf("store%d.db", f.n.Add(1)))
	if err := copyFile(f.template, path); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	setTestClock(s)
	return s
}

func setTestClock(s *Store) {
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	s.Region, s.Staff = "DE", ""
}

// fresh gives an empty store for one check of a property and takes it back
// when the check ends. Opening a database costs more than most checks, so a
// store is reused: emptied of every row (its device id aside) and given a new
// clock, it is what a new store with that device id would be.
func (f *storeFactory) fresh(t *rapid.T) *Store {
	t.Helper()
	f.mu.Lock()
	var s *Store
	if n := len(f.free); n > 0 {
		s, f.free = f.free[n-1], f.free[:n-1]
	}
	f.mu.Unlock()
	if s == nil {
		path := filepath.Join(f.dir, fmt.Sprintf("store%d.db", f.n.Add(1)))
		if err := copyFile(f.template, path); err != nil {
			t.Fatal(err)
		}
		var err error
		if s, err = Open(context.Background(), path); err != nil {
			t.Fatal(err)
		}
	} else if err := emptyStore(s); err != nil {
		s.Close()
		t.Fatal(err)
	}
	setTestClock(s)
	t.Cleanup(func() {
		f.mu.Lock()
		f.free = append(f.free, s)
		f.mu.Unlock()
	})
	return s
}

// emptyStore deletes every row of every table, the virtual ones (search)
// through themselves, keeping only the device id, and resets the clock.
func emptyStore(s *Store) error {
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return err
	}
	var plain, virtual []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		if strings.HasPrefix(strings.ToUpper(def), "CREATE VIRTUAL") {
			virtual = append(virtual, name)
		} else {
			plain = append(plain, name)
		}
	}
	rows.Close()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
		return err
	}
	for _, v := range virtual {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+v); err != nil {
			return err
		}
	}
next:
	for _, p := range plain {
		for _, v := range virtual {
			if strings.HasPrefix(p, v+"_") { // the virtual table's own storage
				continue next
			}
		}
		q := "DELETE FROM " + p
		if p == "sync_state" {
			q += " WHERE key <> 'device'"
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sqlite_sequence"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.clock = &hlcClock{device: s.clock.device}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ---------------------------------------------------------------------------
// Dumps: what two converged stores must have in common.

// storeDump is a store's synced data and what is derived from it, each part
// as sorted lines so that a difference can be shown line by line.
type storeDump struct {
	Rows   []string // every column of every synced row except stamp (sort_name included)
	Stamps []string // the effective stamp of every synced field: its own, else the row's
	Docs   []string // the search document of every contact, by contact id
	Stats  []string // contact_stats
	Search []string // results of a few searches
}

// searchProbes are searched for in every dump; they match the names, tags
// and addresses the generators use.
var searchProbes = []string{"chloe", "vip", "example"}

func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("x'%x'", x)
	case string:
		return strconv.Quote(x)
	default:
		return fmt.Sprintf("%T(%v)", v, v)
	}
}

// queryAll reads every row of a query into memory. Rows are always closed,
// even when a check fails: a store goes back to its factory after a failed
// check too, and rows left open would keep its connections.
func queryAll(t cleanupTB, db *sql.DB, q string, args ...any) (cols []string, out [][]any) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	if cols, err = rows.Columns(); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// queryLines gives the rows of a query as sorted lines of column=value.
func queryLines(t cleanupTB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	cols, rows := queryAll(t, db, q, args...)
	var out []string
	for _, vals := range rows {
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(c + "=" + render(vals[i]))
		}
		out = append(out, b.String())
	}
	sort.Strings(out)
	return out
}

func syncedTableNames() []string {
	var names []string
	for n := range syncedTables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func dumpStore(t cleanupTB, s *Store) storeDump {
	t.Helper()
	var d storeDump
	fieldStamps := map[string]string{}
	_, stamped := queryAll(t, s.db, "SELECT tbl, row_id, field, stamp FROM sync_field_stamp")
	for _, r := range stamped {
		fieldStamps[r[0].(string)+" "+r[1].(string)+" "+r[2].(string)] = r[3].(string)
	}
	for _, name := range syncedTableNames() {
		ts := syncedTables[name]
		cols := []string{"id", "cl"}
		if name == "contact" {
			cols = append(cols, "sort_name")
		}
		cols = append(cols, ts.order...)
		for _, line := range queryLines(t, s.db, "SELECT "+strings.Join(cols, ", ")+" FROM "+name) {
			d.Rows = append(d.Rows, name+" "+line)
		}
		_, rows := queryAll(t, s.db, "SELECT id, stamp FROM "+name)
		for _, r := range rows {
			id, rowStamp := r[0].(string), r[1].(string)
			for _, c := range ts.order {
				st, ok := fieldStamps[name+" "+id+" "+c]
				if !ok {
					st = rowStamp
				}
				d.Stamps = append(d.Stamps, name+" "+id+" "+c+" "+st)
			}
		}
	}
	sort.Strings(d.Stamps)
	// A document is compared as the words of each column: group_concat
	// gathers a contact's e-mails, tags and the rest in no defined order.
	_, docs := queryAll(t, s.db, `SELECT d.contact_id, s.name, s.other, s.digits
		FROM contact_doc d JOIN contact_search s ON s.rowid = d.doc`)
	for _, r := range docs {
		d.Docs = append(d.Docs, r[0].(string)+" name="+words(r[1].(string))+" other="+words(r[2].(string))+" digits="+words(r[3].(string)))
	}
	sort.Strings(d.Docs)
	d.Stats = queryLines(t, s.db, "SELECT * FROM contact_stats")
	for _, q := range searchProbes {
		res, err := s.Search(context.Background(), q, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range res {
			ids = append(ids, r.ID)
		}
		d.Search = append(d.Search, q+": "+strings.Join(ids, " "))
	}
	return d
}

// words gives the words of a text in sorted order.
func words(s string) string {
	w := strings.Fields(s)
	sort.Strings(w)
	return strconv.Quote(strings.Join(w, " "))
}

// diffLines shows the lines only in a and only in b.
func diffLines(a, b []string) string {
	in := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	ia, ib := in(a), in(b)
	var out strings.Builder
	for _, x := range a {
		if !ib[x] {
			out.WriteString("\n  - " + x)
		}
	}
	for _, x := range b {
		if !ia[x] {
			out.WriteString("\n  + " + x)
		}
	}
	if out.Len() == 0 && !reflect.DeepEqual(a, b) {
		out.WriteString("\n  (same lines, different order or repetition)")
	}
	return out.String()
}

// sameDump fails t, showing the lines only in want (-) and only in got (+),
// unless two dumps are equal.
func sameDump(t cleanupTB, what string, want, got storeDump) {
	t.Helper()
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	var msg strings.Builder
	for i := 0; i < wv.NumField(); i++ {
		w, g := wv.Field(i).Interface().([]string), gv.Field(i).Interface().([]string)
		if !reflect.DeepEqual(w, g) {
			fmt.Fprintf(&msg, "\n%s differ:%s", wv.Type().Field(i).Name, diffLines(w, g))
		}
	}
	if msg.Len() > 0 {
		t.Fatalf("%s:%s", what, msg.String())
	}
}

// ---------------------------------------------------------------------------
// Applying operations in random orders, batches and repetitions.

// applySchedule applies every op 1 to 3 times, in a random order, in batches
// of random sizes: all at once, in at most maxCalls calls, or (maxCalls 0)
// in any number of calls, maybe one op per call. An op applied again on its
// own must report no change.
func applySchedule(t *rapid.T, s *Store, ops []Op, label string, maxCalls int) {
	var idx []int
	for i := range ops {
		n := rapid.IntRange(1, 3).Draw(t, label+" repeats")
		for range n {
			idx = append(idx, i)
		}
	}
	idx = rapid.Permutation(idx).Draw(t, label+" order")
	modes := []string{"one batch", "random batches"}
	if maxCalls <= 0 {
		modes = append(modes, "one op per call")
	}
	mode := rapid.SampledFrom(modes).Draw(t, label+" batching")
	applied := map[int]bool{}
	ctx := context.Background()
	for calls := 1; len(idx) > 0; calls++ {
		n := len(idx)
		switch {
		case mode == "one op per call":
			n = 1
		case mode == "random batches" && (maxCalls <= 0 || calls < maxCalls):
			n = rapid.IntRange(1, len(idx)).Draw(t, label+" batch size")
		}
		batch := make([]Op, n)
		for i, k := range idx[:n] {
			batch[i] = ops[k]
		}
		changed, err := s.ApplyRemote(ctx, batch)
		if err != nil {
			t.Fatalf("%s: ApplyRemote: %v", label, err)
		}
		if n == 1 && applied[idx[0]] && changed != 0 {
			t.Fatalf("%s: applying op %d (%+v) a second time changed %d", label, idx[0], ops[idx[0]], changed)
		}
		if changed > n {
			t.Fatalf("%s: ApplyRemote of %d ops reports %d changed", label, n, changed)
		}
		for _, k := range idx[:n] {
			applied[k] = true
		}
		idx = idx[n:]
	}
}

// ---------------------------------------------------------------------------
// Random remote operations, and a model of the merge rule to check them by.

var (
	remoteDevices = []string{
		"0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdf0",
		"fedcba9876543210fedcba9876543210",
	}
	// Rows ids per table: few, so that operations collide.
	remoteRows = map[string][]string{
		"contact":       poolIDs(1, 4),
		"contact_email": poolIDs(2, 3),
		"tag":           poolIDs(3, 3),
		"contact_tag":   poolIDs(4, 3),
		"interaction":   poolIDs(5, 3),
	}
	remoteTables = []string{"contact", "contact_email", "tag", "contact_tag", "interaction"}
	remoteTexts  = []string{"", "Anna", "Ben", "Chloé", "Zoë Müller", "VIP", "Bridal", "silk scarf", "anna@example.org", "visit", "purchase", "EUR", "a\x00b"}
	remoteAts    = []string{"", "2026-03-01T10:00:00.000Z", "2026-03-02T11:30:00.000Z"}
)

func poolIDs(table, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("0190e0c0-%04x-7000-8000-%012x", table, i+1)
	}
	return out
}

// genOp is a generated operation: the op as a peer would send it (values in
// any of the forms ApplyRemote accepts) and its fields in canonical form.
type genOp struct {
	op    Op
	canon fields
}

func drawValue(t *rapid.T, table, col string, label string) (sent, canon any) {
	ts := syncedTables[table]
	if ref, isRef := ts.refs[col]; isRef {
		id := rapid.SampledFrom(append([]string{""}, remoteRows[ref]...)).Draw(t, label)
		return id, id
	}
	switch ts.cols[col] {
	case intCol:
		v := rapid.OneOf(rapid.Int64Range(-2, 5), rapid.Int64()).Draw(t, label)
		forms := []string{"int64", "json.Number"}
		if v > -1<<53 && v < 1<<53 {
			forms = append(forms, "float64")
		}
		if v >= -1<<31 && v < 1<<31 {
			forms = append(forms, "int")
		}
		if v == 0 || v == 1 {
			forms = append(forms, "bool")
		}
		switch rapid.SampledFrom(forms).Draw(t, label+" form") {
		case "json.Number":
			return json.Number(strconv.FormatInt(v, 10)), v
		case "float64":
			return float64(v), v
		case "int":
			return int(v), v
		case "bool":
			return v == 1, v
		}
		return v, v
	case blobCol:
		b := rapid.OneOf(rapid.Just([]byte(nil)), rapid.Just([]byte{}), rapid.SliceOfN(rapid.Byte(), 1, 6)).Draw(t, label)
		if rapid.Bool().Draw(t, label+" as base64") {
			if b == nil {
				return nil, b // JSON null
			}
			return base64.StdEncoding.EncodeToString(b), b
		}
		return b, b
	}
	if col == "at" {
		v := rapid.SampledFrom(remoteAts).Draw(t, label)
		return v, v
	}
	v := rapid.SampledFrom(remoteTexts).Draw(t, label)
	if v == "" && rapid.Bool().Draw(t, label+" as null") {
		return nil, v
	}
	return v, v
}

func drawRemoteOps(t *rapid.T) []genOp {
	n := rapid.IntRange(1, 16).Draw(t, "ops")
	out := make([]genOp, n)
	for i := range out {
		table := rapid.SampledFrom(remoteTables).Draw(t, "table")
		ts := syncedTables[table]
		op := Op{
			// Unique op ids whose order is drawn too: they break ties of
			// operations with the same clock from the same device.
			ID:     fmt.Sprintf("%08x-0000-7000-8000-%012x", rapid.Uint32().Draw(t, "op id"), i),
			HLC:    formatHLC(0x019a00000000<<16 + rapid.Uint64Range(0, 6).Draw(t, "hlc")),
			Device: rapid.SampledFrom(remoteDevices).Draw(t, "device"),
			Table:  table,
			Row:    rapid.SampledFrom(remoteRows[table]).Draw(t, "row"),
			CL:     rapid.Int64Range(0, 5).Draw(t, "cl"),
		}
		canon := fields{}
		if rapid.IntRange(0, 3).Draw(t, "with fields") > 0 {
			op.Set = map[string]any{}
			for _, c := range ts.order {
				if rapid.IntRange(0, 2).Draw(t, "has "+c) == 0 {
					op.Set[c], canon[c] = drawValue(t, table, c, c)
				}
			}
		}
		out[i] = genOp{op, canon}
	}
	return out
}

// modelRow is what the merge rule says a row must hold.
type modelRow struct {
	cl     int64
	vals   fields
	stamps map[string]string
}

// mergeModel computes the merged rows from the operations, order aside.
func mergeModel(ops []genOp) map[string]map[string]*modelRow {
	rows := map[string]map[string]*modelRow{}
	row := func(table, id string) *modelRow {
		if rows[table] == nil {
			rows[table] = map[string]*modelRow{}
		}
		r := rows[table][id]
		if r == nil {
			r = &modelRow{vals: fields{}, stamps: map[string]string{}}
			rows[table][id] = r
		}
		return r
	}
	for _, g := range ops {
		ts := syncedTables[g.op.Table]
		for c, ref := range ts.refs {
			if id, _ := g.canon[c].(string); id != "" {
				row(ref, id)
			}
		}
		r := row(g.op.Table, g.op.Row)
		r.cl = max(r.cl, g.op.CL)
		st := g.op.stamp()
		for c, v := range g.canon {
			if st > r.stamps[c] {
				r.vals[c], r.stamps[c] = v, st
			}
		}
	}
	return rows
}

// columnDefaults reads the default of every synced column from the schema.
func columnDefaults(t cleanupTB, s *Store, table string) fields {
	t.Helper()
	_, rows := queryAll(t, s.db, "SELECT name, dflt_value FROM pragma_table_info(?)", table)
	out := fields{}
	for _, r := range rows {
		name := r[0].(string)
		dflt, isText := r[1].(string)
		kind, ok := syncedTables[table].cols[name]
		switch {
		case !ok:
		case !isText:
			out[name] = nil
		case kind == intCol:
			n, err := strconv.ParseInt(dflt, 10, 64)
			if err != nil {
				t.Fatalf("default of %s.%s: %v", table, name, err)
			}
			out[name] = n
		default:
			out[name] = strings.Trim(dflt, "'")
		}
	}
	return out
}

// checkModel compares a store with the merge model: the rows there are, their
// cl, every field's value, and its effective stamp.
func checkModel(t *rapid.T, s *Store, ops []genOp, got storeDump) {
	model := mergeModel(ops)
	stamps := map[string]string{}
	for _, l := range got.Stamps {
		f := strings.Fields(l)
		if len(f) == 4 {
			stamps[f[0]+" "+f[1]+" "+f[2]] = f[3]
		} else {
			stamps[f[0]+" "+f[1]+" "+f[2]] = ""
		}
	}
	for _, table := range syncedTableNames() {
		ts := syncedTables[table]
		defaults := columnDefaults(t, s, table)
		cols := append([]string{"id", "cl"}, ts.order...)
		_, rows := queryAll(t, s.db, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
		seen := 0
		for _, vals := range rows {
			id := vals[0].(string)
			m := model[table][id]
			if m == nil {
				t.Fatalf("%s %s is in the store, no operation made it", table, id)
			}
			seen++
			if vals[1].(int64) != m.cl {
				t.Fatalf("%s %s: cl %d, want %d (the greatest cl of its operations)", table, id, vals[1], m.cl)
			}
			for i, c := range ts.order {
				got, want := vals[2+i], m.vals[c]
				if _, set := m.vals[c]; !set {
					want = defaults[c]
				}
				if !sameStored(ts, c, got, want) {
					t.Fatalf("%s %s %s = %s, want %s (stamp %q)", table, id, c, render(got), render(want), m.stamps[c])
				}
				if st := stamps[table+" "+id+" "+c]; st != m.stamps[c] {
					t.Fatalf("%s %s %s: effective stamp %q, want %q", table, id, c, st, m.stamps[c])
				}
			}
		}
		if seen != len(model[table]) {
			t.Fatalf("%s has %d rows, the operations make %d", table, seen, len(model[table]))
		}
	}
}

// sameStored compares a value read from SQLite with a canonical field value.
func sameStored(ts *tableSpec, c string, got, want any) bool {
	if _, isRef := ts.refs[c]; isRef && want == "" {
		want = nil
	}
	switch w := want.(type) {
	case []byte:
		g, ok := got.([]byte)
		return (ok || got == nil) && bytes.Equal(g, w)
	case nil:
		return got == nil
	}
	return got == want
}

func opsOf(g []genOp) []Op {
	out := make([]Op, len(g))
	for i := range g {
		out[i] = g[i].op
	}
	return out
}

// TestApplyRemoteConvergesWhateverTheOrder is property 1: any set of
// operations, applied in any order, batching and repetition, gives the same
// database, the one the merge rule describes.
func TestApplyRemoteConvergesWhateverTheOrder(t *testing.T) {
	t.Parallel()
	f := newStoreFactory(t)
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		gen := drawRemoteOps(t)
		ops := opsOf(gen)
		first := f.fresh(t)
		applySchedule(t, first, ops, "first store", 0)
		want := dumpStore(t, first)
		checkModel(t, first, gen, want)
		second := f.fresh(t)
		applySchedule(t, second, ops, "second store", 0)
		sameDump(t, "second store differs from the first (- first, + second)", want, dumpStore(t, second))
		// Property 4 on random operations: everything again changes nothing.
		if n, err := first.ApplyRemote(ctx, ops); err != nil || n != 0 {
			t.Fatalf("applying every op again: %d changed, %v; want 0", n, err)
		}
		sameDump(t, "applying every op again changed the store (- before, + after)", want, dumpStore(t, first))
	})
}

// ---------------------------------------------------------------------------
// Real edits: random actions through the exported API of the store.

var (
	editGivens   = []string{"Anna", "Ben", "Chloé", "Zoë", "Élodie"}
	editFamilies = []string{"", "Müller", "Keller", "Martin"}
	editNotes    = []string{"", "likes silk", "prefers mornings", "Anna's sister", "caf\xe9 au lait", "nul\x00byte\u2028line"}
	editTags     = []string{"VIP", "vip", "Bridal", "Wholesale"}
	editEmails   = []string{"anna@example.org", "ben@example.com", "zoe@example.ch"}
	editPhones   = []string{"0176 1234 5678", "+41 44 668 18 00", "030 1234567"}
	editPhotos   = [][]byte{nil, {}, {0x89, 'P', 'N', 'G'}, {0xff, 0xd8, 0xff, 0x00}}
)

// editor makes random local edits on one store.
type editor struct {
	s   *Store
	now time.Time
}

func newEditor(s *Store) *editor {
	e := &editor{s: s, now: time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)}
	s.Now = func() time.Time { return e.now }
	return e
}

func (e *editor) ids(t *rapid.T, q string) []string {
	rows, err := e.s.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func (e *editor) pick(t *rapid.T, q, label string) (string, bool) {
	ids := e.ids(t, q)
	if len(ids) == 0 {
		return "", false
	}
	return rapid.SampledFrom(ids).Draw(t, label), true
}

func drawContact(t *rapid.T, c *Contact) {
	c.Given = rapid.SampledFrom(editGivens).Draw(t, "given")
	c.Family = rapid.SampledFrom(editFamilies).Draw(t, "family")
	c.DisplayName = ""
	c.Notes = rapid.SampledFrom(editNotes).Draw(t, "notes")
	c.Photo = rapid.SampledFrom(editPhotos).Draw(t, "photo")
	if rapid.Bool().Draw(t, "birthday") {
		c.Birthday = Date{Year: rapid.SampledFrom([]int{0, 1990}).Draw(t, "year"), Month: time.Month(rapid.IntRange(1, 12).Draw(t, "month")), Day: rapid.IntRange(1, 28).Draw(t, "day")}
	} else {
		c.Birthday = Date{}
	}
	c.Tags = rapid.SliceOfN(rapid.SampledFrom(editTags), 0, 3).Draw(t, "tags")
}

// step makes one random edit. Edits of something deleted meanwhile (by this
// store or by a peer) are refused with ErrNotFound or ErrConflict, which is fine.
func (e *editor) step(t *rapid.T) {
	ctx := context.Background()
	e.now = e.now.Add(time.Duration(rapid.IntRange(0, 90).Draw(t, "minutes later")) * time.Minute)
	alive := "SELECT id FROM contact WHERE cl % 2 = 1 ORDER BY id"
	action := rapid.SampledFrom([]string{"new contact", "edit contact", "edit contact", "edit methods",
		"delete contact", "restore contact", "log interaction", "delete interaction", "set preference",
		"delete preference", "set consent", "add task", "complete task", "add date", "add appointment", "appointment done"}).Draw(t, "action")
	contact, ok := e.pick(t, alive, "contact")
	if !ok && action != "restore contact" {
		action = "new contact"
	}
	var err error
	switch action {
	case "new contact":
		c := &Contact{}
		drawContact(t, c)
		if rapid.Bool().Draw(t, "with email") {
			c.Emails = []Email{{Address: rapid.SampledFrom(editEmails).Draw(t, "email"), Label: "home", Preferred: true}}
		}
		if rapid.Bool().Draw(t, "with phone") {
			c.Phones = []Phone{{Number: rapid.SampledFrom(editPhones).Draw(t, "phone"), Label: "mobile"}}
		}
		if rapid.Bool().Draw(t, "with address") {
			c.Addresses = []Address{{Street: "Hauptstr. 1", Locality: "Zürich", Country: "CH"}}
		}
		err = e.s.SaveContact(ctx, c)
	case "edit contact":
		var c *Contact
		if c, err = e.s.Contact(ctx, contact); err == nil {
			if rapid.Bool().Draw(t, "names and all") {
				drawContact(t, c)
			} else {
				switch rapid.IntRange(0, 3).Draw(t, "one field") {
				case 0:
					c.Given, c.DisplayName = rapid.SampledFrom(editGivens).Draw(t, "given"), ""
				case 1:
					c.Notes = rapid.SampledFrom(editNotes).Draw(t, "notes")
				case 2:
					c.Photo = rapid.SampledFrom(editPhotos).Draw(t, "photo")
				case 3:
					c.Tags = rapid.SliceOfN(rapid.SampledFrom(editTags), 0, 3).Draw(t, "tags")
				}
			}
			err = e.s.SaveContact(ctx, c)
		}
	case "edit methods":
		var c *Contact
		if c, err = e.s.Contact(ctx, contact); err == nil {
			switch rapid.IntRange(0, 3).Draw(t, "method change") {
			case 0:
				c.Emails = append(c.Emails, Email{Address: rapid.SampledFrom(editEmails).Draw(t, "email")})
			case 1:
				if len(c.Emails) > 0 {
					c.Emails = c.Emails[1:]
				}
			case 2:
				for i := range c.Emails {
					c.Emails[i].Label, c.Emails[i].Preferred = "work", !c.Emails[i].Preferred
				}
			case 3:
				c.Phones = append(c.Phones, Phone{Number: rapid.SampledFrom(editPhones).Draw(t, "phone")})
			}
			err = e.s.SaveContact(ctx, c)
		}
	case "delete contact":
		err = e.s.DeleteContact(ctx, contact)
	case "restore contact":
		if id, ok := e.pick(t, "SELECT id FROM contact WHERE cl > 0 AND cl % 2 = 0 ORDER BY id", "deleted contact"); ok {
			err = e.s.RestoreContact(ctx, id)
		}
	case "log interaction":
		in := &Interaction{ContactID: contact, At: e.now.Add(-time.Duration(rapid.IntRange(0, 72).Draw(t, "hours ago")) * time.Hour)}
		switch in.Kind = rapid.SampledFrom([]string{"note", "visit", "purchase", "checkin", "call", "referral"}).Draw(t, "kind"); in.Kind {
		case "note":
			in.Summary = rapid.SampledFrom(editNotes).Draw(t, "summary")
		case "purchase":
			in.AmountMinor = rapid.Int64Range(1, 50000).Draw(t, "amount")
			in.Currency = rapid.SampledFrom([]string{"EUR", "CHF"}).Draw(t, "currency")
			in.Items = "silk scarf"
		case "checkin":
			in.Rating = rapid.IntRange(1, 5).Draw(t, "rating")
		case "referral":
			in.ReferredID, _ = e.pick(t, alive, "referred")
		}
		err = e.s.LogInteraction(ctx, in)
	case "delete interaction":
		if id, ok := e.pick(t, "SELECT id FROM interaction WHERE cl % 2 = 1 ORDER BY id", "interaction"); ok {
			err = e.s.DeleteInteraction(ctx, id)
		}
	case "set preference":
		err = e.s.SetPreference(ctx, &Preference{ContactID: contact,
			Category: rapid.SampledFrom([]string{"size", "colour", "fabric"}).Draw(t, "category"),
			Subject:  rapid.SampledFrom([]string{"", "dress", "shoes"}).Draw(t, "subject"),
			Value:    rapid.SampledFrom([]string{"38", "navy", "silk"}).Draw(t, "value")})
	case "delete preference":
		if id, ok := e.pick(t, "SELECT id FROM preference WHERE cl % 2 = 1 ORDER BY id", "preference"); ok {
			err = e.s.DeletePreference(ctx, id)
		}
	case "set consent":
		err = e.s.SetConsent(ctx, contact, rapid.SampledFrom(Channels).Draw(t, "channel"),
			rapid.SampledFrom([]string{"in", "out"}).Draw(t, "status"), rapid.IntRange(0, 4).Draw(t, "per month"), "form")
	case "add task":
		err = e.s.AddTask(ctx, &Task{ContactID: contact, Title: "call back", Due: Date{Year: 2026, Month: 4, Day: rapid.IntRange(1, 30).Draw(t, "due")}})
	case "complete task":
		if id, ok := e.pick(t, "SELECT id FROM task WHERE cl % 2 = 1 ORDER BY id", "task"); ok {
			if rapid.Bool().Draw(t, "complete") {
				err = e.s.CompleteTask(ctx, id)
			} else {
				err = e.s.SnoozeTask(ctx, id, Date{Year: 2026, Month: 5, Day: 1})
			}
		}
	case "add date":
		err = e.s.AddImportantDate(ctx, &ImportantDate{ContactID: contact,
			Kind:     rapid.SampledFrom(DateKinds).Draw(t, "date kind"),
			Date:     Date{Year: 2010, Month: time.Month(rapid.IntRange(1, 12).Draw(t, "month")), Day: rapid.IntRange(1, 28).Draw(t, "day")},
			Yearly:   true,
			LeadDays: rapid.IntRange(0, 30).Draw(t, "lead days")})
	case "add appointment":
		start := e.now.Add(time.Duration(rapid.IntRange(1, 48).Draw(t, "hours ahead")) * time.Hour)
		err = e.s.AddAppointment(ctx, &Appointment{ContactID: contact, Start: start, End: start.Add(time.Hour), TZ: "Europe/Berlin", Purpose: "fitting"})
	case "appointment done":
		if id, ok := e.pick(t, "SELECT id FROM appointment WHERE cl % 2 = 1 ORDER BY id", "appointment"); ok {
			err = e.s.SetAppointmentStatus(ctx, id, rapid.SampledFrom(AppointmentStatuses).Draw(t, "status"))
		}
	}
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
		t.Fatalf("%s: %v", action, err)
	}
}

// outboxAfter reads a store's operations after seq in pages of a random size.
func outboxAfter(t *rapid.T, s *Store, seq *int64) []Op {
	limit := rapid.IntRange(1, 40).Draw(t, "outbox page")
	var all []Op
	for {
		ops, last, err := s.Outbox(context.Background(), *seq, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(ops) == 0 {
			return all
		}
		all = append(all, ops...)
		*seq = last
	}
}

// TestApplyRemoteReplaysLocalEdits is property 2: the outbox of a store,
// applied elsewhere in any order, reproduces the store.
func TestApplyRemoteReplaysLocalEdits(t *testing.T) {
	t.Parallel()
	f := newStoreFactory(t)
	rapid.Check(t, func(t *rapid.T) {
		a, b := f.fresh(t), f.fresh(t)
		ed := newEditor(a)
		for range rapid.IntRange(1, 6).Draw(t, "edits") {
			ed.step(t)
		}
		var seq int64
		ops := outboxAfter(t, a, &seq)
		applySchedule(t, b, ops, "replica", 4)
		sameDump(t, "replica differs from the store edited (- edited, + replica)", dumpStore(t, a), dumpStore(t, b))
	})
}

// TestConvergeConcurrentRandomEdits is property 3 on random edits: two stores
// that start from the same clients, are edited independently and exchange
// their outboxes end up identical.
func TestConvergeConcurrentRandomEdits(t *testing.T) {
	t.Parallel()
	f := newStoreFactory(t)
	rapid.Check(t, func(t *rapid.T) {
		a, b := f.fresh(t), f.fresh(t)
		ea, eb := newEditor(a), newEditor(b)
		var seqA, seqB int64
		for range rapid.IntRange(1, 2).Draw(t, "clients") {
			ea.step(t)
		}
		applySchedule(t, b, outboxAfter(t, a, &seqA), "first copy", 2)
		for range rapid.IntRange(1, 2).Draw(t, "rounds") {
			for range rapid.IntRange(1, 2).Draw(t, "edits on a") {
				ea.step(t)
			}
			for range rapid.IntRange(1, 2).Draw(t, "edits on b") {
				eb.step(t)
			}
			fromA, fromB := outboxAfter(t, a, &seqA), outboxAfter(t, b, &seqB)
			applySchedule(t, b, fromA, "a to b", 3)
			applySchedule(t, a, fromB, "b to a", 3)
		}
		sameDump(t, "after exchanging outboxes (- a, + b)", dumpStore(t, a), dumpStore(t, b))
	})
}

// ---------------------------------------------------------------------------
// Concurrent edits of one contact, case by case.

// exchange sends each store's new operations to the other, in order.
func exchange(t *testing.T, a, b *Store, seqA, seqB *int64) {
	t.Helper()
	ctx := context.Background()
	fromA, lastA, err := a.Outbox(ctx, *seqA, 10000)
	if err != nil {
		t.Fatal(err)
	}
	fromB, lastB, err := b.Outbox(ctx, *seqB, 10000)
	if err != nil {
		t.Fatal(err)
	}
	*seqA, *seqB = lastA, lastB
	if _, err := b.ApplyRemote(ctx, fromA); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyRemote(ctx, fromB); err != nil {
		t.Fatal(err)
	}
}

func TestConvergeConcurrentEditsOfOneContact(t *testing.T) {
	ctx := context.Background()
	edit := func(change func(c *Contact)) func(t *testing.T, s *Store, id string) {
		return func(t *testing.T, s *Store, id string) {
			t.Helper()
			c, err := s.Contact(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			change(c)
			if err := s.SaveContact(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(t *testing.T, s *Store, id string) {
		t.Helper()
		if err := s.DeleteContact(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		onA    func(t *testing.T, s *Store, id string)
		onB    func(t *testing.T, s *Store, id string)
		check  func(c *Contact) string // what is wrong with the merged contact
		delete bool                    // the merged contact must be deleted
	}{
		{
			name: "different fields",
			onA:  edit(func(c *Contact) { c.Title = "Owner" }),
			onB:  edit(func(c *Contact) { c.Notes = "likes silk" }),
			check: func(c *Contact) string {
				if c.Title != "Owner" || c.Notes != "likes silk" {
					return fmt.Sprintf("title %q notes %q, want both edits", c.Title, c.Notes)
				}
				return ""
			},
		},
		{
			name: "names on one, photo and tags on the other",
			onA:  edit(func(c *Contact) { c.Given, c.DisplayName = "Annie", "" }),
			onB:  edit(func(c *Contact) { c.Photo, c.Tags = []byte{1, 2, 3}, []string{"VIP"} }),
			check: func(c *Contact) string {
				if c.Given != "Annie" || c.DisplayName != "Annie Keller" || !bytes.Equal(c.Photo, []byte{1, 2, 3}) || !reflect.DeepEqual(c.Tags, []string{"VIP"}) {
					return fmt.Sprintf("given %q display %q photo %v tags %v, want both edits", c.Given, c.DisplayName, c.Photo, c.Tags)
				}
				return ""
			},
		},
		{
			name: "an e-mail added on each",
			onA:  edit(func(c *Contact) { c.Emails = append(c.Emails, Email{Address: "a@example.org"}) }),
			onB:  edit(func(c *Contact) { c.Emails = append(c.Emails, Email{Address: "b@example.org"}) }),
			check: func(c *Contact) string {
				var got []string
				for _, e := range c.Emails {
					got = append(got, e.Address)
				}
				sort.Strings(got)
				if !reflect.DeepEqual(got, []string{"a@example.org", "anna@example.ch", "b@example.org"}) {
					return fmt.Sprintf("emails %v, want the first and both added", got)
				}
				return ""
			},
		},
		{
			name:   "deleted on one, edited on the other",
			onA:    remove,
			onB:    edit(func(c *Contact) { c.Notes = "call after 5" }),
			delete: true,
			check: func(c *Contact) string {
				if c.Notes != "call after 5" {
					return fmt.Sprintf("notes %q, want the edit kept in the deleted row", c.Notes)
				}
				return ""
			},
		},
		{
			name:   "edited on one, deleted on the other",
			onA:    edit(func(c *Contact) { c.Organization = "Atelier K" }),
			onB:    remove,
			delete: true,
			check: func(c *Contact) string {
				if c.Organization != "Atelier K" {
					return fmt.Sprintf("organization %q, want the edit kept in the deleted row", c.Organization)
				}
				return ""
			},
		},
		{
			name:   "deleted on both",
			onA:    remove,
			onB:    remove,
			delete: true,
			check:  func(c *Contact) string { return "" },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newStoreFactory(t)
			a, b := f.open(t), f.open(t)
			c := &Contact{Given: "Anna", Family: "Keller", Emails: []Email{{Address: "anna@example.ch"}}}
			if err := a.SaveContact(ctx, c); err != nil {
				t.Fatal(err)
			}
			var seqA, seqB int64
			exchange(t, a, b, &seqA, &seqB)
			// A later wall clock on b, so that its edit is the newer one.
			b.Now = func() time.Time { return time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC) }
			tc.onA(t, a, c.ID)
			tc.onB(t, b, c.ID)
			exchange(t, a, b, &seqA, &seqB)
			sameDump(t, "after exchanging outboxes (- a, + b)", dumpStore(t, a), dumpStore(t, b))
			for name, s := range map[string]*Store{"a": a, "b": b} {
				got, err := s.Contact(ctx, c.ID)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var cl int64
				if err := s.db.QueryRow("SELECT cl FROM contact WHERE id = ?", c.ID).Scan(&cl); err != nil {
					t.Fatal(err)
				}
				if got.Deleted != tc.delete || (cl%2 == 0) != tc.delete {
					t.Errorf("%s: deleted %v (cl %d), want %v", name, got.Deleted, cl, tc.delete)
				}
				if msg := tc.check(got); msg != "" {
					t.Errorf("%s: %s", name, msg)
				}
				found, err := s.Search(ctx, "anna", 10)
				if err != nil {
					t.Fatal(err)
				}
				if (len(found) == 1) == tc.delete {
					t.Errorf("%s: search for anna finds %v, deleted %v", name, found, tc.delete)
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Idempotence and rejection.

func TestApplyRemoteIdempotent(t *testing.T) {
	ctx := context.Background()
	f := newStoreFactory(t)
	a := f.open(t)
	c := &Contact{Given: "Anna", Family: "Keller", Photo: []byte{1, 2}, Tags: []string{"VIP"},
		Emails: []Email{{Address: "anna@example.ch"}}, Phones: []Phone{{Number: "0176 1234 5678"}}}
	if err := a.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := a.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "purchase", AmountMinor: 12000, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	c.Notes = "likes silk"
	if err := a.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.RestoreContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	ops, _, err := a.Outbox(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]Op, len(ops))
	for i := range ops {
		reversed[len(ops)-1-i] = ops[i]
	}
	for _, tc := range []struct {
		name string
		ops  []Op
		want int // changes the first time; -1: some, fewer than the ops
	}{
		{"in order", ops, len(ops)},
		{"newest first", reversed, -1},
		{"each op twice", append(append([]Op(nil), ops...), ops...), len(ops)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := f.open(t)
			n, err := b.ApplyRemote(ctx, tc.ops)
			if err != nil {
				t.Fatal(err)
			}
			if (tc.want >= 0 && n != tc.want) || (tc.want < 0 && (n == 0 || n >= len(tc.ops))) {
				t.Errorf("first application changed %d of %d ops, want %d", n, len(tc.ops), tc.want)
			}
			want := dumpStore(t, b)
			n, err = b.ApplyRemote(ctx, tc.ops)
			if err != nil || n != 0 {
				t.Errorf("second application: %d changed, %v; want 0", n, err)
			}
			sameDump(t, "second application changed the store (- before, + after)", want, dumpStore(t, b))
			sameDump(t, "replica differs from the store edited (- edited, + replica)", dumpStore(t, a), want)
		})
	}
}

// TestApplyRemoteReplaysAwkwardValues: values that JSON, the form operations
// travel in, might not carry as they are still arrive as the store keeps them.
func TestApplyRemoteReplaysAwkwardValues(t *testing.T) {
	ctx := context.Background()
	f := newStoreFactory(t)
	for _, tc := range []struct {
		name  string
		edit  func(c *Contact)
		check func(c *Contact) string
	}{
		{"text that is not UTF-8", func(c *Contact) { c.Notes = "caf\xe9 cr\xe8me" },
			func(c *Contact) string {
				if c.Notes != "caf\uFFFD cr\uFFFDme" {
					return fmt.Sprintf("notes %q, want the bytes that are not UTF-8 replaced", c.Notes)
				}
				return ""
			}},
		{"an empty photo", func(c *Contact) { c.Photo = []byte{} }, func(c *Contact) string {
			if c.Photo != nil {
				return fmt.Sprintf("photo %v, want none", c.Photo)
			}
			return ""
		}},
		{"a photo", func(c *Contact) { c.Photo = []byte{0, 0xff, '"', '\\'} }, func(c *Contact) string {
			if !bytes.Equal(c.Photo, []byte{0, 0xff, '"', '\\'}) {
				return fmt.Sprintf("photo %v", c.Photo)
			}
			return ""
		}},
		{"control characters and emoji", func(c *Contact) { c.Notes = "a\x00b\u2028c\t😀" }, func(c *Contact) string {
			if c.Notes != "a\x00b\u2028c\t😀" {
				return fmt.Sprintf("notes %q", c.Notes)
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := f.open(t), f.open(t)
			// One contact made with the value, one edited to have it.
			made := &Contact{Given: "Anna"}
			tc.edit(made)
			if err := a.SaveContact(ctx, made); err != nil {
				t.Fatal(err)
			}
			edited := &Contact{Given: "Ben", Photo: []byte{1}}
			if err := a.SaveContact(ctx, edited); err != nil {
				t.Fatal(err)
			}
			tc.edit(edited)
			if err := a.SaveContact(ctx, edited); err != nil {
				t.Fatal(err)
			}
			ops, _, err := a.Outbox(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.ApplyRemote(ctx, ops); err != nil {
				t.Fatal(err)
			}
			sameDump(t, "replica differs from the store edited (- edited, + replica)", dumpStore(t, a), dumpStore(t, b))
			for _, id := range []string{made.ID, edited.ID} {
				for name, s := range map[string]*Store{"edited": a, "replica": b} {
					got, err := s.Contact(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if msg := tc.check(got); msg != "" {
						t.Errorf("%s, %s: %s", got.Given, name, msg)
					}
				}
				// Saving the contact as it reads back changes nothing.
				got, _ := a.Contact(ctx, id)
				n := outboxLen(t, a)
				if err := a.SaveContact(ctx, got); err != nil {
					t.Fatal(err)
				}
				if outboxLen(t, a) != n {
					t.Errorf("%s: saving the contact unchanged recorded operations", got.Given)
				}
			}
		})
	}
}

// TestApplyRemoteCountsChanges: the count is of the operations that changed
// something, whatever it was, and of no others.
func TestApplyRemoteCountsChanges(t *testing.T) {
	ctx := context.Background()
	s := newStoreFactory(t).open(t)
	contact, email := remoteRows["contact"], remoteRows["contact_email"][0]
	op := func(n int, hlc uint64, table, row string, cl int64, set map[string]any) Op {
		return Op{ID: fmt.Sprintf("0190e0c0-0000-7000-8000-%012x", n), HLC: formatHLC(0x019a00000000<<16 + hlc),
			Device: remoteDevices[0], Table: table, Row: row, CL: cl, Set: set}
	}
	for _, step := range []struct {
		name string
		op   Op
		want int
	}{
		{"a new row", op(1, 5, "contact", contact[0], 1, map[string]any{"given": "Anna"}), 1},
		{"the same again", op(1, 5, "contact", contact[0], 1, map[string]any{"given": "Anna"}), 0},
		{"an older value", op(2, 4, "contact", contact[0], 1, map[string]any{"given": "Ann"}), 0},
		{"a newer value, the same text", op(3, 6, "contact", contact[0], 1, map[string]any{"given": "Anna"}), 1},
		{"a lower cl", op(4, 7, "contact", contact[0], 0, nil), 0},
		{"a delete", op(5, 8, "contact", contact[0], 2, nil), 1},
		{"an older restore", op(6, 1, "contact", contact[0], 3, nil), 1},
		{"a child and the placeholder of its parent", op(7, 9, "contact_email", email, 1, map[string]any{"contact_id": contact[1]}), 1},
		{"an older parent, which makes a placeholder", op(8, 2, "contact_email", email, 1, map[string]any{"contact_id": contact[2]}), 1},
		{"the same older parent again", op(8, 2, "contact_email", email, 1, map[string]any{"contact_id": contact[2]}), 0},
		{"only the placeholder of an unknown row", op(9, 3, "tag", remoteRows["tag"][0], 0, nil), 1},
		{"the placeholder again", op(10, 3, "tag", remoteRows["tag"][0], 0, nil), 0},
	} {
		before := dumpStore(t, s)
		n, err := s.ApplyRemote(ctx, []Op{step.op})
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		after := dumpStore(t, s)
		if n != step.want {
			t.Errorf("%s: %d changed, want %d", step.name, n, step.want)
		}
		if changed := !reflect.DeepEqual(before, after); changed != (step.want > 0) {
			t.Errorf("%s: the store changed: %v, want %v", step.name, changed, step.want > 0)
		}
	}
	var given string
	var cl int64
	if err := s.db.QueryRow("SELECT given, cl FROM contact WHERE id = ?", contact[0]).Scan(&given, &cl); err != nil || given != "Anna" || cl != 3 {
		t.Errorf("contact = %q, cl %d, %v; want Anna, cl 3", given, cl, err)
	}
}

// TestApplyRemoteRejectsInvalid is property 5: an invalid operation makes the
// whole call fail with ErrInvalid and change nothing, even when it comes
// after valid ones.
func TestApplyRemoteRejectsInvalid(t *testing.T) {
	ctx := context.Background()
	f := newStoreFactory(t)
	s := f.open(t)
	valid := Op{ID: "0190e0c0-0000-7000-8000-00000000aaa1", HLC: "019a000000000001", Device: remoteDevices[0],
		Table: "contact", Row: remoteRows["contact"][0], CL: 1, Set: map[string]any{"given": "Anna", "bday_year": float64(1990)}}
	if _, err := s.ApplyRemote(ctx, []Op{valid}); err != nil {
		t.Fatal(err)
	}
	with := func(change func(o *Op)) Op {
		o := valid
		o.ID = "0190e0c0-0000-7000-8000-00000000aaa2"
		o.HLC = "019a000000000002"
		o.Set = map[string]any{"given": "Ben"}
		change(&o)
		return o
	}
	set := func(table string, kv map[string]any) func(o *Op) {
		return func(o *Op) { o.Table, o.Row, o.Set = table, remoteRows[table][0], kv }
	}
	for _, tc := range []struct {
		name string
		op   Op
	}{
		{"unknown table", with(func(o *Op) { o.Table = "contacts" })},
		{"empty table", with(func(o *Op) { o.Table = "" })},
		{"bookkeeping table", with(func(o *Op) { o.Table = "sync_outbox" })},
		{"cache table", with(func(o *Op) { o.Table = "contact_doc" })},
		{"unknown field", with(set("contact", map[string]any{"nope": "x"}))},
		{"id as a field", with(set("contact", map[string]any{"id": remoteRows["contact"][1]}))},
		{"cl as a field", with(set("contact", map[string]any{"cl": int64(3)}))},
		{"stamp as a field", with(set("contact", map[string]any{"stamp": "x"}))},
		{"local column as a field", with(set("contact", map[string]any{"sort_name": "ben"}))},
		{"field of another table", with(set("tag", map[string]any{"given": "Ben"}))},
		{"empty hlc", with(func(o *Op) { o.HLC = "" })},
		{"short hlc", with(func(o *Op) { o.HLC = "019a00000002" })},
		{"long hlc", with(func(o *Op) { o.HLC = "019a0000000000002" })},
		{"hlc not hex", with(func(o *Op) { o.HLC = "019a00000000000z" })},
		{"hlc with sign", with(func(o *Op) { o.HLC = "+19a000000000002" })},
		{"hlc upper case", with(func(o *Op) { o.HLC = "019A000000000002" })},
		{"empty device", with(func(o *Op) { o.Device = "" })},
		{"short device", with(func(o *Op) { o.Device = "0123456789abcdef" })},
		{"device upper case", with(func(o *Op) { o.Device = strings.ToUpper(remoteDevices[0]) })},
		{"device not hex", with(func(o *Op) { o.Device = strings.Repeat("g", 32) })},
		{"empty op id", with(func(o *Op) { o.ID = "" })},
		{"op id not a uuid", with(func(o *Op) { o.ID = "not-a-uuid" })},
		{"op id without dashes", with(func(o *Op) { o.ID = "0190e0c0000070008000000000aaa2" })},
		{"op id in braces", with(func(o *Op) { o.ID = "{0190e0c0-0000-7000-8000-00000000aaa2}" })},
		{"op id upper case", with(func(o *Op) { o.ID = "0190E0C0-0000-7000-8000-00000000AAA2" })},
		{"empty row id", with(func(o *Op) { o.Row = "" })},
		{"row id not a uuid", with(func(o *Op) { o.Row = "zzzzzzzz-0000-7000-8000-000000000001" })},
		{"row id as urn", with(func(o *Op) { o.Row = "urn:uuid:" + remoteRows["contact"][0] })},
		{"row id upper case", with(func(o *Op) { o.Row = strings.ToUpper(remoteRows["contact"][0]) })},
		{"negative cl", with(func(o *Op) { o.CL = -1 })},
		{"reference not a uuid", with(set("contact_email", map[string]any{"contact_id": "anna"}))},
		{"reference as urn", with(set("contact_email", map[string]any{"contact_id": "urn:uuid:" + remoteRows["contact"][0]}))},
		{"reference without dashes", with(set("contact_email", map[string]any{"contact_id": strings.ReplaceAll(remoteRows["contact"][0], "-", "")}))},
		{"reference upper case", with(set("contact_tag", map[string]any{"tag_id": strings.ToUpper(remoteRows["tag"][0])}))},
		{"text given a number", with(set("contact", map[string]any{"given": int64(3)}))},
		{"text given a float", with(set("contact", map[string]any{"given": 3.5}))},
		{"text given a bool", with(set("contact", map[string]any{"given": true}))},
		{"text given bytes", with(set("contact", map[string]any{"given": []byte("Ben")}))},
		{"text given a list", with(set("contact", map[string]any{"given": []any{"Ben"}}))},
		{"reference given a number", with(set("contact_email", map[string]any{"contact_id": int64(1)}))},
		{"int given text", with(set("contact", map[string]any{"bday_year": "1990"}))},
		{"int given a fraction", with(set("contact", map[string]any{"bday_year": 1990.5}))},
		{"int given a fractional json number", with(set("interaction", map[string]any{"amount_minor": json.Number("1.5")}))},
		{"int given a huge json number", with(set("interaction", map[string]any{"amount_minor": json.Number("99999999999999999999")}))},
		{"int given null", with(set("contact", map[string]any{"bday_day": nil}))},
		{"blob given a number", with(set("contact", map[string]any{"photo": int64(7)}))},
		{"blob given bad base64", with(set("contact", map[string]any{"photo": "not base64!"}))},
		{"blob given a list", with(set("contact", map[string]any{"photo": []any{float64(1)}}))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dumpStore(t, s)
			stamps := queryLines(t, s.db, "SELECT * FROM sync_field_stamp")
			for _, batch := range [][]Op{{tc.op}, {with(func(*Op) {}), tc.op}} {
				n, err := s.ApplyRemote(ctx, batch)
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("ApplyRemote(%d ops, the last %+v) = %d, %v; want ErrInvalid", len(batch), tc.op, n, err)
				}
				if n != 0 {
					t.Errorf("a rejected batch reports %d changed", n)
				}
				sameDump(t, "a rejected batch changed the store (- before, + after)", before, dumpStore(t, s))
				if got := queryLines(t, s.db, "SELECT * FROM sync_field_stamp"); !reflect.DeepEqual(got, stamps) {
					t.Fatalf("a rejected batch changed the field stamps:%s", diffLines(stamps, got))
				}
			}
		})
	}
	// The valid op that came with them is still accepted on its own.
	if n, err := s.ApplyRemote(ctx, []Op{with(func(*Op) {})}); err != nil || n != 1 {
		t.Errorf("the valid op alone: %d changed, %v", n, err)
	}
}

// TestConcurrentDateEditsStayDates: two computers change one birthday at
// once, one its day and the other its month. After sync both hold one of the
// two dates, the same one, never a mix of them (Feb 31).
func TestConcurrentDateEditsStayDates(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	c := &Contact{Given: "Anna", Birthday: Date{Year: 1990, Month: 3, Day: 10}}
	if err := a.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	var seqA, seqB int64
	syncAll(t, a, b, &seqA)
	onA, err := a.Contact(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	onB, err := b.Contact(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	onA.Birthday.Day = 31  // March 31
	onB.Birthday.Month = 2 // February 10
	if err := a.SaveContact(ctx, onA); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveContact(ctx, onB); err != nil {
		t.Fatal(err)
	}
	syncAll(t, a, b, &seqA)
	syncAll(t, b, a, &seqB)
	var got []Date
	for _, s := range []*Store{a, b} {
		x, err := s.Contact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, x.Birthday)
		if err := s.SaveContact(ctx, x); err != nil {
			t.Errorf("the merged contact can no longer be saved: %v", err)
		}
	}
	if got[0] != got[1] {
		t.Fatalf("the computers disagree: %v and %v", got[0], got[1])
	}
	if want := []Date{{Year: 1990, Month: 3, Day: 31}, {Year: 1990, Month: 2, Day: 10}}; got[0] != want[0] && got[0] != want[1] {
		t.Fatalf("merged birthday %v, want %v or %v", got[0], want[0], want[1])
	}
}

// TestRecentlyDeletedShowsALaterEdit: a client deleted on one computer and
// edited on another that had not seen the deletion stays deleted, and the
// "Recently deleted" list says when it was edited; a restore brings the edit.
func TestRecentlyDeletedShowsALaterEdit(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	at(a, day(2026, 3, 10))
	at(b, day(2026, 3, 10))
	anna := mustContact(t, a, &Contact{Given: "Anna", Family: "Keller"})
	bea := mustContact(t, a, &Contact{Given: "Bea", Family: "Roth"})
	var seqA, seqB int64
	syncAll(t, a, b, &seqA)

	at(a, day(2026, 3, 11))
	for _, id := range []string{anna, bea} {
		if err := a.DeleteContact(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	at(b, day(2026, 3, 12))
	c, err := b.Contact(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	c.Notes = "Prefers the morning"
	if err := b.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	syncAll(t, b, a, &seqB)

	deleted, err := a.ListContacts(ctx, ListQuery{Deleted: true})
	if err != nil {
		t.Fatal(err)
	}
	when := map[string]time.Time{}
	for _, d := range deleted {
		when[d.ID] = d.EditedAfterDeletion
	}
	if len(deleted) != 2 || when[anna].Format("2006-01-02") != "2026-03-12" || !when[bea].IsZero() {
		t.Fatalf("recently deleted: %+v", deleted)
	}
	if err := a.RestoreContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if back, err := a.Contact(ctx, anna); err != nil || back.Notes != "Prefers the morning" {
		t.Fatalf("restored: %+v %v", back, err)
	}
}
