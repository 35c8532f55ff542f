package vcf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"rapport/data"
)

// decoded is one card in Rapport's model with what the mapping changed or dropped.
type decoded struct {
	card     data.ImportCard
	warnings []Warning
	name     string // how the report names the card
}

// Known TYPE values per property and the label Rapport gives them. Types not
// listed and not ignored are kept as a custom label, with a warning.
var (
	emailLabels = map[string]string{"home": "home", "work": "work", "other": "other", "personal": "home", "business": "work"}
	emailIgnore = set("internet", "x400", "pref", "voice", "aol", "applelink", "attmail", "cis", "eworld", "ibmmail", "mcimail", "powershare", "prodigy", "tlx")
	telLabels   = map[string]string{"cell": "mobile", "mobile": "mobile", "home": "home", "work": "work", "fax": "fax",
		"pager": "pager", "main": "main", "x-main": "main", "other": "other", "iphone": "iphone", "car": "car",
		"isdn": "isdn", "modem": "modem", "video": "video", "text": "text", "textphone": "textphone", "bbs": "bbs", "pcs": "pcs"}
	telIgnore  = set("voice", "pref", "msg", "x-voice")
	adrLabels  = map[string]string{"home": "home", "work": "work", "other": "other"}
	adrIgnore  = set("pref", "dom", "intl", "postal", "parcel")
	urlLabels  = map[string]string{"home": "home", "work": "work", "other": "other"}
	urlIgnore  = set("pref", "internet")
	imppLabels = map[string]string{"home": "home", "work": "work", "personal": "home", "business": "work", "mobile": "mobile", "other": "other"}
	imppIgnore = set("pref", "voice", "video", "text")
)

func set(v ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range v {
		m[s] = true
	}
	return m
}

// anniversaryProps are the ways address books write an anniversary.
var anniversaryProps = set("ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY")

// dropped are properties a vCard writer stamps on its own output; Rapport
// writes its own.
var dropped = set("VERSION", "PRODID")

