package data

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// ApplyRemote merges operations from other computers into the store, in one
// transaction, by the rule of SYNC.md: a row unknown here is created with cl 0,
// its cl becomes the larger of the two, and each field takes the value of the
// operation with the greatest stamp. The result does not depend on the order
// of ops or on how often each is applied. It returns how many operations
// changed something.
func (s *Store) ApplyRemote(ctx context.Context, ops []Op) (int, error) {
	return s.applyRemote(ctx, ops, nil)
}

// applyRemote is ApplyRemote that also writes the sync_state keys of state
// in the same transaction ("" removes a key), so that a record of what was
// applied never claims more, or less, than what was.
func (s *Store) applyRemote(ctx context.Context, ops []Op, state map[string]string) (int, error) {
	return s.applyRemoteTx(ctx, ops, state, false)
}

func (s *Store) applyRemoteTx(ctx context.Context, ops []Op, state map[string]string, deferDerived bool) (int, error) {
	for i := range ops {
		if err := ops[i].validate(); err != nil {
			return 0, fmt.Errorf("operation %d: %w", i, err)
		}
	}
	applied := 0
	err := s.write(ctx, func(t *txn) error {
		t.deferDerived = deferDerived
		for _, op := range ops {
			changed, refused, err := t.applyOp(op)
			if err != nil {
				return fmt.Errorf("apply %s %s %s: %w", op.ID, op.Table, op.Row, err)
			}
			if changed {
				applied++
			}
			if err := t.logRemote(op, refused); err != nil {
				return fmt.Errorf("log %s: %w", op.ID, err)
			}
			v, _ := parseHLC(op.HLC)
			s.clock.observe(v)
			if v > t.hlc {
				t.hlc = v
			}
		}
		return t.setSyncState(state)
	})
	if err != nil {
		return 0, err
	}
	return applied, nil
}

func (o *Op) validate() error {
	ts, ok := syncedTables[o.Table]
	if !ok {
		return fmt.Errorf("%w table %q", ErrInvalid, o.Table)
	}
	// Stamps compare as strings, so only the form formatHLC writes will do.
	if _, err := parseHLC(o.HLC); err != nil || !isHex(o.HLC) {
		return fmt.Errorf("%w hlc %q", ErrInvalid, o.HLC)
	}
	if len(o.Device) != 32 || !isHex(o.Device) {
		return fmt.Errorf("%w device %q", ErrInvalid, o.Device)
	}
	if !canonicalUUID(o.ID) {
		return fmt.Errorf("%w op id %q", ErrInvalid, o.ID)
	}
	if !canonicalUUID(o.Row) {
		return fmt.Errorf("%w row id %q", ErrInvalid, o.Row)
	}
	if o.CL < 0 {
		return fmt.Errorf("%w cl %d", ErrInvalid, o.CL)
	}
	set := fields{}
	for c, v := range o.Set {
		kind, ok := ts.cols[c]
		if !ok {
			return fmt.Errorf("%w field %s.%s", ErrInvalid, o.Table, c)
		}
		// Operations read from JSON carry blobs as base64 text and numbers as float64.
		if str, isStr := v.(string); isStr && kind == blobCol {
			b, err := base64.StdEncoding.DecodeString(str)
			if err != nil {
				return fmt.Errorf("%w field %s.%s: %v", ErrInvalid, o.Table, c, err)
			}
			v = b
		}
		set[c] = v
	}
	norm, err := ts.normalise(set)
	if err != nil {
		return err
	}
	for c, v := range norm {
		if ref, isRef := ts.refs[c]; isRef {
			if id := v.(string); id != "" {
				if !canonicalUUID(id) {
					return fmt.Errorf("%w %s id %q in %s.%s", ErrInvalid, ref, id, o.Table, c)
				}
			}
		}
	}
	o.Set = norm
	return nil
}

