package vcf

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

func openStore(tb testing.TB) *data.Store {
	tb.Helper()
	s, err := data.Open(context.Background(), filepath.Join(tb.TempDir(), "rapport.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return s
}

func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func decodeFixture(t *testing.T, name string) ([]data.ImportCard, []Warning) {
	t.Helper()
	cards, warnings, err := Decode(fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return cards, warnings
}

func emails(c data.Contact) []string {
	var out []string
	for _, e := range c.Emails {
		s := e.Address
		if e.Label != "" {
			s += " (" + e.Label + ")"
		}
		if e.Preferred {
			s += " pref"
		}
		out = append(out, s)
	}
	return out
}

func phones(c data.Contact) []string {
	var out []string
	for _, p := range c.Phones {
		s := p.Number
		if p.Label != "" {
			s += " (" + p.Label + ")"
		}
		if p.Preferred {
			s += " pref"
		}
		out = append(out, s)
	}
	return out
}

func hasWarning(ws []Warning, field, part string) bool {
	for _, w := range ws {
		if w.Field == field && strings.Contains(w.Message, part) {
			return true
		}
	}
	return false
}

// TestDecodeQuirks pins each client quirk with a fixture of its own.
func TestDecodeQuirks(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, cards []data.ImportCard, ws []Warning)
	}{
		{"android21_qp.vcf", func(t *testing.T, cards []data.ImportCard, ws []Warning) {
			c := cards[0].Contact
			if c.DisplayName != "Jörg Müller-Weiß" {
				t.Errorf("FN across a soft line break = %q", c.DisplayName)
			}
			if c.Family != "Müller;Weiß" || c.Given != "Jörg" {
				t.Errorf("N with an escaped semicolon = %q / %q", c.Family, c.Given)
			}
			want := []string{"555 0100 (home)", "+49 176 1234567 (mobile) pref", "+49 30 1234567 (foo)"}
			if got := phones(c); !reflect.DeepEqual(got, want) {
				t.Errorf("bare 2.1 TEL types = %q, want %q", got, want)
			}
			if got := emails(c); !reflect.DeepEqual(got, []string{"joerg@example.com pref", "j.mueller@work.example (work)"}) {
				t.Errorf("emails = %q", got)
			}
			if c.Notes != "Erste Zeile\nZweite Zeile mit einem sehr langen Text, der umbrochen wurde" {
				t.Errorf("QP note = %q", c.Notes)
			}
			if c.Birthday != (data.Date{Year: 1980, Month: 1, Day: 1}) {
				t.Errorf("basic-format BDAY = %v", c.Birthday)
			}
			if !strings.Contains(c.ExtraVCard, "X-CLASS:PUBLIC") || !strings.Contains(c.ExtraVCard, "X-NO:") {
				t.Errorf("unmodelled properties not kept: %q", c.ExtraVCard)
			}
			if !hasWarning(ws, "TEL", `"foo" kept as label`) {
				t.Errorf("no warning for the custom TEL type: %v", ws)
			}
		}},
		{"windows1252.vcf", func(t *testing.T, cards []data.ImportCard, ws []Warning) {
			c := cards[0].Contact
			if c.DisplayName != "Renée Dupré" || c.Organization != "Café du Nord" || c.Notes != "Préfère le café € 5" {
				t.Errorf("undeclared Windows-1252 = %q, %q, %q", c.DisplayName, c.Organization, c.Notes)
			}
			if !hasWarning(ws, "NOTE", "NOTE decoded from Windows-1252") {
				t.Errorf("no warning for the guessed charset: %v", ws)
			}
		}},
		{"shift_jis.vcf", func(t *testing.T, cards []data.ImportCard, _ []Warning) {
			c := cards[0].Contact
			if c.DisplayName != "安藤 ロイド" || c.Family != "安藤" || c.Given != "ロイド" || c.Notes != "メモ" {
				t.Errorf("Shift_JIS = %q %q %q %q", c.DisplayName, c.Family, c.Given, c.Notes)
			}
		}},
		{"apple30.vcf", func(t *testing.T, cards []data.ImportCard, _ []Warning) {
			card := cards[0]
			c := card.Contact
			if c.DisplayName != "Anna Keller" {
				t.Errorf("FN after a byte-order mark = %q", c.DisplayName)
			}
			if c.Organization != "Keller, Kunz & Co." {
				t.Errorf("ORG with an escaped comma = %q", c.Organization)
			}
			if got := emails(c); !reflect.DeepEqual(got, []string{"anna@example.com (home) pref"}) {
				t.Errorf("grouped EMAIL with X-ABLabel = %q", got)
			}
			if got := phones(c); !reflect.DeepEqual(got, []string{"+41 44 123 45 67 (Atelier)", "+41 79 123 45 67 (mobile)"}) {
				t.Errorf("phones = %q", got)
			}
			if c.Birthday != (data.Date{Month: 4, Day: 12}) {
				t.Errorf("X-APPLE-OMIT-YEAR birthday = %v", c.Birthday)
			}
			wantDates := []data.ImportantDate{
				{Kind: "anniversary", Date: data.Date{Year: 2010, Month: 6, Day: 19}, Yearly: true, LeadDays: data.DefaultLeadDays},
				{Kind: "custom", Label: "Son's graduation", Date: data.Date{Year: 2019, Month: 9, Day: 1}, Yearly: true, LeadDays: data.DefaultLeadDays},
			}
			if !reflect.DeepEqual(card.Dates, wantDates) {
				t.Errorf("X-ABDATE dates = %+v", card.Dates)
			}
			if !reflect.DeepEqual(c.Tags, []string{"VIP", "Linen, natural"}) {
				t.Errorf("CATEGORIES with an escaped comma = %q", c.Tags)
			}
			if c.Notes != "Prefers mornings\nSize 38" {
				t.Errorf("NOTE with \\n = %q", c.Notes)
			}
			if c.PhotoURL != "https://example.com/anna.jpg" || c.Photo != nil {
				t.Errorf("URL photo = %q (%d bytes)", c.PhotoURL, len(c.Photo))
			}
			if card.UID != "4C2B1A9E-1111-2222-3333-444455556666" {
				t.Errorf("UID = %q", card.UID)
			}
			for _, keep := range []string{"item6.X-ABRELATEDNAMES:Jonas", "item6.X-ABLabel:_$!<Child>!$_", "X-SOCIALPROFILE;type=twitter:https://twitter.com/anna", "ORG:Keller\\, Kunz & Co.;Einkauf"} {
				if !strings.Contains(c.ExtraVCard, keep) {
					t.Errorf("ExtraVCard lacks %q: %q", keep, c.ExtraVCard)
				}
			}
			if strings.Contains(c.ExtraVCard, "PRODID") {
				t.Errorf("PRODID kept: %q", c.ExtraVCard)
			}
		}},
		{"google30.vcf", func(t *testing.T, cards []data.ImportCard, ws []Warning) {
			if len(cards) != 3 {
				t.Fatalf("%d cards, want 3", len(cards))
			}
			if b := cards[0].Contact.Birthday; b != (data.Date{Month: 4, Day: 12}) {
				t.Errorf("--04-12 = %v", b)
			}
			if n := cards[0].Contact.Notes; n != "A note that is long enough to be folded by Google's exporter, which folds at seventy-five octets." {
				t.Errorf("folded NOTE = %q", n)
			}
			if b := cards[1].Contact.Birthday; b != (data.Date{Year: 1985, Month: 4, Day: 12}) {
				t.Errorf("date-time with offset = %v, want the day as written", b)
			}
			if d := cards[1].Dates; len(d) != 1 || d[0].Kind != "anniversary" || d[0].Date != (data.Date{Year: 2012, Month: 5, Day: 5}) {
				t.Errorf("X-ANNIVERSARY = %+v", d)
			}
			if b := cards[2].Contact.Birthday; b != (data.Date{Month: 2, Day: 29}) {
				t.Errorf("--0229 = %v", b)
			}
			if !hasWarning(ws, "END", "no END:VCARD") {
				t.Errorf("no warning for the missing END: %v", ws)
			}
		}},
		{"v40.vcf", func(t *testing.T, cards []data.ImportCard, _ []Warning) {
			card := cards[0]
			c := card.Contact
			if got := emails(c); !reflect.DeepEqual(got, []string{"elodie@work.example (work)", "elodie@example.fr (home) pref"}) {
				t.Errorf("PREF=1 emails = %q", got)
			}
			if got := phones(c); !reflect.DeepEqual(got, []string{"+33-6-12-34-56-78 (mobile) pref", "+33-1-23-45-67-89 ext. 12 (work)"}) {
				t.Errorf("tel: URIs = %q", got)
			}
			if len(c.URLs) != 2 || c.URLs[0].URL != "xmpp:elodie@example.fr" || c.URLs[1].Label != "work" {
				t.Errorf("IMPP and URL = %+v", c.URLs)
			}
			if len(card.Dates) != 1 || card.Dates[0].Date != (data.Date{Year: 2015, Month: 6, Day: 20}) {
				t.Errorf("ANNIVERSARY beside the same X-EVOLUTION-ANNIVERSARY = %+v", card.Dates)
			}
			if !bytes.HasPrefix(c.Photo, []byte("\x89PNG")) {
				t.Errorf("data: URI photo = %q", c.Photo)
			}
			if !strings.Contains(c.ExtraVCard, "KIND:individual") || !strings.Contains(c.ExtraVCard, "GENDER:F") {
				t.Errorf("ExtraVCard = %q", c.ExtraVCard)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(strings.TrimSuffix(tc.file, ".vcf"), func(t *testing.T) {
			cards, ws := decodeFixture(t, tc.file)
			if len(cards) == 0 {
				t.Fatal("no cards")
			}
			tc.check(t, cards, ws)
		})
	}
}

func TestParseLines(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // NAME=value of the first card's properties
	}{
		{"CRLF", "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", []string{"FN=A"}},
		{"CR CR LF", "BEGIN:VCARD\r\r\nFN:A\r\r\n B\r\r\nEND:VCARD\r\r\n", []string{"FN=AB"}},
		{"lone CR", "BEGIN:VCARD\rFN:A\rEND:VCARD", []string{"FN=A"}},
		{"tab fold", "BEGIN:VCARD\nNOTE:a\n\tb\nEND:VCARD", []string{"NOTE=ab"}},
		{"quoted colon in a parameter", "BEGIN:VCARD\nX-A;X-P=\"a:b\":v\nEND:VCARD", []string{"X-A=v"}},
		{"QP soft break then blank line", "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:a=3Db=\n\nEND:VCARD", []string{"NOTE=a=b"}},
		{"base64 lines without indent", "BEGIN:VCARD\nPHOTO;ENCODING=BASE64;TYPE=GIF:R0lG\nODlh\n\nEND:VCARD", []string{"PHOTO=R0lGODlh"}},
		{"empty value", "BEGIN:VCARD\nX-EMPTY:\nEND:VCARD", []string{"X-EMPTY="}},
		{"lower-case names", "begin:vcard\nfn:a\nend:vcard", []string{"FN=a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := parse([]byte(tc.in))
			if len(f.cards) != 1 {
				t.Fatalf("%d cards", len(f.cards))
			}
			var got []string
			for _, p := range f.cards[0].Props {
				got = append(got, p.Name+"="+p.Value)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseVDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not a date
	}{
		{"BDAY:1985-04-12", "1985-04-12"},
		{"BDAY:19850412", "1985-04-12"},
		{"BDAY:--0412", "--04-12"},
		{"BDAY:--04-12", "--04-12"},
		{"BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12", "--04-12"},
		{"BDAY:16040101", "--01-01"},
		{"BDAY:1996-04-15T20:12:43+04:00", "1996-04-15"},
		{"BDAY:1953-10-15T23:10:00Z", "1953-10-15"},
		{"BDAY:19961231T235959-1200", "1996-12-31"},
		{"BDAY:--0229", "--02-29"},
		{"BDAY:0000", ""},
		{"BDAY:1985-02-30", ""},
		{"BDAY;VALUE=text:circa 1800", ""},
		{"BDAY:---12", ""},
	}
	for _, tc := range tests {
		p, ok := parseLine([]byte(tc.in), 1)
		if !ok {
			t.Fatalf("%s: not a line", tc.in)
		}
		d, _, ok := parseVDate(&p)
		got := ""
		if ok {
			got = d.String()
		}
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func importFile(t *testing.T, s *data.Store, name string, b []byte, dry bool) *Report {
	t.Helper()
	r := NewReport(dry)
	if err := (&Importer{Store: s, DryRun: dry}).Import(context.Background(), name, b, r); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return r
}

func counts(r *Report) [4]int { return [4]int{r.Created, r.Updated, r.Unchanged, r.Rejected} }

func TestImportAgainChangesNothing(t *testing.T) {
	s := openStore(t)
	for _, f := range []string{"android21_qp.vcf", "apple30.vcf", "google30.vcf", "v40.vcf", "windows1252.vcf", "shift_jis.vcf"} {
		b := fixture(t, f)
		first := importFile(t, s, f, b, false)
		if first.Created != first.CardsRead {
			t.Errorf("%s first import: %+v", f, counts(first))
		}
		again := importFile(t, s, f, b, false)
		if again.Unchanged != again.CardsRead {
			t.Errorf("%s imported again: %v, want all unchanged; %+v", f, counts(again), again.Cards)
		}
	}
	n, _ := s.CountContacts(context.Background(), "")
	if n != 8 {
		t.Errorf("%d contacts, want 8", n)
	}
}

func TestImportMatchesAndMerges(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	s.Region = "CH"
	anna := &data.Contact{Given: "Anna", Family: "Keller", Notes: "Loves linen", Title: "Owner",
		Emails: []data.Email{{Address: "ANNA@example.com"}}, Tags: []string{"regular"}}
	if err := s.SaveContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	bo := &data.Contact{Given: "Bo", Family: "Berg", Phones: []data.Phone{{Number: "+41 79 555 01 01"}}}
	if err := s.SaveContact(ctx, bo); err != nil {
		t.Fatal(err)
	}
	cem := &data.Contact{Given: "Cem", Family: "Yilmaz", Birthday: data.Date{Year: 1985, Month: 4, Day: 12}}
	if err := s.SaveContact(ctx, cem); err != nil {
		t.Fatal(err)
	}
	in := "BEGIN:VCARD\nVERSION:3.0\nFN:Anna Keller\nN:Keller;Anna;;;\nEMAIL:anna@example.com\nTEL:+41 44 123 45 67\nCATEGORIES:VIP\nNOTE:Size 38\nUID:anna-1\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Bo Berg\nTEL;TYPE=CELL:0041795550101\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Cem Yilmaz\nN:Yilmaz;Cem;;;\nBDAY:--0412\nEND:VCARD\n"
	r := importFile(t, s, "merge.vcf", []byte(in), false)
	if got := counts(r); got != [4]int{0, 2, 1, 0} {
		t.Fatalf("counts = %v; %+v", got, r.Cards)
	}
	if r.Cards[0].MatchedBy != "email" || r.Cards[1].MatchedBy != "phone" || r.Cards[2].MatchedBy != "name and birthday" {
		t.Errorf("matched by %q, %q, %q", r.Cards[0].MatchedBy, r.Cards[1].MatchedBy, r.Cards[2].MatchedBy)
	}
	got, err := s.Contact(ctx, anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Owner" || got.Notes != "Loves linen\n\nSize 38" || len(got.Emails) != 1 || len(got.Phones) != 1 ||
		!reflect.DeepEqual(got.Tags, []string{"regular", "VIP"}) {
		t.Errorf("merged contact: title %q notes %q emails %v phones %v tags %q", got.Title, got.Notes, got.Emails, got.Phones, got.Tags)
	}
	if c, _ := s.Contact(ctx, cem.ID); c.Birthday.Year != 1985 {
		t.Errorf("a year-less BDAY took the year away: %v", c.Birthday)
	}
	// Now matched by UID, though the e-mail changed.
	r = importFile(t, s, "uid.vcf", []byte("BEGIN:VCARD\nVERSION:3.0\nFN:Anna Keller-Roth\nEMAIL:anna@new.example\nUID:anna-1\nEND:VCARD\n"), false)
	if r.Cards[0].MatchedBy != "uid" || r.Cards[0].ContactID != anna.ID || r.Updated != 1 {
		t.Errorf("UID match: %+v", r.Cards[0])
	}
	if c, _ := s.Contact(ctx, anna.ID); c.DisplayName != "Anna Keller-Roth" || len(c.Emails) != 2 {
		t.Errorf("after the UID match: %q %v", c.DisplayName, c.Emails)
	}
}

func TestImportIsOneTransactionPerFile(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	r := importFile(t, s, "broken.vcf", fixture(t, "broken.vcf"), false)
	if got := counts(r); got != [4]int{3, 0, 0, 1} {
		t.Fatalf("counts = %v", got)
	}
	rej := r.Cards[1]
	if rej.Action != "rejected" || rej.Line != 7 || !strings.Contains(rej.Reason, "no name") {
		t.Errorf("rejected card = %+v", rej)
	}
	if !hasWarning(r.Warnings, "", "not a property") || !hasWarning(r.Warnings, "BDAY", "not a date") {
		t.Errorf("warnings = %v", r.Warnings)
	}
	for _, w := range r.Warnings {
		if w.File != "broken.vcf" || w.Line == 0 {
			t.Errorf("warning without its place: %+v", w)
		}
	}
	// A cancelled import leaves the database as it was.
	before, _ := s.CountContacts(ctx, "")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err := (&Importer{Store: s}).Import(cctx, "apple30.vcf", fixture(t, "apple30.vcf"), NewReport(false))
	if err == nil {
		t.Error("a cancelled import did not fail")
	}
	if after, _ := s.CountContacts(ctx, ""); after != before {
		t.Errorf("a failed import wrote %d contacts", after-before)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	dry := importFile(t, s, "google30.vcf", fixture(t, "google30.vcf"), true)
	if !dry.DryRun || dry.Created != 3 {
		t.Errorf("dry run report = %+v", counts(dry))
	}
	if n, _ := s.CountContacts(ctx, ""); n != 0 {
		t.Errorf("dry run wrote %d contacts", n)
	}
	ops, _, err := s.Outbox(ctx, 0, 100)
	if err != nil || len(ops) != 0 {
		t.Errorf("dry run left %d operations (%v)", len(ops), err)
	}
	real := importFile(t, s, "google30.vcf", fixture(t, "google30.vcf"), false)
	if counts(real) != counts(dry) {
		t.Errorf("dry run said %v, the import did %v", counts(dry), counts(real))
	}
}

func TestNotAVCardFile(t *testing.T) {
	s := openStore(t)
	r := NewReport(false)
	err := (&Importer{Store: s}).Import(context.Background(), "cal.vcf", []byte("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"), r)
	if err == nil || !strings.Contains(err.Error(), "iCalendar") || len(r.Errors) != 1 {
		t.Errorf("err = %v, report errors %v", err, r.Errors)
	}
}

func TestVerbatimLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"X-CUSTOM;X-P=1:a\\, b", "X-CUSTOM;X-P=1:a\\, b"},
		{"item2.X-ABRELATEDNAMES:Jonas", "item2.X-ABRELATEDNAMES:Jonas"},
		{"LABEL;HOME;ENCODING=QUOTED-PRINTABLE:Street 1=0D=0ATown", "LABEL;TYPE=HOME:Street 1\\nTown"},
		{"X-NAME;CHARSET=ISO-8859-1:Ren\xe9e", "X-NAME:Renée"},
		{"X-NAME:Ren\xe9e", "X-NAME:Renée"},
		{"AGENT;HOME:x", "AGENT;TYPE=HOME:x"},
	}
	for _, tc := range tests {
		p, ok := parseLine([]byte(tc.in), 1)
		if !ok {
			t.Fatalf("%q: not a property", tc.in)
		}
		if got := verbatim(&p); got != tc.want {
			t.Errorf("verbatim(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestImportKeepsOptOut(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	card := "BEGIN:VCARD\nVERSION:4.0\nFN:Ola\nEMAIL:ola@example.com\nX-RAPPORT-CONSENT;CHANNEL=email:%s\nX-RAPPORT-CONSENT;CHANNEL=sms;MAX-PER-MONTH=1:in\nEND:VCARD\n"
	r := importFile(t, s, "a.vcf", []byte(strings.Replace(card, "%s", "in", 1)), false)
	id := r.Cards[0].ContactID
	if err := s.SetConsent(ctx, id, "email", "out", 0, "asked in the shop"); err != nil {
		t.Fatal(err)
	}
	importFile(t, s, "a.vcf", []byte(strings.Replace(card, "%s", "in", 1)), false)
	cs, err := s.Consents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cs {
		got[c.Channel] = c.Status
	}
	if got["email"] != "out" || got["sms"] != "in" {
		t.Errorf("consent after re-import = %v, want the opt-out kept", got)
	}
}
