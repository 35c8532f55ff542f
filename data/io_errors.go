package data

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDiskFull and ErrReadOnly are the two ways a disk refuses a write that
// people can do something about; SQLite's own words for them ("database or
// disk is full", "attempt to write a readonly database") do not say that
// nothing was lost or what to do.
var (
	ErrDiskFull = errors.New("the disk is full")
	ErrReadOnly = errors.New("the database cannot be written")
)

// explainIOError gives a full disk or a read-only database an error that
// says so, keeping SQLite's error inside it; other errors pass unchanged.
// A write that fails this way is rolled back whole, so the message can
// promise that what was saved before is still there.
func explainIOError(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: this change was not saved, and everything saved before is kept; free some space and try again (%w)", ErrDiskFull, err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("%w: the file or its folder is read-only or not yours; this change was not saved, and everything saved before is kept (%w)", ErrReadOnly, err)
	}
	return err
}
