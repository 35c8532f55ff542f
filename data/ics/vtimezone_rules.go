package ics

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A VTIMEZONE whose name Rapport does not know (Outlook's "Customized Time
// Zone", a program's own names) still says when summer time starts and ends:
// yearly rules in its STANDARD and DAYLIGHT parts. vtimezoneRules turns the
// current pair of rules into a real zone, so that times, and the occurrences
// of a series, fall on the right side of each change. It is then matched
// against the IANA zones of the Windows table: a zone with the same offsets
// all year is stored by its name; otherwise the times are read with the
// file's rules and kept at the standard offset.

// vtimezoneRules builds a zone with the yearly rules of the VTIMEZONE's
// latest STANDARD and DAYLIGHT parts, or reports that it has none.
func vtimezoneRules(c *Component) (*time.Location, bool) {
	std, dst := latestPart(c, "STANDARD"), latestPart(c, "DAYLIGHT")
	if std == nil || dst == nil {
		return nil, false
	}
	stdOff, ok1 := partOffset(std)
	dstOff, ok2 := partOffset(dst)
	toDST, ok3 := posixRule(dst)
	toSTD, ok4 := posixRule(std)
	if !ok1 || !ok2 || !ok3 || !ok4 || stdOff == dstOff {
		return nil, false
	}
	tz := fmt.Sprintf("<%s>%s<%s>%s,%s,%s", offsetName(stdOff), posixOffset(stdOff), offsetName(dstOff), posixOffset(dstOff), toDST, toSTD)
	name, _ := c.Get("TZID")
	loc, err := time.LoadLocationFromTZData(name.Value, tzif(stdOff, offsetName(stdOff), tz))
	if err != nil {
		return nil, false
	}
	return loc, true
}

// latestPart is the part of that kind with a yearly rule and the latest start.
func latestPart(c *Component, kind string) *Component {
	var best *Component
	var bestStart string
	for _, sub := range c.Components {
		if sub.Name != kind {
			continue
		}
		if _, ok := sub.Get("RRULE"); !ok {
			continue
		}
		st, _ := sub.Get("DTSTART")
		if best == nil || st.Value > bestStart {
			best, bestStart = sub, st.Value
		}
	}
	return best
}

func partOffset(c *Component) (int, bool) {
	p, ok := c.Get("TZOFFSETTO")
	if !ok {
		return 0, false
	}
	return parseOffset(p.Value)
}

var byDayRE = regexp.MustCompile(`^([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)$`)

var weekdays = map[string]int{"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}

// posixRule gives the part's change as a POSIX TZ rule, "M3.5.0/02:00:00":
// the nth (5 for last) weekday of a month, at the part's wall time.
func posixRule(c *Component) (string, bool) {
	rule, _ := c.Get("RRULE")
	start, ok := c.Get("DTSTART")
	if !ok || len(start.Value) < 15 {
		return "", false
	}
	month, week, day := 0, 0, -1
	for _, kv := range strings.Split(strings.ToUpper(rule.Value), ";") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "FREQ":
			if v != "YEARLY" {
				return "", false
			}
		case "BYMONTH":
			month, _ = strconv.Atoi(v)
		case "BYDAY":
			m := byDayRE.FindStringSubmatch(v)
			if m == nil {
				return "", false
			}
			n, _ := strconv.Atoi(m[1])
			switch {
			case n == -1 || n == 5:
				week = 5
			case n >= 1 && n <= 4:
				week = n
			default:
				return "", false
			}
			day = weekdays[m[2]]
		case "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS":
			return "", false
		}
	}
	if month < 1 || month > 12 || week == 0 || day < 0 {
		return "", false
	}
	clock := start.Value[9:15]
	return fmt.Sprintf("M%d.%d.%d/%s:%s:%s", month, week, day, clock[0:2], clock[2:4], clock[4:6]), true
}

// posixOffset writes an offset east of UTC the POSIX way: west positive.
func posixOffset(off int) string {
	sign := "-"
	if off <= 0 {
		sign, off = "", -off
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, off/3600, off/60%60, off%60)
}

// offsetName is the zone abbreviation of an offset: "+0100".
func offsetName(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s%02d%02d", sign, off/3600, off/60%60)
}

// tzif is zone data (RFC 8536, version 2) with no transitions, one local
// time type and a footer rule that gives every year's changes.
func tzif(off int, abbr, rule string) []byte {
	var b []byte
	chars := abbr + "\x00"
	header := func() {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, 0, 1, len(chars)} { // isut, isstd, leap, time, type, char
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
	}
	body := func() {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(off)))
		b = append(b, 0, 0) // not DST, abbreviation at 0
		b = append(b, chars...)
	}
	header()
	body()
	header()
	body()
	b = append(b, '\n')
	b = append(b, rule...)
	return append(b, '\n')
}

// sameZone finds an IANA zone of the Windows table with loc's offsets
// through the year, every six hours.
func sameZone(loc *time.Location, year int) (string, bool) {
	seen := map[string]bool{}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	var offsets []int
	for t := from; t.Year() == year; t = t.Add(6 * time.Hour) {
		_, off := t.In(loc).Zone()
		offsets = append(offsets, off)
	}
next:
	for _, z := range windowsZoneTable {
		if seen[z.iana] {
			continue
		}
		seen[z.iana] = true
		cand, err := loadZone(z.iana)
		if err != nil {
			continue
		}
		i := 0
		for t := from; t.Year() == year; t = t.Add(6 * time.Hour) {
			if _, off := t.In(cand).Zone(); off != offsets[i] {
				continue next
			}
			i++
		}
		return z.iana, true
	}
	return "", false
}
