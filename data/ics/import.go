package ics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names must resolve on Windows, which has no zone files

	"github.com/google/uuid"

	"rapport/data"
	"rapport/data/vcf"
)

// Import of .ics files: every VEVENT becomes an appointment, one per
// occurrence of a recurring event (see recur.go for the window), and every
// VTODO a task.
//
// The appointment's id is a name-based UUID of the event's UID and
// RECURRENCE-ID, or of the UID and the occurrence's start for an occurrence
// of a series (or, for an event Rapport exported, the id its UID carries), so
// importing a file again updates the appointments it made. Times with a TZID
// are read in that zone: an IANA name, a Windows name or Windows display name
// (windows_zones.go), or else the offset the file's own VTIMEZONE gives
// (TZOFFSETTO of its STANDARD part) as a fixed zone, with a warning. Floating
// times are read in the importer's Local zone, with a warning; all-day events
// (VALUE=DATE) stay all-day, stored as whole UTC days.
//
// The report is the vCard import's (package vcf): each appointment and task
// is a "card" named by its summary, and those no client was found for are
// warnings.

// Importer reads iCalendar files into a store.
type Importer struct {
	Store    *data.Store
	DryRun   bool
	Unlinked bool           // import events no client was found for
	Local    *time.Location // zone of floating times; time.Local by default
	// Now is the time recurring events are expanded around; the store's
	// clock by default.
	Now func() time.Time
}

func (im *Importer) now() time.Time {
	switch {
	case im.Now != nil:
		return im.Now()
	case im.Store != nil && im.Store.Now != nil:
		return im.Store.Now()
	}
	return time.Now()
}

// ErrNotICalendar is returned for a file that holds no calendar events.
var ErrNotICalendar = errors.New("not an iCalendar file")

// ImportFile imports one file, named by its path in the report.
func (im *Importer) ImportFile(ctx context.Context, path string, r *vcf.Report) error {
	b, err := os.ReadFile(path)
	if err != nil {
		r.Files++
		r.Errors = append(r.Errors, vcf.FileError{File: path, Message: err.Error()})
		return err
	}
	return im.Import(ctx, path, b, r)
}

