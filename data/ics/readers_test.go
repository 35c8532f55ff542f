package ics

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"rapport/data"
)

// icalendarScript prints what Python's icalendar (Debian python3-icalendar)
// reads from the file: per event its UID, start, the days a recurring one
// falls on from 2026 to 2035 (expanded by dateutil, which icalendar needs),
// its alarm offsets in seconds, and for a timed event the UTC offset that the
// file's own VTIMEZONE gives its start.
const icalendarScript = `
import json, sys, datetime
from icalendar import Calendar
from dateutil.rrule import rrulestr
cal = Calendar.from_ical(open(sys.argv[1], 'rb').read())
zones = {}
for tz in cal.walk('VTIMEZONE'):
    zones[str(tz['TZID'])] = tz.to_tz()
out = []
for ev in cal.walk():
    if ev.name not in ('VEVENT', 'VTODO'):
        continue
    e = {'uid': str(ev['UID']), 'summary': str(ev['SUMMARY'])}
    if ev.name == 'VTODO':
        e['due'] = ev['DUE'].dt.isoformat()
        out.append(e)
        continue
    start = ev['DTSTART'].dt
    e['start'] = start.isoformat()
    if 'RRULE' in ev:
        rule = ev['RRULE'].to_ical().decode()
        s = datetime.datetime(start.year, start.month, start.day)
        days = rrulestr(rule, dtstart=s).between(datetime.datetime(2026, 1, 1), datetime.datetime(2036, 1, 1), inc=True)
        e['days'] = [d.date().isoformat() for d in days]
    tzid = ev['DTSTART'].params.get('TZID')
    if tzid:
        local = zones[str(tzid)].localize(start.replace(tzinfo=None))
        e['offset'] = int(local.utcoffset().total_seconds())
    e['alarms'] = [int(a['TRIGGER'].dt.total_seconds()) for a in ev.walk('VALARM')]
    out.append(e)
json.dump(out, sys.stdout)
`

// findICalendar finds a python3 on PATH that can import icalendar (there may
// be several, e.g. a pyenv one before the system's).
func findICalendar(t *testing.T) string {
	t.Helper()
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		py := filepath.Join(dir, "python3")
		if _, err := os.Stat(py); err != nil {
			continue
		}
		if exec.Command(py, "-c", "import icalendar, dateutil").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with icalendar on PATH (Debian: apt-get install python3-icalendar, which make deps does); independent reader not run")
	return ""
}

func TestPythonICalendar(t *testing.T) {
	py := findICalendar(t)
	s := fixture(t)
	file := filepath.Join(t.TempDir(), "rapport.ics")
	if err := os.WriteFile(file, export(t, s, all), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "read.py")
	if err := os.WriteFile(script, []byte(icalendarScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, file).Output()
	if err != nil {
		t.Fatalf("icalendar: %v\n%s", err, out)
	}
	checkIndependentRead(t, s, "icalendar", out)
}

// readEvent is what an independent reader read of one event or to-do.
type readEvent struct {
	UID, Summary, Start, Due string
	Days                     []string
	Offset                   *int
	Alarms                   []int
}

// checkIndependentRead checks what a reader printed (JSON, a list of
// readEvent) of the export of fixture s.
func checkIndependentRead(t *testing.T, s *data.Store, reader string, out []byte) {
	t.Helper()
	var evs []readEvent
	if err := json.Unmarshal(out, &evs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := map[string]readEvent{}
	for _, e := range evs {
		got[e.UID] = e
	}
	years := func(md string, leap string) []string {
		var d []string
		for y := 2026; y <= 2035; y++ {
			v := itoa(y) + md
			if leap != "" && !isLeap(y) {
				v = itoa(y) + leap
			}
			d = append(d, v)
		}
		return d
	}
	hour := 3600
	for _, tc := range []struct {
		name, uid, start string
		days             []string
		offset           int
		alarms           []int
	}{
		{"birthday", birthdayID(t, s, anna) + "@rapport", "1985-04-12", years("-04-12", ""), 0, []int{-(7*24 - 9) * hour, 9 * hour}},
		{"Feb 29 with year", "01900000-0000-7000-8000-00000000d002@rapport", "2008-02-29", years("-02-29", "-02-28"), 0, []int{-(3*24 - 9) * hour, 9 * hour}},
		{"Feb 29 without year", "01900000-0000-7000-8000-00000000d006@rapport", "2000-02-29", years("-02-29", "-02-28"), 0, []int{-(14*24 - 9) * hour, 9 * hour}},
		{"year-less", birthdayID(t, s, zoe) + "@rapport", "2000-07-01", years("-07-01", ""), 0, []int{9 * hour}},
		{"one-off", "01900000-0000-7000-8000-00000000d004@rapport", "2026-06-01", nil, 0, []int{-15 * hour, 9 * hour}},
		{"Paris in summer time", "01900000-0000-7000-8000-00000000b001@rapport", "2026-03-30T14:00:00", nil, 2 * hour, nil},
		{"New York after the change", "01900000-0000-7000-8000-00000000b002@rapport", "2026-11-02T10:00:00", nil, -5 * hour, nil},
		{"Tokyo", "01900000-0000-7000-8000-00000000b003@rapport", "2027-01-15T09:00:00", nil, 9 * hour, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := got[tc.uid]
			if !ok {
				t.Fatalf("%s did not read %s", reader, tc.uid)
			}
			if len(e.Start) < len(tc.start) || e.Start[:len(tc.start)] != tc.start {
				t.Errorf("start %s, want %s", e.Start, tc.start)
			}
			if !equal(e.Days, tc.days) {
				t.Errorf("falls on %v, want %v", e.Days, tc.days)
			}
			if tc.offset != 0 && (e.Offset == nil || *e.Offset != tc.offset) {
				t.Errorf("the VTIMEZONE gives offset %v, want %d", e.Offset, tc.offset)
			}
			if !equal(e.Alarms, tc.alarms) {
				t.Errorf("alarms %v, want %v", e.Alarms, tc.alarms)
			}
		})
	}
	if e := got["01900000-0000-7000-8000-00000000c001@rapport"]; e.Due != "2026-03-20" {
		t.Errorf("task due %q", e.Due)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
