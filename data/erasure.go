package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Erasure of a client's personal data (the right to be forgotten). What is
// erased: every field of the client's own row and of every row that belongs
// to them (methods, tags, preferences, consent and its history, timeline,
// appointments, dates, tasks), the photo with the rest, the search document,
// the values in this computer's outbox and in the log of operations from other
// computers, and the field stamps. What stays: the ids and the links between
// them (contact_id), with cl 0 so that nothing shows them, and one row of the
// erasure table: the client's id, when, and on which computer.
//
// The erasure is an operation like any other and so reaches every computer,
// where ApplyRemote erases the same way. From then on every operation about the
// client or one of their rows is refused whatever its stamp: an edit made
// elsewhere before the erasure arrived, and applied after it, must not bring
// the data back. Contacts merged into the client are the same person and are
// erased with them.

// Erasure is the record that a client's data was erased.
type Erasure struct {
	ContactID string    `json:"contact_id"`
	At        time.Time `json:"at"`
	Device    string    `json:"device"` // the computer that erased
}

// EraseContact erases the client's personal data everywhere in this database
// and records the erasure for sync. The contact may be live or deleted.
func (s *Store) EraseContact(ctx context.Context, id string) (Erasure, error) {
	e := Erasure{ContactID: id, At: s.now(), Device: s.clock.device}
	err := s.write(ctx, func(t *txn) error {
		var cl int64
		err := t.QueryRowContext(t.ctx, "SELECT cl FROM contact WHERE id = ?", id).Scan(&cl)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("contact %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		erased, err := t.isErased(id)
		if err != nil {
			return err
		}
		if erased {
			return fmt.Errorf("%w: contact %s was already erased", ErrConflict, id)
		}
		if cl == 0 {
			return fmt.Errorf("contact %s: %w", id, ErrNotFound)
		}
		if _, err := t.put("erasure", id, fields{"at": formatTS(e.At), "device": e.Device}); err != nil {
			return err
		}
		return t.eraseContact(id)
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("erase contact %s: %w", id, err)
	}
	return e, nil
}

// ErasureOf gives the record of the client's erasure; ok is false when the
// client was not erased.
func (s *Store) ErasureOf(ctx context.Context, id string) (e Erasure, ok bool, err error) {
	var at string
	err = s.db.QueryRowContext(ctx, "SELECT at, device FROM erasure WHERE id = ? AND cl > 0", id).Scan(&at, &e.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return Erasure{}, false, nil
	}
	if err != nil {
		return Erasure{}, false, err
	}
	e.ContactID, e.At = id, parseTS(at)
	return e, true, nil
}

// isErased reports whether the contact, or one it was merged into, was erased.
func (t *txn) isErased(contact string) (bool, error) {
	if erased, ok := t.erasedMemo[contact]; ok {
		return erased, nil
	}
	erased, err := t.lookUpErased(contact)
	if err != nil {
		return false, err
	}
	if t.erasedMemo == nil {
		t.erasedMemo = map[string]bool{}
	}
	t.erasedMemo[contact] = erased
	return erased, nil
}

func (t *txn) lookUpErased(contact string) (bool, error) {
	seen := map[string]bool{}
	for contact != "" && !seen[contact] {
		seen[contact] = true
		var n int
		st, err := t.prepared("SELECT count(*) FROM erasure WHERE id = ? AND cl > 0")
		if err != nil {
			return false, err
		}
		if err := st.QueryRowContext(t.ctx, contact).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
		st, err = t.prepared("SELECT merged_into FROM contact WHERE id = ?")
		if err != nil {
			return false, err
		}
		err = st.QueryRowContext(t.ctx, contact).Scan(&contact)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

// ownerOf gives the contact a row of ts belongs to, from the operation's
// fields or else from the row as stored ("" when it belongs to none).
func (t *txn) ownerOf(ts *tableSpec, op Op) (string, error) {
	if ts.name == "contact" {
		return op.Row, nil
	}
	if _, ok := ts.cols["contact_id"]; !ok {
		return "", nil
	}
	if c, _ := op.Set["contact_id"].(string); c != "" {
		return c, nil
	}
	var c string
	err := t.QueryRowContext(t.ctx, "SELECT coalesce(contact_id, '') FROM "+ts.name+" WHERE id = ?", op.Row).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// refuseErased reports whether op is about an erased client and, if so, keeps
// the row it names empty and linked to the client, so that the row's later
// operations, even those that do not name the client, are refused too.
func (t *txn) refuseErased(op Op) (bool, error) {
	if t.anyErasure == nil {
		var n int
		if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM (SELECT 1 FROM erasure WHERE cl > 0 LIMIT 1)").Scan(&n); err != nil {
			return false, err
		}
		any := n > 0
		t.anyErasure = &any
	}
	if !*t.anyErasure {
		return false, nil
	}
	ts := syncedTables[op.Table]
	owner, err := t.ownerOf(ts, op)
	if err != nil || owner == "" {
		return false, err
	}
	erased, err := t.isErased(owner)
	if err != nil {
		return false, err
	}
	if !erased && ts.name == "contact" {
		// A merge made elsewhere into a client erased here: the merged
		// contact is the same person, so it is erased too.
		if into, _ := op.Set["merged_into"].(string); into != "" {
			if erased, err = t.isErased(into); err != nil {
				return false, err
			}
			if erased {
				if _, err := t.ensureRow("contact", op.Row); err != nil {
					return false, err
				}
				if _, err := t.ExecContext(t.ctx, "UPDATE contact SET merged_into = ? WHERE id = ?", into, op.Row); err != nil {
					return false, err
				}
				return true, t.eraseContact(op.Row)
			}
		}
	}
	if !erased {
		return false, nil
	}
	// A row still at cl 0 is one an erasure or a refusal already emptied;
	// any other was given values by operations that came before the one
	// that named the client, and those values must leave the disk too.
	var cl int64
	if err := t.QueryRowContext(t.ctx, "SELECT cl FROM "+ts.name+" WHERE id = ?", op.Row).Scan(&cl); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if cl != 0 {
		t.erased = true
	}
	if _, err := t.ensureRow("contact", owner); err != nil {
		return false, err
	}
	if ts.name != "contact" {
		if _, err := t.ExecContext(t.ctx, "INSERT INTO "+ts.name+"(id, cl, contact_id) VALUES(?, 0, ?) ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id", op.Row, owner); err != nil {
			return false, err
		}
	}
	if err := t.blankRows(ts, []string{op.Row}); err != nil {
		return false, err
	}
	if cl == 0 {
		return true, nil
	}
	// Operations about the row that came before the one naming its client
	// were applied and logged as anyone's; their values go now.
	return true, t.scrubOperations([]string{op.Row})
}

// eraseContact erases the contact and every contact merged into it, as
// described at the top of this file.
func (t *txn) eraseContact(id string) error {
	// Freed space is zeroed for the rest of this transaction, so that the
	// erased values do not linger in free pages of the database file.
	if _, err := t.ExecContext(t.ctx, "PRAGMA secure_delete = 1"); err != nil {
		return err
	}
	defer t.ExecContext(t.ctx, "PRAGMA secure_delete = 0")
	t.erased = true
	yes := true
	t.anyErasure = &yes
	t.erasedMemo = nil
	people := []string{id}
	seen := map[string]bool{id: true}
	for i := 0; i < len(people); i++ {
		rows, err := t.QueryContext(t.ctx, "SELECT id FROM contact WHERE merged_into = ?", people[i])
		if err != nil {
			return err
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return err
		}
		for _, m := range ids {
			if !seen[m] {
				seen[m] = true
				people = append(people, m)
			}
		}
	}
	var owned []string // ids of every row erased, for the outbox and the log
	for _, c := range people {
		if _, err := t.ensureRow("contact", c); err != nil {
			return err
		}
		for _, name := range ownedTables() {
			rows, err := t.QueryContext(t.ctx, "SELECT id FROM "+name+" WHERE contact_id = ?", c)
			if err != nil {
				return err
			}
			ids, err := scanIDs(rows)
			if err != nil {
				return err
			}
			if err := t.blankRows(syncedTables[name], ids); err != nil {
				return err
			}
			owned = append(owned, ids...)
		}
		if err := t.blankRows(syncedTables["contact"], []string{c}); err != nil {
			return err
		}
		owned = append(owned, c)
		if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_search WHERE rowid IN (SELECT doc FROM contact_doc WHERE contact_id = ?)", c); err != nil {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "DELETE FROM contact_doc WHERE contact_id = ?", c); err != nil {
			return err
		}
		t.touch(c)
	}
	if err := t.scrubOperations(owned); err != nil {
		return err
	}
	// A deleted document's words stay in the index's older segments until
	// they are merged; merging them all now takes the words out for good.
	_, err := t.ExecContext(t.ctx, "INSERT INTO contact_search(contact_search) VALUES('optimize')")
	return err
}

// ownedTables are the synced tables whose rows belong to a contact.
func ownedTables() []string {
	var out []string
	for name, ts := range syncedTables {
		if _, ok := ts.cols["contact_id"]; ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// blankRows empties every field of the rows but the link to their contact
// (and a contact's merged_into, which says whose erasure covers it), and
// leaves them at cl 0, where nothing lists them.
func (t *txn) blankRows(ts *tableSpec, ids []string) error {
	set := "cl = 0, stamp = ''"
	for _, c := range ts.order {
		if c == "contact_id" || c == "merged_into" {
			continue
		}
		switch {
		case ts.refs[c] != "":
			set += ", " + c + " = NULL"
		case ts.cols[c] == intCol:
			set += ", " + c + " = 0"
		case ts.cols[c] == blobCol:
			set += ", " + c + " = NULL"
		default:
			set += ", " + c + " = ''"
		}
	}
	if ts.name == "contact" {
		set += ", sort_name = ''"
	}
	for _, id := range ids {
		if _, err := t.ExecContext(t.ctx, "UPDATE "+ts.name+" SET "+set+" WHERE id = ?", id); err != nil {
			return fmt.Errorf("erase %s %s: %w", ts.name, id, err)
		}
		if _, err := t.ExecContext(t.ctx, "DELETE FROM sync_field_stamp WHERE tbl = ? AND row_id = ?", ts.name, id); err != nil {
			return err
		}
	}
	return nil
}

// scrubOperations takes the values out of every operation about the rows, in
// the outbox and in the log of applied ones, keeping only the link to the
// contact, so that a computer that receives one still knows it belongs to
// the erased client. The erasure's own operation (the same row id, in the
// erasure table) keeps its fields: they are the record.
func (t *txn) scrubOperations(ids []string) error {
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	for _, table := range []string{"sync_outbox", "sync_remote_log"} {
		rows, err := t.QueryContext(t.ctx, "SELECT op_id, set_json FROM "+table+
			" WHERE row_id IN (SELECT value FROM json_each(?)) AND tbl <> 'erasure' AND set_json <> ''", string(idsJSON))
		if err != nil {
			return err
		}
		type scrub struct{ op, set string }
		var todo []scrub
		for rows.Next() {
			var op, set string
			if err := rows.Scan(&op, &set); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, scrub{op, scrubbedSet(set)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range todo {
			if _, err := t.ExecContext(t.ctx, "UPDATE "+table+" SET set_json = ? WHERE op_id = ?", s.set, s.op); err != nil {
				return err
			}
		}
	}
	return nil
}

// scrubbedSet keeps only contact_id of an operation's fields in JSON.
func scrubbedSet(setJSON string) string {
	var set map[string]any
	if json.Unmarshal([]byte(setJSON), &set) != nil {
		return ""
	}
	c, ok := set["contact_id"].(string)
	if !ok {
		return ""
	}
	b, _ := json.Marshal(map[string]string{"contact_id": c})
	return string(b)
}

// logRemote keeps an applied operation from another computer for the
// history; one refused for an erased client is kept without its values.
func (t *txn) logRemote(op Op, refused bool) error {
	var setJSON string
	if len(op.Set) > 0 {
		b, err := json.Marshal(op.Set)
		if err != nil {
			return err
		}
		setJSON = string(b)
	}
	if refused {
		setJSON = scrubbedSet(setJSON)
	}
	return t.execPrepared(`INSERT INTO sync_remote_log(op_id, hlc, dev, tbl, row_id, cl, set_json, staff)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(op_id) DO NOTHING`,
		op.ID, op.HLC, op.Device, op.Table, op.Row, op.CL, setJSON, op.Staff)
}

// erasureProblems finds erased clients that still have values: a field of
// their own row or a live row of theirs, or an operation about one of their
// rows with more than the link to them. Nothing Rapport does leaves one, but
// a database edited by other means or restored in part could. With repair,
// each such client is erased again.
func (s *Store) erasureProblems(ctx context.Context, repair bool) ([]CheckProblem, error) {
	owned := "SELECT id FROM erasure WHERE cl > 0"
	for _, name := range ownedTables() {
		owned += " UNION ALL SELECT id FROM " + name + " WHERE contact_id IN (SELECT id FROM erasure WHERE cl > 0)"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.id FROM erasure e JOIN contact c ON c.id = e.id
		WHERE e.cl > 0 AND (c.cl <> 0 OR c.display_name <> '' OR c.given <> '' OR c.family <> '' OR c.notes <> '' OR c.photo IS NOT NULL)`)
	if err != nil {
		return nil, fmt.Errorf("checking erasures: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, err
	}
	bad := map[string]bool{}
	for _, id := range ids {
		bad[id] = true
	}
	for _, name := range ownedTables() {
		rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT contact_id FROM "+name+" WHERE cl <> 0 AND contact_id IN (SELECT id FROM erasure WHERE cl > 0)")
		if err != nil {
			return nil, fmt.Errorf("checking erasures: %w", err)
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			bad[id] = true
		}
	}
	var ops int
	for _, log := range []string{"sync_outbox", "sync_remote_log"} {
		n, err := s.count(ctx, `SELECT count(*) FROM `+log+` WHERE tbl <> 'erasure' AND set_json <> ''
			AND json_remove(set_json, '$.contact_id') <> '{}' AND row_id IN (`+owned+`)`)
		if err != nil {
			return nil, fmt.Errorf("checking erasures: %w", err)
		}
		ops += n
	}
	if len(bad) == 0 && ops == 0 {
		return nil, nil
	}
	var out []CheckProblem
	if len(bad) > 0 {
		out = append(out, CheckProblem{Area: areaErasure, Detail: fmt.Sprintf("%d erased clients still have records with values", len(bad))})
	}
	if ops > 0 {
		out = append(out, CheckProblem{Area: areaErasure, Detail: fmt.Sprintf("%d recorded changes still hold values of erased clients", ops)})
	}
	if !repair {
		return out, nil
	}
	if ops > 0 {
		// Which client an operation's values belong to is not worth
		// working out: erasing every erased client again is cheap next to
		// the rebuild of the file that follows.
		rows, err := s.db.QueryContext(ctx, "SELECT id FROM erasure WHERE cl > 0")
		if err != nil {
			return nil, err
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			bad[id] = true
		}
	}
	err = s.write(ctx, func(t *txn) error {
		for _, id := range slices.Sorted(maps.Keys(bad)) {
			if err := t.eraseContact(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("erasing again: %w", err)
	}
	for i := range out {
		out[i].Repaired = true
	}
	return out, nil
}
