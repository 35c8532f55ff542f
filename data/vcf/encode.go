package vcf

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"rapport/data"
)

// Entry is a contact with everything about it that a vCard carries.
type Entry struct {
	Contact     *data.Contact
	UID         string
	Dates       []data.ImportantDate
	Preferences []data.Preference
	Consents    []data.Consent
}

// Versions Rapport writes.
const (
	V4 = "4.0"
	V3 = "3.0"
)

// prodID names the writer in every card.
const prodID = "-//Rapport//Rapport//EN"

// Load reads the contacts to export: the given ids, or every live contact
// (with the tag, when tag is not empty) in name order.
func Load(ctx context.Context, s *data.Store, tag string, ids []string) ([]Entry, error) {
	if len(ids) == 0 {
		all, err := s.ExportContacts(ctx, tag)
		if err != nil {
			return nil, err
		}
		out := make([]Entry, len(all))
		for i, b := range all {
			out[i] = Entry{Contact: b.Contact, UID: b.UID, Dates: b.Dates, Preferences: b.Preferences, Consents: b.Consents}
		}
		return out, nil
	}
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e, err := LoadEntry(ctx, s, id)
		if err != nil {
			return nil, err
		}
		if tag != "" && !hasTag(e.Contact.Tags, tag) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(strings.Join(strings.Fields(t), " "), strings.Join(strings.Fields(tag), " ")) {
			return true
		}
	}
	return false
}

// LoadEntry reads one contact for export.
func LoadEntry(ctx context.Context, s *data.Store, id string) (Entry, error) {
	c, err := s.Contact(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Contact: c}
	if e.UID, err = s.ContactUID(ctx, id); err != nil {
		return Entry{}, err
	}
	if e.Dates, err = s.ImportantDates(ctx, id); err != nil {
		return Entry{}, err
	}
	if e.Preferences, err = s.Preferences(ctx, id); err != nil {
		return Entry{}, err
	}
	if e.Consents, err = s.Consents(ctx, id); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Encoder writes cards: UTF-8, CRLF, lines folded at 75 octets.
type Encoder struct {
	w       *bufio.Writer
	Version string // V4 (the default) or V3
}

// NewEncoder writes vCard 4.0 to w unless Version is changed.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: bufio.NewWriter(w), Version: V4} }

// Encode writes one card and flushes it.
func (enc *Encoder) Encode(e *Entry) error {
	v := enc.Version
	if v == "" {
		v = V4
	}
	if v != V4 && v != V3 {
		return fmt.Errorf("vcf: version %q: want 4.0 or 3.0", v)
	}
	for _, l := range cardLines(e, v) {
		if strings.ContainsAny(l, "\r\n") {
			// Only a value that is not text (a link) could hold one; a line
			// break would end the content line.
			l = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(l)
		}
		writeFolded(enc.w, l)
	}
	return enc.w.Flush()
}

// writeFolded writes one content line folded at 75 octets, never inside a
// UTF-8 sequence, each piece ending in CRLF.
func writeFolded(w *bufio.Writer, l string) {
	limit := 75
	for len(l) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(l[i]) {
			i--
		}
		if i == 0 {
			i = limit // not UTF-8 at all: cut anywhere rather than never
		}
		w.WriteString(l[:i])
		w.WriteString("\r\n ")
		l = l[i:]
		limit = 74
	}
	w.WriteString(l)
	w.WriteString("\r\n")
}

// escText escapes a text value (RFC 6350 3.4).
func escText(s string) string {
	if !strings.ContainsAny(s, "\\\n\r,;") {
		return s
	}
	return textEscaper.Replace(s)
}

var textEscaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`, ",", `\,`, ";", `\;`)

// paramValue quotes a parameter value when it needs it; a double quote,
// which no parameter value can hold, becomes a single one.
func paramValue(s string) string {
	s = strings.NewReplacer(`"`, `'`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if strings.ContainsAny(s, ";:,") {
		return `"` + s + `"`
	}
	return s
}

// formatDate writes a date the way each version reads it: 4.0 in ISO 8601
// basic form (19850412, --0412), 3.0 in extended form with Apple's 1604 for
// an unknown year.
func formatDate(name string, d data.Date, v string, params string) string {
	if v == V4 {
		if d.Year == 0 {
			return fmt.Sprintf("%s%s:--%02d%02d", name, params, int(d.Month), d.Day)
		}
		return fmt.Sprintf("%s%s:%04d%02d%02d", name, params, d.Year, int(d.Month), d.Day)
	}
	if d.Year == 0 {
		return fmt.Sprintf("%s;X-APPLE-OMIT-YEAR=1604%s:1604-%02d-%02d", name, params, int(d.Month), d.Day)
	}
	return fmt.Sprintf("%s%s:%04d-%02d-%02d", name, params, d.Year, int(d.Month), d.Day)
}

