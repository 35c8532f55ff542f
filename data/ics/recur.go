package ics

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"rapport/data/vcf"
)

// Recurring events are expanded into one appointment per occurrence, within a
// window around the time of the import: from RecurBack before it to
// RecurAhead after it, at most MaxOccurrences per event (the earliest in the
// window are kept). A rule without an end ("every Tuesday") so never makes
// more than a few hundred appointments, and importing the same calendar again
// later adds the occurrences that have come into the window. A series with no
// occurrence in the window is imported as its first occurrence, so that it is
// not lost. Occurrences are computed in the event's own zone, so a 10:00
// appointment stays at 10:00 across a daylight-saving change. Rules more
// frequent than daily are not expanded (only the first occurrence is
// imported): a shop's appointments do not repeat by the hour.
//
// Each occurrence's id derives from the event's UID and the occurrence's
// original start (what a RECURRENCE-ID names), so an override in the file
// replaces the occurrence it names, and a re-import updates what it made. An
// occurrence taken out by EXDATE or by a cancelled RECURRENCE-ID override is
// not created, and cancels the appointment a previous import made for it.
const (
	RecurBack      = 365 * 24 * time.Hour
	RecurAhead     = 2 * 365 * 24 * time.Hour
	MaxOccurrences = 1000
)

// maxRuleSteps bounds the work on one rule: the occurrences a rule yields
// before the window opens are stepped through too.
const maxRuleSteps = 200_000

// ruleBudget bounds the time one file's rules may take. A rule that can
// never match (the 30th of February, every day) makes the library search
// every year up to 9999, which takes a good part of a second; past the budget
// the remaining series come in as their first occurrence, each with a
// warning. Real calendars' rules take microseconds each.
var ruleBudget = 10 * time.Second

type window struct {
	from, to time.Time
	spent    *time.Duration // time the file's rules have taken so far
}

