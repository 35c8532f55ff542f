package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ShopData is a client book to add in one go with BulkLoad: clients with
// their methods, tags and birthdays, and what is known about them. Rows refer
// to clients by ContactID.
type ShopData struct {
	Contacts     []Contact
	Preferences  []Preference
	Consents     []Consent // the current state per channel, with its History
	Interactions []Interaction
	Appointments []Appointment
	Dates        []ImportantDate
	Tasks        []Task
}

// BulkLoad adds a whole client book in one transaction, many times faster than
// saving it row by row: the rows are written with prepared multi-row inserts,
// each recorded in the outbox as a full-row insert operation exactly as a
// single save records it, and the search index and figures are rebuilt once at
// the end.
//
// The result is what the ordinary methods give for the same data, in order:
// SaveContact for every contact (with its emails, phones, addresses, URLs,
// tags and birthday), then SetPreference, SetConsent, LogInteraction,
// AddAppointment, AddImportantDate and AddTask. The same checks and defaults
// apply, and ids left empty are filled in, in d. Beyond what those methods
// take, BulkLoad keeps a contact's Created and Updated (when set: an import
// keeps when a client was first recorded), a consent's Topics and the time,
// recorder and source of each consent event, and uses the ids given: a contact
// with an id is created with that id, which must be new.
//
// Preferences, consents and birthday dates must belong to contacts of the same
// load; interactions, appointments, tasks and other dates may also concern
// clients already in the store. Nothing is written when any row is refused.
func (s *Store) BulkLoad(ctx context.Context, d *ShopData) error {
	p, err := s.planBulk(d)
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	err = s.bulkWrite(ctx, func(t *txn) error {
		if err := t.bulkLoad(p); err != nil {
			return err
		}
		return t.rebuildDerived()
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// bulkCacheKiB is the page cache the bulk load's connection gets for the
// load: with SQLite's default of 2 MiB, a transaction of a million rows
// spends most of its time writing pages out to the WAL and reading them back.
const bulkCacheKiB = 512 << 10

// bulkWrite is Store.write for the bulk load, on a connection of its own set
// up for the time of the load: a page cache large enough for the transaction,
// temporary data in memory, and no foreign key checks, since the load checks
// every reference it writes itself (a check per row costs an index lookup).
// The multi-row inserts are INSERT OR ROLLBACK: a failure ends the whole
// transaction anyway, and SQLite then needs no statement journal, which would
// copy every page the statement touches.
func (s *Store) bulkWrite(ctx context.Context, fn func(t *txn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	settings := []struct{ name, value, old string }{
		{name: "cache_size", value: strconv.Itoa(-bulkCacheKiB)},
		{name: "temp_store", value: "MEMORY"},
		{name: "foreign_keys", value: "OFF"},
	}
	defer func() {
		// The connection goes back to the pool as it came, or not at all.
		restore := context.WithoutCancel(ctx)
		for _, p := range settings {
			if p.old == "" {
				continue
			}
			var now string
			conn.ExecContext(restore, "PRAGMA "+p.name+" = "+p.old)
			if err := conn.QueryRowContext(restore, "PRAGMA "+p.name).Scan(&now); err != nil || now != p.old {
				conn.Raw(func(any) error { return driver.ErrBadConn })
				return
			}
		}
	}()
	for i := range settings {
		p := &settings[i]
		var old string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&old); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value); err != nil {
			return err
		}
		p.old = old
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &txn{Tx: tx, ctx: ctx, s: s, touched: map[string]bool{}}
	err = fn(t)
	if err == nil && t.hlc != 0 {
		_, err = tx.ExecContext(ctx, "INSERT INTO sync_state(key, value) VALUES('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > value", formatHLC(t.hlc))
	}
	if err != nil {
		tx.Rollback() // fails when OR ROLLBACK has already ended the transaction
		return err
	}
	return tx.Commit()
}

// bulkPlan is a checked ShopData with what the writer derives from it.
type bulkPlan struct {
	d        *ShopData
	contacts map[string]bool // ids of the contacts being created
	external []string        // live contacts of the store the rows refer to
	// tags in order of first use, with the spelling first used.
	tagOrder []string
	tagNames map[string]string
	// birthdays set by a birthday date, which also gives the mirrored date's
	// label and lead time.
	birthdays map[string]*ImportantDate
	prefs     []*Preference // without those merged into an earlier one
	consents  []*Consent    // likewise
	dates     []*ImportantDate
}

// planBulk checks and completes d as the ordinary methods would, without the
// database: what needs it (clients referred to, tags that exist) is looked at
// in the transaction.
func (s *Store) planBulk(d *ShopData) (*bulkPlan, error) {
	p := &bulkPlan{d: d, contacts: make(map[string]bool, len(d.Contacts)), tagNames: map[string]string{},
		birthdays: map[string]*ImportantDate{}}
	if err := s.bulkPrepare(d.Contacts); err != nil {
		return nil, err
	}
	for i := range d.Contacts {
		c := &d.Contacts[i]
		if c.ID == "" {
			c.ID = newID()
		}
		if p.contacts[c.ID] {
			return nil, fmt.Errorf("%w: contact %s is given twice", ErrInvalid, c.ID)
		}
		p.contacts[c.ID] = true
		for j := range c.Emails {
			if c.Emails[j].ID == "" {
				c.Emails[j].ID = newID()
			}
		}
		for j := range c.Phones {
			if c.Phones[j].ID == "" {
				c.Phones[j].ID = newID()
			}
		}
		for j := range c.Addresses {
			if c.Addresses[j].ID == "" {
				c.Addresses[j].ID = newID()
			}
		}
		for j := range c.URLs {
			if c.URLs[j].ID == "" {
				c.URLs[j].ID = newID()
			}
		}
		for _, id := range c.bulkTagIDs() {
			if _, ok := p.tagNames[id.id]; !ok {
				p.tagNames[id.id] = id.name
				p.tagOrder = append(p.tagOrder, id.id)
			}
		}
	}
	external := map[string]bool{}
	refer := func(id string, optional bool) error {
		switch {
		case id == "" && optional:
			return nil
		case id == "":
			return fmt.Errorf("%w: a client is needed", ErrInvalid)
		case !p.contacts[id]:
			external[id] = true
		}
		return nil
	}
	own := func(id string) error {
		if !p.contacts[id] {
			return fmt.Errorf("contact %s: %w in this load", id, ErrNotFound)
		}
		return nil
	}

	today := DayOf(s.Now())
	type prefKey struct{ contact, category, subject string }
	prefAt := map[prefKey]*Preference{}
	prefByID := map[string]*Preference{}
	for i := range d.Preferences {
		pr := &d.Preferences[i]
		pr.Category = strings.ToLower(strings.TrimSpace(pr.Category))
		pr.Subject, pr.Value = strings.TrimSpace(pr.Subject), strings.TrimSpace(pr.Value)
		if !oneOf(pr.Category, PreferenceCategories) {
			return nil, fmt.Errorf("%w preference category %q: want one of %s", ErrInvalid, pr.Category, strings.Join(PreferenceCategories, ", "))
		}
		if pr.Value == "" {
			return nil, fmt.Errorf("%w preference: a value is needed", ErrInvalid)
		}
		if pr.Confirmed.IsZero() {
			pr.Confirmed = today
		}
		if err := own(pr.ContactID); err != nil {
			return nil, fmt.Errorf("preference: %w", err)
		}
		// Like SetPreference: without an id, the client's preference of the
		// same category and subject (SQLite's NOCASE: ASCII letters) changes.
		// With an id, the preference of that id does.
		k := prefKey{pr.ContactID, pr.Category, bulkNoCase(pr.Subject)}
		prev, ok := prefAt[k]
		if pr.ID != "" {
			prev, ok = prefByID[pr.ID]
		}
		if ok {
			pr.ID = prev.ID
			*prev = *pr
			continue
		}
		if pr.ID == "" {
			pr.ID = newID()
		}
		if _, ok := prefAt[k]; !ok {
			prefAt[k] = pr
		}
		prefByID[pr.ID] = pr
		p.prefs = append(p.prefs, pr)
	}

	type consentKey struct{ contact, channel string }
	consentAt := map[consentKey]*Consent{}
	now := s.now()
	for i := range d.Consents {
		c := &d.Consents[i]
		c.Channel, c.Status = strings.ToLower(c.Channel), strings.ToLower(c.Status)
		if !oneOf(c.Channel, Channels) {
			return nil, fmt.Errorf("%w channel %q: want one of %s", ErrInvalid, c.Channel, strings.Join(Channels, ", "))
		}
		if c.Status == "" {
			c.Status = "unknown"
		}
		if !oneOf(c.Status, []string{"in", "out", "unknown"}) {
			return nil, fmt.Errorf("%w consent status %q: want in or out", ErrInvalid, c.Status)
		}
		if c.MaxPerMonth < 0 {
			return nil, fmt.Errorf("%w max per month %d: must not be negative", ErrInvalid, c.MaxPerMonth)
		}
		if err := own(c.ContactID); err != nil {
			return nil, fmt.Errorf("consent: %w", err)
		}
		for j := range c.History {
			e := &c.History[j]
			e.Status = strings.ToLower(e.Status)
			if e.Channel == "" {
				e.Channel = c.Channel
			}
			if e.Channel != c.Channel {
				return nil, fmt.Errorf("%w consent event on %s in the history of %s", ErrInvalid, e.Channel, c.Channel)
			}
			if !oneOf(e.Status, []string{"in", "out", "unknown"}) {
				return nil, fmt.Errorf("%w consent status %q: want in or out", ErrInvalid, e.Status)
			}
			if e.ID == "" {
				e.ID = newID()
			}
			if e.At.IsZero() {
				e.At = now
			}
			if e.RecordedBy == "" {
				e.RecordedBy = s.staff()
			}
		}
		k := consentKey{c.ContactID, c.Channel}
		if prev, ok := consentAt[k]; ok {
			prev.Status, prev.MaxPerMonth, prev.Topics = c.Status, c.MaxPerMonth, c.Topics
			prev.History = append(prev.History, c.History...)
			continue
		}
		consentAt[k] = c
		p.consents = append(p.consents, c)
	}

	for i := range d.Interactions {
		in := &d.Interactions[i]
		if err := s.checkInteraction(in); err != nil {
			return nil, err
		}
		if err := refer(in.ContactID, false); err != nil {
			return nil, fmt.Errorf("interaction: %w", err)
		}
		if in.ReferredID != "" {
			refer(in.ReferredID, false)
		}
		if in.ID == "" {
			in.ID = newID()
		}
	}

	for i := range d.Appointments {
		a := &d.Appointments[i]
		if a.TZ == "" {
			a.TZ = "UTC"
		}
		loc, err := time.LoadLocation(a.TZ)
		if err != nil {
			return nil, fmt.Errorf("%w time zone %q: want a name such as Europe/Paris", ErrInvalid, a.TZ)
		}
		if a.Start.IsZero() || a.End.IsZero() {
			return nil, fmt.Errorf("%w appointment: start and end are needed", ErrInvalid)
		}
		if !a.End.After(a.Start) {
			return nil, fmt.Errorf("%w appointment: the end must be after the start", ErrInvalid)
		}
		if a.Status == "" {
			a.Status = "booked"
		}
		if !oneOf(a.Status, AppointmentStatuses) {
			return nil, fmt.Errorf("%w status %q: want one of %s", ErrInvalid, a.Status, strings.Join(AppointmentStatuses, ", "))
		}
		if a.Staff == "" {
			a.Staff = s.staff()
		}
		a.Start, a.End = a.Start.In(loc), a.End.In(loc)
		refer(a.ContactID, true)
		if a.ID == "" {
			a.ID = newID()
		}
	}

	for i := range d.Dates {
		dt := &d.Dates[i]
		if !oneOf(dt.Kind, DateKinds) {
			return nil, fmt.Errorf("%w date kind %q: want one of %s", ErrInvalid, dt.Kind, strings.Join(DateKinds, ", "))
		}
		if dt.Date.IsZero() || !dt.Date.valid() {
			return nil, fmt.Errorf("%w date %v", ErrInvalid, dt.Date)
		}
		if !dt.Yearly && dt.Date.Year == 0 {
			return nil, fmt.Errorf("%w date %v: a one-off date needs its year", ErrInvalid, dt.Date)
		}
		if dt.LeadDays < 0 || dt.LeadDays > 366 {
			return nil, fmt.Errorf("%w lead days %d: want 0 to 366", ErrInvalid, dt.LeadDays)
		}
		if dt.Kind == "birthday" {
			// The contact's birthday, as AddImportantDate makes it.
			if err := own(dt.ContactID); err != nil {
				return nil, fmt.Errorf("birthday: %w", err)
			}
			dt.ID, dt.Yearly = birthdayDateID(dt.ContactID), true
			p.birthdays[dt.ContactID] = dt
			continue
		}
		if err := refer(dt.ContactID, false); err != nil {
			return nil, fmt.Errorf("date: %w", err)
		}
		if dt.ID == "" {
			dt.ID = newID()
		}
		p.dates = append(p.dates, dt)
	}

	for i := range d.Tasks {
		k := &d.Tasks[i]
		k.Title = strings.TrimSpace(k.Title)
		if k.Title == "" {
			return nil, fmt.Errorf("%w task: a title is needed", ErrInvalid)
		}
		if k.Due.IsZero() || k.Due.Year == 0 {
			return nil, fmt.Errorf("%w task due date: want YYYY-MM-DD", ErrInvalid)
		}
		refer(k.ContactID, true)
		if k.ID == "" {
			k.ID = newID()
		}
	}
	for id := range external {
		p.external = append(p.external, id)
	}
	sort.Strings(p.external)
	return p, nil
}

// bulkPrepare runs prepareContact on every contact, on all processors:
// reading phone numbers is the slow part. The first failing contact's error
// is returned.
func (s *Store) bulkPrepare(cs []Contact) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	if len(cs) < 1000 {
		workers = 1
	}
	failed := make([]int, workers) // the first contact each worker refused
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(cs); i += workers {
				if err := s.prepareContact(&cs[i]); err != nil {
					failed[w], errs[w] = i, err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	first := -1
	for w, err := range errs {
		if err != nil && (first < 0 || failed[w] < failed[first]) {
			first = w
		}
	}
	if first < 0 {
		return nil
	}
	return fmt.Errorf("contact %d: %w", failed[first]+1, errs[first])
}

type bulkTag struct{ id, name string }

// bulkTagIDs are the contact's distinct tags as setTags reads them.
func (c *Contact) bulkTagIDs() []bulkTag {
	var out []bulkTag
	seen := map[string]bool{}
	for _, n := range c.Tags {
		n = strings.Join(strings.Fields(n), " ")
		if n == "" {
			continue
		}
		id := tagID(n)
		if !seen[id] {
			seen[id] = true
			out = append(out, bulkTag{id, n})
		}
	}
	return out
}

// bulkNoCase folds ASCII letters only, as SQLite's NOCASE does.
func bulkNoCase(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// bulkBatch is up to bulkRows rows of one table with their operations.
type bulkBatch struct {
	tbl    *bulkTable
	n      int
	args   []any
	outbox []any
}

// bulkRows is how many rows one INSERT statement writes: enough to spread the
// cost of a statement, few enough to stay far below SQLite's variable limit.
const bulkRows = 64

// bulkTable is how the bulk writer writes one table.
type bulkTable struct {
	ts *tableSpec
	// src tells, for each column of ts.order, which of the values the writer
	// gives (bulkColumns) it takes, or -1 for a column the writer does not
	// know, which gets dflt: its default in the schema, as a row inserted
	// without it has.
	src    []int
	dflt   []any
	local  []string // columns that are not synced, given after the synced ones
	sorted []int    // indexes of the synced columns in name order, as JSON writes a map
	keys   []string // `"name":` of each column of sorted
	full   string   // the INSERT of bulkRows rows
	vals   []any    // one row's synced values, reused
}

func (b *bulkTable) insertSQL(n int) string {
	cols := append(append([]string{"id", "cl", "stamp"}, b.ts.order...), b.local...)
	var q strings.Builder
	q.WriteString("INSERT OR ROLLBACK INTO " + b.ts.name + "(" + strings.Join(cols, ", ") + ") VALUES ")
	row := "(?, 1, ?" + strings.Repeat(", ?", len(cols)-3) + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	return q.String()
}

const bulkOutboxRow = "(?, ?, ?, ?, 1, ?)"

func bulkOutboxSQL(n int) string {
	return "INSERT OR ROLLBACK INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json) VALUES " +
		strings.TrimSuffix(strings.Repeat(bulkOutboxRow+", ", n), ", ")
}

// bulkColumns are the columns the writer gives for each table, in the order
// it gives them; bulkLocal are those of them that are not synced.
var bulkColumns = map[string][]string{
	"contact": {"given", "family", "display_name", "nickname", "organization", "title", "bday_year", "bday_month", "bday_day",
		"notes", "photo", "photo_url", "source", "extra_vcard", "merged_into", "created", "updated", "sort_name"},
	"contact_email":   {"contact_id", "address", "label", "pref"},
	"contact_phone":   {"contact_id", "number", "e164", "label", "pref"},
	"contact_address": {"contact_id", "street", "locality", "region", "postal_code", "country", "label", "pref"},
	"contact_url":     {"contact_id", "url", "label"},
	"tag":             {"name"},
	"contact_tag":     {"contact_id", "tag_id"},
	"preference":      {"contact_id", "category", "subject", "value", "confirmed"},
	"consent":         {"contact_id", "channel", "status", "max_per_month", "topics"},
	"consent_event":   {"contact_id", "channel", "status", "at", "recorded_by", "source"},
	"interaction": {"contact_id", "kind", "at", "staff", "summary", "body", "amount_minor", "currency", "category", "items",
		"rating", "referred_id"},
	"appointment":    {"contact_id", "start_utc", "end_utc", "tz", "all_day", "purpose", "staff", "status"},
	"important_date": {"contact_id", "kind", "label", "year", "month", "day", "yearly", "lead_days"},
	"task":           {"contact_id", "title", "due", "done_at", "snoozed_until"},
}

var bulkLocal = map[string][]string{"contact": {"sort_name"}}

// bulkTables lays out every table the writer writes, with the defaults of
// the columns it does not know read from the schema.
func (t *txn) bulkTables() (map[string]*bulkTable, error) {
	out := map[string]*bulkTable{}
	for name, given := range bulkColumns {
		ts := syncedTables[name]
		if ts == nil {
			return nil, fmt.Errorf("table %s is no longer synced", name)
		}
		b := &bulkTable{ts: ts, local: bulkLocal[name]}
		if n := len(b.local); strings.Join(given[len(given)-n:], ",") != strings.Join(b.local, ",") {
			return nil, fmt.Errorf("the local columns of %s must come last", name)
		}
		at := map[string]int{}
		for i, c := range given {
			at[c] = i
		}
		for _, c := range b.local {
			delete(at, c)
		}
		defaults, err := t.bulkDefaults(ts)
		if err != nil {
			return nil, err
		}
		for _, c := range ts.order {
			i, ok := at[c]
			if !ok {
				i = -1
			}
			delete(at, c)
			b.src = append(b.src, i)
			b.dflt = append(b.dflt, defaults[c])
		}
		for c := range at {
			return nil, fmt.Errorf("the writer gives %s.%s, which is not synced", name, c)
		}
		for i := range ts.order {
			b.sorted = append(b.sorted, i)
		}
		sort.Slice(b.sorted, func(i, j int) bool { return ts.order[b.sorted[i]] < ts.order[b.sorted[j]] })
		for _, i := range b.sorted {
			b.keys = append(b.keys, strconv.Quote(ts.order[i])+":")
		}
		b.full = b.insertSQL(bulkRows)
		out[name] = b
	}
	return out, nil
}

// bulkDefaults reads the default of every synced column of ts from the
// schema, as the value of the column's kind that a row inserted without it
// reads back.
func (t *txn) bulkDefaults(ts *tableSpec) (map[string]any, error) {
	rows, err := t.QueryContext(t.ctx, "SELECT name, dflt_value FROM pragma_table_info(?)", ts.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]any{}
	for rows.Next() {
		var name string
		var dflt sql.NullString
		if err := rows.Scan(&name, &dflt); err != nil {
			return nil, err
		}
		kind, synced := ts.cols[name]
		if !synced {
			continue
		}
		lit := strings.TrimSpace(dflt.String)
		var v any
		switch {
		case !dflt.Valid || strings.EqualFold(lit, "NULL"):
			switch kind {
			case textCol:
				v = ""
			case intCol:
				v = int64(0)
			case blobCol:
				v = []byte(nil)
			}
		case kind == textCol && len(lit) >= 2 && lit[0] == '\'' && lit[len(lit)-1] == '\'':
			v = strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
		case kind == intCol:
			n, err := strconv.ParseInt(lit, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("default %s of %s.%s: %w", lit, ts.name, name, err)
			}
			v = n
		default:
			return nil, fmt.Errorf("default %s of %s.%s is not a value the bulk load knows", lit, ts.name, name)
		}
		out[name] = v
	}
	return out, rows.Err()
}

// bulkProducer turns the plan into batches of rows and operations, stamping
// each operation; it runs beside the goroutine that executes the batches.
type bulkProducer struct {
	s       *Store
	ctx     context.Context
	out     chan<- *bulkBatch
	stop    <-chan struct{}
	free    chan *bulkBatch
	tables  map[string]*bulkTable
	batches map[*bulkTable]*bulkBatch
	last    uint64
	json    []byte
}

var errBulkStopped = errors.New("bulk load stopped")

// row adds one row, given by the values of bulkColumns, and its operation.
func (p *bulkProducer) row(b *bulkTable, id string, given ...any) error {
	bt := p.batches[b]
	if bt == nil {
		select {
		case bt = <-p.free:
			bt.tbl, bt.n, bt.args, bt.outbox = b, 0, bt.args[:0], bt.outbox[:0]
		default:
			bt = &bulkBatch{tbl: b}
		}
		p.batches[b] = bt
	}
	v := p.s.clock.next(p.s.Now())
	p.last = v
	hlc := formatHLC(v)
	op := newID()
	bt.args = append(bt.args, id, stamp(hlc, p.s.clock.device, op))
	vals := b.vals[:0]
	for i, c := range b.ts.order {
		val := b.dflt[i]
		if j := b.src[i]; j >= 0 {
			val = bulkValue(b.ts, c, given[j])
		}
		vals = append(vals, val)
		bt.args = append(bt.args, sqlValue(b.ts, c, val))
	}
	b.vals = vals
	bt.args = append(bt.args, given[len(given)-len(b.local):]...)
	p.json = p.json[:0]
	p.json = append(p.json, '{')
	for k, i := range b.sorted {
		if k > 0 {
			p.json = append(p.json, ',')
		}
		p.json = append(p.json, b.keys[k]...)
		switch x := vals[i].(type) {
		case string:
			p.json = appendJSONString(p.json, x)
		case int64:
			p.json = strconv.AppendInt(p.json, x, 10)
		case []byte:
			if len(x) == 0 {
				p.json = append(p.json, "null"...)
			} else {
				p.json = append(p.json, '"')
				p.json = base64.StdEncoding.AppendEncode(p.json, x)
				p.json = append(p.json, '"')
			}
		default:
			panic(fmt.Sprintf("bulk load: value %T for %s.%s", x, b.ts.name, b.ts.order[i]))
		}
	}
	p.json = append(p.json, '}')
	bt.outbox = append(bt.outbox, op, hlc, b.ts.name, id, string(p.json))
	bt.n++
	if bt.n == bulkRows {
		return p.flush(b)
	}
	return nil
}

// bulkValue is v as put stores it: the common values as they are, anything
// else (text that is not UTF-8, an empty blob) as normalise makes it.
func bulkValue(ts *tableSpec, col string, v any) any {
	switch x := v.(type) {
	case string:
		if utf8.ValidString(x) {
			return x
		}
	case []byte:
		if len(x) > 0 {
			return x
		}
	case int64:
		return x
	}
	f, err := ts.normalise(fields{col: v})
	if err != nil {
		panic(fmt.Sprintf("bulk load: %v", err)) // the writer gives only text, integers and bytes
	}
	return f[col]
}

func (p *bulkProducer) flush(b *bulkTable) error {
	bt := p.batches[b]
	if bt == nil || bt.n == 0 {
		return nil
	}
	delete(p.batches, b)
	if err := p.ctx.Err(); err != nil {
		return err
	}
	select {
	case p.out <- bt:
		return nil
	case <-p.stop:
		return errBulkStopped
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

func bulkBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// produce emits every row, table by table so that parents come before their
// children.
func (p *bulkProducer) produce(pl *bulkPlan, newTags []string) error {
	d := pl.d
	now := formatTS(p.s.now())
	step := func(table string, each func(b *bulkTable) error) error {
		b := p.tables[table]
		if err := each(b); err != nil {
			return err
		}
		return p.flush(b)
	}
	type stage struct {
		table string
		each  func(b *bulkTable) error
	}
	for _, st := range []stage{
		{"contact", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				created, updated := now, now
				if !c.Created.IsZero() {
					created, updated = formatTS(c.Created), formatTS(c.Created)
				}
				if !c.Updated.IsZero() {
					updated = formatTS(c.Updated)
				}
				bday := c.Birthday
				if bd := pl.birthdays[c.ID]; bd != nil {
					bday = bd.Date
				}
				if err := p.row(b, c.ID, c.Given, c.Family, c.DisplayName, c.Nickname, c.Organization, c.Title,
					int64(bday.Year), int64(bday.Month), int64(bday.Day), c.Notes, c.Photo, c.PhotoURL, c.Source,
					c.ExtraVCard, "", created, updated, sortKey(c.DisplayName)); err != nil {
					return err
				}
			}
			return nil
		}},
		{"tag", func(b *bulkTable) error {
			for _, id := range newTags {
				if err := p.row(b, id, pl.tagNames[id]); err != nil {
					return err
				}
			}
			return nil
		}},
		{"contact_email", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				for _, e := range c.Emails {
					if err := p.row(b, e.ID, c.ID, e.Address, e.Label, bulkBool(e.Preferred)); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"contact_phone", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				for _, ph := range c.Phones {
					if err := p.row(b, ph.ID, c.ID, ph.Number, ph.E164, ph.Label, bulkBool(ph.Preferred)); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"contact_address", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				for _, a := range c.Addresses {
					if err := p.row(b, a.ID, c.ID, a.Street, a.Locality, a.Region, a.PostalCode, a.Country, a.Label,
						bulkBool(a.Preferred)); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"contact_url", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				for _, u := range c.URLs {
					if err := p.row(b, u.ID, c.ID, u.URL, u.Label); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"contact_tag", func(b *bulkTable) error {
			for i := range d.Contacts {
				c := &d.Contacts[i]
				for _, tg := range c.bulkTagIDs() {
					if err := p.row(b, contactTagID(c.ID, tg.id), c.ID, tg.id); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"important_date", func(b *bulkTable) error {
			date := func(dt *ImportantDate) error {
				return p.row(b, dt.ID, dt.ContactID, dt.Kind, dt.Label, int64(dt.Date.Year), int64(dt.Date.Month),
					int64(dt.Date.Day), bulkBool(dt.Yearly), int64(dt.LeadDays))
			}
			for i := range d.Contacts {
				c := &d.Contacts[i]
				bd := pl.birthdays[c.ID]
				if bd == nil && !c.Birthday.IsZero() {
					bd = &ImportantDate{ID: birthdayDateID(c.ID), ContactID: c.ID, Kind: "birthday", Date: c.Birthday,
						Yearly: true, LeadDays: DefaultLeadDays}
				}
				if bd != nil {
					if err := date(bd); err != nil {
						return err
					}
				}
			}
			for _, dt := range pl.dates {
				if err := date(dt); err != nil {
					return err
				}
			}
			return nil
		}},
		{"preference", func(b *bulkTable) error {
			for _, pr := range pl.prefs {
				if err := p.row(b, pr.ID, pr.ContactID, pr.Category, pr.Subject, pr.Value, pr.Confirmed.String()); err != nil {
					return err
				}
			}
			return nil
		}},
		{"consent", func(b *bulkTable) error {
			for _, c := range pl.consents {
				if err := p.row(b, derivedID("consent", c.ContactID, c.Channel), c.ContactID, c.Channel, c.Status,
					int64(c.MaxPerMonth), c.Topics); err != nil {
					return err
				}
			}
			return nil
		}},
		{"consent_event", func(b *bulkTable) error {
			for _, c := range pl.consents {
				for _, e := range c.History {
					if err := p.row(b, e.ID, c.ContactID, e.Channel, e.Status, formatTS(e.At), e.RecordedBy, e.Source); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"interaction", func(b *bulkTable) error {
			for i := range d.Interactions {
				in := &d.Interactions[i]
				if err := p.row(b, in.ID, in.ContactID, in.Kind, formatTS(in.At), in.Staff, in.Summary, in.Body,
					in.AmountMinor, in.Currency, in.Category, in.Items, int64(in.Rating), in.ReferredID); err != nil {
					return err
				}
			}
			return nil
		}},
		{"appointment", func(b *bulkTable) error {
			for i := range d.Appointments {
				a := &d.Appointments[i]
				if err := p.row(b, a.ID, a.ContactID, formatTS(a.Start), formatTS(a.End), a.TZ, bulkBool(a.AllDay), a.Purpose,
					a.Staff, a.Status); err != nil {
					return err
				}
			}
			return nil
		}},
		{"task", func(b *bulkTable) error {
			for i := range d.Tasks {
				k := &d.Tasks[i]
				if err := p.row(b, k.ID, k.ContactID, k.Title, k.Due.String(), formatTS(k.DoneAt), k.SnoozedUntil.String()); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		if err := step(st.table, st.each); err != nil {
			return err
		}
	}
	return nil
}

// bulkLoad writes the plan in the transaction: it checks what needs the
// database, then one goroutine makes the rows and operations while this one
// executes them.
func (t *txn) bulkLoad(pl *bulkPlan) error {
	if len(pl.external) > 0 {
		st, err := t.PrepareContext(t.ctx, "SELECT cl FROM contact WHERE id = ?")
		if err != nil {
			return err
		}
		for _, id := range pl.external {
			var cl int64
			err := st.QueryRowContext(t.ctx, id).Scan(&cl)
			if err == nil && cl%2 == 0 {
				err = ErrNotFound
			}
			if err != nil {
				st.Close()
				if errors.Is(err, ErrNotFound) || errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("contact %s: %w", id, ErrNotFound)
				}
				return err
			}
		}
		st.Close()
	}
	// Tags: new ones are written in bulk; one that exists as a tombstone or a
	// placeholder comes back to life as addTag does it.
	existing := map[string]int64{}
	rows, err := t.QueryContext(t.ctx, "SELECT id, cl FROM tag")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var cl int64
		if err := rows.Scan(&id, &cl); err != nil {
			rows.Close()
			return err
		}
		existing[id] = cl
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var newTags []string
	for _, id := range pl.tagOrder {
		cl, ok := existing[id]
		switch {
		case !ok:
			newTags = append(newTags, id)
		case cl%2 == 0:
			if _, err := t.setAlive("tag", id, true); err != nil {
				return err
			}
		}
	}

	tables, err := t.bulkTables()
	if err != nil {
		return err
	}
	batches := make(chan *bulkBatch, 32)
	free := make(chan *bulkBatch, 64)
	stop := make(chan struct{})
	p := &bulkProducer{s: t.s, ctx: t.ctx, out: batches, stop: stop, free: free, tables: tables, batches: map[*bulkTable]*bulkBatch{}}
	var prodErr error
	go func() {
		defer close(batches)
		prodErr = p.produce(pl, newTags)
	}()
	stmts := map[*bulkTable]*bulkStmts{}
	defer func() {
		for _, sp := range stmts {
			sp.close()
		}
	}()
	var execErr error
	for bt := range batches {
		if execErr == nil {
			if execErr = t.bulkExec(bt, stmts); execErr != nil {
				close(stop)
			}
		}
		select {
		case free <- bt:
		default:
		}
	}
	if execErr != nil {
		return execErr
	}
	if prodErr != nil {
		return prodErr
	}
	if p.last > t.hlc {
		t.hlc = p.last
	}
	return nil
}

type bulkStmts struct{ rows, outbox *sql.Stmt }

func (sp *bulkStmts) close() {
	if sp.rows != nil {
		sp.rows.Close()
	}
	if sp.outbox != nil {
		sp.outbox.Close()
	}
}

// bulkExec inserts a batch's rows and operations, with statements prepared
// once per table for full batches.
func (t *txn) bulkExec(bt *bulkBatch, stmts map[*bulkTable]*bulkStmts) error {
	b := bt.tbl
	if bt.n < bulkRows {
		if _, err := t.ExecContext(t.ctx, b.insertSQL(bt.n), bt.args...); err != nil {
			return fmt.Errorf("insert %s: %w", b.ts.name, err)
		}
		_, err := t.ExecContext(t.ctx, bulkOutboxSQL(bt.n), bt.outbox...)
		return err
	}
	sp := stmts[b]
	if sp == nil {
		rows, err := t.PrepareContext(t.ctx, b.full)
		if err != nil {
			return err
		}
		outbox, err := t.PrepareContext(t.ctx, bulkOutboxSQL(bulkRows))
		if err != nil {
			rows.Close()
			return err
		}
		sp = &bulkStmts{rows, outbox}
		stmts[b] = sp
	}
	if _, err := sp.rows.ExecContext(t.ctx, bt.args...); err != nil {
		return fmt.Errorf("insert %s: %w", b.ts.name, err)
	}
	_, err := sp.outbox.ExecContext(t.ctx, bt.outbox...)
	return err
}

// appendJSONString appends s quoted as encoding/json writes it (HTML-safe,
// invalid UTF-8 replaced), so that bulk operations are byte for byte those
// that txn.insert records.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
