package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// openTest opens a fresh store in a temporary folder with a fixed clock.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC) }
	s.Region = "DE"
	return s
}

func TestOpenSetsPragmas(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	} {
		var got string
		if err := s.db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
	var v int
	s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Errorf("user_version = %d, want %d", v, SchemaVersion())
	}
}

// TestUpgradeFromFirstSchema builds a database of the first schema with data
// in it, then opens it with this Rapport: the data must survive every step.
func TestUpgradeFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := openAt(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.db.ExecContext(ctx, `INSERT INTO contact(id, given, family, display_name, cl, stamp)
		VALUES('0190e0c0-0000-7000-8000-000000000001', 'Chloé', 'Martin', 'Chloé Martin', 1, '')`); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RebuildDerived(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Search(ctx, "chloe", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].DisplayName != "Chloé Martin" {
		t.Fatalf("search after upgrade = %+v", got)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.db.ExecContext(ctx, "PRAGMA user_version = 999")
	s.Close()
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer database: %v, want ErrNewerSchema", err)
	}
}

// TestClockSurvivesReopen: a store reopened with its wall clock set back
// still stamps after every operation it already made.
func TestClockSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	if err := s.SaveContact(ctx, &Contact{Given: "Anna"}); err != nil {
		t.Fatal(err)
	}
	before, _, _ := s.Outbox(ctx, 0, 100)
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) } // set back
	if err := s.SaveContact(ctx, &Contact{Given: "Ben"}); err != nil {
		t.Fatal(err)
	}
	after, _, _ := s.Outbox(ctx, int64(len(before)), 100)
	if len(after) == 0 || after[0].HLC <= before[len(before)-1].HLC {
		t.Fatalf("stamp after reopening %v is not after %v", after, before[len(before)-1].HLC)
	}
}

// TestSetStaffWhileInUse: a staff name changed while the store is in use
// (the app's Settings, with background work running) is the one recorded
// from then on, and changing it races with nothing.
func TestSetStaffWhileInUse(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.Staff = "Mia"
	id := mustContact(t, s, &Contact{Given: "Anna"})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			if err := s.LogInteraction(ctx, &Interaction{ContactID: id, Kind: "note", Summary: "busy"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	s.SetStaff("Ines")
	<-done
	in := &Interaction{ContactID: id, Kind: "visit", Summary: "fitting"}
	if err := s.LogInteraction(ctx, in); err != nil {
		t.Fatal(err)
	}
	if in.Staff != "Ines" {
		t.Errorf("the visit is recorded by %q, want Ines", in.Staff)
	}
	ops, _, err := s.Outbox(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if last := ops[len(ops)-1]; last.Staff != "Ines" {
		t.Errorf("the last change is by %q, want Ines", last.Staff)
	}
}
