// Package ics writes Rapport's important dates, appointments and tasks as an
// RFC 5545 iCalendar file, for calendar apps to import or subscribe to.
//
// Choices, so that every calendar shows the same thing on the same day:
//
//   - Important dates are all-day events (VALUE=DATE, never through a time
//     zone), yearly ones with RRULE:FREQ=YEARLY starting in the known year
//     (in 2000 when the year is unknown, a leap year). A Feb 29 date repeats
//     with RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1, the last day of
//     February, so it shows on Feb 28 in common years (a plain yearly rule
//     from Feb 29 fires only in leap years in most readers). A one-off date
//     without a year cannot be placed and is left out.
//   - Each date has an alarm at AlarmHour (09:00) local time on its lead day
//     (lead_days before) and, when the lead time is not 0, one more at that
//     hour on the day. An all-day event starts at 00:00 of its day, so "7 days
//     before at 09:00" is TRIGGER;RELATED=START:-P6DT15H (7×24−9 hours before
//     the start) and "on the day at 09:00" is TRIGGER;RELATED=START:PT9H.
//   - Summaries read "Anna Keller — birthday"; the birth year (or the year an
//     anniversary began) is in DESCRIPTION, never an age, which would go
//     stale in a recurring event.
//   - UID is "<Rapport id>@rapport", so importing again or refreshing a
//     subscription updates events instead of duplicating them.
//   - LAST-MODIFIED and DTSTAMP are the time of the latest write to the row
//     (or to its client's name or e-mail), read from the row's sync stamps, so
//     two exports of unchanged data are byte for byte the same, on any of the
//     shop's computers. SEQUENCE is that time in seconds since 2024-01-01
//     UTC: it grows with every edit wherever the edit was made (a count of
//     local outbox operations would not: other computers' edits arrive without
//     one), and fits the 32-bit integer RFC 5545 allows until 2092.
//   - Appointments carry their IANA zone as TZID with a VTIMEZONE computed
//     from Go's zone data (see vtimezone.go); UTC ones are written in UTC
//     ("Z"). Status: booked → TENTATIVE, confirmed, done and no-show →
//     CONFIRMED, cancelled → CANCELLED. The client is an ATTENDEE when an
//     e-mail is known.
//   - Tasks are VTODOs with DUE;VALUE=DATE, STATUS:COMPLETED and COMPLETED when
//     done.
//   - Every component about a client has URL:rapport:contact/<id> and
//     X-RAPPORT-CONTACT:<id>.
package ics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"rapport/data"
)

// Options chooses what an export holds.
type Options struct {
	Dates, Appointments, Tasks bool
	Tag                        string    // only clients with this tag (and no shop-wide tasks)
	Days                       int       // > 0: appointments from today to today+Days, open tasks due by then (overdue included), one-off dates in that window
	Now                        time.Time // "today" for Days; the store's clock by default
	AlarmHour                  int       // hour of the day alarms ring; 9 by default (set -1 for midnight)
	Name                       string    // calendar name; "Rapport" by default
}

// Stats counts what an export wrote.
type Stats struct {
	Dates, Appointments, Tasks, Skipped int
}

func (o *Options) today() data.Date { return data.DayOf(o.Now) }

func (o *Options) lastDay() data.Date {
	return data.DayOf(o.today().Time().AddDate(0, 0, o.Days))
}

const tsLayout = "2006-01-02T15:04:05.000Z"

// from and until bound the appointments' start_utc: from the start of today
// in the clock's zone, through the end of the last day.
func (o *Options) from() string {
	if o.Days <= 0 {
		return ""
	}
	t := o.today()
	return time.Date(t.Year, t.Month, t.Day, 0, 0, 0, 0, o.Now.Location()).UTC().Format(tsLayout)
}

func (o *Options) until() string {
	if o.Days <= 0 {
		return "9999"
	}
	t := o.lastDay()
	return time.Date(t.Year, t.Month, t.Day+1, 0, 0, 0, 0, o.Now.Location()).UTC().Format(tsLayout)
}