// canonicalUUID reports whether s is a UUID in the one form ids are stored in
// (lower case, with hyphens): another spelling would name a different row.
func canonicalUUID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// ensureRow makes a placeholder (cl 0, every field at its default) for a row
// that an operation refers to before its own insert has arrived. It reports
// whether the row is new.
func (t *txn) ensureRow(table, id string) (bool, error) {
	st, err := t.prepared("INSERT INTO " + table + "(id, cl) VALUES(?, 0) ON CONFLICT(id) DO NOTHING")
	if err != nil {
		return false, err
	}
	res, err := st.ExecContext(t.ctx, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// applyOp merges one operation. An operation about a client who was erased
// is refused whatever its stamp, so that no edit brings the data back; the
// row it names is kept empty, linked to the client, to refuse the next too.
func (t *txn) applyOp(op Op) (changed, refused bool, err error) {
	refused, err = t.refuseErased(op)
	if refused || err != nil {
		return false, refused, err
	}
	if _, merges := op.Set["merged_into"]; merges {
		t.erasedMemo = nil // whose erasure covers a contact may have changed
	}
	changed, err = t.mergeOp(op)
	// An erasure applied before changes nothing and needs no second pass
	// (which would rebuild the whole file again).
	if err == nil && changed && op.Table == "erasure" && op.CL > 0 {
		err = t.eraseContact(op.Row)
	}
	return changed, false, err
}

func (t *txn) mergeOp(op Op) (bool, error) {
	ts := syncedTables[op.Table]
	made := false // a placeholder row is a change too
	for c, ref := range ts.refs {
		if id, _ := op.Set[c].(string); id != "" {
			n, err := t.ensureRow(ref, id)
			if err != nil {
				return false, err
			}
			made = made || n
		}
	}
	read := keys(op.Set)
	if _, ok := ts.cols["contact_id"]; ok && op.Set["contact_id"] == nil {
		read = append(read, "contact_id")
	}
	cl, rowStamp, cur, ok, err := t.readRow(ts, op.Row, read)
	if err != nil {
		return false, err
	}
	if !ok {
		if _, err := t.ensureRow(op.Table, op.Row); err != nil {
			return false, err
		}
		made = true
		cl, rowStamp = 0, ""
		cur = fields{}
	}
	t.touchFor(ts, op.Row, cur)
	t.touchFor(ts, op.Row, op.Set)

	stamps := map[string]string{}
	if len(op.Set) > 0 {
		st, err := t.prepared("SELECT field, stamp FROM sync_field_stamp WHERE tbl = ? AND row_id = ?")
		if err != nil {
			return false, err
		}
		rows, err := st.QueryContext(t.ctx, op.Table, op.Row)
		if err != nil {
			return false, err
		}
		for rows.Next() {
			var f, st string
			if err := rows.Scan(&f, &st); err != nil {
				rows.Close()
				return false, err
			}
			stamps[f] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
	}
	opStamp := op.stamp()
	set, args := "", []any{}
	if op.CL > cl {
		set, args = "cl = ?", append(args, op.CL)
		if op.Table == "contact" { // deleted or restored: its balance goes or comes back
			t.markLedger(op.Row)
		}
	}
	for _, c := range keys(op.Set) {
		current, has := stamps[c]
		if !has {
			current = rowStamp
		}
		if opStamp <= current {
			continue
		}
		if set != "" {
			set += ", "
		}
		set += c + " = ?"
		args = append(args, sqlValue(ts, c, op.Set[c]))
		if err := t.execPrepared("INSERT INTO sync_field_stamp(tbl, row_id, field, stamp) VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET stamp = excluded.stamp", op.Table, op.Row, c, opStamp); err != nil {
			return false, err
		}
	}
	if set == "" {
		return made, nil
	}
	args = append(args, op.Row)
	if err := t.execPrepared("UPDATE "+op.Table+" SET "+set+" WHERE id = ?", args...); err != nil {
		return false, err
	}
	return true, nil
}

// Outbox returns this computer's operations with sequence numbers after
// `after`, oldest first, at most limit of them.
func (s *Store) Outbox(ctx context.Context, after int64, limit int) ([]Op, int64, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT seq, op_id, hlc, tbl, row_id, cl, set_json, staff FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, after, err
	}
	defer rows.Close()
	var out []Op
	last := after
	for rows.Next() {
		var op Op
		var setJSON string
		if err := rows.Scan(&last, &op.ID, &op.HLC, &op.Table, &op.Row, &op.CL, &setJSON, &op.Staff); err != nil {
			return nil, after, err
		}
		op.Device = s.clock.deviceAt(last)
		if setJSON != "" {
			dec := json.NewDecoder(strings.NewReader(setJSON))
			dec.UseNumber()
			if err := dec.Decode(&op.Set); err != nil {
				return nil, after, fmt.Errorf("outbox %d: %w", last, err)
			}
		}
		out = append(out, op)
	}
	return out, last, rows.Err()
}