// decodeCard maps one card. Nothing is lost: a property Rapport does not
// model is kept verbatim in ExtraVCard, and a value it changes is reported.
func decodeCard(cd *Card) decoded {
	d := decoded{}
	c := &d.card.Contact
	warn := func(p *Property, msg string) {
		d.warnings = append(d.warnings, Warning{Line: p.Line, Field: p.Name, Message: msg})
	}
	var extra []string
	keep := func(p *Property) { extra = append(extra, verbatim(p)) }

	// Apple groups: item1.EMAIL with item1.X-ABLabel:_$!<Home>!$_.
	labels := map[string]string{}
	labelUsed := map[string]bool{}
	groupHas := map[string]bool{}
	for i := range cd.Props {
		p := &cd.Props[i]
		if p.Group == "" {
			continue
		}
		g := strings.ToLower(p.Group)
		if p.Name == "X-ABLABEL" {
			labels[g] = appleLabel(unescape(p.Value))
		} else {
			groupHas[g] = true
		}
	}
	groupLabel := func(p *Property) string {
		if p.Group == "" {
			return ""
		}
		g := strings.ToLower(p.Group)
		if l, ok := labels[g]; ok {
			labelUsed[g] = true
			return l
		}
		return ""
	}
	if cd.Version == "" {
		d.warnings = append(d.warnings, Warning{Line: cd.Line, Field: "VERSION", Message: "card has no VERSION; read as 3.0"})
	} else if v := cd.Version; v != "2.1" && v != "3.0" && v != "4.0" {
		d.warnings = append(d.warnings, Warning{Line: cd.Line, Field: "VERSION", Message: fmt.Sprintf("unknown VERSION %q; read as 3.0", v)})
	}
	if cd.Unterminated {
		d.warnings = append(d.warnings, Warning{Line: cd.Line, Field: "END", Message: "card has no END:VCARD; imported what it has"})
	}
	var notes []string
	var fnSeen, nSeen, orgSeen, bdaySeen, titleSeen, photoSeen bool
	seenDates := map[string]bool{}
	for i := range cd.Props {
		p := &cd.Props[i]
		if p.charsetErr != "" {
			warn(p, fmt.Sprintf("CHARSET %q is not known; read as UTF-8 or Windows-1252", p.charsetErr))
		} else if p.decodedFrom != "" && p.decodedFrom != "UTF-8" && p.Param("CHARSET") == "" {
			warn(p, p.Name+" decoded from "+p.decodedFrom)
		}
		switch p.Name {
		case "X-ABLABEL":
			continue // handled with its group, below
		case "FN":
			if fnSeen {
				keep(p)
				continue
			}
			fnSeen = true
			c.DisplayName = strings.TrimSpace(unescape(p.Value))
		case "N":
			if nSeen {
				keep(p)
				continue
			}
			nSeen = true
			parts := splitEscaped(p.Value, ';')
			c.Family = strings.TrimSpace(part(parts, 0))
			c.Given = strings.TrimSpace(part(parts, 1))
			if len(parts) > 2 && strings.Join(parts[2:], "") != "" {
				keep(p) // middle names, prefix and suffix: export gives the line back
			}
		case "NICKNAME":
			var nicks []string
			for _, n := range splitEscaped(p.Value, ',') {
				if n = strings.TrimSpace(n); n != "" {
					nicks = append(nicks, n)
				}
			}
			if len(nicks) > 0 {
				if c.Nickname != "" {
					c.Nickname += ", "
				}
				c.Nickname += strings.Join(nicks, ", ")
			}
		case "ORG":
			if orgSeen {
				keep(p)
				continue
			}
			orgSeen = true
			parts := splitEscaped(p.Value, ';')
			c.Organization = strings.TrimSpace(part(parts, 0))
			if len(parts) > 1 && strings.TrimSpace(strings.Join(parts[1:], "")) != "" {
				keep(p) // departments: export gives the line back
			}
			if l := groupLabel(p); l != "" {
				warn(p, fmt.Sprintf("label %q of ORG dropped", l))
			}
		case "TITLE":
			if titleSeen {
				keep(p)
				continue
			}
			titleSeen = true
			c.Title = strings.TrimSpace(unescape(p.Value))
		case "BDAY":
			day, msg, ok := parseVDate(p)
			if !ok {
				warn(p, msg+"; kept as it is")
				keep(p)
				continue
			}
			if bdaySeen {
				if day != c.Birthday {
					warn(p, "a second BDAY "+day.String()+" kept as it is")
					keep(p)
				}
				continue
			}
			bdaySeen = true
			if msg != "" {
				warn(p, msg)
			}
			c.Birthday = day
			if n, err := strconv.Atoi(p.Param("X-RAPPORT-LEAD")); err == nil && n >= 0 && n <= 366 {
				d.card.Dates = append(d.card.Dates, data.ImportantDate{Kind: "birthday", Date: day, Yearly: true, LeadDays: n})
			}
		case "X-ABDATE":
			label := groupLabel(p)
			kind := "custom"
			if label == "anniversary" {
				kind, label = "anniversary", ""
			}
			if k := strings.ToLower(p.Param("X-RAPPORT-KIND")); k == "anniversary" || k == "custom" {
				kind = k
			}
			d.addDate(p, kind, label, &extra, seenDates)
		case "EMAIL":
			addr := strings.TrimSpace(unescape(p.Value))
			addr = strings.TrimPrefix(strings.TrimPrefix(addr, "mailto:"), "MAILTO:")
			if i, j := strings.IndexByte(addr, '<'), strings.LastIndexByte(addr, '>'); i >= 0 && j > i {
				addr = strings.TrimSpace(addr[i+1 : j])
			}
			if addr == "" {
				continue
			}
			if !validEmail(addr) {
				warn(p, fmt.Sprintf("%q is not an e-mail address; kept as it is", addr))
				keep(p)
				continue
			}
			label, pref := labelOf(p, groupLabel(p), emailLabels, emailIgnore, warn)
			c.Emails = append(c.Emails, data.Email{Address: addr, Label: label, Preferred: pref})
		case "TEL":
			num := strings.TrimSpace(unescape(p.Value))
			if strings.HasPrefix(strings.ToLower(num), "tel:") {
				num = num[4:]
				if base, ext, ok := strings.Cut(num, ";ext="); ok {
					num = base + " ext. " + ext
				} else if i := strings.IndexByte(num, ';'); i >= 0 {
					num = num[:i]
				}
			}
			if num == "" {
				continue
			}
			if countDigits(num) < 3 {
				warn(p, fmt.Sprintf("%q has too few digits for a phone number; kept as it is", num))
				keep(p)
				continue
			}
			label, pref := labelOf(p, groupLabel(p), telLabels, telIgnore, warn)
			c.Phones = append(c.Phones, data.Phone{Number: num, Label: label, Preferred: pref})
		case "ADR":
			parts := splitEscaped(p.Value, ';')
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			var street []string
			for _, s := range []string{part(parts, 2), part(parts, 1), part(parts, 0)} {
				if s != "" {
					street = append(street, s)
				}
			}
			a := data.Address{Street: strings.Join(street, "\n"), Locality: part(parts, 3), Region: part(parts, 4),
				PostalCode: part(parts, 5), Country: part(parts, 6)}
			if a == (data.Address{}) {
				continue
			}
			if part(parts, 0) != "" || part(parts, 1) != "" {
				warn(p, "post-office box and extended address joined into the street")
			}
			a.Label, a.Preferred = labelOf(p, groupLabel(p), adrLabels, adrIgnore, warn)
			c.Addresses = append(c.Addresses, a)
		case "URL", "IMPP":
			u := strings.TrimSpace(unescape(p.Value))
			if u == "" {
				continue
			}
			known, ignore := urlLabels, urlIgnore
			if p.Name == "IMPP" {
				known, ignore = imppLabels, imppIgnore
				if !isMessaging(u) {
					warn(p, fmt.Sprintf("IMPP %q has no scheme; kept as a web address", u))
				}
			}
			label, _ := labelOf(p, groupLabel(p), known, ignore, warn)
			c.URLs = append(c.URLs, data.URL{URL: u, Label: label})
		case "CATEGORIES":
			for _, t := range splitEscaped(p.Value, ',') {
				if t = strings.TrimSpace(t); t != "" {
					c.Tags = append(c.Tags, t)
				}
			}
		case "NOTE":
			if n := strings.TrimSpace(unescape(p.Value)); n != "" {
				notes = append(notes, n)
			}
		case "PHOTO":
			if photoSeen {
				warn(p, "a second PHOTO kept as it is")
				keep(p)
				continue
			}
			photoSeen = true
			img, url, msg := decodePhoto(p)
			switch {
			case img != nil:
				c.Photo = img
			case url != "":
				c.PhotoURL = url
			default:
				keep(p)
			}
			if msg != "" {
				warn(p, msg)
			}
		case "UID":
			d.card.UID = strings.TrimSpace(unescape(p.Value))
		case "X-RAPPORT-PREF":
			pr := data.Preference{Category: p.Param("CATEGORY"), Subject: p.Param("SUBJECT"), Value: unescape(p.Value)}
			if cf := p.Param("CONFIRMED"); cf != "" {
				pr.Confirmed, _ = data.ParseDate(cf)
			}
			if !validPref(pr) {
				warn(p, "preference without a known CATEGORY or a value; kept as it is")
				keep(p)
				continue
			}
			d.card.Preferences = append(d.card.Preferences, pr)
		case "X-RAPPORT-CONSENT":
			cs := data.Consent{Channel: strings.ToLower(p.Param("CHANNEL")), Status: strings.ToLower(strings.TrimSpace(unescape(p.Value))),
				Topics: p.Param("TOPICS")}
			if m := p.Param("MAX-PER-MONTH"); m != "" {
				cs.MaxPerMonth, _ = strconv.Atoi(m)
			}
			if !oneOf(cs.Channel, data.Channels) || !oneOf(cs.Status, []string{"in", "out", "unknown"}) || cs.MaxPerMonth < 0 {
				warn(p, "consent with an unknown CHANNEL or status; kept as it is")
				keep(p)
				continue
			}
			d.card.Consents = append(d.card.Consents, cs)
		default:
			if anniversaryProps[p.Name] {
				label := groupLabel(p)
				d.addDate(p, "anniversary", label, &extra, seenDates)
				continue
			}
			if dropped[p.Name] {
				continue
			}
			keep(p)
		}
	}
	// A label whose property Rapport keeps verbatim stays with it.
	for i := range cd.Props {
		p := &cd.Props[i]
		if p.Name != "X-ABLABEL" {
			continue
		}
		g := strings.ToLower(p.Group)
		if !labelUsed[g] {
			if !groupHas[g] {
				warn(p, "X-ABLabel without a property in its group kept as it is")
			}
			keep(p)
		}
	}
	c.Notes = strings.Join(notes, "\n")
	c.ExtraVCard = strings.Join(extra, "\n")
	d.name = c.DisplayName
	if d.name == "" {
		d.name = strings.TrimSpace(c.Given + " " + c.Family)
	}
	if d.name == "" && len(c.Emails) > 0 {
		d.name = c.Emails[0].Address
	}
	if !fnSeen && !nSeen && cd.Version != "2.1" {
		d.warnings = append(d.warnings, Warning{Line: cd.Line, Field: "FN", Message: "card has neither FN nor N"})
	}
	return d
}

