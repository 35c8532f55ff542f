package data

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
}

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
	for _, st := range w.ins {
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

func (w *rowInserter) record(op Op) error {
	if w.outbox == nil {
		st, err := w.t.PrepareContext(w.t.ctx, "INSERT INTO sync_outbox(op_id, hlc, tbl, row_id, cl, set_json) VALUES(?, ?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		w.outbox = st
	}
	setJSON, err := json.Marshal(op.Set)
	if err != nil {
		return err
	}
	_, err = w.outbox.ExecContext(w.t.ctx, op.ID, op.HLC, op.Table, op.Row, op.CL, string(setJSON))
	return err
}

// createContact writes c, prepared and new, with its methods, tags, birthday
// and uid, setting the ids it was given.
func (w *rowInserter) createContact(c *Contact, uid string) error {
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
			"yearly": true, "lead_days": DefaultLeadDays}); err != nil {
			return err
		}
	}
	return nil
}

// tag links the new contact to a tag, creating the tag when no computer has
// made it yet; a tag that exists in another state goes the ordinary way.
func (w *rowInserter) tag(contact, id, name string) error {
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
