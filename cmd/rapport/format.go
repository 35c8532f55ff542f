package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"rapport/data"
)

// table aligns tab-separated columns for people.
func (c *cli) table() *tabwriter.Writer {
	return tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
}

// today is the calendar day of the clock here.
func today() data.Date { return data.DayOf(clock()) }

// localLoc is this computer's zone, by name when it can be told.
func localLoc() *time.Location {
	if loc, err := time.LoadLocation(localZone()); err == nil {
		return loc
	}
	return time.Local
}

// whenText writes a time for people in loc: "2026-03-10 14:30".
func whenText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// spanText writes an appointment's time: "Tue 2026-03-10 14:00-15:00", with
// the end's day when it ends on another day.
func spanText(a data.Appointment) string {
	if a.AllDay {
		return a.Start.Format("Mon 2006-01-02") + " all day"
	}
	end := a.End.Format("15:04")
	if data.DayOf(a.End) != data.DayOf(a.Start) {
		end = a.End.Format("2006-01-02 15:04")
	}
	return a.Start.Format("Mon 2006-01-02 15:04") + "-" + end
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