// addDate reads an anniversary or labelled date.
func (d *decoded) addDate(p *Property, kind, label string, extra *[]string, seen map[string]bool) {
	day, msg, ok := parseVDate(p)
	if !ok {
		d.warnings = append(d.warnings, Warning{Line: p.Line, Field: p.Name, Message: msg + "; kept as it is"})
		*extra = append(*extra, verbatim(p))
		return
	}
	if msg != "" {
		d.warnings = append(d.warnings, Warning{Line: p.Line, Field: p.Name, Message: msg})
	}
	key := kind + "\x00" + strings.ToLower(label) + "\x00" + day.String()
	if seen[key] {
		return // the same date written twice (X-ANNIVERSARY beside ANNIVERSARY)
	}
	seen[key] = true
	dt := data.ImportantDate{Kind: kind, Label: label, Date: day, Yearly: true, LeadDays: data.DefaultLeadDays}
	if l := p.Param("X-RAPPORT-LEAD"); l != "" {
		if n, err := strconv.Atoi(l); err == nil && n >= 0 && n <= 366 {
			dt.LeadDays = n
		}
	}
	if strings.EqualFold(p.Param("X-RAPPORT-ONCE"), "true") && day.Year != 0 {
		dt.Yearly = false
	}
	d.card.Dates = append(d.card.Dates, dt)
}

