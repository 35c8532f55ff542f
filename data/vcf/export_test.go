package vcf

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"rapport/data"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenEntry holds everything Rapport can say about a client.
func goldenEntry() *Entry {
	return &Entry{
		Contact: &data.Contact{
			ID: "01900000-0000-7000-8000-000000000001", DisplayName: "Anna Keller", Given: "Anna", Family: "Keller",
			Nickname: "Annie, Nan", Organization: "Keller; Kunz AG", Title: "Buyer",
			Birthday: data.Date{Month: 3, Day: 13},
			Notes:    "Prefers mornings.\nAsk about her son, who just left for college; he studies in Zürich, which she loves.",
			Emails:   []data.Email{{Address: "anna@example.com", Label: "home", Preferred: true}, {Address: "a.keller@work.example", Label: "work"}},
			Phones: []data.Phone{{Number: "+41 79 123 45 67", Label: "mobile", Preferred: true}, {Number: "+41 44 123 45 67", Label: "work fax"},
				{Number: "+41 44 765 43 21", Label: "Atelier"}},
			Addresses: []data.Address{{Street: "Bahnhofstrasse 1\nc/o Kunz", Locality: "Zürich", Region: "ZH", PostalCode: "8001", Country: "Schweiz", Label: "home"}},
			URLs:      []data.URL{{URL: "https://keller.example", Label: "work"}, {URL: "xmpp:anna@example.com"}},
			Tags:      []string{"linen, natural", "VIP"},
			Photo:     []byte("\x89PNG\r\n\x1a\n not really a picture but bytes all the same, long enough to fold over a line"),
			ExtraVCard: "N:Keller;Anna;Maria;Dr.;\nGENDER:F\nitem9.X-ABRELATEDNAMES:Jonas\nitem9.X-ABLabel:_$!<Child>!$_\n" +
				"X-LONG:ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü ÄÖÜ äöü",
		},
		UID: "4C2B1A9E-1111-2222-3333-444455556666",
		Dates: []data.ImportantDate{
			{Kind: "birthday", Date: data.Date{Month: 3, Day: 13}, Yearly: true, LeadDays: 14},
			{Kind: "anniversary", Date: data.Date{Year: 2010, Month: 6, Day: 19}, Yearly: true, LeadDays: data.DefaultLeadDays},
			{Kind: "anniversary", Label: "shop opening", Date: data.Date{Year: 2015, Month: 9, Day: 1}, Yearly: true, LeadDays: data.DefaultLeadDays},
			{Kind: "custom", Label: "Son's graduation", Date: data.Date{Year: 2026, Month: 7, Day: 3}, Yearly: false, LeadDays: 30},
		},
		Preferences: []data.Preference{
			{Category: "size", Subject: "dress", Value: "38 EU", Confirmed: data.Date{Year: 2026, Month: 2, Day: 1}},
			{Category: "dislike", Subject: "", Value: "polyester; anything shiny"},
		},
		Consents: []data.Consent{{Channel: "email", Status: "in", MaxPerMonth: 2}, {Channel: "sms", Status: "out"}},
	}
}

func TestExportGolden(t *testing.T) {
	for _, v := range []string{V4, V3} {
		t.Run(v, func(t *testing.T) {
			var b bytes.Buffer
			enc := NewEncoder(&b)
			enc.Version = v
			if err := enc.Encode(goldenEntry()); err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, b.Bytes())
			path := filepath.Join("testdata", "export"+strings.ReplaceAll(v, ".", "")+".golden")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("export %s differs from %s (go test -update rewrites it):\n%s", v, path, b.String())
			}
			// What Rapport writes, Rapport reads back the same.
			cards, _, err := Decode(b.Bytes())
			if err != nil || len(cards) != 1 {
				t.Fatalf("decode: %v, %d cards", err, len(cards))
			}
			c := cards[0]
			g := goldenEntry()
			if c.Contact.DisplayName != g.Contact.DisplayName || c.Contact.Organization != g.Contact.Organization ||
				c.Contact.Notes != g.Contact.Notes || c.Contact.Nickname != g.Contact.Nickname || c.UID != g.UID ||
				c.Contact.Birthday != g.Contact.Birthday || len(c.Dates) != 4 || len(c.Preferences) != 2 || len(c.Consents) != 2 ||
				!bytes.Equal(c.Contact.Photo, g.Contact.Photo) || len(c.Contact.Phones) != 3 || c.Contact.Phones[2].Label != "Atelier" {
				t.Errorf("read back: %+v", c)
			}
			for i, d := range c.Dates[1:] {
				w := g.Dates[i+1]
				if d.Kind != w.Kind || d.Label != w.Label || d.Date != w.Date || d.Yearly != w.Yearly || d.LeadDays != w.LeadDays {
					t.Errorf("date %d read back as %+v, want %+v", i, d, w)
				}
			}
		})
	}
}

