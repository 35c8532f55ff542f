package data

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Creating the contacts of a large import one SaveContact at a time costs
// some forty unprepared statements each. rowInserter writes a brand-new
// contact with statements prepared once per file, and records for every row
// the same full-row insert operation that put records for a row it creates:
// the operation holds every synced column, and the row carries its stamp. The
// only difference from SaveContact is that the contact's "updated" stamp is in
// its insert operation instead of a second one.

type rowInserter struct {
	t      *txn
	ins    map[string]*sql.Stmt
	outbox *sql.Stmt
	tagCL  *sql.Stmt

	// With buffer set, insert keeps the rows and their operations in pend
	// until flush writes them with multi-row inserts, parents first.
	buffer  bool
	pend    map[string]*pendRows
	spare   map[string]*pendRows // the buffer a finished flushAsync gave back
	multi   map[string]*sql.Stmt // full-chunk inserts, per table ("" for the outbox)
	tags    map[string]int64     // known tag states: cl, 1 for a tag in pend
	json    []byte               // reused by setJSON
	newTags []string             // tags buffered since the last flush, in order
}

// pendRows are the buffered rows of one table and their operations.
type pendRows struct {
	n      int
	args   []any // id, stamp and the synced columns of each row
	outbox []any // op_id, hlc, tbl, row_id, cl, set_json of each row
}

// pendOrder is the order flush writes tables in: parents before children.
var pendOrder = []string{"contact", "tag", "contact_email", "contact_phone", "contact_address", "contact_url",
	"contact_tag", "important_date", "preference", "consent", "consent_event"}

// pendChunk is how many rows one multi-row insert writes.
const pendChunk = 64

func newRowInserter(t *txn) *rowInserter {
	return &rowInserter{t: t, ins: map[string]*sql.Stmt{}}
}

// fastColumns are the synced columns createContact fills, per table.
var fastColumns = map[string]string{
	"contact": "given family display_name nickname organization title bday_year bday_month bday_day notes " +
		"photo photo_url source extra_vcard merged_into created updated uid",
	"contact_email":   "contact_id address label pref",
	"contact_phone":   "contact_id number e164 label pref",
	"contact_address": "contact_id street locality region postal_code country label pref",
	"contact_url":     "contact_id url label",
	"tag":             "name",
	"contact_tag":     "contact_id tag_id",
	"important_date":  "contact_id kind label year month day yearly lead_days",
	"preference":      "contact_id category subject value confirmed",
	"consent":         "contact_id channel status max_per_month topics",
	"consent_event":   "contact_id channel status at recorded_by source",
}

// covered reports whether createContact fills every synced column of the
// tables it writes; when a column is added to one, contacts are created the
// ordinary way until createContact learns it.
func covered() bool {
	for table, cols := range fastColumns {
		ts := syncedTables[table]
		want := strings.Fields(cols)
		if ts == nil || len(ts.order) != len(want) {
			return false
		}
		for _, c := range want {
			if _, ok := ts.cols[c]; !ok {
				return false
			}
		}
	}
	return true
}

func (w *rowInserter) close() {
	w.t.await() // its error, if any, is the import's already
	for _, st := range w.ins {
		st.Close()
	}
	for _, st := range w.multi {
		st.Close()
	}
	for _, st := range []*sql.Stmt{w.outbox, w.tagCL} {
		if st != nil {
			st.Close()
		}
	}
}

// errColumns means a table has a synced column the fast path does not fill;
// the caller then creates the contact the ordinary way.
var errColumns = errors.New("columns not covered by the fast insert")

// insert writes a new row of table with every synced column given in f.
func (w *rowInserter) insert(table, id string, f fields) error {
	ts := syncedTables[table]
	if len(f) != len(ts.order) {
		return fmt.Errorf("%s: %w", table, errColumns)
	}
	all, err := ts.normalise(f)
	if err != nil {
		return err
	}
	if w.buffer {
		return w.hold(ts, id, all)
	}
	if err := w.t.await(); err != nil {
		return err
	}
	st, ok := w.ins[table]
	if !ok {
		cols := "id, cl, stamp"
		marks := "?, 1, ?"
		for _, c := range ts.order {
			cols += ", " + c
			marks += ", ?"
		}
		if st, err = w.t.PrepareContext(w.t.ctx, "INSERT INTO "+table+"("+cols+") VALUES("+marks+")"); err != nil {
			return err
		}
		w.ins[table] = st
	}
	op := w.t.newOp(table, id, 1, all)
	args := make([]any, 0, len(ts.order)+2)
	args = append(args, id, op.stamp())
	for _, c := range ts.order {
		args = append(args, sqlValue(ts, c, all[c]))
	}
	if _, err := st.ExecContext(w.t.ctx, args...); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	w.t.touchFor(ts, id, all)
	return w.record(op)
}

