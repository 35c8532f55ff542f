package ics

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"rapport/data"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The fixture's clock: Tuesday 10 March 2026, 10:00 in Berlin.
var fixedNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

const (
	anna = "01900000-0000-7000-8000-00000000a001"
	zoe  = "01900000-0000-7000-8000-00000000a002"
	bob  = "01900000-0000-7000-8000-00000000a003"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// fixture is a small shop in a real SQLite database, with every id fixed.
func fixture(t testing.TB) *data.Store {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return fixedNow }
	s.Staff = "Mia"
	paris, ny, tokyo := zone(t, "Europe/Paris"), zone(t, "America/New_York"), zone(t, "Asia/Tokyo")
	shop := &data.ShopData{
		Contacts: []data.Contact{
			{ID: anna, Given: "Anna", Family: "Keller", Tags: []string{"VIP"},
				Emails: []data.Email{{ID: "01900000-0000-7000-8000-00000000e001", Address: "anna@example.com", Preferred: true}}},
			{ID: zoe, DisplayName: `Zoë Ñúñez; Atelier, "Café" \ Söhne`, Given: "Zoë", Family: "Ñúñez"},
			{ID: bob, Given: "Bob", Family: "Tanaka", Tags: []string{"vip"}},
		},
		Dates: []data.ImportantDate{
			{ID: "01900000-0000-7000-8000-00000000d001", ContactID: anna, Kind: "birthday", Date: data.Date{Year: 1985, Month: 4, Day: 12}, Yearly: true, LeadDays: 7},
			{ID: "01900000-0000-7000-8000-00000000d002", ContactID: anna, Kind: "anniversary", Label: "wedding", Date: data.Date{Year: 2008, Month: 2, Day: 29}, Yearly: true, LeadDays: 3},
			{ID: "01900000-0000-7000-8000-00000000d003", ContactID: zoe, Kind: "birthday", Date: data.Date{Month: 7, Day: 1}, Yearly: true, LeadDays: 0},
			{ID: "01900000-0000-7000-8000-00000000d004", ContactID: bob, Kind: "custom", Label: "Graduation, finally", Date: data.Date{Year: 2026, Month: 6, Day: 1}, LeadDays: 1},
			{ID: "01900000-0000-7000-8000-00000000d006", ContactID: zoe, Kind: "anniversary", Date: data.Date{Month: 2, Day: 29}, Yearly: true, LeadDays: 14},
		},
		Appointments: []data.Appointment{
			{ID: "01900000-0000-7000-8000-00000000b001", ContactID: anna, TZ: "Europe/Paris", Purpose: "Fitting; wedding dress",
				Start: time.Date(2026, 3, 30, 14, 0, 0, 0, paris), End: time.Date(2026, 3, 30, 15, 30, 0, 0, paris), Staff: "Mia", Status: "confirmed"},
			{ID: "01900000-0000-7000-8000-00000000b002", ContactID: bob, TZ: "America/New_York", Purpose: "Pick-up",
				Start: time.Date(2026, 11, 2, 10, 0, 0, 0, ny), End: time.Date(2026, 11, 2, 10, 30, 0, 0, ny), Status: "booked"},
			{ID: "01900000-0000-7000-8000-00000000b003", ContactID: bob, TZ: "Asia/Tokyo", Purpose: "Video call",
				Start: time.Date(2027, 1, 15, 9, 0, 0, 0, tokyo), End: time.Date(2027, 1, 15, 9, 45, 0, 0, tokyo), Status: "cancelled"},
			{ID: "01900000-0000-7000-8000-00000000b004", ContactID: zoe, TZ: "UTC", Purpose: "",
				Start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC), Status: "done"},
		},
		Tasks: []data.Task{
			{ID: "01900000-0000-7000-8000-00000000c001", ContactID: zoe, Title: "Rückruf wegen der maßgeschneiderten Änderungen am Kleid — bitte vor Freitag erledigen",
				Due: data.Date{Year: 2026, Month: 3, Day: 20}},
			{ID: "01900000-0000-7000-8000-00000000c002", Title: "Order summer stock", Due: data.Date{Year: 2026, Month: 3, Day: 1},
				DoneAt: time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)},
		},
	}
	if err := s.BulkLoad(ctx, shop); err != nil {
		t.Fatal(err)
	}
	return s
}

