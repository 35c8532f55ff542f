package vcf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"

	"rapport/data"
)

// The tolerant reader. Real files are 2.1, 3.0 and 4.0 cards with every
// liberty their writers took (INTEROP.md); github.com/emersion/go-vcard reads
// none of the 2.1 ones correctly and drops what it cannot decode without a
// word, so Rapport reads the content lines itself and keeps, for each card and
// property, the line it started on.

// Param is one parameter of a property, with its values in order.
type Param struct {
	Name   string // upper case
	Values []string
}

// Property is one content line, unfolded and decoded: quoted-printable undone
// and the text converted to UTF-8 from its charset. Value still holds the
// vCard escapes (\n, \;, \,), which depend on the property's structure.
type Property struct {
	Line   int
	Group  string
	Name   string // upper case
	Params []Param
	Value  string

	raw         string // the logical line as read, when it is UTF-8 and needs no decoding
	decodedFrom string // the charset the value was converted from, "" for UTF-8
	charsetErr  string // a CHARSET that is not known
}

// Param gives the first value of the named parameter, "" when absent.
func (p *Property) Param(name string) string {
	for _, q := range p.Params {
		if q.Name == name && len(q.Values) > 0 {
			return q.Values[0]
		}
	}
	return ""
}

// HasParam reports whether the property carries the parameter.
func (p *Property) HasParam(name string) bool {
	for _, q := range p.Params {
		if q.Name == name {
			return true
		}
	}
	return false
}

// Types gives the TYPE values in lower case, 2.1 bare parameters included.
func (p *Property) Types() []string {
	var out []string
	for _, q := range p.Params {
		if q.Name == "TYPE" {
			for _, v := range q.Values {
				for _, t := range strings.Split(v, ",") {
					if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
						out = append(out, t)
					}
				}
			}
		}
	}
	return out
}

// Card is one BEGIN:VCARD ... END:VCARD block.
type Card struct {
	Line         int // the BEGIN line
	Version      string
	Props        []Property
	Unterminated bool // the file ended (or the next card began) before END:VCARD
}

// file is what the reader found in one file.
type file struct {
	cards    []Card
	warnings []Warning
	calendar bool // the file holds iCalendar data, not cards
}

type physLine struct {
	n    int
	text []byte
}

// parse reads every card of b. It never fails: what it cannot read becomes a
// warning, and the caller decides what a card without a name is worth.
func parse(b []byte) *file {
	f := &file{}
	b = decodeBOM(b, f)
	lines := splitLines(b)
	var cur *Card
	depth := 0 // cards nested in a card (2.1 AGENT), skipped
	outside := 0
	outsideLine := 0
	for i := 0; i < len(lines); {
		start := lines[i]
		if len(bytes.TrimSpace(start.text)) == 0 {
			i++
			continue
		}
		logical := append([]byte(nil), start.text...)
		qp := isQP(start.text)
		b64 := isBase64Param(start.text)
		i++
		for i < len(lines) {
			next := lines[i].text
			if qp {
				t := bytes.TrimRight(logical, " \t")
				if len(t) > 0 && t[len(t)-1] == '=' && bytes.IndexByte(logical, ':') >= 0 {
					logical = append(t[:len(t)-1], next...)
					i++
					continue
				}
			}
			if len(next) > 0 && (next[0] == ' ' || next[0] == '\t') {
				logical = append(logical, next[1:]...)
				i++
				continue
			}
			if b64 && len(next) > 0 && isBase64Text(next) {
				logical = append(logical, bytes.TrimSpace(next)...)
				i++
				continue
			}
			break
		}
		if len(logical) > data.MaxPropertyBytes {
			name, _, _ := bytes.Cut(logical[:min(len(logical), 200)], []byte(":"))
			f.warn(start.n, strings.ToUpper(string(bytes.SplitN(name, []byte(";"), 2)[0])),
				fmt.Sprintf("property of %d MB dropped: Rapport reads properties of up to %d MB", len(logical)>>20, data.MaxPropertyBytes>>20))
			continue
		}
		p, ok := parseLine(logical, start.n)
		if !ok {
			if cur != nil && depth == 0 {
				f.warn(start.n, "", "line that is not a property ignored: "+clip(strings.ToValidUTF8(string(logical), "\uFFFD")))
			} else if cur == nil {
				outside++
				if outsideLine == 0 {
					outsideLine = start.n
				}
			}
			continue
		}
		switch {
		case p.Name == "BEGIN" && strings.EqualFold(strings.TrimSpace(p.Value), "VCARD"):
			if cur != nil {
				if n := len(cur.Props); n > 0 && cur.Props[n-1].Name == "AGENT" && strings.TrimSpace(cur.Props[n-1].Value) == "" || depth > 0 {
					depth++
					continue
				}
				cur.Unterminated = true
				f.cards = append(f.cards, *cur)
			}
			cur = &Card{Line: start.n}
			continue
		case p.Name == "END" && strings.EqualFold(strings.TrimSpace(p.Value), "VCARD"):
			if depth > 0 {
				depth--
				if depth == 0 {
					f.warn(start.n, "AGENT", "a card embedded in AGENT was dropped")
				}
				continue
			}
			if cur == nil {
				f.warn(start.n, "", "END:VCARD without BEGIN:VCARD ignored")
				continue
			}
			f.cards = append(f.cards, *cur)
			cur = nil
			continue
		case p.Name == "BEGIN" && strings.EqualFold(strings.TrimSpace(p.Value), "VCALENDAR") && cur == nil:
			f.calendar = true
		}
		if depth > 0 {
			continue
		}
		if cur == nil {
			outside++
			if outsideLine == 0 {
				outsideLine = start.n
			}
			continue
		}
		if p.Name == "VERSION" {
			cur.Version = strings.TrimSpace(p.Value)
			continue
		}
		cur.Props = append(cur.Props, p)
	}
	if cur != nil {
		cur.Unterminated = true
		f.cards = append(f.cards, *cur)
	}
	if outside > 0 && !f.calendar {
		f.warn(outsideLine, "", plural(outside, "line")+" outside any BEGIN:VCARD ... END:VCARD ignored")
	}
	return f
}