// hold buffers a row and its operation, as insert would write them.
func (w *rowInserter) hold(ts *tableSpec, id string, all fields) error {
	if w.pend == nil {
		w.pend = map[string]*pendRows{}
	}
	p := w.pend[ts.name]
	if p == nil {
		p = &pendRows{}
		w.pend[ts.name] = p
	}
	op := w.t.newOp(ts.name, id, 1, all)
	setJSON, err := w.setJSON(ts, all)
	if err != nil {
		return err
	}
	p.args = append(p.args, id, op.stamp())
	for _, c := range ts.order {
		p.args = append(p.args, sqlValue(ts, c, all[c]))
	}
	if ts.name == "contact" {
		// The sort name refreshContact would set, so that the rebuild
		// after a large file has none to change.
		name, _ := all["display_name"].(string)
		p.args = append(p.args, sortKey(name))
	}
	p.outbox = append(p.outbox, op.ID, op.HLC, op.Table, op.Row, op.CL, string(setJSON), op.Staff)
	p.n++
	w.t.touchFor(ts, id, all)
	return nil
}

// setJSON is json.Marshal(all) for a row's normalised values, byte for
// byte (as bulkProducer.row writes it), without reflection.
func (w *rowInserter) setJSON(ts *tableSpec, all fields) ([]byte, error) {
	cols := keys(all)
	b := w.json[:0]
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c)
		b = append(b, ':')
		switch x := all[c].(type) {
		case string:
			b = appendJSONString(b, x)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case []byte:
			if x == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '"')
				b = base64.StdEncoding.AppendEncode(b, x)
				b = append(b, '"')
			}
		default:
			return json.Marshal(all)
		}
	}
	b = append(b, '}')
	w.json = b
	return b, nil
}

// pendMark is how much is buffered, to go back to when a card fails.
type pendMark struct {
	rows    map[string][3]int
	newTags int
}

func (w *rowInserter) mark() pendMark {
	m := pendMark{rows: map[string][3]int{}, newTags: len(w.newTags)}
	for name, p := range w.pend {
		m.rows[name] = [3]int{p.n, len(p.args), len(p.outbox)}
	}
	return m
}

func (w *rowInserter) undo(m pendMark) {
	for name, p := range w.pend {
		at := m.rows[name]
		p.n, p.args, p.outbox = at[0], p.args[:at[1]], p.outbox[:at[2]]
	}
	for _, id := range w.newTags[m.newTags:] {
		w.tags[id] = -1 // its row is gone with the card
	}
	w.newTags = w.newTags[:m.newTags]
}

// pending reports whether rows are buffered.
func (w *rowInserter) pending() bool {
	for _, p := range w.pend {
		if p.n > 0 {
			return true
		}
	}
	return false
}

// flush writes the buffered rows and their operations, table by table with
// parents first, in multi-row inserts of pendChunk rows. The inserts are
// INSERT OR ROLLBACK, as the bulk load's: a failure fails the whole file
// anyway (no savepoint is open when the import flushes and nothing is written
// after a failed flush), and SQLite then journals less.
func (w *rowInserter) flush() error {
	if err := w.flushAsync(); err != nil {
		return err
	}
	return w.t.await()
}

// flushAsync starts writing the buffered rows on a goroutine of its own and
// returns at once, with an empty buffer to fill meanwhile: SQLite's inserts
// are the larger half of a large import, and mapping the next cards to rows
// then runs on the other core. The transaction waits for the writer before
// any other statement (txn.await), so nothing reads a half-written batch.
func (w *rowInserter) flushAsync() error {
	if err := w.t.await(); err != nil {
		return err
	}
	if len(w.pend) > len(pendOrder) {
		return fmt.Errorf("flush: %d tables buffered", len(w.pend))
	}
	batch := w.pend
	w.pend, w.spare = w.spare, nil
	w.newTags = w.newTags[:0]
	done := make(chan struct{})
	w.t.writer = done
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				w.t.writeErr = fmt.Errorf("internal error writing contacts: %v", p)
			}
		}()
		if err := w.write(batch); err != nil {
			w.t.writeErr = err
			return
		}
		w.spare = batch // emptied by write; reused for the batch after next
	}()
	return nil
}