func export(t testing.TB, s *data.Store, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Export(context.Background(), &b, s, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var all = Options{Dates: true, Appointments: true, Tasks: true}

// unfold gives the content lines of a calendar.
func unfold(b []byte) []string {
	s := strings.ReplaceAll(string(b), "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// component gives the unfolded lines of the component with this UID.
func component(t *testing.T, b []byte, uid string) string {
	t.Helper()
	lines := unfold(b)
	for i, l := range lines {
		if l == "UID:"+uid+"@rapport" {
			start, end := i, i
			for start > 0 && !strings.HasPrefix(lines[start], "BEGIN:V") {
				start--
			}
			for depth := 0; end < len(lines); end++ {
				if strings.HasPrefix(lines[end], "BEGIN:") {
					depth++
				} else if strings.HasPrefix(lines[end], "END:") {
					if depth == 0 {
						break
					}
					depth--
				}
			}
			return strings.Join(lines[start:end+1], "\n")
		}
	}
	t.Fatalf("no component with UID %s", uid)
	return ""
}

func TestGolden(t *testing.T) {
	s := fixture(t)
	for _, tc := range []struct {
		file string
		o    Options
	}{
		{"full.ics", all},
		{"vip-30days.ics", Options{Dates: true, Appointments: true, Tasks: true, Tag: "VIP", Days: 30}},
		{"dates.ics", Options{Dates: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := export(t, s, tc.o)
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./data/ics -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("export differs from %s (go test ./data/ics -update rewrites it); got:\n%s", path, got)
			}
		})
	}
}

func TestStable(t *testing.T) {
	s := fixture(t)
	a, b := export(t, s, all), export(t, s, all)
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of the same data differ")
	}
	// An edit changes LAST-MODIFIED and raises SEQUENCE of that event only.
	s.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	if err := s.SetAppointmentStatus(context.Background(), "01900000-0000-7000-8000-00000000b002", "confirmed"); err != nil {
		t.Fatal(err)
	}
	c := export(t, s, all)
	before, after := component(t, a, "01900000-0000-7000-8000-00000000b002"), component(t, c, "01900000-0000-7000-8000-00000000b002")
	if !strings.Contains(after, "LAST-MODIFIED:20260310T100000Z") || !strings.Contains(after, "STATUS:CONFIRMED") {
		t.Errorf("edited appointment:\n%s", after)
	}
	if seq(before) >= seq(after) {
		t.Errorf("SEQUENCE did not grow: %d then %d", seq(before), seq(after))
	}
	if id := birthdayID(t, s, anna); component(t, a, id) != component(t, c, id) {
		t.Error("an untouched event changed")
	}
}

func seq(comp string) int {
	for _, l := range strings.Split(comp, "\n") {
		if n, ok := strings.CutPrefix(l, "SEQUENCE:"); ok {
			var v int
			for _, c := range n {
				v = v*10 + int(c-'0')
			}
			return v
		}
	}
	return -1
}

func TestLines(t *testing.T) {
	b := export(t, fixture(t), all)
	if !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) {
		t.Error("no final CRLF")
	}
	folded := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		l := sc.Bytes()
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.Valid(l) {
			t.Errorf("fold split a UTF-8 sequence: %q", l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("bare CR or LF in %q", l)
		}
		if len(l) > 0 && l[0] == ' ' {
			folded++
		}
	}
	if folded == 0 {
		t.Error("nothing was folded; the fixture has long lines")
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"ascii", strings.Repeat("a", 200)},
		{"two-byte", strings.Repeat("é", 100)},
		{"three-byte", strings.Repeat("€", 80)},
		{"four-byte", strings.Repeat("😀", 60)},
		{"mixed", "x" + strings.Repeat("ä€😀", 30)},
		{"exact", strings.Repeat("b", 75-len("SUMMARY:"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			bw := bufio.NewWriter(&buf)
			lw := &lineWriter{w: bw}
			lw.line("SUMMARY", tc.value)
			bw.Flush()
			out := buf.String()
			for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				if len(l) > 75 || !utf8.ValidString(l) {
					t.Errorf("bad line %q (%d octets)", l, len(l))
				}
			}
			if got := strings.ReplaceAll(out, "\r\n ", ""); got != "SUMMARY:"+tc.value+"\r\n" {
				t.Errorf("unfolds to %q", got)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"a;b,c", `a\;b\,c`},
		{"one\ntwo\r\nthree", `one\ntwo\nthree`},
		{`Zoë "Café"`, `Zoë "Café"`},
	} {
		if got := text(tc.in); got != tc.want {
			t.Errorf("text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Anna Keller", "Anna Keller"},
		{"Keller, Anna", `"Keller, Anna"`},
		{`Zoë "C"; x`, `"Zoë C; x"`},
	} {
		if got := param(tc.in); got != tc.want {
			t.Errorf("param(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	s := fixture(t)
	b := export(t, s, all)
	if c := component(t, b, birthdayID(t, s, zoe)); !strings.Contains(c, `SUMMARY:Zoë Ñúñez\; Atelier\, "Café" \\ Söhne — birthday`) {
		t.Errorf("summary not escaped:\n%s", c)
	}
}

func TestTrigger(t *testing.T) {
	for _, tc := range []struct {
		days, hour int
		want       string
	}{
		{7, 9, "-P6DT15H"}, {1, 9, "-PT15H"}, {0, 9, "PT9H"}, {0, 0, "PT0S"}, {3, 0, "-P3D"}, {14, 18, "-P13DT6H"},
	} {
		if got := trigger(tc.days, tc.hour); got != tc.want {
			t.Errorf("trigger(%d, %d) = %s, want %s", tc.days, tc.hour, got, tc.want)
		}
	}
}

// birthdayID is the id the store gives a birthday (derived from the contact's).
func birthdayID(t *testing.T, s *data.Store, contact string) string {
	t.Helper()
	ds, err := s.ImportantDates(context.Background(), contact)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Kind == "birthday" {
			return d.ID
		}
	}
	t.Fatalf("no birthday for %s", contact)
	return ""
}

func TestDates(t *testing.T) {
	s := fixture(t)
	b := export(t, s, all)
	for _, tc := range []struct {
		name, id string
		want     []string
		not      []string
	}{
		{"birthday with year", birthdayID(t, s, anna),
			[]string{"DTSTART;VALUE=DATE:19850412", "DTEND;VALUE=DATE:19850413", "RRULE:FREQ=YEARLY", "SUMMARY:Anna Keller — birthday",
				"DESCRIPTION:Born in 1985.", "URL:rapport:contact/" + anna, "X-RAPPORT-CONTACT:" + anna,
				"TRIGGER;RELATED=START:-P6DT15H", "TRIGGER;RELATED=START:PT9H", "DESCRIPTION:Anna Keller — birthday in 7 days"},
			[]string{"years", "turns"}},
		{"Feb 29 anniversary", "01900000-0000-7000-8000-00000000d002",
			[]string{"DTSTART;VALUE=DATE:20080229", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", "SUMMARY:Anna Keller — anniversary (wedding)",
				"TRIGGER;RELATED=START:-P2DT15H"}, nil},
		{"year-less birthday", birthdayID(t, s, zoe),
			[]string{"DTSTART;VALUE=DATE:20000701", "RRULE:FREQ=YEARLY", "TRIGGER;RELATED=START:PT9H"}, []string{"DESCRIPTION:Born"}},
		{"year-less Feb 29", "01900000-0000-7000-8000-00000000d006",
			[]string{"DTSTART;VALUE=DATE:20000229", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", "TRIGGER;RELATED=START:-P13DT15H"}, nil},
		{"one-off", "01900000-0000-7000-8000-00000000d004",
			[]string{"DTSTART;VALUE=DATE:20260601", "SUMMARY:Bob Tanaka — Graduation\\, finally", "TRIGGER;RELATED=START:-PT15H"},
			[]string{"RRULE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := component(t, b, tc.id)
			for _, w := range tc.want {
				if !strings.Contains(c+"\n", w+"\n") {
					t.Errorf("no %q in\n%s", w, c)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(c, n) {
					t.Errorf("%q in\n%s", n, c)
				}
			}
		})
	}
}

func TestAppointmentsAndTasks(t *testing.T) {
	b := export(t, fixture(t), all)
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"01900000-0000-7000-8000-00000000b001", []string{"DTSTART;TZID=Europe/Paris:20260330T140000", "DTEND;TZID=Europe/Paris:20260330T153000",
			"STATUS:CONFIRMED", "ATTENDEE;CN=Anna Keller;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:anna@example.com", `SUMMARY:Anna Keller — Fitting\; wedding dress`}},
		{"01900000-0000-7000-8000-00000000b002", []string{"DTSTART;TZID=America/New_York:20261102T100000", "STATUS:TENTATIVE"}},
		{"01900000-0000-7000-8000-00000000b003", []string{"DTSTART;TZID=Asia/Tokyo:20270115T090000", "STATUS:CANCELLED"}},
		{"01900000-0000-7000-8000-00000000b004", []string{"DTSTART:20260301T120000Z", "STATUS:CONFIRMED"}},
		{"01900000-0000-7000-8000-00000000c001", []string{"BEGIN:VTODO", "DUE;VALUE=DATE:20260320", "STATUS:NEEDS-ACTION"}},
		{"01900000-0000-7000-8000-00000000c002", []string{"DUE;VALUE=DATE:20260301", "STATUS:COMPLETED", "COMPLETED:20260302T160000Z"}},
	} {
		c := component(t, b, tc.id)
		for _, w := range tc.want {
			if !strings.Contains(c+"\n", w+"\n") {
				t.Errorf("%s: no %q in\n%s", tc.id, w, c)
			}
		}
	}
	if bytes.Contains(b, []byte("TZID=Local")) || bytes.Contains(b, []byte("TZID:UTC")) {
		t.Error("a Local or UTC VTIMEZONE was written")
	}
}

func TestVTimezone(t *testing.T) {
	for _, tc := range []struct {
		zone        string
		first, last int
		want        []string
		not         []string
	}{
		{"Europe/Paris", 2026, 2027, []string{
			"TZID:Europe/Paris",
			"BEGIN:STANDARD\nDTSTART:20260101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD",
			"BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nTZNAME:CEST\nEND:DAYLIGHT",
			"BEGIN:STANDARD\nDTSTART:20261025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nTZNAME:CET\nEND:STANDARD",
		}, []string{"UNTIL"}},
		{"America/New_York", 2026, 2030, []string{
			"BEGIN:DAYLIGHT\nDTSTART:20260308T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nTZNAME:EDT\nEND:DAYLIGHT",
			"BEGIN:STANDARD\nDTSTART:20261101T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nTZNAME:EST\nEND:STANDARD",
		}, nil},
		{"America/New_York", 2006, 2008, []string{ // the rule changed in 2007
			"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "DTSTART:20060402T020000", "DTSTART:20061029T020000",
		}, nil},
		{"Asia/Tokyo", 2026, 2030, []string{
			"BEGIN:VTIMEZONE\nTZID:Asia/Tokyo\nBEGIN:STANDARD\nDTSTART:20260101T000000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nTZNAME:JST\nEND:STANDARD\nEND:VTIMEZONE",
		}, []string{"DAYLIGHT", "RRULE"}},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			var buf bytes.Buffer
			bw := bufio.NewWriter(&buf)
			vtimezone(&lineWriter{w: bw}, zone(t, tc.zone), tc.first, tc.last)
			bw.Flush()
			got := strings.Join(unfold(buf.Bytes()), "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("no\n%s\nin\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("%q in\n%s", n, got)
				}
			}
		})
	}
}

func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	s, err := data.Open(ctx, filepath.Join(b.TempDir(), "rapport.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return fixedNow }
	if err := s.LoadDemo(ctx, 1, 10_000); err != nil {
		b.Fatal(err)
	}
	o := Options{Dates: true, Appointments: true}
	var st Stats
	b.ResetTimer()
	for b.Loop() {
		var cw countWriter
		if st, err = Export(ctx, &cw, s, o); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(cw))
	}
	b.ReportMetric(float64(st.Dates), "dates")
	b.ReportMetric(float64(st.Appointments), "appointments")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func TestEmpty(t *testing.T) {
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := export(t, s, all)
	if !bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")) || !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) ||
		bytes.Contains(b, []byte("BEGIN:VEVENT")) || bytes.Contains(b, []byte("BEGIN:VTIMEZONE")) {
		t.Errorf("empty calendar:\n%s", b)
	}
}
