package ics

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"rapport/data"
	"rapport/data/vcf"
)

// A corpus of real calendars written by other programs, with SOURCES.tsv
// listing the facts each must keep, may sit beside the repository (or where
// RAPPORT_CORPUS says). It is not part of the repository, so the test skips
// where it is absent; the fixtures in testdata cover the quirks without it.
var corpusDir = corpusLocation()

func corpusLocation() string {
	if d := os.Getenv("RAPPORT_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "corpus")
}

type corpusFile struct {
	name, what, facts string
}

func corpusFiles(t *testing.T) []corpusFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "SOURCES.tsv"))
	if err != nil {
		t.Skipf("no corpus at %s (%v); the fixtures in testdata stand in for it", corpusDir, err)
	}
	lines := strings.Split(string(b), "\n")
	col := map[string]int{}
	head := strings.Split(lines[0], "\t")
	for i, h := range head {
		col[h] = i
	}
	var out []corpusFile
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) < len(head) || !strings.HasSuffix(f[col["local_name"]], ".ics") {
			continue
		}
		out = append(out, corpusFile{f[col["local_name"]], f[col["what_it_is"]], f[col["expected_facts"]]})
	}
	return out
}

// broken reports whether SOURCES.tsv says the file is broken on purpose.
func (f corpusFile) broken() bool {
	for _, w := range []string{"MALFORMED", "TRUNCATED", "NEGATIVE CASE", "NOT valid", "binary garbage"} {
		if strings.Contains(f.what, w) || strings.Contains(f.facts, w) {
			return true
		}
	}
	return false
}

// fact gives the value of key in the facts ("VEVENT=1; SUMMARY='Test 4'"),
// unquoted, and whether it is there.
func (f corpusFile) fact(key string) (string, bool) {
	for _, kv := range strings.Split(f.facts, "; ") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimPrefix(k, "master ") != key {
			continue
		}
		if strings.HasPrefix(v, "'") {
			if i := strings.Index(v[1:], "'"); i >= 0 {
				return v[1 : i+1], true
			}
		}
		return v, true
	}
	return "", false
}