// parseVDate reads every form of date address books write: 1985-04-12,
// 19850412, --0412, --04-12, Apple's omitted year (X-APPLE-OMIT-YEAR=1604 and
// the bare year 1604), and date-times, whose date is kept as written: a date
// never passes through a time zone. msg explains a change; ok is false when
// the value is not a day of the year.
func parseVDate(p *Property) (d data.Date, msg string, ok bool) {
	v := strings.TrimSpace(unescape(p.Value))
	if strings.EqualFold(p.Param("VALUE"), "text") {
		return data.Date{}, fmt.Sprintf("%s %q is text, not a date", p.Name, v), false
	}
	datePart := v
	if i := strings.IndexAny(v, "Tt"); i >= 0 {
		datePart = v[:i]
		msg = fmt.Sprintf("time %q ignored; the date is kept as written", v[i+1:])
	}
	var y, m, day int
	var err error
	switch {
	case strings.HasPrefix(datePart, "--"):
		md := strings.ReplaceAll(datePart[2:], "-", "")
		if len(md) != 4 {
			return data.Date{}, fmt.Sprintf("%s %q is not a day of the year", p.Name, v), false
		}
		m, err = strconv.Atoi(md[:2])
		if err == nil {
			day, err = strconv.Atoi(md[2:])
		}
	default:
		ymd := strings.ReplaceAll(datePart, "-", "")
		if len(ymd) != 8 || strings.Trim(ymd, "0123456789") != "" {
			return data.Date{}, fmt.Sprintf("%s %q is not a date", p.Name, v), false
		}
		y, _ = strconv.Atoi(ymd[:4])
		m, _ = strconv.Atoi(ymd[4:6])
		day, err = strconv.Atoi(ymd[6:])
	}
	if err != nil {
		return data.Date{}, fmt.Sprintf("%s %q is not a date", p.Name, v), false
	}
	if omit := p.Param("X-APPLE-OMIT-YEAR"); omit != "" && omit == strconv.Itoa(y) || y == 1604 {
		y = 0 // Apple and CardBook write an unknown year as 1604
	}
	d = data.Date{Year: y, Month: time.Month(m), Day: day}
	if _, err := data.ParseDate(d.String()); err != nil || m < 1 || m > 12 || day < 1 {
		return data.Date{}, fmt.Sprintf("%s %q is not a day of the year", p.Name, v), false
	}
	return d, msg, true
}

