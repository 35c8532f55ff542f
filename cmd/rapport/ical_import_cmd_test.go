package main

import (
	"path/filepath"
	"strings"
	"testing"
)

var icsFixtures = filepath.Join("..", "..", "data", "ics", "testdata")

func TestImportICalendar(t *testing.T) {
	s := newShop(t)
	s.anna()
	s.id("contact", "add", "--given", "Bob", "--family", "Tanaka")
	basic := filepath.Join(icsFixtures, "import_basic.ics")

	dry, r := s.importJSON("--dry-run", basic)
	if r.code != 0 || !dry.DryRun || dry.CardsRead != 6 || dry.Created != 5 {
		t.Fatalf("dry run: exit %d, %+v (stderr %q)", r.code, dry, r.err)
	}

	r = s.run("import", basic)
	if r.code != 0 {
		t.Fatalf("import: exit %d, stderr %q", r.code, r.err)
	}
	for _, want := range []string{
		`import_basic.ics:28: RRULE: recurring event "Pick-up Bob Tanaka": 3 occurrences from 2026-11-02 to 2026-11-16`,
		`import_basic.ics:35: malformed line skipped: "THIS LINE IS BROKEN"`,
		`import_basic.ics:44: VEVENT: event "Stock-taking" is linked to no client`,
		"imported: 1 files, 6 cards read: 5 created, 0 updated, 0 unchanged, 0 rejected;",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("report lacks %q:\n%s", want, r.out)
		}
	}

	again, r := s.importJSON("--unlinked", basic)
	if r.code != 0 || again.Created != 1 || again.Unchanged != 5 || again.Updated != 0 {
		t.Errorf("re-import with --unlinked: exit %d, %+v", r.code, again)
	}
	truncated, r := s.importJSON(filepath.Join(icsFixtures, "import_truncated.ics"))
	if r.code != 0 || truncated.Created != 2 {
		t.Errorf("truncated file: exit %d, %+v", r.code, truncated)
	}
}

func TestImportICalendarRecurringAndToDos(t *testing.T) {
	s := newShop(t)
	s.anna()
	s.id("contact", "add", "--given", "Bob", "--family", "Tanaka")
	rep, r := s.importJSON(filepath.Join(icsFixtures, "import_recur.ics"))
	if r.code != 0 || rep.Created < 1000 || rep.Rejected != 1 {
		t.Fatalf("import: exit %d, %d created, %d rejected (stderr %q)", r.code, rep.Created, rep.Rejected, r.err)
	}
	r = s.run("task", "list")
	for _, want := range []string{"Call Anna Keller about the hem", "2026-03-20"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("task list lacks %q:\n%s", want, r.out)
		}
	}
	again, r := s.importJSON(filepath.Join(icsFixtures, "import_recur.ics"))
	if r.code != 0 || again.Created != 0 || again.Updated != 0 {
		t.Errorf("re-import: exit %d, %d created, %d updated", r.code, again.Created, again.Updated)
	}
}