// Import imports the events of one file in one transaction: all of it or,
// on an error, nothing.
func (im *Importer) Import(ctx context.Context, name string, b []byte, r *vcf.Report) (err error) {
	r.Files++
	fail := func(e error) error {
		r.Errors = append(r.Errors, vcf.FileError{File: name, Message: e.Error()})
		return e
	}
	defer func() {
		if p := recover(); p != nil {
			err = fail(fmt.Errorf("internal error: %v", p))
		}
	}()
	first := len(r.Warnings)
	defer func() {
		sort.SliceStable(r.Warnings[first:], func(i, j int) bool {
			return r.Warnings[first+i].Line < r.Warnings[first+j].Line
		})
	}()
	local := im.Local
	if local == nil {
		local = time.Local
	}
	cal, warnings := Parse(b)
	events, ws := im.read(cal, local)
	warnings = append(warnings, ws...)
	for i := range warnings {
		warnings[i].File = name
	}
	if !cal.Calendar && len(events) > 0 {
		warnings = append(warnings, vcf.Warning{File: name, Line: events[0].Line, Field: "VCALENDAR", Message: "events outside a BEGIN:VCALENDAR read anyway"})
	}
	r.Warnings = append(r.Warnings, warnings...)
	if !cal.Calendar && len(events) == 0 {
		return fail(fmt.Errorf("%w: no BEGIN:VCALENDAR found", ErrNotICalendar))
	}
	if len(events) == 0 {
		return fail(fmt.Errorf("%w: the calendar holds no events (VEVENT) or to-dos (VTODO)", ErrNotICalendar))
	}
	r.CardsRead += len(events)
	in := make([]data.ImportEvent, 0, len(events))
	idx := make([]int, 0, len(events)) // events[idx[k]] is in[k]
	for i, ev := range events {
		if ev.Err != nil || ev.Skip != "" {
			continue
		}
		in = append(in, ev.ImportEvent)
		idx = append(idx, i)
	}
	results, err := im.Store.ImportAppointments(ctx, in, data.EventImportOptions{DryRun: im.DryRun, Unlinked: im.Unlinked})
	if err != nil {
		return fail(err)
	}
	res := make([]data.EventResult, len(events))
	for i, ev := range events {
		if ev.Err != nil {
			res[i] = data.EventResult{Action: data.ImportRejected, Err: ev.Err}
		}
		if ev.Skip != "" {
			res[i] = data.EventResult{Action: "skipped"}
		}
	}
	for k, x := range results {
		res[idx[k]] = x
	}
	r.CardsRead -= excluded(results)
	for i, x := range res {
		ev := &events[i]
		cr := vcf.CardResult{File: name, Line: ev.Line, Name: ev.Summary, Action: x.Action, ContactID: x.ContactID, MatchedBy: x.MatchedBy}
		switch x.Action {
		case data.ImportCreated:
			r.Created++
		case data.ImportUpdated:
			r.Updated++
		case data.ImportUnchanged:
			r.Unchanged++
		case data.ImportRejected:
			r.Rejected++
			if x.Err != nil {
				cr.Reason = strings.TrimPrefix(x.Err.Error(), data.ErrInvalid.Error()+" ")
			}
		case "skipped":
			cr.Reason = ev.Skip
			r.Warnings = append(r.Warnings, vcf.Warning{File: name, Line: ev.Line, Field: "VEVENT", Message: fmt.Sprintf("event %q is %s", ev.Summary, ev.Skip)})
		case data.ImportExcluded:
			continue // an occurrence taken out that was never imported
		case data.ImportUnlinked:
			cr.Reason = "no client found by e-mail or name"
			r.Warnings = append(r.Warnings, vcf.Warning{File: name, Line: ev.Line, Field: ev.kind(),
				Message: fmt.Sprintf("%s %q is linked to no client (no attendee or organiser e-mail of a client, no unique client name in the summary); not imported, use --unlinked to import it", ev.noun(), ev.Summary)})
		}
		r.Cards = append(r.Cards, cr)
	}
	return nil
}

// Property is one content line.
type Property struct {
	Name   string
	Params map[string]string // upper-case names; values unquoted
	Value  string
	Line   int
	Quirk  string // what was wrong with the line but tolerated
}

// Component is a BEGIN/END block.
type Component struct {
	Name       string
	Line       int
	Props      []Property
	Components []*Component
}

