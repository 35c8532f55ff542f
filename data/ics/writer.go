package ics

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// lineWriter writes RFC 5545 content lines: CRLF endings, folded so that no
// line is longer than 75 octets (a continuation line starts with one space,
// which counts), never inside a UTF-8 sequence.
type lineWriter struct {
	w   *bufio.Writer
	err error
}

const maxLine = 75

// line writes one content line; value must already be escaped as its type needs.
func (lw *lineWriter) line(nameAndParams, value string) {
	lw.raw(nameAndParams + ":" + value)
}

func (lw *lineWriter) raw(s string) {
	if lw.err != nil {
		return
	}
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		lw.w.WriteString(s[:cut])
		lw.w.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1
	}
	lw.w.WriteString(s)
	_, lw.err = lw.w.WriteString("\r\n")
}

// text escapes a TEXT value: backslash, semicolon, comma and newline.
func text(s string) string {
	if !strings.ContainsAny(s, "\\;,\n\r") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// param gives a parameter value, quoted when it holds a character that ends
// one; double quotes cannot be escaped in RFC 5545 and are dropped, as are
// control characters.
func param(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}
