package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreOnRestart: Settings' Restore asks for the backup at the next
// start, which restores it before it opens the book and says so; a request
// that cannot be carried out leaves the book as it was and is not retried.
func TestRestoreOnRestart(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	s.anna()
	backup := filepath.Join(t.TempDir(), "before-bea.db")
	s.ok("backup", "--to", backup)
	s.ok("contact", "add", "--given", "Bea", "--family", "Roth")

	c := &cli{ctx: ctx, dbPath: s.db}
	r := appRestorer{c: c}
	if _, err := r.RestoreOnRestart(ctx, filepath.Join(t.TempDir(), "nothing.db")); err == nil {
		t.Fatal("a missing file was accepted for a restore")
	}
	if _, err := os.Stat(restoreMarker(s.db)); err == nil {
		t.Fatal("a refused restore was still asked for")
	}
	info, err := r.RestoreOnRestart(ctx, backup)
	if err != nil || info.Contacts != 1 {
		t.Fatalf("RestoreOnRestart: %+v %v", info, err)
	}

	notice := c.restorePending()
	if !strings.HasPrefix(notice, "Restored before-bea.db (1 clients)") {
		t.Fatalf("the start said %q", notice)
	}
	if out := s.ok("contact", "list"); !strings.Contains(out, "Anna") || strings.Contains(out, "Bea") {
		t.Fatalf("after the restore the book holds:\n%s", out)
	}
	if again := c.restorePending(); again != "" {
		t.Fatalf("the next start restored again: %q", again)
	}

	// A backup that went away before the start: the book stays, and says why.
	s.ok("contact", "add", "--given", "Cem", "--family", "Yilmaz")
	if _, err := r.RestoreOnRestart(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(backup); err != nil {
		t.Fatal(err)
	}
	notice = c.restorePending()
	if !strings.Contains(notice, "was not restored") {
		t.Fatalf("the start said %q", notice)
	}
	if out := s.ok("contact", "list"); !strings.Contains(out, "Cem") {
		t.Fatalf("a failed restore changed the book:\n%s", out)
	}
	if _, err := os.Stat(restoreMarker(s.db)); err == nil {
		t.Fatal("a failed restore is asked for again")
	}
}
