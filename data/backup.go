package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Backups are whole copies of the database made with VACUUM INTO, which
// writes a consistent, compacted copy from inside a read transaction: the
// app and other commands go on working while it runs. Automatic backups go
// into a "backups" folder beside the database and are rotated; a backup to
// a chosen file is the owner's and is never rotated.

// Backup is one backup file.
type Backup struct {
	Path   string
	At     time.Time // when it was made, from its name
	Reason string    // daily, manual, import, migration, restore
	Size   int64
}

// Why an automatic backup was made.
const (
	BackupDaily     = "daily"
	BackupManual    = "manual"
	BackupImport    = "import"
	BackupMigration = "migration"
	BackupRestore   = "restore"
)

// Rotation: every backup of the last day, then the newest of each of the
// 7 most recent days and of each of the 4 most recent weeks that have one.
const (
	keepRecent       = 24 * time.Hour
	keepRecentAtMost = 12
	keepDaily        = 7
	keepWeekly       = 4
)

// ErrBadBackup means a file is not a Rapport database that can be restored.
var ErrBadBackup = errors.New("not a usable Rapport backup")

// backupStamp is how a backup's time is written in its name: UTC, sortable,
// and without the colons Windows does not allow in file names.
const backupStamp = "20060102T150405Z"

// BackupDir is the folder automatic backups of the database at dbPath go to.
func BackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// backupName is the name of an automatic backup made at t for reason.
func backupName(t time.Time, reason string) string {
	return "rapport-" + t.UTC().Format(backupStamp) + "-" + reason + ".db"
}

// parseBackupName reads the time and reason back from a backup's name.
func parseBackupName(name string) (time.Time, string, bool) {
	rest, ok := strings.CutPrefix(name, "rapport-")
	if !ok || !strings.HasSuffix(rest, ".db") {
		return time.Time{}, "", false
	}
	rest = strings.TrimSuffix(rest, ".db")
	stamp, reason, ok := strings.Cut(rest, "-")
	if !ok {
		return time.Time{}, "", false
	}
	at, err := time.Parse(backupStamp, stamp)
	if err != nil {
		return time.Time{}, "", false
	}
	// A second backup within the same second is "reason-2".
	if i := strings.LastIndexByte(reason, '-'); i > 0 {
		if _, err := strconv.Atoi(reason[i+1:]); err == nil {
			reason = reason[:i]
		}
	}
	return at, reason, true
}

// Backup makes an automatic backup of the database into BackupDir, for
// reason, and rotates the folder.
func (s *Store) Backup(ctx context.Context, reason string) (Backup, error) {
	b, err := backupInto(ctx, s.db, s.path, s.now(), reason)
	if err != nil {
		return Backup{}, err
	}
	if _, err := RotateBackups(BackupDir(s.path), s.now()); err != nil {
		return b, fmt.Errorf("backup made, but rotating the old ones failed: %w", err)
	}
	return b, nil
}

// backupInto writes the automatic backup of db (the database at dbPath).
func backupInto(ctx context.Context, db *sql.DB, dbPath string, now time.Time, reason string) (Backup, error) {
	dir := BackupDir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Backup{}, fmt.Errorf("backup: %w", err)
	}
	name := backupName(now, reason)
	for i := 2; ; i++ {
		if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, os.ErrNotExist) {
			break
		}
		name = strings.TrimSuffix(backupName(now, reason), ".db") + "-" + strconv.Itoa(i) + ".db"
	}
	path := filepath.Join(dir, name)
	if err := vacuumInto(ctx, db, path); err != nil {
		return Backup{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return Backup{}, fmt.Errorf("backup: %w", err)
	}
	return Backup{Path: path, At: now.UTC().Truncate(time.Second), Reason: reason, Size: st.Size()}, nil
}

// BackupTo writes a backup of the database to path, which must not exist.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	return vacuumInto(ctx, s.db, path)
}

// vacuumInto copies the database to path through a temporary file beside
// it, readable by the user only, flushed to disk before it takes its name,
// so that a crash or a full disk never leaves a half backup under a
// backup's name.
func vacuumInto(ctx context.Context, db *sql.DB, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	// VACUUM INTO wants a file that does not exist or is empty; an empty one
	// created here keeps the mode CreateTemp gave it (0600).
	defer os.Remove(tmpPath)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmpPath); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable where the system allows it (not on
// Windows, where opening a folder this way fails and renames are durable).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Backups lists the automatic backups of the database at dbPath, newest first.
func Backups(dbPath string) ([]Backup, error) { return listBackups(BackupDir(dbPath)) }

// listBackups lists the backups in dir, newest first.
func listBackups(dir string) ([]Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Backup
	for _, e := range entries {
		at, reason, ok := parseBackupName(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		b := Backup{Path: filepath.Join(dir, e.Name()), At: at, Reason: reason}
		if info, err := e.Info(); err == nil {
			b.Size = info.Size()
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].Path > out[j].Path
	})
	return out, nil
}

// LastBackup is the newest automatic backup, if any.
func (s *Store) LastBackup() (Backup, bool, error) {
	all, err := Backups(s.path)
	if err != nil || len(all) == 0 {
		return Backup{}, false, err
	}
	return all[0], true, nil
}

// BackupIfDue makes the daily backup when the newest backup is a day old or
// more (or there is none), and says whether it made one.
func (s *Store) BackupIfDue(ctx context.Context) (Backup, bool, error) {
	last, ok, err := s.LastBackup()
	if err != nil {
		return Backup{}, false, err
	}
	if ok && s.now().Sub(last.At) < 24*time.Hour {
		return Backup{}, false, nil
	}
	b, err := s.Backup(ctx, BackupDaily)
	return b, err == nil, err
}

// RotateBackups deletes the automatic backups in dir that the rotation does
// not keep and returns the ones it deleted.
func RotateBackups(dir string, now time.Time) ([]Backup, error) {
	all, err := listBackups(dir)
	if err != nil {
		return nil, err
	}
	keep := keptBackups(all, now)
	var gone []Backup
	for i, b := range all {
		if keep[i] {
			continue
		}
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return gone, err
		}
		gone = append(gone, b)
	}
	return gone, nil
}

