package main

import (
	"errors"
	"testing"
	"time"

	"rapport/data"
)

// amountCases are also the seeds of FuzzParseAmount.
var amountCases = []struct {
	in    string
	scale int
	want  int64
	bad   bool
}{
	{"12.50", 2, 1250, false},
	{"12.5", 2, 1250, false},
	{"12", 2, 1200, false},
	{"0.99", 2, 99, false},
	{".5", 2, 50, false},
	{"12,50", 2, 1250, false},
	{"+3", 2, 300, false},
	{"007.10", 2, 710, false},
	{"12.500", 2, 1250, false}, // trailing zeros are no extra precision
	{"0", 2, 0, false},
	{"19.99", 2, 1999, false}, // no float rounding: 19.99*100 is 1998.9999...
	{"1500", 0, 1500, false},  // JPY
	{"1.5", 0, 0, true},
	{"1.234", 3, 1234, false}, // KWD
	{"92233720368547758.07", 2, 9223372036854775807, false},
	{"92233720368547758.08", 2, 0, true},
	{"12.505", 2, 0, true},
	{"-1", 2, 0, true},
	{"-0.01", 2, 0, true},
	{"", 2, 0, true},
	{".", 2, 0, true},
	{"12.", 2, 0, true},
	{"1,234.50", 2, 0, true},
	{"1e3", 2, 0, true},
	{"12 EUR", 2, 0, true},
	{"twelve", 2, 0, true},
}

func TestParseAmount(t *testing.T) {
	for _, tc := range amountCases {
		got, err := parseAmount(tc.in, tc.scale)
		if tc.bad {
			if err == nil || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("parseAmount(%q, %d) = %d, %v; want an invalid error", tc.in, tc.scale, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseAmount(%q, %d) = %d, %v; want %d", tc.in, tc.scale, got, err, tc.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		minor int64
		cur   string
		want  string
	}{
		{1250, "EUR", "12.50"},
		{5, "EUR", "0.05"},
		{0, "EUR", "0.00"},
		{-1250, "EUR", "-12.50"},
		{1500, "JPY", "1500"},
		{1234, "KWD", "1.234"},
		{1250, "XYZ", "12.50"},
	}
	for _, tc := range tests {
		if got := formatAmount(tc.minor, tc.cur); got != tc.want {
			t.Errorf("formatAmount(%d, %s) = %q, want %q", tc.minor, tc.cur, got, tc.want)
		}
	}
	if s := currencyScale("JPY"); s != 0 {
		t.Errorf("JPY scale %d", s)
	}
}

// timeCases are also the seeds of FuzzParseTime.
var timeCases = []struct {
	in   string
	loc  *time.Location
	want string // RFC 3339, "" when it must be refused
}{
	{"2026-03-12 14:00", berlin, "2026-03-12T14:00:00+01:00"},
	{"2026-03-12T14:00", berlin, "2026-03-12T14:00:00+01:00"},
	{"2026-03-12 14:00:30", berlin, "2026-03-12T14:00:30+01:00"},
	{"2026-07-12 14:00", berlin, "2026-07-12T14:00:00+02:00"}, // summer time
	{"2026-03-12 14:00", newYork, "2026-03-12T14:00:00-04:00"},
	{"2026-03-12T14:00:00Z", newYork, "2026-03-12T14:00:00Z"}, // RFC 3339 keeps its own offset
	{"2026-03-12T14:00:00+05:30", berlin, "2026-03-12T14:00:00+05:30"},
	{" 2026-03-12 14:00 ", berlin, "2026-03-12T14:00:00+01:00"},
	{"2026-03-12", berlin, ""},
	{"12.03.2026 14:00", berlin, ""},
	{"2026-03-12 25:00", berlin, ""},
	{"tomorrow", berlin, ""},
	// Cases found by fuzzing.
	{"0000-01-01 00:00", berlin, ""}, // the year -1 in UTC, which the store cannot write
	{"9999-12-31T23:59:59-01:00", berlin, ""},
}

var newYork = mustZone("America/New_York")

func TestParseTime(t *testing.T) {
	for _, tc := range timeCases {
		got, err := parseTime(tc.in, tc.loc)
		if tc.want == "" {
			if err == nil {
				t.Errorf("parseTime(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != tc.want {
			t.Errorf("parseTime(%q, %s) = %v, %v; want %s", tc.in, tc.loc, got.Format(time.RFC3339), err, tc.want)
		}
	}
}

func TestParseAt(t *testing.T) {
	got, err := parseAt("2026-03-01", berlin)
	if err != nil || got.Format(time.RFC3339) != "2026-03-01T12:00:00+01:00" {
		t.Errorf("parseAt of a day = %v, %v; want noon", got, err)
	}
	if _, err := parseAt("--03-01", berlin); err == nil {
		t.Errorf("parseAt of a year-less day: no error")
	}
}

func TestLocalZone(t *testing.T) {
	tests := []struct {
		tz   string
		want string
	}{
		{"Europe/Paris", "Europe/Paris"},
		{":America/New_York", "America/New_York"},
		{"/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"},
		{"", "UTC"},
	}
	for _, tc := range tests {
		t.Run(tc.tz, func(t *testing.T) {
			t.Setenv("TZ", tc.tz)
			if got := localZone(); got != tc.want {
				t.Errorf("TZ=%q: localZone() = %q, want %q", tc.tz, got, tc.want)
			}
		})
	}
}

func TestDefaultCurrency(t *testing.T) {
	if got := defaultCurrency("CH"); got != "CHF" {
		t.Errorf("CH: %q", got)
	}
	if got := defaultCurrency(""); got != "" {
		t.Errorf("no region: %q", got)
	}
	t.Setenv("RAPPORT_CURRENCY", "gbp")
	if got := defaultCurrency("CH"); got != "GBP" {
		t.Errorf("$RAPPORT_CURRENCY: %q", got)
	}
}
