package ics

import (
	"fmt"
	"time"
)

// A VTIMEZONE is computed from Go's own zone data (time.Location, with
// time/tzdata embedded by the data package), for the years the events span:
// the transitions in those years are found with Time.ZoneBounds, grouped by
// observance (offset before and after, name, DST or not), and each run of
// yearly transitions that follow one rule ("last Sunday of March at 02:00")
// is written as one component with a yearly RRULE — the form every calendar
// app reads. A run that ends inside the span gets an UNTIL; one that reaches
// the last year is left open, as the zone's rule goes on (so is a single
// transition in the last year of a zone that still changes twice a year). A transition that
// follows no yearly pattern gets a component of its own. A first component
// gives the offset in force at the start of the span, so a zone without DST
// (Asia/Tokyo) is one STANDARD component.

type transition struct {
	at       time.Time // the instant
	wall     time.Time // local wall-clock time in the offset before, as a UTC-located value
	from, to int       // offsets in seconds
	name     string
	dst      bool
}

type observance struct {
	dst      bool
	start    time.Time // wall time of the first onset
	from, to int
	name     string
	rrule    string
}

// vtimezone writes the VTIMEZONE of loc covering the years first to last.
func vtimezone(lw *lineWriter, loc *time.Location, first, last int) {
	from := time.Date(first, 1, 1, 0, 0, 0, 0, loc)
	to := time.Date(last+1, 1, 1, 0, 0, 0, 0, loc)
	var ts []transition
	for t := from; t.Before(to); {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		_, offBefore := end.Add(-time.Second).Zone()
		name, offAfter := end.Zone()
		if offBefore != offAfter {
			ts = append(ts, transition{at: end, wall: end.UTC().Add(time.Duration(offBefore) * time.Second),
				from: offBefore, to: offAfter, name: name, dst: end.IsDST()})
		}
		t = end
	}
	inLast := 0 // transitions in the last year: two for a zone that keeps DST
	for _, t := range ts {
		if t.wall.Year() == last {
			inLast++
		}
	}
	startName, startOff := from.Zone()
	lw.line("BEGIN", "VTIMEZONE")
	lw.line("TZID", loc.String())
	var obs []observance
	obs = append(obs, observance{dst: from.IsDST(), start: time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC),
		from: startOff, to: startOff, name: startName})
	// Group by kind of transition, keeping order; then cut each group into
	// runs of consecutive years that share a yearly rule.
	type key struct {
		from, to int
		name     string
		dst      bool
	}
	groups := map[key][]transition{}
	var order []key
	for _, t := range ts {
		k := key{t.from, t.to, t.name, t.dst}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	for _, k := range order {
		g := groups[k]
		for i := 0; i < len(g); {
			j, byday := i+1, ruleOf(g[i].wall)
			for j < len(g) {
				nb := byday.and(ruleOf(g[j].wall))
				if g[j].wall.Year() != g[j-1].wall.Year()+1 || !nb.ok() || !sameClock(g[i].wall, g[j].wall) {
					break
				}
				byday = nb
				j++
			}
			o := observance{dst: k.dst, start: g[i].wall, from: k.from, to: k.to, name: k.name}
			if j-i >= 2 || g[i].wall.Year() == last && inLast >= 2 {
				o.rrule = fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", int(g[i].wall.Month()), byday.String(g[i].wall.Weekday()))
				if g[j-1].wall.Year() < last {
					o.rrule += ";UNTIL=" + g[j-1].at.UTC().Format("20060102T150405Z")
				}
			}
			obs = append(obs, o)
			i = j
		}
	}
	for _, o := range obs {
		kind := "STANDARD"
		if o.dst {
			kind = "DAYLIGHT"
		}
		lw.line("BEGIN", kind)
		lw.line("DTSTART", o.start.Format("20060102T150405"))
		lw.line("TZOFFSETFROM", offset(o.from))
		lw.line("TZOFFSETTO", offset(o.to))
		if o.rrule != "" {
			lw.line("RRULE", o.rrule)
		}
		if o.name != "" && (o.name[0] < '0' || o.name[0] > '9') && o.name[0] != '+' && o.name[0] != '-' {
			lw.line("TZNAME", text(o.name))
		}
		lw.line("END", kind)
	}
	lw.line("END", "VTIMEZONE")
}

// weekRule is which occurrences of its weekday in the month a day can be
// named by: the nth (1-4) and, in the last seven days, the last (-1).
type weekRule struct {
	nth, last bool
	n         int
}

func ruleOf(wall time.Time) weekRule {
	d := wall.Day()
	days := time.Date(wall.Year(), wall.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	n := (d-1)/7 + 1
	return weekRule{nth: n <= 4, last: d+7 > days, n: n}
}

func (r weekRule) and(o weekRule) weekRule {
	return weekRule{nth: r.nth && o.nth && r.n == o.n, last: r.last && o.last, n: r.n}
}

func (r weekRule) ok() bool { return r.nth || r.last }

// String prefers "the last" when both fit, since that is how rules are
// written for the end of a month (last Sunday of October).
func (r weekRule) String(wd time.Weekday) string {
	day := [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}[wd]
	if r.last {
		return "-1" + day
	}
	return fmt.Sprintf("%d%s", r.n, day)
}

func sameClock(a, b time.Time) bool {
	return a.Month() == b.Month() && a.Weekday() == b.Weekday() && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// offset formats seconds east of UTC as +HHMM (or +HHMMSS).
func offset(s int) string {
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	if s%60 != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%s%02d%02d", sign, s/3600, s/60%60)
}
