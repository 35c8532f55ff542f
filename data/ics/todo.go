package ics

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"rapport/data"
	"rapport/data/vcf"
)

// convertTodo reads a VTODO as a task: SUMMARY is the title, DUE (else
// DTSTART) the due day in the to-do's own zone, COMPLETED or
// STATUS:COMPLETED marks it done. A cancelled to-do is left out, and a
// recurring one is imported once, at its first due day. The task's id derives
// from the UID (or is the id a Rapport export carries), so a re-import
// updates it.
func convertTodo(c *Component, cal *Calendar, local *time.Location) (Event, []vcf.Warning) {
	var ws []vcf.Warning
	warn := func(line int, field, msg string) {
		ws = append(ws, vcf.Warning{Line: line, Field: field, Message: msg})
	}
	ev := Event{Line: c.Line}
	k := &data.Task{}
	ev.Task = k
	if p, ok := c.Get("SUMMARY"); ok {
		ev.Summary = strings.TrimSpace(unescape(p.Value))
	}
	k.Title = ev.Summary
	if k.Title == "" {
		ev.Err = fmt.Errorf("to-do without a SUMMARY")
		warn(c.Line, "SUMMARY", "to-do without a SUMMARY: not imported")
		return ev, ws
	}
	uidP, _ := c.Get("UID")
	ev.uid = strings.TrimSpace(uidP.Value)
	if m := rapportUID.FindStringSubmatch(ev.uid); m != nil {
		k.ID = m[1]
	} else {
		key := ev.uid
		if key == "" {
			warn(c.Line, "UID", "no UID: a re-import will not find this to-do again unless its title is the same")
			key = "\x00" + k.Title
		}
		k.ID = uuid.NewSHA1(eventNamespace, []byte("VTODO\x00"+key)).String()
	}
	due, ok := c.Get("DUE")
	if !ok {
		due, ok = c.Get("DTSTART")
	}
	if !ok {
		ev.Err = fmt.Errorf("no DUE or DTSTART: a task needs a due day")
		warn(c.Line, "DUE", fmt.Sprintf("to-do %q has no DUE or DTSTART: not imported (a task needs a due day)", k.Title))
		return ev, ws
	}
	t, isDate, zi, err := parseTime(due, cal, local)
	if err != nil {
		ev.Err = fmt.Errorf("%s: %v", due.Name, err)
		warn(due.Line, due.Name, err.Error())
		return ev, ws
	}
	if !isDate {
		if loc, err := loadZone(zi.name); err == nil {
			t = t.In(loc)
		}
	}
	k.Due = data.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	status := ""
	if p, ok := c.Get("STATUS"); ok {
		status = strings.ToUpper(strings.TrimSpace(p.Value))
	}
	if status == "CANCELLED" {
		ev.Skip = "a cancelled to-do: left out"
		return ev, ws
	}
	if p, ok := c.Get("COMPLETED"); ok {
		if t, _, _, err := parseTime(p, cal, local); err == nil {
			k.DoneAt = t
		} else {
			warn(p.Line, "COMPLETED", err.Error())
		}
	}
	if k.DoneAt.IsZero() && status == "COMPLETED" {
		k.DoneAt = time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
		if p, ok := c.Get("LAST-MODIFIED"); ok {
			if lm, _, _, err := parseTime(p, cal, local); err == nil {
				k.DoneAt = lm
			}
		}
	}
	if p, ok := c.Get("X-RAPPORT-CONTACT"); ok {
		k.ContactID = strings.TrimSpace(p.Value)
	}
	for _, p := range c.Props {
		switch p.Name {
		case "ATTENDEE", "ORGANIZER":
			v := strings.TrimSpace(p.Value)
			if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
				ev.Emails = append(ev.Emails, v[7:])
			}
		case "RRULE", "RDATE":
			warn(p.Line, p.Name, "a recurring to-do is imported once, due on its first day")
		}
	}
	return ev, ws
}