// Get returns the first property of that name.
func (c *Component) Get(name string) (Property, bool) {
	for _, p := range c.Props {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// Calendar is what Parse read.
type Calendar struct {
	Calendar  bool         // a BEGIN:VCALENDAR was found
	Events    []*Component // every VEVENT
	Todos     []*Component // every VTODO
	Timezones map[string]*Component

	ruled map[string]ruledZone // VTIMEZONEs with yearly rules, by TZID and year
}

type ruledZone struct {
	loc *time.Location
	zi  zoneInfo
	ok  bool
}

// ruledZone reads an unknown zone by its VTIMEZONE's yearly rules: as the
// IANA zone with the same offsets through that year when there is one, else
// with the rules themselves, stored at the standard offset.
func (cal *Calendar) ruledZone(tzid string, c *Component, year int) (*time.Location, zoneInfo, bool) {
	key := tzid + "\x00" + strconv.Itoa(year)
	if z, ok := cal.ruled[key]; ok {
		return z.loc, z.zi, z.ok
	}
	z := ruledZone{}
	if loc, ok := vtimezoneRules(c); ok {
		z.ok = true
		if name, ok := sameZone(loc, year); ok {
			z.loc, _ = loadZone(name)
			z.zi = zoneInfo{name: name, warnings: []string{fmt.Sprintf("unknown time zone %q: read as %s, which has the offsets of the file's VTIMEZONE", tzid, name)}}
		} else {
			off, _ := vtimezoneOffset(c)
			store := etcZone(off)
			if store == "" {
				store = "UTC"
			}
			z.loc = loc
			z.zi = zoneInfo{name: store, warnings: []string{fmt.Sprintf("unknown time zone %q: read with the summer-time rules of the file's VTIMEZONE, kept as %s", tzid, store)}}
		}
	}
	if cal.ruled == nil {
		cal.ruled = map[string]ruledZone{}
	}
	cal.ruled[key] = z
	return z.loc, z.zi, z.ok
}

// Parse reads the lines of a calendar, tolerating a byte-order mark, LF or
// CRLF, a missing END (a truncated file) and text after END:VCALENDAR; a line
// that is not a property is skipped with a warning.
func Parse(b []byte) (*Calendar, []vcf.Warning) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	cal := &Calendar{Timezones: map[string]*Component{}}
	var warnings []vcf.Warning
	warn := func(line int, field, msg string) {
		warnings = append(warnings, vcf.Warning{Line: line, Field: field, Message: msg})
	}
	type logical struct {
		text string
		line int
	}
	var lines []logical
	for i, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && len(lines) > 0 {
			lines[len(lines)-1].text += l[1:]
			continue
		}
		lines = append(lines, logical{l, i + 1})
	}
	var stack []*Component
	done, trailing := false, false
	for _, l := range lines {
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		if done {
			// Several calendars one after the other are all read (some
			// programs concatenate their exports); anything else after the
			// end is not.
			if t := strings.ToUpper(strings.TrimSpace(l.text)); t == "BEGIN:VCALENDAR" || t == "BEGIN:VEVENT" || t == "BEGIN:VTODO" {
				done = false
			} else {
				if !trailing {
					warn(l.line, "", "text after END:VCALENDAR ignored")
				}
				trailing = true
				continue
			}
		}
		p, ok := parseLine(l.text)
		if !ok {
			if len(stack) > 0 || cal.Calendar {
				warn(l.line, "", fmt.Sprintf("malformed line skipped: %q", clip(l.text)))
			}
			continue
		}
		p.Line = l.line
		if p.Quirk != "" {
			warn(l.line, p.Name, p.Quirk)
		}
		switch p.Name {
		case "BEGIN":
			c := &Component{Name: strings.ToUpper(strings.TrimSpace(p.Value)), Line: l.line}
			if c.Name == "VCALENDAR" {
				cal.Calendar = true
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Components = append(parent.Components, c)
			}
			stack = append(stack, c)
			continue
		case "END":
			name := strings.ToUpper(strings.TrimSpace(p.Value))
			k := len(stack) - 1
			for k >= 0 && stack[k].Name != name {
				k--
			}
			if k < 0 {
				warn(l.line, "END", fmt.Sprintf("END:%s without BEGIN ignored", name))
				continue
			}
			for j := len(stack) - 1; j > k; j-- {
				warn(stack[j].Line, stack[j].Name, fmt.Sprintf("BEGIN:%s not closed before END:%s", stack[j].Name, name))
				finish(cal, stack[j])
			}
			finish(cal, stack[k])
			stack = stack[:k]
			if name == "VCALENDAR" && len(stack) == 0 {
				done = true
			}
			continue
		}
		if len(stack) == 0 {
			continue // text before BEGIN:VCALENDAR
		}
		top := stack[len(stack)-1]
		top.Props = append(top.Props, p)
	}
	for j := len(stack) - 1; j >= 0; j-- {
		warn(stack[j].Line, stack[j].Name, fmt.Sprintf("the file ends inside %s (truncated?); what was read is kept", stack[j].Name))
		finish(cal, stack[j])
	}
	for _, tz := range cal.Timezones {
		for _, sub := range tz.Components {
			for _, p := range sub.Props {
				if p.Name != "TZOFFSETFROM" && p.Name != "TZOFFSETTO" {
					continue
				}
				if _, ok := parseOffset(p.Value); !ok {
					name, _ := tz.Get("TZID")
					warn(p.Line, p.Name, fmt.Sprintf("bad offset %q in the VTIMEZONE of %q: ignored", p.Value, name.Value))
				}
			}
		}
	}
	return cal, warnings
}

