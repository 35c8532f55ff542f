package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

// The parsers of what people type on the command line: whatever the text,
// each either gives a value that reads back the same or refuses it with
// ErrInvalid, and never panics.

// scaleCurrencies gives a currency of each number of decimals, for
// formatAmount, which takes a currency rather than a scale.
var scaleCurrencies = map[int]string{0: "JPY", 2: "EUR", 3: "KWD"}

func FuzzParseAmount(f *testing.F) {
	for _, tc := range amountCases {
		f.Add(tc.in, uint8(tc.scale))
	}
	for _, s := range []string{"00000000000000000000000012", "1.000000000000000000000", "٣", "１２", "+", "+.5", "0x10", "1_000", " 12 "} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, scaleSeed uint8) {
		scale := []int{0, 2, 3}[int(scaleSeed)%3]
		n, err := parseAmount(s, scale)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("parseAmount(%q, %d): error %v is not ErrInvalid", s, scale, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("parseAmount(%q, %d) = %d, negative", s, scale, n)
		}
		text := formatAmount(n, scaleCurrencies[scale])
		again, err := parseAmount(text, scale)
		if err != nil || again != n {
			t.Fatalf("parseAmount(%q, %d) = %d, written %q, which reads back as %d, %v", s, scale, n, text, again, err)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, tc := range timeCases {
		f.Add(tc.in, "")
	}
	for _, s := range []string{"2026-03-29 02:30", "2026-10-25 02:30", "0000-01-01 00:00", "9999-12-31T23:59:59+14:00",
		"2026-03-12T14:00:00.123456789Z", "2026-02-29 10:00", "15:30", "24:00", "2026-03-12T14:00:00-24:00"} {
		f.Add(s, "2026-03-12 09:00")
	}
	f.Fuzz(func(t *testing.T, s, start string) {
		for _, loc := range []*time.Location{berlin, newYork, time.UTC} {
			got, err := parseTime(s, loc)
			checkTime(t, "parseTime", s, got, err, loc)
			at, err := parseAt(s, loc)
			checkTime(t, "parseAt", s, at, err, loc)
			if from, err := parseTime(start, loc); err == nil {
				end, err := parseEnd(s, from, loc)
				checkTime(t, "parseEnd", s, end, err, loc)
			}
		}
	})
}

// checkTime: a time that was read must be written back to the same instant.
// It is written in UTC, as the store keeps times: RFC 3339 offsets have no
// seconds, which zones had before standard time (Berlin's +00:53:28 LMT).
func checkTime(t *testing.T, what, s string, got time.Time, err error, loc *time.Location) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, data.ErrInvalid) {
			t.Fatalf("%s(%q): error %v is not ErrInvalid", what, s, err)
		}
		return
	}
	if y := got.UTC().Year(); y < 1 || y > 9999 {
		t.Fatalf("%s(%q) = %v, a time the store cannot keep", what, s, got)
	}
	text := got.UTC().Format(time.RFC3339Nano)
	again, err := parseTime(text, loc)
	if err != nil || !again.Equal(got) {
		t.Fatalf("%s(%q) = %v, written %q, which reads back as %v, %v", what, s, got, text, again, err)
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-03-10", "--03-15", "--02-29", "2024-02-29", "2025-02-29", "2026-13-01", "2026-3-1", "", "0000-01-01", "１９８６-03-13", "--0229"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDay(s)
		if err == nil {
			if d.Year == 0 {
				t.Fatalf("parseDay(%q) = %v, a day without its year", s, d)
			}
			if again, err := parseDay(d.String()); err != nil || again != d {
				t.Fatalf("parseDay(%q) = %v, which reads back as %v, %v", s, d, again, err)
			}
		} else if !errors.Is(err, data.ErrInvalid) {
			t.Fatalf("parseDay(%q): error %v is not ErrInvalid", s, err)
		}
		d, err = parseDateOrYearless(s)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("parseDateOrYearless(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		if strings.TrimSpace(s) == "" || d.IsZero() {
			t.Fatalf("parseDateOrYearless(%q) = %v without an error", s, d)
		}
		if again, err := parseDateOrYearless(d.String()); err != nil || again != d {
			t.Fatalf("parseDateOrYearless(%q) = %v, which reads back as %v, %v", s, d, again, err)
		}
	})
}