func (f *file) warn(line int, field, msg string) {
	f.warnings = append(f.warnings, Warning{Line: line, Field: field, Message: msg})
}

// decodeBOM drops a UTF-8 byte-order mark and converts UTF-16 files to UTF-8.
func decodeBOM(b []byte, f *file) []byte {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(b)
		if err == nil {
			f.warn(1, "", "file decoded from UTF-16")
			return out
		}
	}
	return b
}

// splitLines cuts at CRLF, LF or a lone CR, numbering lines from 1.
func splitLines(b []byte) []physLine {
	out := make([]physLine, 0, bytes.Count(b, []byte{'\n'})+1)
	n := 1
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			out = append(out, physLine{n, b})
			break
		}
		out = append(out, physLine{n, b[:i]})
		// CR CR LF, which some Windows tools write, is one line end.
		j := i
		for j < len(b) && b[j] == '\r' {
			j++
		}
		if j == i || (j < len(b) && b[j] == '\n') {
			j++
		} else {
			j = i + 1
		}
		b = b[j:]
		n++
	}
	return out
}

// head is the name-and-parameters part of a line (before the first colon
// outside quotes).
func head(line []byte) []byte {
	inQuote := false
	for i, c := range line {
		switch c {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				return line[:i]
			}
		}
	}
	return line
}

func isQP(line []byte) bool {
	return bytes.Contains(bytes.ToUpper(head(line)), []byte("QUOTED-PRINTABLE"))
}

func isBase64Param(line []byte) bool {
	h := bytes.ToUpper(head(line))
	return bytes.Contains(h, []byte("BASE64")) || bytes.Contains(h, []byte("ENCODING=B"))
}