// labelOf turns TYPE values (and an Apple group label, which wins) into
// Rapport's label and preferred flag.
func labelOf(p *Property, group string, known map[string]string, ignore map[string]bool, warn func(*Property, string)) (string, bool) {
	pref := p.Param("PREF") == "1"
	var label, fax []string
	var custom []string
	for _, t := range p.Types() {
		switch {
		case t == "pref":
			pref = true
		case ignore[t]:
		case known[t] == "fax":
			fax = append(fax, "fax")
		case known[t] != "":
			if !oneOf(known[t], label) {
				label = append(label, known[t])
			}
		default:
			custom = append(custom, strings.TrimPrefix(t, "x-"))
		}
	}
	if group != "" {
		return group, pref
	}
	if len(custom) > 0 {
		for _, c := range custom {
			warn(p, fmt.Sprintf("%s type %q kept as label", p.Name, c))
		}
		return strings.Join(custom, " "), pref
	}
	if len(label) > 1 && oneOf("mobile", label) {
		label = []string{"mobile"}
	}
	if len(label) > 1 {
		label = label[:1]
	}
	return strings.Join(append(label, fax...), " "), pref
}

// appleLabel reads _$!<HomePage>!$_ as "homepage"; a custom label stays as typed.
func appleLabel(l string) string {
	l = strings.TrimSpace(l)
	if strings.HasPrefix(l, "_$!<") && strings.HasSuffix(l, ">!$_") {
		l = strings.ToLower(l[4 : len(l)-4])
		if l == "mobile" || l == "cell" {
			return "mobile"
		}
	}
	return l
}

// verbatim is the line to keep for a property Rapport does not model: as read
// when it was UTF-8 text, else rebuilt from the decoded value.
func verbatim(p *Property) string {
	if p.raw != "" {
		return p.raw
	}
	var b strings.Builder
	if p.Group != "" {
		b.WriteString(p.Group + ".")
	}
	b.WriteString(p.Name)
	for _, q := range p.Params {
		if q.Name == "CHARSET" || (q.Name == "ENCODING" && !strings.EqualFold(q.Values[0], "b") && !strings.EqualFold(q.Values[0], "base64")) {
			continue
		}
		b.WriteString(";" + q.Name + "=" + strings.Join(q.Values, ","))
	}
	b.WriteString(":")
	b.WriteString(strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(p.Value))
	return b.String()
}

func part(parts []string, i int) string {
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// validEmail is the store's rule for an e-mail address.
func validEmail(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at >= 1 && at < len(a)-1 && !strings.ContainsAny(a, " \t\r\n<>,;")
}

func validPref(p data.Preference) bool {
	return oneOf(strings.ToLower(strings.TrimSpace(p.Category)), data.PreferenceCategories) && strings.TrimSpace(p.Value) != ""
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// isMessaging reports whether u is a messaging handle (xmpp:, skype:, sip:)
// rather than a web address.
func isMessaging(u string) bool {
	i := strings.IndexByte(u, ':')
	if i < 1 {
		return false
	}
	scheme := strings.ToLower(u[:i])
	for _, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	switch scheme {
	case "http", "https", "ftp", "file":
		return false
	}
	return !strings.HasPrefix(u[i+1:], "//")
}
