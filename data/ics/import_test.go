package ics

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rapport/data"
	"rapport/data/vcf"
)

func importFile(t *testing.T, im *Importer, name string) *vcf.Report {
	t.Helper()
	r := vcf.NewReport(im.DryRun)
	if err := im.ImportFile(context.Background(), filepath.Join("testdata", name), r); err != nil {
		t.Fatalf("import %s: %v (%+v)", name, err, r.Errors)
	}
	return r
}

func hasWarning(r *vcf.Report, line int, part string) bool {
	for _, w := range r.Warnings {
		if (line == 0 || w.Line == line) && strings.Contains(w.String(), part) {
			return true
		}
	}
	return false
}

func appointmentsOf(t *testing.T, s *data.Store, contact string) map[string]data.Appointment {
	t.Helper()
	list, err := s.ContactAppointments(context.Background(), contact)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]data.Appointment{}
	for _, a := range list {
		out[a.Purpose] = a
	}
	return out
}

func TestImportBasic(t *testing.T) {
	s := fixture(t)
	im := &Importer{Store: s, Local: zone(t, "Europe/Paris")}
	r := importFile(t, im, "import_basic.ics")
	if r.CardsRead != 6 || r.Created != 5 || r.Updated != 0 || r.Rejected != 0 {
		t.Errorf("report %+v", r)
	}
	for _, w := range []struct {
		line int
		part string
	}{
		{28, `recurring event "Pick-up Bob Tanaka": 3 occurrences from 2026-11-02 to 2026-11-16`},
		{35, `malformed line skipped: "THIS LINE IS BROKEN"`},
		{46, `unknown time zone "Custom Shop Time": read at the file's VTIMEZONE offset +0300 (Etc/GMT-3)`},
		{44, `event "Stock-taking" is linked to no client`},
		{51, "text after END:VCALENDAR ignored"},
	} {
		if !hasWarning(r, w.line, w.part) {
			t.Errorf("no warning %d: %q in %v", w.line, w.part, r.Warnings)
		}
	}
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	fitting, ok := appointmentsOf(t, s, anna)["Fitting, wedding dress with a very long summary that is folded across two lines"]
	if !ok || fitting.TZ != "Europe/Berlin" || fitting.Status != "confirmed" || fitting.AllDay ||
		!fitting.Start.Equal(time.Date(2026, 3, 30, 14, 0, 0, 0, berlin)) || !fitting.End.Equal(time.Date(2026, 3, 30, 15, 30, 0, 0, berlin)) {
		t.Errorf("fitting %+v (found %v)", fitting, ok)
	}
	bobs := appointmentsOf(t, s, bob)
	pick := bobs["Pick-up Bob Tanaka"]
	if pick.TZ != "America/New_York" || pick.Status != "booked" || !pick.Start.Equal(time.Date(2026, 11, 2, 10, 0, 0, 0, ny)) ||
		pick.End.Sub(pick.Start) != 30*time.Minute || pick.Staff != "Mia" {
		t.Errorf("pick-up %+v", pick)
	}
	away := bobs["Bob Tanaka away"]
	if !away.AllDay || away.Status != "cancelled" || away.Start.Format("2006-01-02 15:04") != "2026-06-01 00:00" ||
		away.End.Format("2006-01-02") != "2026-06-03" {
		t.Errorf("all-day %+v", away)
	}

	// Again: nothing changes, nothing is duplicated.
	again := importFile(t, im, "import_basic.ics")
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != 5 {
		t.Errorf("re-import %+v", again)
	}
	if n := len(appointmentsOf(t, s, bob)); n != len(bobs) {
		t.Errorf("bob has %d appointments after a re-import, want %d", n, len(bobs))
	}

	// With --unlinked the shop's own event comes in, at +03:00.
	im.Unlinked = true
	r = importFile(t, im, "import_basic.ics")
	if r.Created != 1 || r.Unchanged != 5 {
		t.Errorf("unlinked import %+v", r)
	}
	list, _ := s.Appointments(context.Background(), time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC))
	if len(list) != 1 || list[0].ContactID != "" || list[0].TZ != "Etc/GMT-3" || !list[0].Start.Equal(time.Date(2026, 1, 15, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("stock-taking %+v", list)
	}
}