func (f corpusFile) count(key string) (int, bool) {
	v, ok := f.fact(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(regexp.MustCompile(`^\d+`).FindString(v))
	return n, err == nil
}

var (
	whenRE  = regexp.MustCompile(`^(\d{4}-\d\d-\d\d)(?:T(\d\d:\d\d)(?::\d\d)?(Z)?)?`)
	clockRE = regexp.MustCompile(`^(\d\d:\d\d)(?::\d\d)?(Z)?`)
	utcRE   = regexp.MustCompile(`(\d\d:\d\d)Z\)`)
)

// corpusExtra are the facts SOURCES.tsv gives in words, about recurrence.
var corpusExtra = map[string]func(t *testing.T, evs []Event){
	"Kozea_Radicale__event_daily_rrule_overridden.ics": func(t *testing.T, evs []Event) {
		// Five days from Jan 2 2006 at 12:00 New York time; the 4th moved to 14:00.
		got := starts(evs, "America/New_York")
		want := "2006-01-02 12:00,2006-01-03 12:00,2006-01-04 14:00 Event #2 bis,2006-01-05 12:00,2006-01-06 12:00"
		if got != want {
			t.Errorf("occurrences %s, want %s", got, want)
		}
	},
	"pimutils_khal__event_rrule_recuid_cancelled.ics": func(t *testing.T, evs []Event) {
		got := starts(evs, "Europe/Berlin")
		if strings.Contains(got, "2014-07-14") {
			t.Errorf("the cancelled occurrence of Jul 14 is there: %s", got)
		}
		if n := strings.Count(got, ",") + 1; n != 5 {
			t.Errorf("%d occurrences, want 5 (Jun 30 to Aug 4, weekly, less Jul 14): %s", n, got)
		}
	},
	"sabre-io_vobject__UntilRespectsTimezoneTest.ics": func(t *testing.T, evs []Event) {
		got := starts(evs, "America/New_York")
		if n := strings.Count(got, ",") + 1; n != 9 || !strings.HasPrefix(got, "2013-09-23 18:30") || !strings.HasSuffix(got, "2013-11-18 18:30") {
			t.Errorf("occurrences %s, want 9 from Sep 23 to Nov 18 at 18:30", got)
		}
	},
	"mozilla-comm_ical.js__multiple_rrules.ics": func(t *testing.T, evs []Event) {
		// Weekly on Mondays and the Sundays of each month, until Jul 30 2012.
		got := starts(evs, "America/Los_Angeles")
		if !strings.Contains(got, "2012-04-01 11:00") || !strings.Contains(got, "2012-04-02 11:00") || strings.Contains(got, "2012-07-30") {
			t.Errorf("occurrences %s", got)
		}
	},
	"py-vobject_vobject__ruby_rrule.ics": func(t *testing.T, evs []Event) {
		if got := starts(evs, "UTC"); strings.Count(got, ",")+1 != 10 {
			t.Errorf("occurrences %s, want 10 days", got)
		}
	},
	"Kozea_Radicale__todo9.ics": func(t *testing.T, evs []Event) {
		if len(evs) != 1 || evs[0].Task == nil || evs[0].Task.Title != "todo9" || evs[0].Task.Due.String() != "2013-09-01" {
			t.Errorf("to-do read as %+v", evs)
		}
	},
	"nextcloud_calendar__vcalendar-event-recurring-allday.ics": func(t *testing.T, evs []Event) {
		for _, ev := range evs {
			if !ev.Appointment.AllDay || ev.Appointment.Start.Weekday() != time.Wednesday {
				t.Errorf("occurrence %v all-day %v", ev.Appointment.Start, ev.Appointment.AllDay)
			}
		}
		if len(evs) < 100 {
			t.Errorf("%d occurrences of an endless weekly rule", len(evs))
		}
	},
}

// starts lists the appointments' starts, wall time in zone, with the purpose
// of those that differ from the first's.
func starts(evs []Event, zone string) string {
	loc, _ := time.LoadLocation(zone)
	var out []string
	for _, ev := range evs {
		if ev.CancelOnly || ev.Task != nil {
			continue
		}
		s := ev.Appointment.Start.In(loc).Format("2006-01-02 15:04")
		if ev.Summary != evs[0].Summary {
			s += " " + ev.Summary
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("SOURCES.tsv lists no iCalendar files")
	}
	ctx := context.Background()
	for _, cf := range files {
		t.Run(strings.TrimSuffix(cf.name, ".ics"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(corpusDir, "ical", cf.name))
			if err != nil {
				t.Skip(err)
			}
			cal, _ := Parse(b)
			// Expand around the first event, so that old series are whole.
			now := fixedNow
			if len(cal.Events) > 0 {
				if ev, _ := convert(cal.Events[0], cal, time.UTC); ev.Err == nil {
					now = ev.Appointment.Start.Add(24 * time.Hour)
				}
			}
			s, err := data.Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			im := &Importer{Store: s, Unlinked: true, Local: time.UTC, Now: func() time.Time { return now }}
			r := vcf.NewReport(false)
			ierr := im.Import(ctx, cf.name, b, r)
			if ierr != nil && strings.Contains(ierr.Error(), "internal error") {
				t.Fatalf("the reader panicked: %v", ierr)
			}
			for _, w := range r.Warnings {
				if w.File != cf.name || w.Message == "" {
					t.Errorf("warning without its file or message: %+v", w)
				}
			}
			nEvents, hasEvents := cf.count("VEVENT")
			nTodos, hasTodos := cf.count("VTODO")
			if hasEvents && len(cal.Events) != nEvents {
				t.Errorf("%d VEVENTs read, want %d", len(cal.Events), nEvents)
			}
			if hasTodos && len(cal.Todos) != nTodos {
				t.Errorf("%d VTODOs read, want %d", len(cal.Todos), nTodos)
			}
			if cf.broken() {
				if ierr == nil && len(r.Warnings) == 0 && r.Rejected == 0 {
					t.Errorf("a broken file imported without a word on what is wrong")
				}
				if v, ok := cf.fact("SUMMARY"); ok && len(cal.Events) > 0 {
					if first, _ := convert(cal.Events[0], cal, time.UTC); first.Summary != v {
						t.Errorf("SUMMARY %q, want %q: what can be read is not", first.Summary, v)
					}
				}
				for _, w := range r.Warnings {
					t.Logf("reported: %s", w)
				}
				for _, e := range r.Errors {
					t.Logf("reported: %s: %s", e.File, e.Message)
				}
				return
			}
			if len(cal.Events)+len(cal.Todos) == 0 {
				if !errors.Is(ierr, ErrNotICalendar) {
					t.Errorf("a calendar with nothing to import: error %v, want ErrNotICalendar", ierr)
				}
				return
			}
			if ierr != nil {
				t.Fatalf("import: %v", ierr)
			}
			skipped := 0
			for _, c := range r.Cards {
				if c.Action == "skipped" {
					skipped++
				}
			}
			if r.Created+r.Updated+r.Unchanged+r.Rejected+skipped != r.CardsRead || len(r.Cards) != r.CardsRead {
				t.Errorf("%d read, %d cards: %d created, %d updated, %d unchanged, %d rejected, %d skipped",
					r.CardsRead, len(r.Cards), r.Created, r.Updated, r.Unchanged, r.Rejected, skipped)
			}
			for _, c := range r.Cards {
				if c.Action == data.ImportRejected && (c.Line == 0 || c.Reason == "") {
					t.Errorf("rejected without its line or reason: %+v", c)
				}
			}
			evs, _ := im.read(cal, time.UTC)
			if fn := corpusExtra[cf.name]; fn != nil && len(cal.Events) == 0 {
				fn(t, evs)
			}
			if len(cal.Events) == 0 {
				return
			}
			first, _ := convert(cal.Events[0], cal, time.UTC)
			if first.Err != nil {
				return // rejected, with its reason, as checked above
			}
			if r.Created == 0 {
				t.Errorf("nothing created: %+v", r.Cards)
			}
			if v, ok := cf.fact("SUMMARY"); ok && first.Summary != v {
				t.Errorf("SUMMARY %q, want %q", first.Summary, v)
			}
			if v, ok := cf.fact("first SUMMARY"); ok && first.Summary != v {
				t.Errorf("first SUMMARY %q, want %q", first.Summary, v)
			}
			if v, ok := cf.fact("UID"); ok && first.uid != v {
				t.Errorf("UID %q, want %q", first.uid, v)
			}
			checkWhen(t, "DTSTART", cf, first.Appointment.Start, first.Appointment)
			checkWhen(t, "DTEND", cf, first.Appointment.End, first.Appointment)
			if fn := corpusExtra[cf.name]; fn != nil && len(cal.Events) > 0 {
				var series []Event
				for _, ev := range evs {
					if ev.uid == first.uid && ev.Task == nil {
						series = append(series, ev)
					}
				}
				fn(t, series)
			}
		})
	}
}

// checkWhen checks a DTSTART or DTEND fact: "2013-09-01T18:00 Europe/Paris",
// "1997-07-01T19:00:00Z", "2014-04-09 (date)", "10:00" (on the start's day),
// "2008-05-30T15:00 'Canberra, Melbourne, Sydney' (+10:00 => 05:00Z)".
func checkWhen(t *testing.T, key string, cf corpusFile, got time.Time, a data.Appointment) {
	t.Helper()
	v, ok := cf.fact(key)
	if !ok {
		return
	}
	loc, err := time.LoadLocation(a.TZ)
	if err != nil {
		t.Errorf("%s: zone %q: %v", key, a.TZ, err)
		return
	}
	wall := got.In(loc)
	if a.AllDay {
		wall = got.UTC()
	}
	switch m, c := whenRE.FindStringSubmatch(v), clockRE.FindStringSubmatch(v); {
	case m != nil && m[2] == "":
		if !a.AllDay || wall.Format("2006-01-02") != m[1] {
			t.Errorf("%s %v (all-day %v), want the day %s", key, wall, a.AllDay, m[1])
		}
	case m != nil && m[3] == "Z":
		if got.UTC().Format("2006-01-02T15:04") != m[1]+"T"+m[2] {
			t.Errorf("%s %v, want %sT%sZ", key, got.UTC(), m[1], m[2])
		}
	case m != nil:
		if wall.Format("2006-01-02T15:04") != m[1]+"T"+m[2] {
			t.Errorf("%s %v in %s, want %sT%s", key, wall, a.TZ, m[1], m[2])
		}
		if u := utcRE.FindStringSubmatch(v); u != nil && got.UTC().Format("15:04") != u[1] {
			t.Errorf("%s %v, want %sZ", key, got.UTC(), u[1])
		}
		for _, w := range strings.Fields(v[len(m[0]):]) {
			if strings.Contains(w, "/") && !strings.HasPrefix(w, "(") && a.TZ != strings.Trim(w, "'") {
				t.Errorf("%s zone %q, want %s", key, a.TZ, w)
			}
		}
	case c != nil && c[2] == "Z":
		if got.UTC().Format("15:04") != c[1] {
			t.Errorf("%s %v, want %sZ", key, got.UTC(), c[1])
		}
	case c != nil:
		if wall.Format("15:04") != c[1] {
			t.Errorf("%s %v in %s, want %s", key, wall, a.TZ, c[1])
		}
	}
}