// write inserts the rows of batch and empties it. It runs on the import's
// goroutine or alone on the writer's, so it uses the transaction directly.
func (w *rowInserter) write(batch map[string]*pendRows) error {
	for _, name := range pendOrder {
		p := batch[name]
		if p == nil || p.n == 0 {
			continue
		}
		width := pendWidth(name)
		for at := 0; at < p.n; at += pendChunk {
			n := min(pendChunk, p.n-at)
			if err := w.exec(name, n, p.args[at*width:(at+n)*width]); err != nil {
				return fmt.Errorf("insert %s: %w", name, err)
			}
			if err := w.exec("", n, p.outbox[at*outboxWidth:(at+n)*outboxWidth]); err != nil {
				return err
			}
		}
		p.n, p.args, p.outbox = 0, p.args[:0], p.outbox[:0]
	}
	return nil
}

// outboxWidth is the number of arguments of one buffered operation.
const outboxWidth = 7

// pendWidth is the number of arguments of one buffered row of table: id,
// stamp, the synced columns and, for contacts, the sort name.
func pendWidth(table string) int {
	n := len(syncedTables[table].order) + 2
	if table == "contact" {
		n++
	}
	return n
}

// exec runs the insert of n rows into table ("" for the outbox).
func (w *rowInserter) exec(table string, n int, args []any) error {
	q := func() string {
		if table == "" {
			return "INSERT OR ROLLBACK INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json, staff) VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		}
		cols := append([]string{"id", "cl", "stamp"}, syncedTables[table].order...)
		if table == "contact" {
			cols = append(cols, "sort_name")
		}
		row := "(?, 1, ?" + strings.Repeat(", ?", len(cols)-3) + ")"
		return "INSERT OR ROLLBACK INTO " + table + "(" + strings.Join(cols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	if n < pendChunk {
		_, err := w.t.Tx.ExecContext(w.t.ctx, q(), args...)
		return err
	}
	if w.multi == nil {
		w.multi = map[string]*sql.Stmt{}
	}
	st, ok := w.multi[table]
	if !ok {
		var err error
		if st, err = w.t.Tx.PrepareContext(w.t.ctx, q()); err != nil {
			return err
		}
		w.multi[table] = st
	}
	_, err := st.ExecContext(w.t.ctx, args...)
	return err
}

func (w *rowInserter) record(op Op) error {
	if err := w.t.await(); err != nil {
		return err
	}
	if w.outbox == nil {
		st, err := w.t.PrepareContext(w.t.ctx, "INSERT INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json, staff) VALUES(?, ?, ?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		w.outbox = st
	}
	setJSON, err := json.Marshal(op.Set)
	if err != nil {
		return err
	}
	_, err = w.outbox.ExecContext(w.t.ctx, op.ID, op.HLC, op.Table, op.Row, op.CL, string(setJSON), op.Staff)
	return err
}

// createContact writes c, prepared and new, with its methods, tags, birthday
// (reminded lead days before) and uid, setting the ids it was given.
func (w *rowInserter) createContact(c *Contact, uid string, lead int) error {
	now := formatTS(w.t.s.now())
	c.ID = newID()
	if err := w.insert("contact", c.ID, fields{
		"given": c.Given, "family": c.Family, "display_name": c.DisplayName, "nickname": c.Nickname,
		"organization": c.Organization, "title": c.Title, "bday_year": c.Birthday.Year,
		"bday_month": int(c.Birthday.Month), "bday_day": c.Birthday.Day, "notes": c.Notes,
		"photo": c.Photo, "photo_url": c.PhotoURL, "source": c.Source, "extra_vcard": c.ExtraVCard,
		"merged_into": "", "created": now, "updated": now, "uid": uid,
	}); err != nil {
		return err
	}
	for i := range c.Emails {
		rows := emailRows(c.Emails[i : i+1])
		c.Emails[i].ID = newID()
		rows[0].f["contact_id"] = c.ID
		if err := w.insert("contact_email", c.Emails[i].ID, rows[0].f); err != nil {
			return err
		}
	}
	for i := range c.Phones {
		rows := phoneRows(c.Phones[i : i+1])
		c.Phones[i].ID = newID()
		rows[0].f["contact_id"] = c.ID
		if err := w.insert("contact_phone", c.Phones[i].ID, rows[0].f); err != nil {
			return err
		}
	}
	for i := range c.Addresses {
		rows := addressRows(c.Addresses[i : i+1])
		c.Addresses[i].ID = newID()
		rows[0].f["contact_id"] = c.ID
		if err := w.insert("contact_address", c.Addresses[i].ID, rows[0].f); err != nil {
			return err
		}
	}
	for i := range c.URLs {
		rows := urlRows(c.URLs[i : i+1])
		c.URLs[i].ID = newID()
		rows[0].f["contact_id"] = c.ID
		if err := w.insert("contact_url", c.URLs[i].ID, rows[0].f); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, n := range c.Tags {
		n = strings.Join(strings.Fields(n), " ")
		id := tagID(n)
		if n == "" || seen[id] {
			continue
		}
		seen[id] = true
		if err := w.tag(c.ID, id, n); err != nil {
			return err
		}
	}
	if !c.Birthday.IsZero() {
		if err := w.insert("important_date", birthdayDateID(c.ID), fields{"contact_id": c.ID, "kind": "birthday",
			"label": "", "year": c.Birthday.Year, "month": int(c.Birthday.Month), "day": c.Birthday.Day,
			"yearly": true, "lead_days": lead}); err != nil {
			return err
		}
	}
	return nil
}

// tag links the new contact to a tag, creating the tag when no computer has
// made it yet; a tag that exists in another state goes the ordinary way.
func (w *rowInserter) tag(contact, id, name string) error {
	if w.buffer {
		cl, err := w.tagState(id)
		if err != nil {
			return err
		}
		if cl >= 0 && cl%2 == 0 {
			return fmt.Errorf("tag %s: %w", id, errColumns) // bufferable checked this
		}
		if cl < 0 {
			if err := w.insert("tag", id, fields{"name": name}); err != nil {
				return err
			}
			w.tags[id] = 1
			w.newTags = append(w.newTags, id)
		}
		return w.insert("contact_tag", contactTagID(contact, id), fields{"contact_id": contact, "tag_id": id})
	}
	if w.tagCL == nil {
		st, err := w.t.PrepareContext(w.t.ctx, "SELECT cl FROM tag WHERE id = ?")
		if err != nil {
			return err
		}
		w.tagCL = st
	}
	var cl int64
	err := w.tagCL.QueryRowContext(w.t.ctx, id).Scan(&cl)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := w.insert("tag", id, fields{"name": name}); err != nil {
			return err
		}
	case err != nil:
		return err
	case cl%2 == 0:
		return w.t.addTag(contact, id, name) // a placeholder or a deleted tag
	}
	return w.insert("contact_tag", contactTagID(contact, id), fields{"contact_id": contact, "tag_id": id})
}

// tagState is the cl of the tag in the database or the buffer, -1 when
// there is none.
func (w *rowInserter) tagState(id string) (int64, error) {
	if cl, ok := w.tags[id]; ok {
		return cl, nil
	}
	if err := w.t.await(); err != nil {
		return 0, err
	}
	if w.tagCL == nil {
		st, err := w.t.PrepareContext(w.t.ctx, "SELECT cl FROM tag WHERE id = ?")
		if err != nil {
			return 0, err
		}
		w.tagCL = st
	}
	var cl int64
	err := w.tagCL.QueryRowContext(w.t.ctx, id).Scan(&cl)
	if errors.Is(err, sql.ErrNoRows) {
		cl, err = -1, nil
	}
	if err != nil {
		return 0, err
	}
	if w.tags == nil {
		w.tags = map[string]int64{}
	}
	w.tags[id] = cl
	return cl, nil
}

// bufferable reports whether a new contact of c's tags can be buffered: every
// tag is new or alive (a deleted or placeholder tag comes back the ordinary way).
func (w *rowInserter) bufferable(c *Contact) (bool, error) {
	for _, n := range c.Tags {
		n = strings.Join(strings.Fields(n), " ")
		if n == "" {
			continue
		}
		cl, err := w.tagState(tagID(n))
		if err != nil {
			return false, err
		}
		if cl >= 0 && cl%2 == 0 {
			return false, nil
		}
	}
	return true, nil
}