// isBase64Text reports whether a line is a bare continuation of base64 data,
// as some 2.1 writers put them (no indent).
func isBase64Text(l []byte) bool {
	l = bytes.TrimSpace(l)
	if len(l) == 0 {
		return false
	}
	for _, c := range l {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// parseLine splits [group.]NAME[;param...]:value and decodes the value.
func parseLine(line []byte, n int) (Property, bool) {
	h := head(line)
	if len(h) == len(line) {
		return Property{}, false
	}
	value := line[len(h)+1:]
	headText := string(h)
	if !utf8.Valid(h) {
		if out, err := charmap.Windows1252.NewDecoder().Bytes(h); err == nil {
			headText = string(out)
		} else {
			headText = strings.ToValidUTF8(headText, "\uFFFD")
		}
	}
	parts := splitQuoted(headText, ';')
	name := strings.TrimSpace(parts[0])
	p := Property{Line: n}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		p.Group, name = name[:i], name[i+1:]
	}
	p.Name = strings.ToUpper(name)
	if !isName(p.Name) || (p.Group != "" && !isName(p.Group)) {
		return Property{}, false
	}
	bare := false // a 2.1 bare parameter, which 3.0 and 4.0 readers refuse
	for _, raw := range parts[1:] {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		k, v, ok := strings.Cut(raw, "=")
		if !ok {
			// vCard 2.1 bare parameter: an encoding, a charset, or a type.
			switch u := strings.ToUpper(raw); u {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				p.Params = append(p.Params, Param{"ENCODING", []string{u}})
			default:
				p.addParam("TYPE", raw)
			}
			bare = true
			continue
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		for _, x := range splitQuoted(v, ',') {
			p.addParam(k, strings.Trim(strings.TrimSpace(x), `"`))
		}
	}
	enc := strings.ToUpper(p.Param("ENCODING"))
	raw := value
	if enc == "QUOTED-PRINTABLE" {
		raw = decodeQP(value)
	}
	if enc == "B" || enc == "BASE64" {
		p.Value = strings.ToValidUTF8(string(value), "\uFFFD")
		return p, true
	}
	if cs := p.Param("CHARSET"); cs != "" {
		e, canon := lookupCharset(cs)
		switch {
		case e == nil:
			p.charsetErr = cs
		case canon != "UTF-8":
			if out, err := e.NewDecoder().Bytes(raw); err == nil {
				raw, p.decodedFrom = out, canon
			}
		}
	}
	if !utf8.Valid(raw) {
		if out, err := charmap.Windows1252.NewDecoder().Bytes(raw); err == nil {
			raw, p.decodedFrom = out, "Windows-1252"
		} else {
			raw = []byte(strings.ToValidUTF8(string(raw), "\uFFFD"))
		}
	}
	p.Value = string(raw)
	if strings.IndexByte(p.Value, '\r') >= 0 {
		// Quoted-printable =0D=0A: one newline, as \n is.
		p.Value = strings.ReplaceAll(strings.ReplaceAll(p.Value, "\r\n", "\n"), "\r", "\n")
	}
	if enc == "" && p.decodedFrom == "" && !p.HasParam("CHARSET") && headText == string(h) && !bare {
		p.raw = string(line)
	}
	return p, true
}

// isName reports whether s is a property or group name: letters, digits, "-".
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func (p *Property) addParam(name, v string) {
	for i := range p.Params {
		if p.Params[i].Name == name {
			p.Params[i].Values = append(p.Params[i].Values, v)
			return
		}
	}
	p.Params = append(p.Params, Param{name, []string{v}})
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var out []string
	inQuote := false
	last := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case sep:
			if !inQuote {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
	}
	return append(out, s[last:])
}

// lookupCharset finds a charset by any of its names.
func lookupCharset(name string) (encoding.Encoding, string) {
	name = strings.TrimSpace(name)
	e, err := htmlindex.Get(name)
	if err != nil {
		if e, err = ianaindex.IANA.Encoding(name); err != nil || e == nil {
			return nil, ""
		}
	}
	canon, err := htmlindex.Name(e)
	if err != nil {
		canon, _ = ianaindex.IANA.Name(e)
	}
	switch strings.ToLower(canon) {
	case "utf-8":
		canon = "UTF-8"
	case "windows-1252":
		canon = "Windows-1252"
	case "shift_jis":
		canon = "Shift_JIS"
	}
	return e, canon
}

// decodeQP undoes quoted-printable; a malformed escape is kept as it is.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '=' && i+2 < len(b) {
			h, ok1 := unhex(b[i+1])
			l, ok2 := unhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape undoes the text escapes: \n and \N are newlines; \\ \, \; \: and
// other punctuation stand for themselves; a backslash before a letter or digit
// is kept (2.1 files hold Windows paths).
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch {
		case n == 'n' || n == 'N':
			b.WriteByte('\n')
			i++
		case n < 0x80 && !isAlnum(n) && n != ' ':
			b.WriteByte(n)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// splitEscaped splits s at sep where it is not escaped, then unescapes each part.
func splitEscaped(s string, sep byte) []string {
	var out []string
	last := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, unescape(s[last:i]))
			last = i + 1
		}
	}
	return append(out, unescape(s[last:]))
}

func clip(s string) string {
	if len(s) > 60 {
		i := 60
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
