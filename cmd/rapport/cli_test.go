package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

// The tests run the command line in-process on a database in a temporary
// folder, with the clock fixed at Tuesday 10 March 2026, 10:00 in Berlin.
var berlin = mustZone("Europe/Berlin")

var fixedNow = time.Date(2026, 3, 10, 10, 0, 0, 0, berlin)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestMain(m *testing.M) {
	if os.Getenv("RAPPORT_TEST_AS_MAIN") == "1" { // tests that need a real process run the program
		if child := testChildren[os.Getenv("RAPPORT_TEST_CHILD")]; child != nil {
			os.Exit(child())
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	clock = func() time.Time { return fixedNow }
	for k, v := range map[string]string{"TZ": "Europe/Berlin", "RAPPORT_REGION": "DE", "RAPPORT_STAFF": "Mia"} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"RAPPORT_DB", "RAPPORT_CURRENCY"} {
		os.Unsetenv(k)
	}
	os.Exit(m.Run())
}

// testChildren are programs other than the command line that a test can
// run as a real process (see TestMain), by name.
var testChildren = map[string]func() int{}

// shop is one test's database.
type shop struct {
	t  *testing.T
	db string
}

func newShop(t *testing.T) *shop {
	t.Helper()
	return &shop{t: t, db: filepath.Join(t.TempDir(), "rapport.db")}
}

type result struct {
	out, err string
	code     int
}

// run runs rapport --db DB args... and returns what it printed and its exit code.
func (s *shop) run(args ...string) result {
	s.t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", s.db}, args...), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// ok runs a command that must succeed and returns its standard output.
func (s *shop) ok(args ...string) string {
	s.t.Helper()
	r := s.run(args...)
	if r.code != 0 {
		s.t.Fatalf("rapport %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.err)
	}
	return r.out
}

// id runs a command that prints a new id and returns it.
func (s *shop) id(args ...string) string {
	s.t.Helper()
	id := strings.TrimSpace(s.ok(args...))
	if len(id) != 36 {
		s.t.Fatalf("rapport %s printed %q, want an id", strings.Join(args, " "), id)
	}
	return id
}

// json runs a command with --json and decodes its output into v.
func (s *shop) json(v any, args ...string) {
	s.t.Helper()
	out := s.ok(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		s.t.Fatalf("rapport %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// show is `contact show ID --json` decoded loosely.
func (s *shop) show(id string) map[string]any {
	s.t.Helper()
	var m map[string]any
	s.json(&m, "contact", "show", id)
	return m
}

// anna adds the test's usual client and returns her id.
func (s *shop) anna() string {
	s.t.Helper()
	return s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--email", "anna@example.com", "--phone", "0176 1234567", "--tag", "VIP")
}

// state is what a failed command must leave unchanged: the sync outbox (every
// write lands there) and the client list.
func (s *shop) state() string {
	s.t.Helper()
	st, err := data.Open(context.Background(), s.db)
	if err != nil {
		s.t.Fatal(err)
	}
	defer st.Close()
	ops, _, err := st.Outbox(context.Background(), 0, 1<<30)
	if err != nil {
		s.t.Fatal(err)
	}
	b, err := json.Marshal(ops)
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b) + s.ok("contact", "list", "--json") + s.ok("contact", "list", "--deleted", "--json")
}

func TestExitCodes(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  string // a part of stdout, when not ""
		stderr  string // a part of stderr, when not ""
		oneLine bool   // stderr must be one line
	}{
		{"version", []string{"version"}, 0, "Rapport", "", false},
		{"help", []string{"help"}, 0, "rapport contact add", "", false},
		{"--help", []string{"--help"}, 0, "commands:", "", false},
		{"command help", []string{"contact", "add", "--help"}, 0, "-birthday", "", false},
		{"help for a command", []string{"help", "log"}, 0, "usage: rapport log", "", false},
		{"group help", []string{"contact", "--help"}, 0, "rapport contact merge", "", false},
		{"unknown command", []string{"frobnicate"}, 2, "", "unknown command", true},
		{"group without subcommand", []string{"contact"}, 2, "", "a subcommand is needed", true},
		{"unknown subcommand", []string{"contact", "frob"}, 2, "", "unknown subcommand", false},
		{"unknown flag", []string{"contact", "list", "--bogus"}, 2, "", "flag provided but not defined", false},
		{"bad int flag", []string{"contact", "search", "anna", "--limit", "many"}, 2, "", "invalid value", false},
		{"missing id", []string{"contact", "show"}, 2, "", "ID is needed", false},
		{"extra argument", []string{"contact", "show", anna, "more"}, 2, "", "unexpected argument", false},
		{"add without a name", []string{"contact", "add", "--title", "Dr"}, 2, "", "a name is needed", false},
		{"edit without changes", []string{"contact", "edit", anna}, 2, "", "nothing to change", false},
		{"log without kind", []string{"log", anna}, 2, "", "--kind is needed", false},
		{"search without query", []string{"contact", "search"}, 2, "", "QUERY", false},
		{"today bad days", []string{"today", "--days", "-1"}, 2, "", "--days", false},
		{"unknown id", []string{"contact", "show", "0000aaaa"}, 1, "", "rapport: no contact with id 0000aaaa", true},
		{"too short an id", []string{"contact", "show", "ab"}, 1, "", "at least 4 characters", true},
		{"not an id", []string{"contact", "show", "anna"}, 1, "", "give at least 4 characters", true},
		{"wrong table's id", []string{"task", "done", anna}, 1, "", "no task with id", true},
		{"malformed birthday", []string{"contact", "add", "--given", "Bo", "--birthday", "1990-13-01"}, 1, "", "birthday", true},
		{"bad e-mail", []string{"contact", "add", "--given", "Bo", "--email", "bo-at-example"}, 1, "", "e-mail", true},
		{"success prints nothing on stderr", []string{"contact", "list"}, 0, "Anna Keller", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.run(tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", r.code, tc.code, r.out, r.err)
			}
			if !strings.Contains(r.out, tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", r.out, tc.stdout)
			}
			if !strings.Contains(r.err, tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", r.err, tc.stderr)
			}
			if tc.code == 0 && r.err != "" {
				t.Errorf("stderr %q on success", r.err)
			}
			if tc.code != 0 && r.out != "" {
				t.Errorf("stdout %q on failure", r.out)
			}
			if tc.oneLine && strings.Count(r.err, "\n") != 1 {
				t.Errorf("stderr %q, want one line", r.err)
			}
			if tc.code == 1 && !strings.HasPrefix(r.err, "rapport: ") {
				t.Errorf("stderr %q, want it to start with rapport: ", r.err)
			}
		})
	}
}

// Bad input is refused with one line on stderr, and nothing is written.
func TestBadInputChangesNothing(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.id("appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00")
	task := s.id("task", "add", anna, "--title", "call", "--due", "2026-03-11")
	gone := s.id("contact", "add", "--given", "Gone")
	s.ok("contact", "delete", gone)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown contact", []string{"log", "0000aaaa", "--kind", "visit"}, "no contact with id 0000aaaa"},
		{"deleted contact", []string{"log", gone, "--kind", "visit"}, "Gone (" + gone + ") is deleted"},
		{"deleted referred client", []string{"log", anna, "--kind", "referral", "--referred", gone}, "is deleted"},
		{"appointment for a deleted client", []string{"appt", "add", gone, "--start", "2026-03-12 14:00", "--end", "15:00"}, "is deleted"},
		{"edit a deleted client", []string{"contact", "edit", gone, "--given", "Back"}, "restore it first"},
		{"unknown referred client", []string{"log", anna, "--kind", "referral", "--referred", "0000aaaa"}, "referred client"},
		{"negative amount", []string{"log", anna, "--kind", "purchase", "--amount", "-12.50", "--currency", "EUR"}, "must not be negative"},
		{"amount with too many decimals", []string{"log", anna, "--kind", "purchase", "--amount", "12.505", "--currency", "EUR"}, "at most 2 decimals"},
		{"amount not a number", []string{"log", anna, "--kind", "purchase", "--amount", "twelve", "--currency", "EUR"}, "want a number"},
		{"bad currency", []string{"log", anna, "--kind", "purchase", "--amount", "12", "--currency", "EURO"}, "currency"},
		{"unknown kind", []string{"log", anna, "--kind", "party"}, `kind "party"`},
		{"rating out of range", []string{"log", anna, "--kind", "checkin", "--rating", "6"}, "rating"},
		{"malformed time", []string{"log", anna, "--kind", "visit", "--at", "yesterday"}, `time "yesterday"`},
		{"unknown channel", []string{"consent", "set", anna, "--channel", "fax", "--status", "in"}, `channel "fax"`},
		{"unknown consent status", []string{"consent", "set", anna, "--channel", "email", "--status", "maybe"}, "status"},
		{"negative frequency", []string{"consent", "set", anna, "--channel", "email", "--status", "in", "--max-per-month", "-1"}, "max per month"},
		{"unknown preference category", []string{"pref", "set", anna, "--category", "mood", "--value", "sunny"}, "category"},
		{"malformed birthday on edit", []string{"contact", "edit", anna, "--given", "Annie", "--birthday", "03-15"}, "birthday"},
		{"bad e-mail on edit", []string{"contact", "edit", anna, "--email", "nope"}, "e-mail"},
		{"malformed date", []string{"date", "add", anna, "--kind", "custom", "--date", "2026-02-30"}, "date"},
		{"one-off date without year", []string{"date", "add", anna, "--kind", "custom", "--date", "--06-01", "--once"}, "year"},
		{"unknown date kind", []string{"date", "add", anna, "--kind", "nameday", "--date", "--06-01"}, "kind"},
		{"lead days too long", []string{"date", "add", anna, "--kind", "anniversary", "--date", "--06-01", "--lead-days", "400"}, "lead days"},
		{"appointment ending before start", []string{"appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "13:00"}, "after the start"},
		{"appointment in unknown zone", []string{"appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00", "--tz", "Mars/Olympus"}, "time zone"},
		{"appointment malformed start", []string{"appt", "add", anna, "--start", "12/03/2026 14:00", "--end", "15:00"}, "time"},
		{"appointment for unknown client", []string{"appt", "add", "0000aaaa", "--start", "2026-03-12 14:00", "--end", "15:00"}, "no contact"},
		{"unknown appointment", []string{"appt", "done", "0000aaaa"}, "no appointment"},
		{"task malformed due", []string{"task", "add", anna, "--title", "call", "--due", "tomorrow"}, "date"},
		{"task due without year", []string{"task", "add", "--title", "call", "--due", "--03-12"}, "date"},
		{"snooze malformed", []string{"task", "snooze", task, "--until", "2026-3-1"}, "date"},
		{"unknown task", []string{"task", "done", "0000aaaa"}, "no task"},
		{"merge with itself", []string{"contact", "merge", anna, anna}, "itself"},
		{"restore a live contact", []string{"contact", "restore", anna}, "already alive"},
		{"appt list malformed day", []string{"appt", "list", "--from", "March"}, "date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.state()
			r := s.run(tc.args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", r.code, r.err)
			}
			if !strings.HasPrefix(r.err, "rapport: ") || strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, tc.stderr) {
				t.Errorf("stderr %q, want one line rapport: ...%s...", r.err, tc.stderr)
			}
			if r.out != "" {
				t.Errorf("stdout %q", r.out)
			}
			if after := s.state(); after != before {
				t.Errorf("the store changed")
			}
		})
	}
}

// Under the C.UTF-8 locale of containers and cron, Fyne (linked in for the
// window) must not log locale errors: stderr is the command line's.
func TestQuietUnderCLocale(t *testing.T) {
	cmd := exec.Command(os.Args[0], "--db", filepath.Join(t.TempDir(), "r.db"), "contact", "list")
	cmd.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1", "LC_ALL=", "LC_MESSAGES=", "LANG=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if got := stderr.String(); got != "No clients found.\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestDatabaseFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "env.db")
	t.Setenv("RAPPORT_DB", db)
	var out, errb bytes.Buffer
	if code := run([]string{"contact", "add", "--given", "Eve"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("database not made at $RAPPORT_DB: %v", err)
	}
}