// Export writes the calendar of the store to w.
func Export(ctx context.Context, w io.Writer, s *data.Store, o Options) (Stats, error) {
	if o.Now.IsZero() {
		o.Now = s.Now()
	}
	if o.AlarmHour == 0 {
		o.AlarmHour = 9
	} else if o.AlarmHour < 0 || o.AlarmHour > 23 {
		o.AlarmHour = 0
	}
	if o.Name == "" {
		o.Name = "Rapport"
	}
	cd, err := load(ctx, s, &o)
	if err != nil {
		return Stats{}, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	lw := &lineWriter{w: bw}
	st := write(lw, cd, &o)
	if lw.err != nil {
		return st, lw.err
	}
	return st, bw.Flush()
}

var sequenceEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func write(lw *lineWriter, cd *calendarData, o *Options) Stats {
	var st Stats
	lw.line("BEGIN", "VCALENDAR")
	lw.line("VERSION", "2.0")
	lw.line("PRODID", "-//Rapport//Rapport CRM//EN")
	lw.line("CALSCALE", "GREGORIAN")
	lw.line("NAME", text(o.Name))
	lw.line("X-WR-CALNAME", text(o.Name))
	lw.line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	lw.line("X-PUBLISHED-TTL", "PT1H")

	// Zones, in name order, each for the years its appointments span.
	type span struct{ first, last int }
	zones := map[string]*span{}
	locs := map[string]*time.Location{}
	for _, a := range cd.appts {
		if a.AllDay || a.TZ == "UTC" || a.TZ == "" {
			continue
		}
		loc, err := loadZone(a.TZ)
		if err != nil {
			continue
		}
		locs[a.TZ] = loc
		y1, y2 := a.Start.In(loc).Year(), a.End.In(loc).Year()
		if z := zones[a.TZ]; z == nil {
			zones[a.TZ] = &span{y1, y2}
		} else {
			z.first, z.last = min(z.first, y1), max(z.last, y2)
		}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		vtimezone(lw, locs[n], zones[n].first, zones[n].last)
	}
	for i := range cd.dates {
		if writeDate(lw, cd, &cd.dates[i], o) {
			st.Dates++
		} else {
			st.Skipped++
		}
	}
	for i := range cd.appts {
		writeAppt(lw, cd, &cd.appts[i], locs)
		st.Appointments++
	}
	for i := range cd.tasks {
		writeTask(lw, cd, &cd.tasks[i])
		st.Tasks++
	}
	lw.line("END", "VCALENDAR")
	return st
}

// common writes UID, DTSTAMP, LAST-MODIFIED and SEQUENCE from the latest
// of the stamps.
func common(lw *lineWriter, id string, stamps ...string) {
	var last time.Time
	for _, s := range stamps {
		if t := stampTime(s); t.After(last) {
			last = t
		}
	}
	if last.IsZero() {
		last = sequenceEpoch
	}
	ts := last.Truncate(time.Second).Format("20060102T150405Z")
	lw.line("UID", text(id+"@rapport"))
	lw.line("DTSTAMP", ts)
	lw.line("LAST-MODIFIED", ts)
	seq := int64(0)
	if d := last.Sub(sequenceEpoch); d > 0 {
		seq = int64(d / time.Second)
	}
	lw.line("SEQUENCE", fmt.Sprint(seq))
}

func contactLink(lw *lineWriter, id string) {
	if id == "" {
		return
	}
	lw.line("URL", "rapport:contact/"+id)
	lw.line("X-RAPPORT-CONTACT", text(id))
}

func dateValue(d data.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day) }

func dateKind(d *data.ImportantDate) string {
	label := strings.TrimSpace(d.Label)
	switch {
	case d.Kind == "custom" || d.Kind == "":
		if label == "" {
			return "important date"
		}
		return label
	case label != "" && !strings.EqualFold(label, d.Kind):
		return d.Kind + " (" + label + ")"
	}
	return d.Kind
}

