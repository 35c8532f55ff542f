package data

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day whose year may be unknown (Year == 0), as birthdays
// often are in address books. It never passes through a time zone.
type Date struct {
	Year  int // 0 when not known
	Month time.Month
	Day   int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Month == 0 }

// String gives YYYY-MM-DD, or --MM-DD without a year, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", int(d.Month), d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// ParseDate reads YYYY-MM-DD, --MM-DD or --MMDD; the empty string is the zero date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	var d Date
	var md string
	switch {
	case strings.HasPrefix(s, "--"):
		md = strings.ReplaceAll(s[2:], "-", "")
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, err := strconv.Atoi(s[:4])
		if err != nil || y < 1 {
			return Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD or --MM-DD", ErrInvalid, s)
		}
		d.Year = y
		md = s[5:7] + s[8:]
	default:
		return Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD or --MM-DD", ErrInvalid, s)
	}
	if len(md) != 4 {
		return Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD or --MM-DD", ErrInvalid, s)
	}
	m, err1 := strconv.Atoi(md[:2])
	day, err2 := strconv.Atoi(md[2:])
	if err1 != nil || err2 != nil {
		return Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD or --MM-DD", ErrInvalid, s)
	}
	d.Month, d.Day = time.Month(m), day
	if !d.valid() {
		return Date{}, fmt.Errorf("%w date %q: no such day", ErrInvalid, s)
	}
	return d, nil
}

// valid reports whether the day exists; a year-less Feb 29 does.
func (d Date) valid() bool {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	year := d.Year
	if year == 0 {
		year = 2000 // a leap year, so --02-29 is a real day
	}
	return d.Day <= daysIn(year, d.Month)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// In returns the day this date falls on in year: Feb 29 falls on Feb 28 in
// years that have none.
func (d Date) In(year int) Date {
	day := d.Day
	if n := daysIn(year, d.Month); day > n {
		day = n
	}
	return Date{Year: year, Month: d.Month, Day: day}
}

// Time is midnight UTC of a dated Date, for day arithmetic only.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// DayOf is the calendar day of t in t's own location.
func DayOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// DaysUntil counts whole days from d to e (both dated).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Hours() / 24)
}

// MarshalText makes Date read as its string form in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the forms ParseDate accepts.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
