package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"rapport/data"
)

// stringList is a flag that may be given several times (--email a --email b).
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ", ") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// given reports which flags of fs were on the command line.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// needPositional checks the number of positional arguments.
func needPositional(pos []string, min, max int, what string) error {
	switch {
	case len(pos) < min:
		return usageError{what + " is needed"}
	case len(pos) > max:
		return usageError{fmt.Sprintf("unexpected argument %q", pos[max])}
	}
	return nil
}

// parseNoArgs reads the flags of a command that takes no arguments.
func parseNoArgs(c *cli, args []string) ([]string, error) {
	pos, err := parse(c.fs, args)
	if err == nil && len(pos) > 0 {
		err = usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return pos, err
}

// localZone is the IANA name of this computer's time zone ("Europe/Berlin"),
// or "UTC" when it cannot be told.
func localZone() string {
	if tz, ok := os.LookupEnv("TZ"); ok {
		tz = strings.TrimPrefix(tz, ":")
		if tz == "" {
			return "UTC"
		}
		if i := strings.Index(tz, "zoneinfo/"); i >= 0 {
			tz = tz[i+len("zoneinfo/"):]
		}
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if n := time.Local.String(); n != "Local" && n != "" {
		if _, err := time.LoadLocation(n); err == nil {
			return n
		}
	}
	// Unix systems link /etc/localtime to the zone's file in a zoneinfo folder.
	if p, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		p = filepath.ToSlash(p)
		if i := strings.Index(p, "zoneinfo/"); i >= 0 {
			if n := p[i+len("zoneinfo/"):]; n != "" {
				if _, err := time.LoadLocation(n); err == nil {
					return n
				}
			}
		}
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		if n := strings.TrimSpace(string(b)); n != "" {
			if _, err := time.LoadLocation(n); err == nil {
				return n
			}
		}
	}
	return "UTC"
}

// loadZone loads an IANA time zone, "" meaning this computer's.
func loadZone(name string) (string, *time.Location, error) {
	if name == "" {
		name = localZone()
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return "", nil, fmt.Errorf("%w time zone %q: want a name such as Europe/Paris", data.ErrInvalid, name)
	}
	return name, loc, nil
}

// timeLayouts are the forms a TIME may take besides RFC 3339.
var timeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// parseTime reads a TIME: RFC 3339 (with its own offset), or
// "YYYY-MM-DD HH:MM" / "YYYY-MM-DDTHH:MM" (seconds optional) read in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return storable(t, s)
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return storable(t, s)
		}
	}
	return time.Time{}, fmt.Errorf("%w time %q: want YYYY-MM-DD HH:MM or RFC 3339", data.ErrInvalid, s)
}

// storable refuses a time whose UTC form falls outside the years 1 to 9999,
// which the store cannot write back in its fixed-width form ("0000-01-01
// 00:00" in Berlin is in the year -1 in UTC; found by FuzzParseTime).
func storable(t time.Time, typed string) (time.Time, error) {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, fmt.Errorf("%w time %q: want a year from 1 to 9999", data.ErrInvalid, typed)
	}
	return t, nil
}

// parseDay reads a DATE (YYYY-MM-DD, with its year).
func parseDay(s string) (data.Date, error) {
	d, err := data.ParseDate(s)
	if err != nil || d.IsZero() || d.Year == 0 {
		return data.Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD", data.ErrInvalid, s)
	}
	return d, nil
}

// parseDateOrYearless reads YYYY-MM-DD or --MM-DD.
func parseDateOrYearless(s string) (data.Date, error) {
	d, err := data.ParseDate(s)
	if err != nil || d.IsZero() {
		return data.Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD, or --MM-DD without the year", data.ErrInvalid, s)
	}
	return d, nil
}

// midnight is the start of day d in loc.
func midnight(d data.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// currencyScale is the number of decimals of a currency: 2 for EUR, 0 for JPY,
// 3 for KWD; 2 for codes the standard does not know.
func currencyScale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// defaultCurrency is $RAPPORT_CURRENCY, else the currency of the locale's
// country, else "".
func defaultCurrency(region string) string {
	if c := strings.TrimSpace(os.Getenv("RAPPORT_CURRENCY")); c != "" {
		return strings.ToUpper(c)
	}
	if region == "" {
		return ""
	}
	r, err := language.ParseRegion(region)
	if err != nil {
		return ""
	}
	if u, ok := currency.FromRegion(r); ok {
		return u.String()
	}
	return ""
}

// parseAmount reads a decimal amount ("12.50", "12,5", "12") exactly into
// minor units of a currency with scale decimals (1250 for 2).
func parseAmount(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%w amount %q: %s", data.ErrInvalid, s, why)
	}
	if strings.HasPrefix(s, "-") {
		return bad("must not be negative")
	}
	s2 := strings.TrimPrefix(s, "+")
	whole, frac, hasFrac := strings.Cut(s2, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s2, ",")
	}
	if whole == "" && frac == "" || !digitsOnly(whole) || !digitsOnly(frac) || hasFrac && frac == "" {
		return bad("want a number such as 12.50")
	}
	if len(frac) > scale {
		frac = strings.TrimRight(frac, "0")
		if len(frac) > scale {
			return bad(fmt.Sprintf("at most %d decimals", scale))
		}
	}
	frac += strings.Repeat("0", scale-len(frac))
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return bad("too large")
	}
	return n, nil
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatAmount writes minor units as a decimal: 1250 EUR -> "12.50".
func formatAmount(minor int64, code string) string {
	scale := currencyScale(code)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// money is an amount with its currency for people: "12.50 EUR".
func money(minor int64, code string) string {
	if code == "" {
		return formatAmount(minor, code)
	}
	return formatAmount(minor, code) + " " + code
}