// keptBackups marks which of all (newest first) the rotation keeps: every
// backup of the last day (a dozen at most), the newest of each of the
// keepDaily most recent days that have one, and before those days the newest
// of each of the keepWeekly most recent weeks that have one.
func keptBackups(all []Backup, now time.Time) []bool {
	keep := make([]bool, len(all))
	recent := 0
	days := map[string]bool{}
	weeks := map[string]bool{}
	for i, b := range all {
		if now.Sub(b.At) < keepRecent && recent < keepRecentAtMost {
			keep[i] = true
			recent++
		}
		local := b.At.In(time.Local)
		day := local.Format("2006-01-02")
		if !days[day] {
			days[day] = true
			if len(days) <= keepDaily {
				keep[i] = true
				continue
			}
		}
		if len(days) <= keepDaily {
			continue // a day the daily backups stand for
		}
		y, w := local.ISOWeek()
		week := fmt.Sprintf("%d-W%02d", y, w)
		if !weeks[week] {
			weeks[week] = true
			if len(weeks) <= keepWeekly {
				keep[i] = true
			}
		}
	}
	return keep
}

// BackupInfo is what ValidateBackup found in a backup.
type BackupInfo struct {
	Schema   int
	Contacts int
	Device   string
}

// ValidateBackup checks that path is an intact Rapport database this
// version can open, without changing it.
func ValidateBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	st, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	if st.IsDir() {
		return info, fmt.Errorf("%w: %s is a folder", ErrBadBackup, path)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return info, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return info, fmt.Errorf("%w: %s: %v", ErrBadBackup, path, err)
	}
	if check != "ok" {
		return info, fmt.Errorf("%w: %s is damaged: %s", ErrBadBackup, path, check)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.Schema); err != nil {
		return info, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	if info.Schema > SchemaVersion() {
		return info, fmt.Errorf("%w: %s is from a newer Rapport (schema %d, this one knows up to %d)", ErrBadBackup, path, info.Schema, SchemaVersion())
	}
	if info.Schema < 1 {
		return info, fmt.Errorf("%w: %s holds no Rapport data", ErrBadBackup, path)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM contact WHERE cl % 2 = 1").Scan(&info.Contacts); err != nil {
		return info, fmt.Errorf("%w: %s holds no Rapport data: %v", ErrBadBackup, path, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'device'").Scan(&info.Device); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	return info, nil
}

// Restore replaces the database at dbPath with the backup at from. It checks
// the backup first, backs up the current database, and brings the restored
// copy up to this version's schema before it takes the database's name, so
// that a failure at any step leaves the current database as it was. No
// Store may have the database open, in this process or another.
//
// The restored database keeps its own computer id and clock, and its clock
// is moved past the newest stamp the replaced database had, so that it never
// stamps an edit older than one it made before. Sync then sees that the
// share holds more of this computer's operations than the database knows
// (SYNC.md: restored or cloned) and takes them back in.
func Restore(ctx context.Context, dbPath, from string) (before Backup, err error) {
	if _, err := ValidateBackup(ctx, from); err != nil {
		return Backup{}, err
	}
	var clock string
	if _, err := os.Stat(dbPath); err == nil {
		cur, err := Open(ctx, dbPath)
		if err != nil {
			return Backup{}, fmt.Errorf("restore: the current database: %w", err)
		}
		before, err = cur.Backup(ctx, BackupRestore)
		if err == nil {
			clock = formatHLC(cur.clock.peek())
		}
		if cerr := cur.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Backup{}, fmt.Errorf("restore: backing up the current database: %w", err)
		}
		// Closing the last connection removes the write-ahead log; one that
		// is still there belongs to another connection still open.
		if _, err := os.Stat(dbPath + "-wal"); err == nil {
			return before, fmt.Errorf("restore: %s is in use (is Rapport open?); close it and try again", dbPath)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".restore-*")
	if err != nil {
		return before, fmt.Errorf("restore: %w", err)
	}
	tmpPath := tmp.Name()
	defer func() {
		if err != nil {
			for _, p := range []string{tmpPath, tmpPath + "-wal", tmpPath + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	src, err := os.Open(from)
	if err != nil {
		tmp.Close()
		return before, fmt.Errorf("restore: %w", err)
	}
	_, err = tmp.ReadFrom(src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return before, fmt.Errorf("restore: copying %s: %w", from, err)
	}
	restored, err := Open(ctx, tmpPath)
	if err != nil {
		return before, fmt.Errorf("restore: %w", err)
	}
	if clock != "" {
		_, err = restored.db.ExecContext(ctx, `INSERT INTO sync_state(key, value) VALUES('hlc', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > value`, clock)
	}
	if err == nil {
		_, err = restored.db.ExecContext(ctx, `INSERT INTO sync_state(key, value) VALUES('restored_at', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, formatTS(time.Now()))
	}
	if cerr := restored.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return before, fmt.Errorf("restore: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return before, fmt.Errorf("restore: %w", err)
	}
	for _, p := range []string{dbPath + "-wal", dbPath + "-shm"} {
		os.Remove(p)
	}
	if err := os.Rename(tmpPath, dbPath); err != nil {
		return before, fmt.Errorf("restore: %w", err)
	}
	syncDir(filepath.Dir(dbPath))
	return before, nil
}
