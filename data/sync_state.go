package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Bookkeeping of a replication package (sync/fileshare): what this computer
// published and applied. It lives in sync_state beside the clock and is never
// synced; keys name their package ("fileshare:...") so that packages do not
// collide.

// SyncState reads one bookkeeping key.
func (s *Store) SyncState(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SyncStatePrefix reads every bookkeeping key that starts with prefix.
func (s *Store) SyncStatePrefix(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT key, value FROM sync_state WHERE substr(key, 1, ?) = ?", len(prefix), prefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSyncState writes bookkeeping keys in one transaction; "" removes a key.
func (s *Store) SetSyncState(ctx context.Context, state map[string]string) error {
	return s.write(ctx, func(t *txn) error { return t.setSyncState(state) })
}

// ApplyRemoteRecording is ApplyRemote that writes bookkeeping keys in the same
// transaction: the operations of a file and the record of having applied them
// commit together or not at all (SYNC.md, I4).
func (s *Store) ApplyRemoteRecording(ctx context.Context, ops []Op, state map[string]string) (int, error) {
	return s.applyRemote(ctx, ops, state)
}

// MergeRemoteBulk is ApplyRemoteRecording for merging a whole snapshot in
// batches: the search index and figures are not refreshed per batch, so the
// caller must run RebuildDerived after the last one (and again after a
// crash in between, which the state it records can say).
func (s *Store) MergeRemoteBulk(ctx context.Context, ops []Op, state map[string]string) (int, error) {
	return s.applyRemoteTx(ctx, ops, state, true)
}

func (t *txn) setSyncState(state map[string]string) error {
	names := make([]string, 0, len(state))
	for k := range state {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "device" || k == "hlc" || strings.HasPrefix(k, "setting:") {
			return fmt.Errorf("%w sync state key %q", ErrInvalid, k)
		}
		var err error
		if state[k] == "" {
			_, err = t.ExecContext(t.ctx, "DELETE FROM sync_state WHERE key = ?", k)
		} else {
			_, err = t.ExecContext(t.ctx, "INSERT INTO sync_state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, state[k])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// NewDeviceID gives this computer a new random id, with the bookkeeping keys
// of state written in the same transaction. Sync does this when it finds that
// another database writes under this computer's id (a restored backup or a
// cloned disk): from then on this one publishes under its own id. The
// operations recorded before keep the id they were stamped with, wherever
// they are published again, so every copy of an operation is the same.
func (s *Store) NewDeviceID(ctx context.Context, state map[string]string) (string, error) {
	id := strings.ReplaceAll(uuid.Must(uuid.NewRandom()).String(), "-", "")
	old := s.clock.device
	var history []deviceSince
	err := s.write(ctx, func(t *txn) error {
		var err error
		if history, err = t.deviceHistory(); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := t.QueryRowContext(t.ctx, "SELECT max(seq) FROM sync_outbox").Scan(&last); err != nil {
			return err
		}
		var seq sql.NullInt64
		if err := t.QueryRowContext(t.ctx, "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").Scan(&seq); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if len(history) == 0 {
			history = []deviceSince{{After: 0, Device: old}}
		}
		history = append(history, deviceSince{After: max(last.Int64, seq.Int64), Device: id})
		b, _ := json.Marshal(history)
		if _, err := t.ExecContext(t.ctx, "INSERT INTO sync_state(key, value) VALUES('device_history', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", string(b)); err != nil {
			return err
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE sync_state SET value = ? WHERE key = 'device'", id); err != nil {
			return err
		}
		return t.setSyncState(state)
	})
	if err != nil {
		return "", err
	}
	s.clock.mu.Lock()
	s.clock.device = id
	s.clock.history = history
	s.clock.mu.Unlock()
	return id, nil
}

// deviceSince says that the operations after outbox sequence After were
// stamped by Device.
type deviceSince struct {
	After  int64  `json:"after"`
	Device string `json:"device"`
}

func (t *txn) deviceHistory() ([]deviceSince, error) {
	return readDeviceHistory(t.ctx, t.Tx)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readDeviceHistory(ctx context.Context, q queryRower) ([]deviceSince, error) {
	var raw string
	err := q.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'device_history'").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h []deviceSince
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return nil, fmt.Errorf("device history: %w", err)
	}
	return h, nil
}

// deviceAt is the id that stamped the outbox operation seq.
func (c *hlcClock) deviceAt(seq int64) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	dev := c.device
	for _, h := range c.history {
		if seq > h.After {
			dev = h.Device
		}
	}
	return dev
}

// ClockStamp issues a clock value later than every one issued or seen (and
// not before the wall clock), for naming what sync writes in time order.
// It is saved, so that the clock resumes past it after a restart.
func (s *Store) ClockStamp(ctx context.Context) (string, error) {
	v := formatHLC(s.clock.next(s.Now()))
	_, err := s.db.ExecContext(ctx, "INSERT INTO sync_state(key, value) VALUES('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > value", v)
	return v, explainIOError(err)
}

// ClockNow is the newest clock value issued or seen, as 16 hex digits.
func (s *Store) ClockNow() string { return formatHLC(s.clock.peek()) }

// OutboxLast is the sequence number of the newest operation in the outbox
// (0 when it is empty and nothing was ever recorded).
func (s *Store) OutboxLast(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT max(seq) FROM sync_outbox").Scan(&seq)
	return seq.Int64, err
}

// DropOutbox removes the operations with sequence numbers up to through,
// once sync has made sure they are kept elsewhere (every computer has them
// and a snapshot holds them).
func (s *Store) DropOutbox(ctx context.Context, through int64) error {
	return s.write(ctx, func(t *txn) error {
		_, err := t.ExecContext(t.ctx, "DELETE FROM sync_outbox WHERE seq <= ?", through)
		return err
	})
}

// StateOps calls fn with the whole synced state of this database as
// operations: for each row, one operation per distinct stamp (the row's own
// stamp for the fields written with it, each later stamp for the fields it
// wrote), each carrying the row's causal length. Merging them with
// ApplyRemote into any database gives the same result as replaying every
// operation that made this state, which is what a snapshot needs (SYNC.md,
// join). Rows that only sync created and nothing ever wrote are left out.
// A deleted row stamped before dropFieldsBefore keeps only its id and cl.
func (s *Store) StateOps(ctx context.Context, dropFieldsBefore string, fn func(Op) error) error {
	names := make([]string, 0, len(syncedTables))
	for n := range syncedTables {
		names = append(names, n)
	}
	sort.Strings(names)
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, name := range names {
		if err := stateOpsOf(ctx, tx, syncedTables[name], dropFieldsBefore, fn); err != nil {
			return fmt.Errorf("state of %s: %w", name, err)
		}
	}
	return nil
}

func stateOpsOf(ctx context.Context, tx *sql.Tx, ts *tableSpec, dropBefore string, fn func(Op) error) error {
	fieldStamps := map[string]map[string]string{}
	rows, err := tx.QueryContext(ctx, "SELECT row_id, field, stamp FROM sync_field_stamp WHERE tbl = ?", ts.name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, f, st string
		if err := rows.Scan(&id, &f, &st); err != nil {
			rows.Close()
			return err
		}
		if fieldStamps[id] == nil {
			fieldStamps[id] = map[string]string{}
		}
		fieldStamps[id][f] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sel := "id, cl, stamp"
	for _, c := range ts.order {
		if _, isRef := ts.refs[c]; isRef {
			sel += ", coalesce(" + c + ", '')"
		} else {
			sel += ", " + c
		}
	}
	rows, err = tx.QueryContext(ctx, "SELECT "+sel+" FROM "+ts.name+" ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, rowStamp string
		var cl int64
		dest := []any{&id, &cl, &rowStamp}
		raw := make([]any, len(ts.order))
		for i, c := range ts.order {
			switch ts.cols[c] {
			case textCol:
				raw[i] = new(string)
			case intCol:
				raw[i] = new(int64)
			case blobCol:
				raw[i] = new([]byte)
			}
			dest = append(dest, raw[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fs := fieldStamps[id]
		if cl == 0 && rowStamp == "" && len(fs) == 0 {
			continue
		}
		byStamp := map[string]map[string]any{}
		for i, c := range ts.order {
			st, ok := fs[c]
			if !ok {
				st = rowStamp
			}
			if st == "" {
				continue // a placeholder's default, never written
			}
			var v any
			switch p := raw[i].(type) {
			case *string:
				v = *p
			case *int64:
				v = *p
			case *[]byte:
				v = *p
			}
			if byStamp[st] == nil {
				byStamp[st] = map[string]any{}
			}
			byStamp[st][c] = v
		}
		if cl%2 == 0 && dropBefore != "" {
			// The row's newest stamp says when it was last written; a row
			// that sync brought has its stamps per field, not on the row.
			newest := rowStamp
			for _, st := range fs {
				newest = max(newest, st)
			}
			if newest != "" && newest < dropBefore {
				byStamp = nil
			}
		}
		stamps := make([]string, 0, len(byStamp))
		for st := range byStamp {
			stamps = append(stamps, st)
		}
		sort.Strings(stamps)
		if len(stamps) == 0 {
			// Only the causal length is known (a bare delete): any stamp
			// will do, as no field is set.
			op := Op{ID: derivedID("cl", ts.name, id), HLC: formatHLC(0), Device: strings.Repeat("0", 32), Table: ts.name, Row: id, CL: cl}
			if err := fn(op); err != nil {
				return err
			}
			continue
		}
		for _, st := range stamps {
			parts := strings.Split(st, "|")
			if len(parts) != 3 {
				return fmt.Errorf("%w stamp %q of %s %s", ErrInvalid, st, ts.name, id)
			}
			if err := fn(Op{ID: parts[2], HLC: parts[0], Device: parts[1], Table: ts.name, Row: id, CL: cl, Set: byStamp[st]}); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}
