package ui

import "testing"

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in, code string
		want     int64
		ok       bool
	}{
		{"12.50", "EUR", 1250, true},
		{"12,5", "EUR", 1250, true},
		{"12", "EUR", 1200, true},
		{" 0.99 ", "USD", 99, true},
		{"1500", "JPY", 1500, true},
		{"12.500", "EUR", 1250, true},
		{"12.505", "EUR", 0, false},
		{"-3", "EUR", 0, false},
		{"twelve", "EUR", 0, false},
		{"", "EUR", 0, false},
		{"12.", "EUR", 0, false},
	}
	for _, tc := range cases {
		got, err := parseAmount(tc.in, tc.code)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseAmount(%q, %s) = %d, %v; want %d, ok %v", tc.in, tc.code, got, err, tc.want, tc.ok)
		}
	}
}

func TestMoney(t *testing.T) {
	cases := []struct {
		minor int64
		code  string
		want  string
	}{
		{1250, "EUR", "12.50 EUR"},
		{5, "EUR", "0.05 EUR"},
		{123456789, "EUR", "1,234,567.89 EUR"},
		{1500, "JPY", "1,500 JPY"},
		{0, "", "0.00"},
	}
	for _, tc := range cases {
		if got := money(tc.minor, tc.code); got != tc.want {
			t.Errorf("money(%d, %q) = %q, want %q", tc.minor, tc.code, got, tc.want)
		}
	}
}
