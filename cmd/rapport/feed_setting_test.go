package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKeptFeed: feed --keep saves the feed as this computer's setting, and
// the app's background work keeps the file up to date while it is open.
func TestKeptFeed(t *testing.T) {
	s := newShop(t)
	s.anna()
	if out := s.ok("feed"); !strings.Contains(out, "no calendar feed is kept") {
		t.Errorf("feed with nothing kept: %q", out)
	}
	file := filepath.Join(t.TempDir(), "clients.ics")
	s.ok("feed", "--file", file, "--keep", "--what", "dates,tasks")
	if out := s.ok("feed"); !strings.Contains(out, file) || !strings.Contains(out, "dates,tasks") {
		t.Errorf("feed shows %q", out)
	}
	os.Remove(file)

	// The app: its store open, the background work started.
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, dbPath: s.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	stop := c.startMaintenance()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(file); err == nil && strings.Contains(string(b), "END:VCALENDAR") {
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("the kept feed was not written: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if errb.Len() != 0 {
		t.Errorf("background work said %q", errb.String())
	}

	s.ok("feed", "--off")
	if out := s.ok("feed"); !strings.Contains(out, "no calendar feed is kept") {
		t.Errorf("after --off: %q", out)
	}
}
