package data

import (
	"context"
	"database/sql"
	"errors"
)

// Local settings belong to this computer only: a calendar feed's file, for
// one, is a path that means nothing on another computer. They live beside
// the sync bookkeeping, which is never synced either, under "setting:".

// LocalSetting reads a setting of this computer.
func (s *Store) LocalSetting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = ?", "setting:"+name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetLocalSetting saves a setting of this computer; an empty value removes it.
func (s *Store) SetLocalSetting(ctx context.Context, name, value string) error {
	var err error
	if value == "" {
		_, err = s.db.ExecContext(ctx, "DELETE FROM sync_state WHERE key = ?", "setting:"+name)
	} else {
		_, err = s.db.ExecContext(ctx, `INSERT INTO sync_state(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, "setting:"+name, value)
	}
	return explainIOError(err)
}