// Labels Rapport gives methods, and the TYPE values that say them.
var (
	emailTypes = map[string]string{"home": "home", "work": "work", "other": "other"}
	telTypes   = map[string]string{"mobile": "cell", "home": "home", "work": "work", "fax": "fax", "pager": "pager",
		"main": "main", "other": "other", "iphone": "iphone", "car": "car", "isdn": "isdn", "modem": "modem",
		"video": "video", "text": "text", "textphone": "textphone", "bbs": "bbs", "pcs": "pcs"}
	adrTypes  = map[string]string{"home": "home", "work": "work", "other": "other"}
	urlTypes  = map[string]string{"home": "home", "work": "work", "other": "other"}
	imppTypes = map[string]string{"home": "home", "work": "work", "mobile": "mobile", "other": "other"}
)

// typesFor gives the TYPE values for a label, or ok false when the label is
// custom (then it is written as an Apple X-ABLabel).
func typesFor(label string, known map[string]string) ([]string, bool) {
	var out []string
	for _, w := range strings.Fields(label) {
		t, ok := known[w]
		if !ok {
			return nil, false
		}
		out = append(out, t)
	}
	return out, true
}

// card builds the lines of one card.
type card struct {
	lines  []string
	v      string
	used   map[string]bool // group names taken
	nextID int
}

func (c *card) add(l string) { c.lines = append(c.lines, l) }

func (c *card) group() string {
	for {
		c.nextID++
		g := "item" + strconv.Itoa(c.nextID)
		if !c.used[strings.ToLower(g)] {
			return g
		}
	}
}

// method writes EMAIL, TEL, ADR, URL or IMPP with its label and preference.
func (c *card) method(name, value, label string, pref bool, known map[string]string) {
	types, ok := typesFor(label, known)
	prefix := ""
	if !ok {
		prefix = c.group() + "."
	}
	params := ""
	if c.v == V3 && pref {
		types = append(types, "pref")
	}
	if len(types) > 0 {
		params += ";TYPE=" + strings.Join(types, ",")
	}
	if c.v == V4 && pref {
		params += ";PREF=1"
	}
	c.add(prefix + name + params + ":" + value)
	if !ok {
		c.add(prefix + "X-ABLabel:" + escText(label))
	}
}

