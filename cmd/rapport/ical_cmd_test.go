package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

func TestExportICal(t *testing.T) {
	s := newShop(t)
	anna := s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--email", "anna@example.com", "--birthday", "1985-04-12", "--tag", "VIP")
	bob := s.id("contact", "add", "--given", "Bob", "--family", "Tanaka")
	s.ok("appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00", "--purpose", "fitting")
	s.ok("appt", "add", bob, "--start", "2026-09-12 14:00", "--end", "15:00", "--tz", "Asia/Tokyo", "--purpose", "call")
	s.ok("task", "add", anna, "--title", "Call back", "--due", "2026-03-20")
	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"everything", nil, []string{"BEGIN:VCALENDAR\r\n", "SUMMARY:Anna Keller — birthday\r\n", "DTSTART;TZID=Europe/Berlin:20260312T140000\r\n",
			"TZID:Asia/Tokyo\r\n", "BEGIN:VTODO\r\n", "DUE;VALUE=DATE:20260320\r\n", "ATTENDEE;CN=Anna Keller;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:anna@example.com\r\n",
			"X-RAPPORT-CONTACT:" + anna + "\r\n"}, []string{"TZID=Local"}},
		{"dates only", []string{"--what", "dates"}, []string{"SUMMARY:Anna Keller — birthday"}, []string{"VTODO", "fitting", "VTIMEZONE"}},
		{"by tag", []string{"--tag", "vip"}, []string{"fitting"}, []string{"Tanaka"}},
		{"within 30 days", []string{"--days", "30"}, []string{"fitting", "Call back"}, []string{"call\r\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := strings.ReplaceAll(s.ok(append([]string{"export", "ical"}, tc.args...)...), "\r\n ", "")
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in\n%s", w, out)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("%q in\n%s", n, out)
				}
			}
		})
	}
	file := filepath.Join(t.TempDir(), "rapport.ics")
	r := s.run("export", "ical", "-o", file)
	if r.code != 0 || !strings.Contains(r.err, "exported 1 dates, 2 appointments and 1 tasks") {
		t.Fatalf("export ical -o: %+v", r)
	}
	b, err := os.ReadFile(file)
	if err != nil || string(b) != s.ok("export", "ical") {
		t.Errorf("the file differs from standard output (%v)", err)
	}
	for _, bad := range [][]string{{"--what", "birthdays"}, {"--what", ","}, {"--days", "-1"}, {"extra"}} {
		if r := s.run(append([]string{"export", "ical"}, bad...)...); r.code != 2 {
			t.Errorf("export ical %v: exit %d, want 2", bad, r.code)
		}
	}
	// Plain feed shows the kept feed (TestKeptFeed); writing one needs a file.
	for _, args := range [][]string{{"feed", "--watch"}, {"feed", "--keep"}} {
		if r := s.run(args...); r.code != 2 {
			t.Errorf("%v without --file: exit %d, want 2", args, r.code)
		}
	}
}

// TestFeedAtomic checks that the feed replaces the file by a rename: a reader
// that opened the old file keeps reading it whole, and no temporary file is
// left in the folder.
func TestFeedAtomic(t *testing.T) {
	s := newShop(t)
	s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--birthday", "--04-12")
	dir := t.TempDir()
	file := filepath.Join(dir, "feed.ics")
	old := "BEGIN:VCALENDAR\r\nold\r\nEND:VCALENDAR\r\n"
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	reader, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if r := s.run("feed", "--file", file); r.code != 0 || !strings.Contains(r.err, "wrote 1 dates") {
		t.Fatalf("feed: %+v", r)
	}
	if b, _ := io.ReadAll(reader); string(b) != old {
		t.Errorf("the old file was changed in place: %q", b)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(b, []byte("SUMMARY:Anna Keller — birthday")) {
		t.Errorf("feed file %q (%v)", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left in the folder: %v", entries)
	}
}

func TestFeedWatch(t *testing.T) {
	saved, savedRefresh := feedPoll, feedRefresh
	feedPoll, feedRefresh = 10*time.Millisecond, time.Hour
	defer func() { feedPoll, feedRefresh = saved, savedRefresh }()
	s := newShop(t)
	anna := s.id("contact", "add", "--given", "Anna", "--family", "Keller")
	c := &cli{stdout: io.Discard, stderr: io.Discard, dbPath: s.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	file := filepath.Join(t.TempDir(), "feed.ics")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- watchFeed(ctx, c, file, optionsAll()) }()
	waitFor := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if b, err := os.ReadFile(file); err == nil && bytes.Contains(b, []byte(what)) {
				return
			}
		}
		t.Fatalf("the feed never showed %q", what)
	}
	waitFor("END:VCALENDAR")
	if err := c.store.AddImportantDate(context.Background(), &data.ImportantDate{ContactID: anna, Kind: "anniversary",
		Date: data.Date{Year: 2010, Month: 6, Day: 5}, Yearly: true, LeadDays: 7}); err != nil {
		t.Fatal(err)
	}
	waitFor("SUMMARY:Anna Keller — anniversary")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
