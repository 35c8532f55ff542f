package ui

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// currencyScale is the number of decimals of a currency: 2 for EUR, 0 for
// JPY, 3 for KWD; 2 for codes the standard does not know.
func currencyScale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// parseAmount reads what was typed in the amount box ("12.50", "12,5", "12")
// exactly into minor units of the currency (1250 cents).
func parseAmount(s, code string) (int64, error) {
	scale := currencyScale(code)
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if whole == "" && frac == "" || !digitsOnly(whole) || !digitsOnly(frac) || hasFrac && frac == "" {
		return 0, fmt.Errorf("the amount %q is not a number such as 12.50", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, fmt.Errorf("the amount %q has more than %d decimals", s, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the amount %q is too large", s)
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

// money writes minor units for people: 1250 EUR is "12.50 EUR", with
// thousands grouped ("1,250.00 EUR") so big totals read at a glance.
func money(minor int64, code string) string {
	scale := currencyScale(code)
	s := strconv.FormatInt(max(minor, -minor), 10)
	frac := ""
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s, frac = s[:len(s)-scale], "."+s[len(s)-scale:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if minor < 0 {
		s = "-" + s
	}
	return strings.TrimSpace(s + frac + " " + code)
}