func cardLines(e *Entry, v string) []string {
	ct := e.Contact
	c := &card{v: v, used: map[string]bool{}}
	var extras []string
	if ct.ExtraVCard != "" {
		extras = strings.Split(strings.ReplaceAll(ct.ExtraVCard, "\r\n", "\n"), "\n")
	}
	var nLine, orgLine string
	rest := extras[:0:0]
	for _, l := range extras {
		if strings.TrimSpace(l) == "" {
			continue
		}
		p, ok := parseLine([]byte(l), 0)
		if !ok {
			continue
		}
		if p.Group != "" {
			c.used[strings.ToLower(p.Group)] = true
		}
		// A kept N or ORG line carries the parts Rapport does not model
		// (middle names, departments); it stands in for the written one while
		// the parts Rapport does model still agree with it.
		switch {
		case p.Name == "N" && p.Group == "":
			parts := splitEscaped(p.Value, ';')
			if nLine == "" && strings.TrimSpace(part(parts, 0)) == ct.Family && strings.TrimSpace(part(parts, 1)) == ct.Given {
				nLine = l
				continue
			}
			if !p.HasParam("ALTID") {
				continue // stale: the contact's name changed since
			}
		case p.Name == "ORG" && p.Group == "":
			if orgLine == "" && strings.TrimSpace(part(splitEscaped(p.Value, ';'), 0)) == ct.Organization {
				orgLine = l
				continue
			}
			if !p.HasParam("ALTID") {
				continue
			}
		}
		rest = append(rest, l)
	}
	c.add("BEGIN:VCARD")
	c.add("VERSION:" + v)
	c.add("PRODID:" + prodID)
	c.add("UID:" + escText(e.UID))
	c.add("FN:" + escText(ct.DisplayName))
	if nLine == "" && (ct.Family != "" || ct.Given != "" || v == V3) {
		nLine = "N:" + escText(ct.Family) + ";" + escText(ct.Given) + ";;;"
	}
	if nLine != "" {
		c.add(nLine)
	}
	if ct.Nickname != "" {
		nicks := strings.Split(ct.Nickname, ", ")
		for i := range nicks {
			nicks[i] = escText(nicks[i])
		}
		c.add("NICKNAME:" + strings.Join(nicks, ","))
	}
	if orgLine == "" && ct.Organization != "" {
		orgLine = "ORG:" + escText(ct.Organization)
	}
	if orgLine != "" {
		c.add(orgLine)
	}
	if ct.Title != "" {
		c.add("TITLE:" + escText(ct.Title))
	}
	if !ct.Birthday.IsZero() {
		params := ""
		for _, d := range e.Dates {
			if d.Kind == "birthday" && d.LeadDays != data.DefaultLeadDays {
				params = ";X-RAPPORT-LEAD=" + strconv.Itoa(d.LeadDays)
			}
		}
		c.add(formatDate("BDAY", ct.Birthday, v, params))
	}
	anniversary := false
	for _, d := range e.Dates {
		if d.Kind == "birthday" || d.Date.IsZero() {
			continue
		}
		params := ""
		if d.LeadDays != data.DefaultLeadDays {
			params += ";X-RAPPORT-LEAD=" + strconv.Itoa(d.LeadDays)
		}
		if !d.Yearly {
			params += ";X-RAPPORT-ONCE=true"
		}
		if d.Kind == "anniversary" && d.Label == "" && v == V4 && !anniversary {
			anniversary = true
			c.add(formatDate("ANNIVERSARY", d.Date, v, params))
			continue
		}
		label := d.Label
		switch {
		case d.Kind == "anniversary" && label == "":
			label = "_$!<Anniversary>!$_"
		case d.Kind == "anniversary":
			params += ";X-RAPPORT-KIND=anniversary"
		case strings.EqualFold(label, "anniversary"):
			params += ";X-RAPPORT-KIND=custom"
		}
		if label == "" {
			c.add(formatDate("X-ABDATE", d.Date, v, params))
			continue
		}
		g := c.group()
		c.add(formatDate(g+".X-ABDATE", d.Date, v, params))
		c.add(g + ".X-ABLabel:" + escText(label))
	}
	for _, m := range ct.Emails {
		c.method("EMAIL", escText(m.Address), m.Label, m.Preferred, emailTypes)
	}
	for _, m := range ct.Phones {
		c.method("TEL", escText(m.Number), m.Label, m.Preferred, telTypes)
	}
	for _, a := range ct.Addresses {
		val := ";;" + escText(a.Street) + ";" + escText(a.Locality) + ";" + escText(a.Region) + ";" +
			escText(a.PostalCode) + ";" + escText(a.Country)
		c.method("ADR", val, a.Label, a.Preferred, adrTypes)
	}
	for _, u := range ct.URLs {
		if isMessaging(u.URL) {
			c.method("IMPP", escText(u.URL), u.Label, false, imppTypes)
		} else {
			c.method("URL", escText(u.URL), u.Label, false, urlTypes)
		}
	}
	if len(ct.Tags) > 0 {
		tags := make([]string, len(ct.Tags))
		for i, t := range ct.Tags {
			tags[i] = escText(t)
		}
		c.add("CATEGORIES:" + strings.Join(tags, ","))
	}
	if ct.Notes != "" {
		c.add("NOTE:" + escText(ct.Notes))
	}
	switch {
	case len(ct.Photo) > 0 && v == V4:
		c.add("PHOTO:data:" + photoType(ct.Photo) + ";base64," + base64.StdEncoding.EncodeToString(ct.Photo))
	case len(ct.Photo) > 0:
		t := strings.ToUpper(strings.TrimPrefix(photoType(ct.Photo), "image/"))
		c.add("PHOTO;ENCODING=b;TYPE=" + t + ":" + base64.StdEncoding.EncodeToString(ct.Photo))
	case ct.PhotoURL != "" && v == V4:
		c.add("PHOTO:" + ct.PhotoURL)
	case ct.PhotoURL != "":
		c.add("PHOTO;VALUE=uri:" + ct.PhotoURL)
	}
	prefs := append([]data.Preference(nil), e.Preferences...)
	sort.SliceStable(prefs, func(i, j int) bool {
		if prefs[i].Category != prefs[j].Category {
			return prefs[i].Category < prefs[j].Category
		}
		return strings.ToLower(prefs[i].Subject) < strings.ToLower(prefs[j].Subject)
	})
	for _, p := range prefs {
		l := "X-RAPPORT-PREF;CATEGORY=" + paramValue(p.Category)
		if p.Subject != "" {
			l += ";SUBJECT=" + paramValue(p.Subject)
		}
		if !p.Confirmed.IsZero() {
			l += ";CONFIRMED=" + p.Confirmed.String()
		}
		c.add(l + ":" + escText(p.Value))
	}
	for _, cs := range e.Consents {
		l := "X-RAPPORT-CONSENT;CHANNEL=" + paramValue(cs.Channel)
		if cs.MaxPerMonth > 0 {
			l += ";MAX-PER-MONTH=" + strconv.Itoa(cs.MaxPerMonth)
		}
		if cs.Topics != "" {
			l += ";TOPICS=" + paramValue(cs.Topics)
		}
		c.add(l + ":" + cs.Status)
	}
	c.lines = append(c.lines, rest...)
	c.add("END:VCARD")
	return c.lines
}

// Export writes the entries as one file.
func Export(w io.Writer, entries []Entry, version string) error {
	enc := NewEncoder(w)
	enc.Version = version
	for i := range entries {
		if err := enc.Encode(&entries[i]); err != nil {
			return err
		}
	}
	return nil
}

// FileName is the name of a contact's file in a vdir folder (one card per
// file, as address-book sync tools keep them).
func FileName(e *Entry) string {
	return e.Contact.ID + ".vcf"
}