// finish files a closed component.
func finish(cal *Calendar, c *Component) {
	switch c.Name {
	case "VEVENT":
		cal.Events = append(cal.Events, c)
	case "VTODO":
		cal.Todos = append(cal.Todos, c)
	case "VTIMEZONE":
		if p, ok := c.Get("TZID"); ok {
			cal.Timezones[p.Value] = c
		}
	}
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// parseLine splits "NAME;P=V;Q="x:y":value".
func parseLine(s string) (Property, bool) {
	p := Property{Params: map[string]string{}}
	i := strings.IndexAny(s, ";:")
	if i <= 0 || !nameRE.MatchString(s[:i]) {
		return p, false
	}
	p.Name = strings.ToUpper(s[:i])
	for s[i] == ';' {
		s = s[i+1:]
		if len(s) > 0 && s[0] == ';' {
			p.Quirk = "empty parameter (;;) ignored"
			i = 0
			continue
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return p, false
		}
		key := strings.ToUpper(s[:eq])
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return p, false
			}
			val, s = s[1:end+1], s[end+2:]
			i = 0
			if len(s) == 0 || (s[0] != ';' && s[0] != ':') {
				return p, false
			}
		} else {
			i = strings.IndexAny(s, ";:")
			if i < 0 {
				return p, false
			}
			val = s[:i]
			s = s[i:]
			i = 0
		}
		p.Params[key] = val
	}
	p.Value = s[i+1:]
	return p, true
}

// unescape undoes TEXT escapes.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Event is one VEVENT (or one occurrence of it), or one VTODO, read for
// import.
type Event struct {
	data.ImportEvent
	Line int
	Err  error  // the event cannot be imported
	Skip string // why the event is left out on purpose

	uid    string
	hasRID bool // an override of one occurrence (RECURRENCE-ID)
}

func (ev *Event) kind() string {
	if ev.Task != nil {
		return "VTODO"
	}
	return "VEVENT"
}

func (ev *Event) noun() string {
	if ev.Task != nil {
		return "to-do"
	}
	return "event"
}

func excluded(results []data.EventResult) int {
	n := 0
	for _, x := range results {
		if x.Action == data.ImportExcluded {
			n++
		}
	}
	return n
}

// read converts the calendar's events, expanding recurring ones, and its
// to-dos.
func (im *Importer) read(cal *Calendar, local *time.Location) ([]Event, []vcf.Warning) {
	var warnings []vcf.Warning
	now := im.now()
	win := window{from: now.Add(-RecurBack), to: now.Add(RecurAhead), spent: new(time.Duration)}
	converted := make([]Event, 0, len(cal.Events))
	masters := map[string]bool{}    // UIDs of the series in the file
	overridden := map[string]bool{} // ids of the occurrences the file overrides
	for _, c := range cal.Events {
		ev, ws := convert(c, cal, local)
		warnings = append(warnings, ws...)
		converted = append(converted, ev)
		if ev.uid != "" && !ev.hasRID {
			masters[ev.uid] = true
		}
		if ev.hasRID && ev.Err == nil {
			overridden[ev.Appointment.ID] = true
		}
	}
	var events []Event
	for i, ev := range converted {
		c := cal.Events[i]
		if ev.hasRID && masters[ev.uid] && ev.Err == nil && ev.Appointment.Status == "cancelled" {
			ev.CancelOnly = true // a cancelled occurrence of a series
			events = append(events, ev)
			continue
		}
		if ev.Err != nil || ev.Skip != "" || ev.hasRID || ev.uid == "" && !hasRecurrence(c) {
			events = append(events, ev)
			continue
		}
		out, ws, recurs := expand(ev, c, cal, local, win, ev.uid, overridden)
		warnings = append(warnings, ws...)
		if !recurs {
			events = append(events, ev)
			continue
		}
		events = append(events, out...)
	}
	for _, c := range cal.Todos {
		ev, ws := convertTodo(c, cal, local)
		warnings = append(warnings, ws...)
		events = append(events, ev)
	}
	return events, warnings
}