// checkWellFormed checks the rules every exported file keeps: CRLF, UTF-8,
// no line over 75 octets.
func checkWellFormed(t *testing.T, b []byte) {
	t.Helper()
	if !utf8.Valid(b) {
		t.Error("not UTF-8")
	}
	if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Error("lines do not all end in CRLF")
	}
	for i, l := range strings.Split(string(b), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence", i+1)
		}
	}
}

func TestFoldNeverSplitsUTF8(t *testing.T) {
	for n := 60; n < 90; n++ {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		writeFolded(w, "NOTE:"+strings.Repeat("a", n%4)+strings.Repeat("€ü", n))
		w.Flush()
		checkWellFormed(t, b.Bytes())
		f := parse([]byte("BEGIN:VCARD\r\n" + b.String() + "END:VCARD\r\n"))
		if got := f.cards[0].Props[0].Value; got != strings.Repeat("a", n%4)+strings.Repeat("€ü", n) {
			t.Fatalf("unfolded %q", got)
		}
	}
}

// generate fills a store with n clients with every kind of data, a photo for
// one in ten.
func generate(tb testing.TB, s *data.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	photo := testJPEG(tb, 48)
	given := []string{"Anna", "Bo", "Cem", "Dora", "Élodie", "Fynn", "Grete", "Hana", "Ines", "Jörg"}
	family := []string{"Keller", "Berg", "Yilmaz", "Dahl", "Martin", "Meier", "Søndergaard", "Tanaka", "Öztürk", "Müller-Weiß"}
	for i := 0; i < n; i++ {
		c := &data.Contact{Given: given[i%10], Family: family[(i/10)%10] + " " + strconv.Itoa(i/100),
			Emails: []data.Email{{Address: fmt.Sprintf("client%d@example.com", i), Label: "home", Preferred: i%2 == 0}},
			Phones: []data.Phone{{Number: fmt.Sprintf("+41 79 %03d %02d %02d", i/10000, (i/100)%100, i%100), Label: "mobile"}},
			Tags:   []string{[]string{"VIP", "linen", "regular", "new"}[i%4]},
		}
		if i%3 == 0 {
			c.Organization, c.Title = "Atelier "+strconv.Itoa(i%17), "Buyer"
			c.Addresses = []data.Address{{Street: strconv.Itoa(i%90+1) + " Bahnhofstrasse", Locality: "Zürich", PostalCode: "8001", Country: "CH", Label: "work"}}
		}
		if i%4 == 0 {
			c.Birthday = data.Date{Year: 1950 + i%50, Month: time.Month(1 + (i/3)%12), Day: 1 + i%28}
		} else if i%4 == 1 {
			c.Birthday = data.Date{Month: 2, Day: 29}
		}
		if i%5 == 0 {
			c.Notes = "Prefers mornings; ask about the trip.\nSecond line, with a comma."
			c.URLs = []data.URL{{URL: "https://example.com/" + strconv.Itoa(i), Label: "work"}}
		}
		if i%10 == 0 {
			c.Photo = photo
		}
		if err := s.SaveContact(ctx, c); err != nil {
			tb.Fatal(err)
		}
		if i%7 == 0 {
			if err := s.AddImportantDate(ctx, &data.ImportantDate{ContactID: c.ID, Kind: "anniversary", Date: data.Date{Year: 2000 + i%20, Month: 6, Day: 1 + i%28}, Yearly: true, LeadDays: 14}); err != nil {
				tb.Fatal(err)
			}
		}
		if i%11 == 0 {
			if err := s.SetPreference(ctx, &data.Preference{ContactID: c.ID, Category: "size", Subject: "dress", Value: "38 EU"}); err != nil {
				tb.Fatal(err)
			}
			if err := s.SetConsent(ctx, c.ID, "email", "in", 2, "in shop"); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func testJPEG(tb testing.TB, side int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 5), uint8(y * 5), uint8(x * y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func exportAll(tb testing.TB, s *data.Store, v string) []byte {
	tb.Helper()
	entries, err := Load(context.Background(), s, "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := Export(&b, entries, v); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestRoundTrip: export of a generated database, imported into an empty one
// and exported again, gives the same file.
func TestRoundTrip(t *testing.T) {
	src := openStore(t)
	generate(t, src, 120)
	for _, v := range []string{V4, V3} {
		t.Run(v, func(t *testing.T) {
			first := exportAll(t, src, v)
			checkWellFormed(t, first)
			dst := openStore(t)
			r := importFile(t, dst, "export.vcf", first, false)
			if r.Created != 120 || len(r.Warnings) != 0 {
				t.Fatalf("import of the export: %v, warnings %v", counts(r), r.Warnings[:min(3, len(r.Warnings))])
			}
			second := exportAll(t, dst, v)
			if !bytes.Equal(first, second) {
				t.Errorf("export, import, export differs:\n%s", firstDiff(first, second))
			}
			again := importFile(t, dst, "export.vcf", second, false)
			if again.Unchanged != 120 {
				t.Errorf("importing the export again: %v", counts(again))
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\r\n"), strings.Split(string(b), "\r\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(la), len(lb))
}

func TestPhotoDownscaled(t *testing.T) {
	big := testJPEG(t, 1200)
	if len(big) <= maxPhotoBytes {
		t.Fatalf("test photo only %d bytes", len(big))
	}
	in := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:" + base64.StdEncoding.EncodeToString(big) + "\r\nEND:VCARD\r\n"
	cards, ws, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	p := cards[0].Contact.Photo
	if len(p) == 0 || len(p) > maxPhotoBytes {
		t.Fatalf("photo of %d bytes", len(p))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(p))
	if err != nil || cfg.Width != photoSide || cfg.Height != photoSide {
		t.Errorf("downscaled to %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	if !hasWarning(ws, "PHOTO", "downscaled") {
		t.Errorf("no warning for the downscale: %v", ws)
	}
}

func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.vcf"))
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "vcard", "*.vcf"))
	for _, p := range append(files, corpus...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\nEND:VCARD"))
	f.Add([]byte("BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:x\nEND:VCARD\nEND:VCARD"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cards, _, err := Decode(b)
		if err != nil {
			t.Fatalf("decode failed: %v", err) // a panic was caught
		}
		for i := range cards {
			c := cards[i]
			e := &Entry{Contact: &c.Contact, UID: c.UID, Dates: c.Dates, Preferences: c.Preferences, Consents: c.Consents}
			var out bytes.Buffer
			if err := NewEncoder(&out).Encode(e); err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, out.Bytes())
			again, _, err := Decode(out.Bytes())
			if err != nil || len(again) != 1 {
				t.Fatalf("re-reading an export: %v, %d cards\n%s", err, len(again), out.String())
			}
		}
	})
}

var telLine = regexp.MustCompile(`TEL;TYPE=cell:[^\r]*`)

// generatedCards is n cards as phones write them, with a photo in one of ten.
func generatedCards(tb testing.TB, n int) []byte {
	s := openStore(tb)
	generate(tb, s, min(n, 1000))
	one := exportAll(tb, s, V3)
	cards := strings.SplitAfter(string(one), "END:VCARD\r\n")
	cards = cards[:len(cards)-1]
	var b strings.Builder
	for i := 0; i < n; i++ {
		c := cards[i%len(cards)]
		if i >= len(cards) {
			// Different people, not re-imports: new e-mail, phone and UID.
			k := strconv.Itoa(i)
			c = strings.Replace(c, "@example.com", "."+k+"@example.com", 1)
			c = strings.Replace(c, "UID:urn:uuid:", "UID:urn:uuid:"+k+"-", 1)
			c = telLine.ReplaceAllString(c, fmt.Sprintf("TEL;TYPE=cell:+41 78 %03d %02d %02d", i/10000, (i/100)%100, i%100))
			c = strings.Replace(c, "\r\nN:", "\r\nN:"+k, 1)
		}
		b.WriteString(c)
	}
	return []byte(b.String())
}

func BenchmarkImport10k(b *testing.B)  { benchImport(b, 10000) }
func BenchmarkImport100k(b *testing.B) { benchImport(b, 100000) }
func BenchmarkExport10k(b *testing.B)  { benchExport(b, 10000) }
func BenchmarkExport100k(b *testing.B) { benchExport(b, 100000) }

// benchImport measures a whole import: parse, match, write, index.
func benchImport(b *testing.B, n int) {
	in := generatedCards(b, n)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openStore(b)
		b.StartTimer()
		r := NewReport(false)
		if err := (&Importer{Store: s}).Import(context.Background(), "bench.vcf", in, r); err != nil {
			b.Fatal(err)
		}
		if r.Created != n {
			b.Fatalf("%v", counts(r))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cards/s")
}

func BenchmarkDecode10k(b *testing.B) {
	in := generatedCards(b, 10000)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Decode(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "cards/s")
}

// benchExport measures loading the contacts from the store and writing them.
func benchExport(b *testing.B, n int) {
	s := openStore(b)
	r := NewReport(false)
	if err := (&Importer{Store: s}).Import(context.Background(), "bench.vcf", generatedCards(b, n), r); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		size = len(exportAll(b, s, V4))
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cards/s")
}

// TestLoadAllIsLoadEntry: the bulk loader gives what the one-contact loaders give.
func TestLoadAllIsLoadEntry(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	generate(t, s, 60)
	importFile(t, s, "apple30.vcf", fixture(t, "apple30.vcf"), false)
	for _, tag := range []string{"", "VIP"} {
		all, err := Load(ctx, s, tag, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountContacts(ctx, tag); n != len(all) {
			t.Fatalf("tag %q: %d loaded, %d contacts", tag, len(all), n)
		}
		for _, e := range all {
			one, err := LoadEntry(ctx, s, e.Contact.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i := range one.Consents {
				one.Consents[i].History = nil
			}
			var a, b bytes.Buffer
			Export(&a, []Entry{e}, V4)
			Export(&b, []Entry{one}, V4)
			if a.String() != b.String() {
				t.Errorf("%s: bulk load differs:\n%s", e.Contact.DisplayName, firstDiff(a.Bytes(), b.Bytes()))
			}
		}
	}
}