func writeDate(lw *lineWriter, cd *calendarData, d *dateRow, o *Options) bool {
	c := cd.clients[d.ContactID]
	start := d.Date
	feb29 := d.Yearly && d.Date.Month == time.February && d.Date.Day == 29
	switch {
	case !d.Yearly && d.Date.Year == 0:
		return false // a one-off date needs its year
	case !d.Yearly && o.Days > 0:
		if s := start.String(); s < o.today().String() || s > o.lastDay().String() {
			return false
		}
	case d.Date.Year == 0:
		start.Year = 2000 // a leap year, so Feb 29 exists
	}
	if feb29 && !isLeap(start.Year) {
		start = start.In(start.Year) // Feb 28: the last day of February that year
	}
	if !validDay(start) {
		return false
	}
	end := data.DayOf(start.Time().AddDate(0, 0, 1))
	what := dateKind(&d.ImportantDate)
	summary := c.name + " — " + what
	lw.line("BEGIN", "VEVENT")
	common(lw, d.ID, d.stamp, c.stamp)
	lw.line("DTSTART;VALUE=DATE", dateValue(start))
	lw.line("DTEND;VALUE=DATE", dateValue(end))
	switch {
	case feb29:
		lw.line("RRULE", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
	case d.Yearly:
		lw.line("RRULE", "FREQ=YEARLY")
	}
	lw.line("SUMMARY", text(summary))
	if d.Date.Year > 0 && d.Yearly {
		desc := fmt.Sprintf("Since %d.", d.Date.Year)
		if d.Kind == "birthday" {
			desc = fmt.Sprintf("Born in %d.", d.Date.Year)
		}
		if feb29 {
			desc += " Falls on Feb 28 in years without Feb 29."
		}
		lw.line("DESCRIPTION", text(desc))
	} else if feb29 {
		lw.line("DESCRIPTION", text("Falls on Feb 28 in years without Feb 29."))
	}
	lw.line("CATEGORIES", text(d.Kind))
	lw.line("TRANSP", "TRANSPARENT")
	contactLink(lw, d.ContactID)
	lead := max(d.LeadDays, 0)
	alarm(lw, lead, o.AlarmHour, summary)
	if lead > 0 {
		alarm(lw, 0, o.AlarmHour, summary)
	}
	lw.line("END", "VEVENT")
	return true
}

// alarm rings at hour o'clock local time, days before the all-day event.
func alarm(lw *lineWriter, days, hour int, summary string) {
	desc := fmt.Sprintf("%s in %d days", summary, days)
	switch days {
	case 0:
		desc = summary + " today"
	case 1:
		desc = summary + " tomorrow"
	}
	lw.line("BEGIN", "VALARM")
	lw.line("ACTION", "DISPLAY")
	lw.line("DESCRIPTION", text(desc))
	lw.line("TRIGGER;RELATED=START", trigger(days, hour))
	lw.line("END", "VALARM")
}

// trigger is the duration from the start of an all-day event (00:00 of its
// day) to hour o'clock, days days before.
func trigger(days, hour int) string {
	if days == 0 {
		if hour == 0 {
			return "PT0S"
		}
		return fmt.Sprintf("PT%dH", hour)
	}
	if hour == 0 {
		return fmt.Sprintf("-P%dD", days)
	}
	if days == 1 {
		return fmt.Sprintf("-PT%dH", 24-hour)
	}
	return fmt.Sprintf("-P%dDT%dH", days-1, 24-hour)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func validDay(d data.Date) bool {
	return d.Year > 0 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 &&
		d.Day <= time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

var apptStatus = map[string]string{"booked": "TENTATIVE", "confirmed": "CONFIRMED", "done": "CONFIRMED",
	"no-show": "CONFIRMED", "cancelled": "CANCELLED"}

func writeAppt(lw *lineWriter, cd *calendarData, a *apptRow, locs map[string]*time.Location) {
	c := cd.clients[a.ContactID]
	lw.line("BEGIN", "VEVENT")
	if c != nil {
		common(lw, a.ID, a.stamp, c.stamp)
	} else {
		common(lw, a.ID, a.stamp)
	}
	loc := locs[a.TZ]
	switch {
	case a.AllDay:
		zl, err := loadZone(a.TZ)
		if err != nil {
			zl = time.UTC
		}
		s, e := data.DayOf(a.Start.In(zl)), a.End.In(zl)
		end := data.DayOf(e)
		if e.Hour() != 0 || e.Minute() != 0 || e.Second() != 0 || !end.Time().After(s.Time()) {
			end = data.DayOf(end.Time().AddDate(0, 0, 1)) // DTEND is exclusive
		}
		if !end.Time().After(s.Time()) {
			end = data.DayOf(s.Time().AddDate(0, 0, 1))
		}
		lw.line("DTSTART;VALUE=DATE", dateValue(s))
		lw.line("DTEND;VALUE=DATE", dateValue(end))
	case loc != nil:
		lw.line("DTSTART;TZID="+param(a.TZ), a.Start.In(loc).Format("20060102T150405"))
		lw.line("DTEND;TZID="+param(a.TZ), a.End.In(loc).Format("20060102T150405"))
	default:
		lw.line("DTSTART", a.Start.UTC().Format("20060102T150405Z"))
		lw.line("DTEND", a.End.UTC().Format("20060102T150405Z"))
	}
	purpose := strings.TrimSpace(a.Purpose)
	if purpose == "" {
		purpose = "Appointment"
	}
	summary := purpose
	if c != nil {
		summary = c.name + " — " + purpose
	}
	lw.line("SUMMARY", text(summary))
	var desc []string
	if a.Staff != "" {
		desc = append(desc, "With "+a.Staff+".")
	}
	if a.Status == "no-show" {
		desc = append(desc, "The client did not come.")
	}
	if len(desc) > 0 {
		lw.line("DESCRIPTION", text(strings.Join(desc, "\n")))
	}
	if s, ok := apptStatus[a.Status]; ok {
		lw.line("STATUS", s)
	}
	if c != nil && c.email != "" {
		lw.line("ATTENDEE;CN="+param(c.name)+";ROLE=REQ-PARTICIPANT;RSVP=FALSE", "mailto:"+c.email)
	}
	contactLink(lw, a.ContactID)
	lw.line("END", "VEVENT")
}

func writeTask(lw *lineWriter, cd *calendarData, t *taskRow) {
	c := cd.clients[t.ContactID]
	lw.line("BEGIN", "VTODO")
	if c != nil {
		common(lw, t.ID, t.stamp, c.stamp)
	} else {
		common(lw, t.ID, t.stamp)
	}
	lw.line("DUE;VALUE=DATE", dateValue(t.Due))
	summary := strings.TrimSpace(t.Title)
	if c != nil {
		summary += " — " + c.name
	}
	lw.line("SUMMARY", text(summary))
	if !t.DoneAt.IsZero() {
		lw.line("STATUS", "COMPLETED")
		lw.line("COMPLETED", t.DoneAt.UTC().Format("20060102T150405Z"))
		lw.line("PERCENT-COMPLETE", "100")
	} else {
		lw.line("STATUS", "NEEDS-ACTION")
		if !t.SnoozedUntil.IsZero() && t.SnoozedUntil.Year > 0 {
			lw.line("DESCRIPTION", text("Snoozed until "+t.SnoozedUntil.String()+"."))
		}
	}
	contactLink(lw, t.ContactID)
	lw.line("END", "VTODO")
}