func hasRecurrence(c *Component) bool {
	for _, p := range c.Props {
		if p.Name == "RRULE" || p.Name == "RDATE" {
			return true
		}
	}
	return false
}

// occurrenceID is the appointment id of the occurrence of a series that
// starts (or, when moved, was to start) at t.
func occurrenceID(uid string, t time.Time) string {
	return uuid.NewSHA1(eventNamespace, []byte(uid+"\x00"+t.UTC().Format("20060102T150405Z"))).String()
}

var statusOf = map[string]string{"TENTATIVE": "booked", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}

// eventNamespace roots the ids of imported events.
var eventNamespace = uuid.MustParse("3b0f6f0e-9a52-4c55-8f0a-0e1c5a7d2b61")

var rapportUID = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@rapport$`)

func convert(c *Component, cal *Calendar, local *time.Location) (Event, []vcf.Warning) {
	var ws []vcf.Warning
	warn := func(line int, field, msg string) {
		ws = append(ws, vcf.Warning{Line: line, Field: field, Message: msg})
	}
	ev := Event{Line: c.Line}
	if p, ok := c.Get("SUMMARY"); ok {
		ev.Summary = strings.TrimSpace(unescape(p.Value))
	}
	a := &ev.Appointment
	a.Purpose = ev.Summary
	uidP, _ := c.Get("UID")
	uid := strings.TrimSpace(uidP.Value)
	ridP, hasRID := c.Get("RECURRENCE-ID")
	rid := strings.TrimSpace(ridP.Value)
	if hasRID {
		if t, _, _, err := parseTime(ridP, cal, local); err == nil {
			rid = t.UTC().Format("20060102T150405Z")
		}
	}
	start, ok := c.Get("DTSTART")
	if !ok {
		ev.Err = fmt.Errorf("no DTSTART")
		return ev, ws
	}
	st, allDay, tz, err := parseTime(start, cal, local)
	if err != nil {
		ev.Err = fmt.Errorf("DTSTART: %v", err)
		warn(start.Line, "DTSTART", err.Error())
		return ev, ws
	}
	for _, w := range tz.warnings {
		warn(start.Line, "DTSTART", w)
	}
	a.Start, a.AllDay, a.TZ = st, allDay, tz.name
	if end, ok := c.Get("DTEND"); ok {
		et, _, _, err := parseTime(end, cal, local)
		if err != nil {
			warn(end.Line, "DTEND", err.Error()+"; skipped")
		} else {
			a.End = et
		}
	}
	if d, ok := c.Get("DURATION"); ok && a.End.IsZero() {
		dur, err := parseDuration(d.Value)
		if err != nil {
			warn(d.Line, "DURATION", err.Error()+"; skipped")
		} else {
			a.End = addDuration(st, dur)
		}
	}
	if a.End.IsZero() {
		if allDay {
			a.End = st.AddDate(0, 0, 1)
		} else {
			a.End = st.Add(time.Hour)
			warn(start.Line, "DTEND", "no DTEND or DURATION: one hour assumed")
		}
	}
	if allDay && !a.End.After(a.Start) {
		a.End = st.AddDate(0, 0, 1)
	}
	if p, ok := c.Get("STATUS"); ok {
		if s, ok := statusOf[strings.ToUpper(strings.TrimSpace(p.Value))]; ok {
			a.Status = s
		} else {
			warn(p.Line, "STATUS", fmt.Sprintf("unknown status %q: booked", p.Value))
		}
	}
	if p, ok := c.Get("X-RAPPORT-CONTACT"); ok {
		a.ContactID = strings.TrimSpace(p.Value)
	}
	if a.Status == "confirmed" && a.ContactID != "" {
		if p, ok := c.Get("DESCRIPTION"); ok && strings.Contains(unescape(p.Value), "The client did not come.") {
			a.Status = "no-show"
		}
	}
	for _, p := range c.Props {
		switch p.Name {
		case "ATTENDEE", "ORGANIZER":
			v := strings.TrimSpace(p.Value)
			if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
				ev.Emails = append(ev.Emails, v[7:])
			} else if e := p.Params["EMAIL"]; e != "" {
				ev.Emails = append(ev.Emails, e)
			}
		}
	}
	if cat, ok := c.Get("CATEGORIES"); ok && allDay && rapportUID.MatchString(uid) {
		switch strings.ToLower(strings.TrimSpace(cat.Value)) {
		case "birthday", "anniversary", "custom":
			ev.Skip = "an important date exported by Rapport, not an appointment: left out"
			ws = nil // nothing about it matters
		}
	}
	ev.uid, ev.hasRID = uid, hasRID
	switch m := rapportUID.FindStringSubmatch(uid); {
	case m != nil && !hasRID:
		a.ID = m[1]
	case uid != "":
		a.ID = uuid.NewSHA1(eventNamespace, []byte(uid+"\x00"+rid)).String()
	default:
		warn(c.Line, "UID", "no UID: a re-import will not find this event again unless its start and summary are the same")
		a.ID = uuid.NewSHA1(eventNamespace, []byte("\x00"+st.UTC().Format(time.RFC3339)+"\x00"+ev.Summary)).String()
	}
	return ev, ws
}

type zoneInfo struct {
	name     string // IANA name stored with the appointment
	warnings []string
}

// parseTime reads a DATE or DATE-TIME value with its zone.
func parseTime(p Property, cal *Calendar, local *time.Location) (time.Time, bool, zoneInfo, error) {
	v := strings.TrimSpace(p.Value)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	if strings.EqualFold(p.Params["VALUE"], "DATE") || len(v) == 8 {
		t, err := time.ParseInLocation("20060102", v, time.UTC)
		if err != nil {
			return t, false, zoneInfo{}, fmt.Errorf("bad date %q", v)
		}
		return t, true, zoneInfo{name: "UTC"}, nil
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		t, err := time.ParseInLocation("20060102T150405", v[:len(v)-1], time.UTC)
		if err != nil {
			return t, false, zoneInfo{}, fmt.Errorf("bad date-time %q", v)
		}
		return t, false, zoneInfo{name: "UTC"}, nil
	}
	year, _ := strconv.Atoi(v[:min(4, len(v))])
	loc, zi := resolveZone(p.Params["TZID"], cal, local, year)
	t, err := time.ParseInLocation("20060102T150405", v, loc)
	if err != nil {
		return t, false, zoneInfo{}, fmt.Errorf("bad date-time %q", v)
	}
	return t, false, zi, nil
}

// resolveZone finds the location of a TZID.
func resolveZone(tzid string, cal *Calendar, local *time.Location, year int) (*time.Location, zoneInfo) {
	tzid = strings.TrimSpace(tzid)
	if tzid == "" {
		return local, zoneInfo{name: ianaName(local), warnings: []string{"floating time read in the local zone (" + local.String() + ")"}}
	}
	name := strings.TrimPrefix(tzid, "/") // some writers prefix a "/"
	if n, ok := windowsZone(name); ok {
		name = n
	}
	if name != "Local" {
		if loc, err := loadZone(name); err == nil {
			return loc, zoneInfo{name: name}
		}
	}
	if c := cal.Timezones[tzid]; c != nil {
		if loc, zi, ok := cal.ruledZone(tzid, c, year); ok {
			return loc, zi
		}
		if off, ok := vtimezoneOffset(c); ok {
			etc := etcZone(off)
			if loc, err := loadZone(etc); err == nil && etc != "" {
				return loc, zoneInfo{name: etc, warnings: []string{fmt.Sprintf("unknown time zone %q: read at the file's VTIMEZONE offset %s (%s), without daylight-saving changes", tzid, offset(off), etc)}}
			}
			loc := time.FixedZone(offset(off), off)
			return loc, zoneInfo{name: "UTC", warnings: []string{fmt.Sprintf("unknown time zone %q: read at the file's VTIMEZONE offset %s and kept in UTC", tzid, offset(off))}}
		}
	}
	return local, zoneInfo{name: ianaName(local), warnings: []string{fmt.Sprintf("unknown time zone %q and no VTIMEZONE for it: read in the local zone (%s)", tzid, local.String())}}
}

// ianaName is the loadable name of loc, or UTC.
func ianaName(loc *time.Location) string {
	n := loc.String()
	if n == "Local" || n == "" {
		return "UTC"
	}
	if _, err := loadZone(n); err != nil {
		return "UTC"
	}
	return n
}

// etcZone is the Etc/GMT zone of a whole-hour offset (its sign is the
// POSIX one, inverted), or "".
func etcZone(off int) string {
	if off%3600 != 0 || off < -12*3600 || off > 14*3600 {
		return ""
	}
	h := off / 3600
	switch {
	case h == 0:
		return "Etc/GMT"
	case h > 0:
		return "Etc/GMT-" + strconv.Itoa(h)
	}
	return "Etc/GMT+" + strconv.Itoa(-h)
}

// vtimezoneOffset is the TZOFFSETTO of the VTIMEZONE's STANDARD part (else of
// its first part), in seconds east of UTC.
func vtimezoneOffset(c *Component) (int, bool) {
	var best *Component
	for _, sub := range c.Components {
		if _, ok := sub.Get("TZOFFSETTO"); !ok {
			continue
		}
		if best == nil || (sub.Name == "STANDARD" && best.Name != "STANDARD") {
			best = sub
		}
	}
	if best == nil {
		return 0, false
	}
	p, _ := best.Get("TZOFFSETTO")
	return parseOffset(p.Value)
}

// parseOffset reads "+0100", "-0530" or "+013000".
func parseOffset(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 || (v[0] != '+' && v[0] != '-') {
		return 0, false
	}
	parts := []int{}
	for i := 1; i+2 <= len(v); i += 2 {
		x, err := strconv.Atoi(v[i : i+2])
		if err != nil {
			return 0, false
		}
		parts = append(parts, x)
	}
	if parts[0] > 23 || parts[1] > 59 || len(parts) == 3 && parts[2] > 59 {
		return 0, false
	}
	n := parts[0]*3600 + parts[1]*60
	if len(parts) == 3 {
		n += parts[2]
	}
	if v[0] == '-' {
		n = -n
	}
	return n, true
}

type duration struct {
	days int
	d    time.Duration
	neg  bool
}

var durRE = regexp.MustCompile(`^([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseDuration reads an RFC 5545 DURATION.
func parseDuration(v string) (duration, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	m := durRE.FindStringSubmatch(v)
	if m == nil || v == "P" || strings.HasSuffix(v, "T") {
		return duration{}, fmt.Errorf("bad duration %q", v)
	}
	n := func(s string) int { x, _ := strconv.Atoi(s); return x }
	d := duration{neg: m[1] == "-", days: n(m[2])*7 + n(m[3])}
	d.d = time.Duration(n(m[4]))*time.Hour + time.Duration(n(m[5]))*time.Minute + time.Duration(n(m[6]))*time.Second
	return d, nil
}

// addDuration adds days as calendar days (so a day across a DST change is a
// day) and the rest as exact time.
func addDuration(t time.Time, d duration) time.Time {
	if d.neg {
		return t.AddDate(0, 0, -d.days).Add(-d.d)
	}
	return t.AddDate(0, 0, d.days).Add(d.d)
}