func TestImportTruncated(t *testing.T) {
	s := fixture(t)
	im := &Importer{Store: s, Local: zone(t, "Europe/Paris")}
	r := importFile(t, im, "import_truncated.ics")
	if r.CardsRead != 2 || r.Created != 2 {
		t.Errorf("report %+v", r)
	}
	for _, part := range []string{"the file ends inside VEVENT (truncated?)", "the file ends inside VCALENDAR", "floating time read in the local zone (Europe/Paris)"} {
		if !hasWarning(r, 0, part) {
			t.Errorf("no warning %q in %v", part, r.Warnings)
		}
	}
	annas := appointmentsOf(t, s, anna)
	call, hem := annas["Call with anna keller"], annas["Hem for Anna Keller"]
	if !call.Start.Equal(time.Date(2026, 4, 20, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("call %+v", call)
	}
	if hem.TZ != "Europe/Paris" || !hem.Start.Equal(time.Date(2026, 4, 21, 10, 0, 0, 0, zone(t, "Europe/Paris"))) {
		t.Errorf("hem %+v", hem)
	}
}

func TestImportRoundTrip(t *testing.T) {
	s := fixture(t)
	b := export(t, s, all)
	im := &Importer{Store: s}
	r := vcf.NewReport(false)
	if err := im.Import(context.Background(), "rapport.ics", b, r); err != nil {
		t.Fatal(err)
	}
	if r.Created != 0 || r.Rejected != 0 || r.Updated != 0 || r.Unchanged != 5 {
		t.Errorf("re-importing the export: %+v", r)
	}
	if !hasWarning(r, 0, "an important date exported by Rapport") {
		t.Errorf("dates not reported: %v", r.Warnings)
	}
}

func TestImportNotCalendar(t *testing.T) {
	s := fixture(t)
	im := &Importer{Store: s}
	for _, b := range []string{"", "hello\n", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"} {
		r := vcf.NewReport(false)
		if err := im.Import(context.Background(), "x.ics", []byte(b), r); err == nil || len(r.Errors) != 1 {
			t.Errorf("%q: err %v, report %+v", b, err, r)
		}
	}
}

func TestParseLine(t *testing.T) {
	for _, tc := range []struct {
		in, name, value string
		params          map[string]string
		ok              bool
	}{
		{"SUMMARY:a:b;c", "SUMMARY", "a:b;c", nil, true},
		{`ATTENDEE;CN="A: B;C";ROLE=X:mailto:a@b`, "ATTENDEE", "mailto:a@b", map[string]string{"CN": "A: B;C", "ROLE": "X"}, true},
		{"dtstart;tzid=Europe/Paris:20260101T100000", "DTSTART", "20260101T100000", map[string]string{"TZID": "Europe/Paris"}, true},
		{"NO COLON", "", "", nil, false},
		{`X;CN="open:x`, "", "", nil, false},
		{":value", "", "", nil, false},
		{"DTSTART;;VALUE=DATE-TIME:20140409T093000", "DTSTART", "20140409T093000", map[string]string{"VALUE": "DATE-TIME"}, true},
	} {
		p, ok := parseLine(tc.in)
		if ok != tc.ok || (ok && (p.Name != tc.name || p.Value != tc.value)) {
			t.Errorf("%q: %+v %v", tc.in, p, ok)
		}
		for k, v := range tc.params {
			if p.Params[k] != v {
				t.Errorf("%q: param %s = %q, want %q", tc.in, k, p.Params[k], v)
			}
		}
	}
}

func TestParseDuration(t *testing.T) {
	at := time.Date(2026, 3, 28, 12, 0, 0, 0, zone(t, "Europe/Paris"))
	for in, want := range map[string]time.Time{
		"PT1H30M": at.Add(90 * time.Minute),
		"P1D":     time.Date(2026, 3, 29, 12, 0, 0, 0, zone(t, "Europe/Paris")), // across the DST change
		"P1W":     at.AddDate(0, 0, 7),
		"-PT15M":  at.Add(-15 * time.Minute),
	} {
		d, err := parseDuration(in)
		if err != nil || !addDuration(at, d).Equal(want) {
			t.Errorf("%s: %v %v", in, addDuration(at, d), err)
		}
	}
	for _, bad := range []string{"P", "PT", "1H", "P1H"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseNeverPanics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "import_basic.ics"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 7 {
		cal, _ := Parse(b[:i])
		for _, c := range cal.Events {
			convert(c, cal, time.UTC)
		}
		Parse(bytes.ReplaceAll(b[:i], []byte(":"), []byte(";")))
	}
}

func TestImportBareEvent(t *testing.T) {
	s := fixture(t)
	im := &Importer{Store: s, Unlinked: true}
	r := vcf.NewReport(true)
	b := "BEGIN:VEVENT\nUID:x\nDTSTART:20260101T100000Z\nDURATION:PT1H\nSUMMARY:Anna Keller: hem\nEND:VEVENT\n"
	if err := im.Import(context.Background(), "bare.ics", []byte(b), r); err != nil || r.Created != 1 || !hasWarning(r, 1, "outside a BEGIN:VCALENDAR") {
		t.Errorf("err %v, report %+v", err, r)
	}
	if len(r.Cards) != 1 || r.Cards[0].ContactID != anna || r.Cards[0].MatchedBy != "name" {
		t.Errorf("cards %+v", r.Cards)
	}
}

// FuzzParse checks that reading any file never panics.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"import_basic.ics", "import_truncated.ics", "import_recur.ics", "full.ics"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	// The corpus, where it is present, seeds it too.
	if names, err := filepath.Glob(filepath.Join(corpusDir, "ical", "*.ics")); err == nil {
		for _, name := range names {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("BEGIN:VEVENT\nUID:x\nDTSTART:20260101T100000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"))
	f.Add([]byte("BEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY\nEXDATE:20250228,x\nRDATE;VALUE=PERIOD:20260101T000000Z/PT1H\nEND:VEVENT\n"))
	im := &Importer{Now: func() time.Time { return fixedNow }}
	f.Fuzz(func(t *testing.T, b []byte) {
		cal, _ := Parse(b)
		for _, c := range cal.Events {
			convert(c, cal, time.UTC)
		}
		im.read(cal, time.UTC)
	})
}

func TestImportRecurrence(t *testing.T) {
	s := fixture(t)
	im := &Importer{Store: s, Local: zone(t, "Europe/Paris")}
	r := importFile(t, im, "import_recur.ics")
	berlin := zone(t, "Europe/Berlin")
	ctx := context.Background()

	// The weekly series: Mar 17, 24 (moved to the 26th), 31 (cancelled), Apr
	// 7 and 14 (EXDATE), 21, and the RDATE of Apr 25, at 10:00 Berlin time on
	// both sides of the change to summer time on Mar 29.
	list, err := s.ContactAppointments(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		if !strings.Contains(a.Purpose, "weekly fitting") {
			continue
		}
		got = append(got, a.Start.In(berlin).Format("Jan 2 15:04 MST")+" "+a.End.In(berlin).Format("15:04")+" "+a.Purpose+" "+a.Status+" "+a.TZ)
	}
	sort.Strings(got)
	want := []string{
		"Apr 21 10:00 CEST 11:00 weekly fitting booked Europe/Berlin",
		"Apr 25 12:00 CEST 13:00 weekly fitting booked Europe/Berlin",
		"Mar 17 10:00 CET 11:00 weekly fitting booked Europe/Berlin",
		"Mar 26 16:00 CET 17:00 weekly fitting (moved) booked Europe/Berlin",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Anna's appointments:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The endless daily rule: capped, inside the window around the import.
	bobs, _ := s.ContactAppointments(ctx, bob)
	daily, old := 0, 0
	for _, a := range bobs {
		switch {
		case strings.HasPrefix(a.Purpose, "Daily call with"):
			daily++
			if a.Start.Before(fixedNow.Add(-RecurBack)) || a.Start.After(fixedNow.Add(RecurAhead)) || a.End.Sub(a.Start) != 15*time.Minute {
				t.Errorf("daily call %v outside the window", a.Start)
			}
		case strings.Contains(a.Purpose, "old series"):
			old++
			if !a.Start.Equal(time.Date(2006, 1, 2, 17, 0, 0, 0, time.UTC)) || a.TZ != "US/Eastern" {
				t.Errorf("old series %+v", a)
			}
		}
	}
	if daily != MaxOccurrences || old != 1 {
		t.Errorf("%d daily calls, %d of the old series", daily, old)
	}
	for _, w := range []string{
		"occurrences in the window; the first 1000 imported",
		"no occurrence between 2025-03-10 and 2028-03-09: the first occurrence (2006-01-02) imported",
		`recurring event "Anna Keller: weekly fitting": 5 occurrences from 2026-03-17 to 2026-04-25`,
	} {
		if !hasWarning(r, 0, w) {
			t.Errorf("no warning %q in %v", w, r.Warnings)
		}
	}

	// The yearly all-day date: every year in the window, all-day, Mar 1.
	var years []string
	for _, a := range bobs {
		if !strings.HasPrefix(a.Purpose, "Shop anniversary") {
			continue
		}
		if !a.AllDay || a.Start.Format("01-02 15:04") != "03-01 00:00" || a.End.Sub(a.Start) != 24*time.Hour {
			t.Errorf("yearly %+v", a)
		}
		years = append(years, a.Start.Format("2006"))
	}
	sort.Strings(years)
	if strings.Join(years, ",") != "2026,2027,2028" {
		t.Errorf("yearly in %v", years)
	}

	// To-dos became tasks; the one without a due day is rejected, by line.
	tasks, _ := s.ContactTasks(ctx, anna)
	var hem *data.Task
	for i := range tasks {
		if tasks[i].Title == "Call Anna Keller about the hem" {
			hem = &tasks[i]
		}
	}
	if hem == nil || hem.Due.String() != "2026-03-20" || !hem.DoneAt.IsZero() {
		t.Errorf("hem task %+v in %+v", hem, tasks)
	}
	btasks, _ := s.ContactTasks(ctx, bob)
	if len(btasks) != 1 || btasks[0].Due.String() != "2026-03-01" || !btasks[0].DoneAt.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("invoice task (due in Tokyo) %+v", btasks)
	}
	if !hasWarning(r, 0, `to-do "Someday, Anna Keller" has no DUE or DTSTART`) || r.Rejected != 1 {
		t.Errorf("to-do without a due day: %d rejected, warnings %v", r.Rejected, r.Warnings)
	}

	// Again: the same. Then the calendar takes Apr 21 out: it is cancelled.
	again := importFile(t, im, "import_recur.ics")
	if again.Created != 0 || again.Updated != 0 {
		t.Errorf("re-import %v created, %v updated", again.Created, again.Updated)
	}
	b, _ := os.ReadFile(filepath.Join("testdata", "import_recur.ics"))
	b = bytes.Replace(b, []byte(":20260407T100000,20260414T100000"), []byte(":20260407T100000,20260414T100000,20260421T100000"), 1)
	r = vcf.NewReport(false)
	if err := im.Import(ctx, "changed.ics", b, r); err != nil || r.Updated != 1 || r.Created != 0 {
		t.Errorf("EXDATE added: %v, %d updated, %d created", err, r.Updated, r.Created)
	}
	list, _ = s.ContactAppointments(ctx, anna)
	for _, a := range list {
		if a.Start.In(berlin).Format("01-02") == "04-21" && a.Status != "cancelled" {
			t.Errorf("Apr 21 not cancelled: %+v", a)
		}
	}
}

func TestWindowsZones(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"w. europe standard time", "Europe/Berlin"},
		{"New Zealand Standard Time", "Pacific/Auckland"},
		{"Canberra, Melbourne, Sydney", "Australia/Sydney"},
		{"(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"},
		{"UTC", "Etc/UTC"},
		{"(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
		{"(GMT+01:00) Nowhere", ""},
		{"Nowhere Standard Time", ""},
	} {
		if got, _ := windowsZone(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	seen := map[string]bool{}
	for _, z := range windowsZoneTable {
		if seen[z.windows] {
			t.Errorf("%q twice", z.windows)
		}
		seen[z.windows] = true
		if _, err := time.LoadLocation(z.iana); err != nil {
			t.Errorf("%s: %v", z.windows, err)
		}
	}
	if len(windowsZoneTable) < 135 {
		t.Errorf("only %d Windows zones", len(windowsZoneTable))
	}
}

func TestImportVTimezoneRules(t *testing.T) {
	const cal = `BEGIN:VCALENDAR
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Made-up Summer Time
BEGIN:STANDARD
DTSTART:19701004T020000
TZOFFSETFROM:+0600
TZOFFSETTO:+0500
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700405T020000
TZOFFSETFROM:+0500
TZOFFSETTO:+0600
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:custom-berlin
DTSTART;TZID="Customized Time Zone":20260322T100000
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=2
SUMMARY:Anna Keller: fitting
END:VEVENT
BEGIN:VEVENT
UID:made-up
DTSTART;TZID=Made-up Summer Time:20260601T100000
DURATION:PT1H
RDATE;TZID=Made-up Summer Time:20261201T100000
SUMMARY:Anna Keller: call
END:VEVENT
END:VCALENDAR
`
	s := fixture(t)
	im := &Importer{Store: s, Local: time.UTC}
	r := vcf.NewReport(false)
	if err := im.Import(context.Background(), "rules.ics", []byte(cal), r); err != nil || r.Created != 4 {
		t.Fatalf("%v %+v", err, r)
	}
	var got []string
	list, _ := s.ContactAppointments(context.Background(), anna)
	for _, a := range list {
		if a.Purpose == "fitting" || a.Purpose == "call" {
			got = append(got, a.Purpose+" "+a.TZ+" "+a.Start.UTC().Format("2006-01-02 15:04Z"))
		}
	}
	sort.Strings(got)
	want := []string{
		"call Etc/GMT-5 2026-06-01 04:00Z", // +06:00 in summer
		"call Etc/GMT-5 2026-12-01 05:00Z",
		"fitting Europe/Berlin 2026-03-22 09:00Z", // before the change on Mar 29
		"fitting Europe/Berlin 2026-03-29 08:00Z", // after it, still 10:00
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{`"Customized Time Zone": read as Europe/Berlin`, `"Made-up Summer Time": read with the summer-time rules of the file's VTIMEZONE, kept as Etc/GMT-5`} {
		if !hasWarning(r, 0, w) {
			t.Errorf("no warning %q in %v", w, r.Warnings)
		}
	}
}

func TestImportRuleBudget(t *testing.T) {
	defer func(b time.Duration) { ruleBudget = b }(ruleBudget)
	ruleBudget = 300 * time.Millisecond
	var b strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:never-%d\nDTSTART:20260101T100000Z\nRRULE:FREQ=DAILY;BYSETPOS=5\nSUMMARY:x\nEND:VEVENT\n", i)
	}
	im := &Importer{Now: func() time.Time { return fixedNow }}
	cal, _ := Parse([]byte(b.String()))
	start := time.Now()
	evs, ws := im.read(cal, time.UTC)
	if took := time.Since(start); took > ruleBudget+2*time.Second {
		t.Errorf("60 rules that never match took %v", took)
	}
	if len(evs) != 60 {
		t.Errorf("%d events, want each series' first occurrence", len(evs))
	}
	found := false
	for _, w := range ws {
		found = found || strings.Contains(w.Message, "the file's rules took more than")
	}
	if !found {
		t.Errorf("no warning about the budget in %v", ws)
	}
}