// occurrences computes the starts of a recurring event's occurrences in the
// window, and those taken out (EXDATE) that fall in it. It reports whether
// the event recurs at all.
func occurrences(c *Component, cal *Calendar, local *time.Location, start time.Time, allDay bool, win window, warn func(int, string, string)) (starts, removed []time.Time, recurs bool) {
	set := map[int64]time.Time{}
	add := func(t time.Time) { set[t.Unix()] = t }
	for _, p := range c.Props {
		switch p.Name {
		case "RRULE":
			recurs = true
			if win.spent != nil && *win.spent > ruleBudget {
				warn(p.Line, "RRULE", fmt.Sprintf("the file's rules took more than %v: this one is not expanded, its first occurrence is imported", ruleBudget))
				continue
			}
			t0 := time.Now()
			got := ruleStarts(p, start, allDay, win, warn)
			if win.spent != nil {
				*win.spent += time.Since(t0)
			}
			for _, t := range got {
				add(t)
			}
		case "RDATE":
			recurs = true
			for _, t := range timeList(p, cal, local, start, allDay, warn) {
				add(t)
			}
		}
	}
	if !recurs {
		return nil, nil, false
	}
	add(start) // DTSTART is always the first occurrence
	for _, p := range c.Props {
		if p.Name != "EXDATE" {
			continue
		}
		for _, t := range timeList(p, cal, local, start, allDay, warn) {
			if _, ok := set[t.Unix()]; ok {
				delete(set, t.Unix())
				if !t.Before(win.from) && !t.After(win.to) {
					removed = append(removed, t)
				}
			} else if !t.Before(win.from) && !t.After(win.to) {
				removed = append(removed, t) // perhaps imported before the EXDATE was added
			}
		}
	}
	var all []time.Time
	for _, t := range set {
		all = append(all, t)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	for _, t := range all {
		if !t.Before(win.from) && !t.After(win.to) {
			starts = append(starts, t)
		}
	}
	if len(starts) > MaxOccurrences {
		warn(c.Line, "RRULE", fmt.Sprintf("%d occurrences in the window; the first %d imported", len(starts), MaxOccurrences))
		starts = starts[:MaxOccurrences]
	}
	if len(starts) == 0 && len(all) > 0 {
		warn(c.Line, "RRULE", fmt.Sprintf("no occurrence between %s and %s: the first occurrence (%s) imported",
			win.from.Format("2006-01-02"), win.to.Format("2006-01-02"), start.Format("2006-01-02")))
		starts = all[:1]
	}
	sort.Slice(removed, func(i, j int) bool { return removed[i].Before(removed[j]) })
	return starts, removed, true
}

// ruleStarts gives the starts one RRULE yields up to the window's end.
func ruleStarts(p Property, start time.Time, allDay bool, win window, warn func(int, string, string)) (out []time.Time) {
	defer func() {
		// A rule the library cannot follow costs its occurrences, not the file.
		if x := recover(); x != nil {
			warn(p.Line, "RRULE", fmt.Sprintf("rule %q could not be expanded (%v): first occurrence imported", clip(p.Value), x))
			out = nil
		}
	}()
	v := strings.TrimSpace(p.Value)
	if strings.Contains(v, `\;`) {
		warn(p.Line, "RRULE", "escaped semicolons in the rule read as separators")
		v = strings.ReplaceAll(v, `\;`, ";")
	}
	v = strings.TrimSuffix(strings.ToUpper(v), ";")
	opt, err := rrule.StrToROptionInLocation(v, start.Location())
	if err != nil {
		warn(p.Line, "RRULE", fmt.Sprintf("rule %q not understood (%v): not expanded", clip(p.Value), err))
		return nil
	}
	if opt.Freq > rrule.DAILY {
		warn(p.Line, "RRULE", fmt.Sprintf("a rule repeating %s is not expanded: first occurrence imported", strings.ToLower(opt.Freq.String())))
		return nil
	}
	if u := untilValue(v); len(u) == 8 && !allDay {
		// UNTIL as a date for a timed event: through the end of that day.
		opt.Until = opt.Until.Add(24*time.Hour - time.Second)
	}
	opt.Dtstart = start
	if opt.Until.IsZero() || opt.Until.After(win.to) {
		opt.Until = win.to
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		warn(p.Line, "RRULE", fmt.Sprintf("rule %q not understood (%v): not expanded", clip(p.Value), err))
		return nil
	}
	next := r.Iterator()
	for steps := 0; ; steps++ {
		t, ok := next()
		if !ok || t.After(win.to) {
			break
		}
		if steps == maxRuleSteps {
			warn(p.Line, "RRULE", fmt.Sprintf("rule stopped after %d occurrences", maxRuleSteps))
			break
		}
		if !t.Before(win.from) {
			out = append(out, t)
		}
	}
	return out
}

func untilValue(rule string) string {
	for _, part := range strings.Split(rule, ";") {
		if k, v, ok := strings.Cut(part, "="); ok && k == "UNTIL" {
			return v
		}
	}
	return ""
}

// timeList reads the comma-separated times of an RDATE or EXDATE (a PERIOD
// counts by its start) in the event's own terms: dates for an all-day event,
// and for a timed one a date means that day at the event's time of day.
func timeList(p Property, cal *Calendar, local *time.Location, start time.Time, allDay bool, warn func(int, string, string)) []time.Time {
	var out []time.Time
	for _, v := range strings.Split(p.Value, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if i := strings.IndexByte(v, '/'); i >= 0 {
			v = v[:i]
		}
		one := p
		one.Value = v
		if strings.EqualFold(p.Params["VALUE"], "PERIOD") {
			one.Params = map[string]string{"TZID": p.Params["TZID"]}
		}
		t, isDate, _, err := parseTime(one, cal, local)
		if err != nil {
			warn(p.Line, p.Name, err.Error()+"; skipped")
			continue
		}
		switch {
		case allDay:
			y, m, d := t.Date()
			if !isDate {
				y, m, d = t.In(start.Location()).Date()
			}
			t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		case isDate:
			y, m, d := t.Date()
			h, mi, s := start.Clock()
			t = time.Date(y, m, d, h, mi, s, 0, start.Location())
		default:
			t = t.In(start.Location())
		}
		out = append(out, t)
	}
	return out
}

// expand turns a recurring master event into its occurrences, leaving out
// those the file overrides (overridden holds their ids), and adds a
// CancelOnly event for each occurrence taken out.
func expand(master Event, c *Component, cal *Calendar, local *time.Location, win window, uid string, overridden map[string]bool) ([]Event, []vcf.Warning, bool) {
	var ws []vcf.Warning
	warn := func(line int, field, msg string) {
		ws = append(ws, vcf.Warning{Line: line, Field: field, Message: msg})
	}
	a := master.Appointment
	starts, removed, recurs := occurrences(c, cal, local, a.Start, a.AllDay, win, warn)
	if !recurs {
		return nil, ws, false
	}
	days := 0
	if a.AllDay {
		days = int(a.End.Sub(a.Start).Hours()/24 + 0.5)
	}
	length := a.End.Sub(a.Start)
	var out []Event
	for _, s := range starts {
		id := occurrenceID(uid, s)
		if overridden[id] {
			continue
		}
		ev := master
		ev.Emails = append([]string(nil), master.Emails...)
		ev.Appointment.ID = id
		ev.Appointment.Start = s
		if a.AllDay {
			ev.Appointment.End = s.AddDate(0, 0, days)
		} else {
			ev.Appointment.End = s.Add(length)
		}
		out = append(out, ev)
	}
	for _, s := range removed {
		ev := master
		ev.Appointment.ID = occurrenceID(uid, s)
		ev.CancelOnly = true
		out = append(out, ev)
	}
	if len(starts) > 0 && !starts[0].Before(win.from) {
		warn(c.Line, "RRULE", fmt.Sprintf("recurring event %q: %d occurrences from %s to %s", master.Summary, len(starts),
			starts[0].Format("2006-01-02"), starts[len(starts)-1].Format("2006-01-02")))
	}
	return out, ws, true
}
