package data

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// The history of a client is read from the change log: this computer's
// operations (the outbox) and those applied from other computers
// (sync_remote_log), about the client's own row and every row that belongs to
// the client. Replaying each row's operations in stamp order gives the value
// a field had before each change, where an earlier operation set it.

// HistoryEntry is one change to a client or to one of the client's rows.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // created, changed, deleted, restored or erased
	Table  string    `json:"table"`
	Row    string    `json:"row"`
	// Changes are the fields the change set, in name order; for a row created,
	// the fields given a value.
	Changes      []FieldChange `json:"changes"`
	Staff        string        `json:"staff,omitempty"` // who, when the change or the entry names someone
	Device       string        `json:"device"`          // the computer it was made on
	DeviceName   string        `json:"device_name,omitempty"`
	ThisComputer bool          `json:"this_computer"`
	Op           string        `json:"op"`
}

// FieldChange is one field's value before and after a change. OldKnown is
// false when no earlier operation of the log set the field (a row created
// before the history began, or elsewhere and not all seen here).
type FieldChange struct {
	Field    string `json:"field"`
	Old      string `json:"old,omitempty"`
	OldKnown bool   `json:"old_known"`
	New      string `json:"new"`
}

// fieldsNotShown are bookkeeping fields that every save touches or that only
// link a row to its client.
var fieldsNotShown = map[string]bool{"contact_id": true, "updated": true, "created": true}

// History lists every change to the client and to the client's rows,
// newest first. For an erased client it is the erasure alone: the values of
// every earlier change were erased with the rest.
func (s *Store) History(ctx context.Context, contactID string) ([]HistoryEntry, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var cl int64
	switch err := tx.QueryRowContext(ctx, "SELECT cl FROM contact WHERE id = ?", contactID).Scan(&cl); {
	case errors.Is(err, sql.ErrNoRows):
		cl = 0
	case err != nil:
		return nil, fmt.Errorf("history of %s: %w", contactID, err)
	}
	rows := map[string]string{contactID: "contact"} // row id -> table; the erasure has the contact's id
	for _, name := range ownedTables() {
		r, err := tx.QueryContext(ctx, "SELECT id FROM "+name+" WHERE contact_id = ?", contactID)
		if err != nil {
			return nil, err
		}
		ids, err := scanIDs(r)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			rows[id] = name
		}
	}
	ops, err := s.loggedOps(ctx, tx, contactID, rows)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", contactID, err)
	}
	erased := false
	for _, op := range ops {
		erased = erased || op.Table == "erasure" && op.CL > 0
	}
	if cl == 0 && len(ops) == 0 {
		return nil, fmt.Errorf("contact %s: %w", contactID, ErrNotFound)
	}
	names, err := deviceNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	type rowState struct {
		cl    int64
		known map[string]string
	}
	state := map[string]*rowState{}
	var out []HistoryEntry
	for _, op := range ops {
		if erased && op.Table != "erasure" {
			continue
		}
		st := state[op.Table+" "+op.Row]
		if st == nil {
			st = &rowState{known: map[string]string{}}
			state[op.Table+" "+op.Row] = st
		}
		e := HistoryEntry{Table: op.Table, Row: op.Row, Staff: op.Staff, Device: op.Device, Op: op.ID,
			ThisComputer: op.Device == s.clock.device, DeviceName: names[op.Device], Changes: []FieldChange{}}
		if v, err := parseHLC(op.HLC); err == nil {
			e.At = time.UnixMilli(int64(v >> 16)).UTC()
		}
		switch {
		case op.Table == "erasure":
			e.Action = "erased"
		case op.CL > st.cl && op.CL%2 == 0:
			e.Action = "deleted"
		case op.CL > st.cl && st.cl == 0:
			e.Action = "created"
		case op.CL > st.cl:
			e.Action = "restored"
		default:
			e.Action = "changed"
		}
		if op.CL > st.cl {
			st.cl = op.CL
		}
		ts := syncedTables[op.Table]
		for _, f := range keys(op.Set) {
			if fieldsNotShown[f] || op.Table == "erasure" {
				continue
			}
			v := historyValue(ts, f, op.Set[f])
			old, known := st.known[f]
			st.known[f] = v
			switch {
			case op.Table == "contact_tag":
				continue
			case e.Action == "created" && !known && (v == "" || v == "0"):
				continue // a default the insert wrote
			case known && old == v:
				continue
			}
			e.Changes = append(e.Changes, FieldChange{Field: f, Old: old, OldKnown: known, New: v})
		}
		if e.Staff == "" {
			switch op.Table {
			case "interaction", "appointment":
				e.Staff, _ = op.Set["staff"].(string)
			case "consent_event":
				e.Staff, _ = op.Set["recorded_by"].(string)
			}
		}
		if op.Table == "contact_tag" {
			name, err := tagName(ctx, tx, tags, op.Row, contactID)
			if err != nil {
				return nil, err
			}
			e.Changes = []FieldChange{{Field: "tag", New: name}}
		}
		if e.Action == "changed" && len(e.Changes) == 0 {
			continue // only bookkeeping changed
		}
		if e.ThisComputer && e.DeviceName == "" {
			e.DeviceName, _ = os.Hostname()
		}
		out = append(out, e)
	}
	// Newest first, as the timeline.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// loggedOps reads the operations about the rows (id -> table) and the
