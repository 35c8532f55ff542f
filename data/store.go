// Package data is Rapport's domain and its store over SQLite: clients and
// everything about them, search, the "what needs attention" views, and the
// change capture that sync replicates.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Sentinel errors; callers test them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrConflict = errors.New("conflict")
	// ErrNewerSchema is returned by Open for a database written by a newer Rapport.
	ErrNewerSchema = errors.New("database was written by a newer version of Rapport")
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the client book in one SQLite database. Each public method runs in
// one transaction; a Store is safe for use from several goroutines.
type Store struct {
	db   *sql.DB
	path string

	// Now is the clock of every view and every stamp; tests replace it.
	Now func() time.Time
	// Region is the country (ISO 3166 alpha-2, "DE") used to read phone numbers
	// typed without an international prefix; empty means only +... numbers are
	// normalised.
	Region string
	// Staff is the name of the person using this computer, recorded on what
	// they log; set it before the store is used, and SetStaff after.
	Staff string
	// staffNow is the name SetStaff gave while the store was in use.
	staffNow atomic.Pointer[string]

	clock *hlcClock
}

// SetStaff changes the name recorded on what is logged from now on, while
// other goroutines use the store (the app's Settings).
func (s *Store) SetStaff(name string) { s.staffNow.Store(&name) }

// staff is the name recorded on what is logged now.
func (s *Store) staff() string {
	if p := s.staffNow.Load(); p != nil {
		return *p
	}
	return s.Staff
}

// migrations returns the embedded schema steps in order; step i brings the
// database to user_version i+1. The files must be numbered 0001, 0002, ...
// without a gap: a missing number is a missing step, and a database that
// skipped it would never get it.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for i, n := range names {
		prefix := fmt.Sprintf("%04d_", i+1)
		if !strings.HasPrefix(path.Base(n), prefix) {
			return nil, fmt.Errorf("migration %s out of sequence, want prefix %s", n, prefix)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// SchemaVersion is the schema version this build of Rapport writes.
func SchemaVersion() int {
	m, err := migrations()
	if err != nil {
		panic(err)
	}
	return len(m)
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. A database from a newer Rapport is refused untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	return openAt(ctx, path, -1)
}

// openAt opens the database and migrates it to version target (-1: latest).
// Tests use it to build databases of older schemas.
func openAt(ctx context.Context, path string, target int) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// A client book is personal data: a new database is readable by its
	// user only (SQLite gives its -wal and -shm files the same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One writer at a time is all SQLite allows; readers get their own connections.
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, Now: time.Now}
	if err := s.migrate(ctx, target); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, explainIOError(err))
	}
	clock, err := loadClock(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.clock = clock
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store is in.
func (s *Store) Path() string { return s.path }

// DB gives packages of Rapport that read in bulk (export, sync) the handle; writes
// must go through the Store so that change capture sees them.
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) migrate(ctx context.Context, target int) error {
	steps, err := migrations()
	if err != nil {
		return err
	}
	if target < 0 {
		target = len(steps)
	}
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(steps) {
		return fmt.Errorf("%w (schema %d, this Rapport knows up to %d); update Rapport", ErrNewerSchema, version, len(steps))
	}
	if version > 0 && version < target {
		// A migration rewrites tables; the copy from before it is the way
		// back if it goes wrong in a way no test foresaw.
		if _, err := backupInto(ctx, s.db, s.path, s.now(), BackupMigration); err != nil {
			return fmt.Errorf("backup before migrating schema %d to %d (the database is unchanged): %w", version, target, err)
		}
		if _, err := RotateBackups(BackupDir(s.path), s.now()); err != nil {
			return err
		}
	}
	for v := version; v < target; v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if steps[v] != "" { // empty: a step whose file is not in this build
			if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	return nil
}

// now is the store's clock in UTC, to the millisecond.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }
