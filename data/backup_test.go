package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func openBackupStore(t *testing.T, path string, now *time.Time) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return *now }
	return s
}

func addClients(t *testing.T, s *Store, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := s.SaveContact(context.Background(), &Contact{Given: n, Family: "Client"}); err != nil {
			t.Fatal(err)
		}
	}
}

func countClients(t *testing.T, path string) int {
	t.Helper()
	info, err := ValidateBackup(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Contacts
}

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "rapport.db")
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s := openBackupStore(t, path, &now)
	addClients(t, s, "Anna", "Bea")
	b, err := s.Backup(ctx, BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(b.Path) != BackupDir(path) || b.Reason != BackupManual || !b.At.Equal(now) || b.Size == 0 {
		t.Errorf("backup %+v", b)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{path, b.Path} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, %v; want 0600", filepath.Base(p), st.Mode().Perm(), err)
			}
		}
	}
	if n := countClients(t, b.Path); n != 2 {
		t.Errorf("backup holds %d clients, want 2", n)
	}
	addClients(t, s, "Chloé")
	newest := s.clock.peek()
	device := s.DeviceID()

	if _, err := Restore(ctx, path, b.Path); err == nil || errors.Is(err, ErrBadBackup) {
		t.Fatalf("restore over an open database: %v, want a refusal", err)
	}
	if n := countClients(t, path); n != 3 {
		t.Fatalf("a refused restore changed the database: %d clients", n)
	}
	s.Close()

	now = now.Add(time.Hour)
	before, err := Restore(ctx, path, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if before.Reason != BackupRestore || countClients(t, before.Path) != 3 {
		t.Errorf("the backup made before restoring: %+v", before)
	}
	r := openBackupStore(t, path, &now)
	defer r.Close()
	if n, _ := r.CountContacts(ctx, ""); n != 2 {
		t.Errorf("restored database has %d clients, want 2", n)
	}
	if r.DeviceID() != device {
		t.Errorf("device id changed on restore: %s, want %s (sync recognises the restore by it)", r.DeviceID(), device)
	}
	// The clock never goes back: the restored database's next stamp is
	// after everything the replaced one issued, even with the wall clock behind.
	now = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if next := r.clock.next(r.now()); next <= newest {
		t.Errorf("restored clock issues %x, not after %x", next, newest)
	}
	var restoredAt string
	if err := r.db.QueryRow("SELECT value FROM sync_state WHERE key = 'restored_at'").Scan(&restoredAt); err != nil || restoredAt == "" {
		t.Errorf("restore not recorded: %q %v", restoredAt, err)
	}
}

func TestRestoreRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "rapport.db")
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s := openBackupStore(t, path, &now)
	addClients(t, s, "Anna")
	s.Close()

	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := filepath.Join(dir, "newer.db")
	ns := openBackupStore(t, newer, &now)
	if _, err := ns.db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	ns.Close()
	half, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, file string }{
		{"missing", filepath.Join(dir, "nothing-here.db")},
		{"a folder", dir},
		{"not a database", write("notes.db", []byte("these are not the clients you are looking for"))},
		{"empty", write("empty.db", nil)},
		{"cut short", write("half.db", half[:len(half)/2])},
		{"from a newer Rapport", newer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Restore(ctx, path, tc.file)
			if !errors.Is(err, ErrBadBackup) {
				t.Fatalf("restore from %s: %v, want ErrBadBackup", tc.name, err)
			}
			if n := countClients(t, path); n != 1 {
				t.Fatalf("the database changed: %d clients", n)
			}
		})
	}
}

func TestMigrationBacksUpFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rapport.db")
	old, err := openAt(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if all, _ := Backups(path); len(all) != 0 {
		t.Fatalf("backups of a new database: %v", all)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	all, err := Backups(path)
	if err != nil || len(all) != 1 || all[0].Reason != BackupMigration {
		t.Fatalf("backups after migrating: %+v %v", all, err)
	}
	info, err := ValidateBackup(ctx, all[0].Path)
	if err != nil || info.Schema != 1 {
		t.Errorf("the migration's backup: %+v %v, want schema 1", info, err)
	}
	// Opening an up-to-date database migrates nothing and backs up nothing.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if again, _ := Backups(path); len(again) != 1 {
		t.Errorf("%d backups after opening again, want 1", len(again))
	}
}

func TestBackupIfDue(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rapport.db")
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s := openBackupStore(t, path, &now)
	defer s.Close()
	for _, step := range []struct {
		after time.Duration
		made  bool
	}{{0, true}, {time.Hour, false}, {23 * time.Hour, true}, {time.Minute, false}, {30 * time.Hour, true}} {
		now = now.Add(step.after)
		_, made, err := s.BackupIfDue(ctx)
		if err != nil || made != step.made {
			t.Fatalf("at %v: made %v (%v), want %v", now, made, err, step.made)
		}
	}
	if all, _ := Backups(path); len(all) != 3 {
		t.Errorf("%d backups, want 3", len(all))
	}
}

func TestRotation(t *testing.T) {
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.Local)
	at := func(daysAgo, hour int) Backup {
		d := now.AddDate(0, 0, -daysAgo)
		return Backup{At: time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, time.Local)}
	}
	var all []Backup
	// Three backups a day (at 11, 9 and 7 o'clock) for the last 60 days.
	for d := 0; d < 60; d++ {
		all = append(all, at(d, 11), at(d, 9), at(d, 7))
	}
	keep := keptBackups(all, now)
	var kept []Backup
	for i, k := range keep {
		if k {
			kept = append(kept, all[i])
		}
	}
	// Today's three; the 11 o'clock of the 6 days before; then the newest of
	// 4 weeks before those days.
	if len(kept) != 3+6+4 {
		for _, b := range kept {
			t.Log(b.At)
		}
		t.Fatalf("kept %d backups, want 13", len(kept))
	}
	for i := 3; i < 9; i++ {
		if kept[i].At != at(i-2, 11).At {
			t.Errorf("daily %d: %v, want %v", i-2, kept[i].At, at(i-2, 11).At)
		}
	}
	seenWeeks := map[int]bool{}
	for _, b := range kept[9:] {
		_, w := b.At.ISOWeek()
		if seenWeeks[w] || b.At.Hour() != 11 {
			t.Errorf("weekly %v: not the newest of its week", b.At)
		}
		seenWeeks[w] = true
		if b.At.After(at(6, 0).At) {
			t.Errorf("weekly %v falls within the daily backups", b.At)
		}
	}
	// The rotation of real files deletes exactly what it does not keep.
	dir := t.TempDir()
	for _, b := range all[:20] {
		if err := os.WriteFile(filepath.Join(dir, backupName(b.At, BackupDaily)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("the owner's"), 0o600)
	gone, err := RotateBackups(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := listBackups(dir)
	if len(gone)+len(left) != 20 || len(left) != 3+6 { // today's three and the 6 days before
		t.Errorf("rotation deleted %d and left %d of 20", len(gone), len(left))
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("rotation deleted a file that is not a backup: %v", err)
	}
}

func TestBackupNames(t *testing.T) {
	at := time.Date(2026, 12, 2, 21, 5, 9, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		ok     bool
		reason string
	}{
		{backupName(at, BackupImport), true, BackupImport},
		{"rapport-20261202T210509Z-daily-2.db", true, BackupDaily},
		{"rapport.db", false, ""},
		{"rapport-yesterday-daily.db", false, ""},
		{"rapport-20261202T210509Z-daily.db-wal", false, ""},
	} {
		got, reason, ok := parseBackupName(tc.name)
		if ok != tc.ok || ok && (!got.Equal(at) || reason != tc.reason) {
			t.Errorf("%s: %v %q %v", tc.name, got, reason, ok)
		}
	}
}