// client's erasure from the outbox and the remote log, each once, in stamp
// order.
func (s *Store) loggedOps(ctx context.Context, tx *sql.Tx, contactID string, rows map[string]string) ([]Op, error) {
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	// All the rows in one query, which looks each up in the row_id indexes.
	r, err := tx.QueryContext(ctx, `SELECT op_id, hlc, ?1, tbl, row_id, cl, set_json, staff FROM sync_outbox
			WHERE row_id IN (SELECT value FROM json_each(?2))
		UNION ALL SELECT op_id, hlc, dev, tbl, row_id, cl, set_json, staff FROM sync_remote_log
			WHERE row_id IN (SELECT value FROM json_each(?2))`, s.clock.device, string(idsJSON))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	seen := map[string]bool{}
	var out []Op
	for r.Next() {
		var op Op
		var setJSON string
		if err := r.Scan(&op.ID, &op.HLC, &op.Device, &op.Table, &op.Row, &op.CL, &setJSON, &op.Staff); err != nil {
			return nil, err
		}
		want := rows[op.Row]
		if op.Table == "erasure" && op.Row == contactID {
			want = "erasure"
		}
		if want != op.Table || seen[op.ID] {
			continue // another table's row with the same id, or an op applied back here
		}
		seen[op.ID] = true
		if setJSON != "" {
			dec := json.NewDecoder(strings.NewReader(setJSON))
			dec.UseNumber()
			if err := dec.Decode(&op.Set); err != nil {
				return nil, fmt.Errorf("operation %s: %w", op.ID, err)
			}
		}
		out = append(out, op)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].stamp() < out[j].stamp() })
	return out, nil
}

// historyValue writes a field's value for people: text as it is, numbers in
// decimal, a photo by its size.
func historyValue(ts *tableSpec, field string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if ts != nil && ts.cols[field] == blobCol {
			if x == "" {
				return ""
			}
			b, err := base64.StdEncoding.DecodeString(x)
			if err != nil {
				return "(binary data)"
			}
			return fmt.Sprintf("(%d bytes)", len(b))
		}
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

// tagName gives the name of the tag a contact-tag link points to.
func tagName(ctx context.Context, tx *sql.Tx, cache map[string]string, link, contactID string) (string, error) {
	if n, ok := cache[link]; ok {
		return n, nil
	}
	var n string
	err := tx.QueryRowContext(ctx, `SELECT coalesce(t.name, '') FROM contact_tag ct LEFT JOIN tag t ON t.id = ct.tag_id
		WHERE ct.id = ? AND ct.contact_id = ?`, link, contactID).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	cache[link] = n
	return n, nil
}

// deviceNames gives the names of the computers that sync has recorded.
func deviceNames(ctx context.Context, tx *sql.Tx) (map[string]string, error) {
	r, err := tx.QueryContext(ctx, "SELECT dev, name FROM sync_device")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string]string{}
	for r.Next() {
		var d, n string
		if err := r.Scan(&d, &n); err != nil {
			return nil, err
		}
		out[d] = n
	}
	return out, r.Err()
}

// SetDeviceName records the display name of a computer (this one or one met
// through sync, from its device.json), which the history shows.
func (s *Store) SetDeviceName(ctx context.Context, device, name string) error {
	if len(device) != 32 || !isHex(device) {
		return fmt.Errorf("%w device %q", ErrInvalid, device)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_device(dev, name) VALUES(?, ?)
		ON CONFLICT(dev) DO UPDATE SET name = excluded.name`, device, strings.TrimSpace(name))
	return explainIOError(err)
}
