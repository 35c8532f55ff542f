package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGUIImporter: the app's import dialog gets the same report as rapport
// import, writes nothing on a dry run, and backs up before the real import.
func TestGUIImporter(t *testing.T) {
	s := newShop(t)
	s.ok("contact", "add", "--given", "Anna", "--family", "Berg")
	file := filepath.Join(t.TempDir(), "phone.vcf")
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Chidi Okafor\r\nN:Okafor;Chidi;;;\r\nEMAIL:chidi@example.com\r\nEND:VCARD\r\n"
	if err := os.WriteFile(file, []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, dbPath: s.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	var steps []int
	progress := func(done, total int) { steps = append(steps, done) }

	r, err := guiImporter{c}.Import(c.ctx, []string{file}, true, progress)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Summary, "dry run") || !strings.Contains(r.Summary, "1 created") || r.Changes != 1 {
		t.Errorf("dry run report %+v", r)
	}
	if n, _ := c.store.CountContacts(c.ctx, ""); n != 1 {
		t.Errorf("%d clients after a dry run, want 1", n)
	}

	r, err = guiImporter{c}.Import(c.ctx, []string{file}, false, progress)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Summary, "imported") || r.Changes != 1 {
		t.Errorf("import report %+v", r)
	}
	if n, _ := c.store.CountContacts(c.ctx, ""); n != 2 {
		t.Errorf("%d clients after the import, want 2", n)
	}
	if b, ok, err := c.store.LastBackup(); err != nil || !ok || b.Reason != "import" {
		t.Errorf("last backup %+v %v %v, want one made for the import", b, ok, err)
	}
	if len(steps) != 4 || steps[1] != 1 {
		t.Errorf("progress %v, want 0 and 1 for each run", steps)
	}

	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(c.ctx)
		cancel()
		if _, err := (guiImporter{c}).Import(ctx, []string{file}, true, func(int, int) {}); err == nil || !strings.Contains(err.Error(), "stopped") {
			t.Errorf("a cancelled import: %v, want it said to be stopped", err)
		}
	})
}

// TestKeptFeedFromSettings: choosing a calendar file in the app's Settings
// starts keeping it at once, and stopping it forgets it.
func TestKeptFeedFromSettings(t *testing.T) {
	s := newShop(t)
	s.ok("contact", "add", "--given", "Anna", "--family", "Berg", "--birthday", "1986-03-14")
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, dbPath: s.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	stop := c.startMaintenance()
	defer stop()
	file := filepath.Join(t.TempDir(), "rapport.ics")
	if err := c.feed.SetFeedFile(c.ctx, file); err != nil {
		t.Fatal(err)
	}
	if got, err := c.feed.FeedFile(c.ctx); err != nil || got != file {
		t.Errorf("FeedFile = %q, %v; want %q", got, err, file)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(file); err == nil && strings.Contains(string(b), "END:VCALENDAR") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed chosen in Settings was not written: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.feed.SetFeedFile(c.ctx, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.feed.FeedFile(c.ctx); got != "" {
		t.Errorf("FeedFile after stopping = %q", got)
	}
}

// TestGUIExporter: the app's exports write what export vcard and export ical write.
func TestGUIExporter(t *testing.T) {
	s := newShop(t)
	s.ok("contact", "add", "--given", "Anna", "--family", "Berg", "--birthday", "1986-03-14")
	s.ok("contact", "add", "--given", "Chidi", "--family", "Okafor")
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, dbPath: s.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	dir := t.TempDir()
	for _, v3 := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("clients-%v.vcf", v3))
		n, err := guiExporter{c}.ExportContacts(c.ctx, path, v3)
		if err != nil || n != 2 {
			t.Fatalf("ExportContacts(v3 %v) = %d, %v", v3, n, err)
		}
		b, _ := os.ReadFile(path)
		want := "VERSION:4.0"
		if v3 {
			want = "VERSION:3.0"
		}
		if strings.Count(string(b), "BEGIN:VCARD") != 2 || !strings.Contains(string(b), want) {
			t.Errorf("vCard export (v3 %v):\n%s", v3, b)
		}
	}
	path := filepath.Join(dir, "rapport.ics")
	what, err := guiExporter{c}.ExportCalendar(c.ctx, path)
	if err != nil || !strings.HasPrefix(what, "1 dates") {
		t.Fatalf("ExportCalendar = %q, %v", what, err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "BEGIN:VCALENDAR") {
		t.Errorf("calendar export:\n%s", b)
	}
}
