package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures are the vCard files of package vcf's tests.
var fixtures = filepath.Join("..", "..", "data", "vcf", "testdata")

type importReport struct {
	DryRun    bool `json:"dry_run"`
	Files     int  `json:"files"`
	CardsRead int  `json:"cards_read"`
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Rejected  int  `json:"rejected"`
	Cards     []struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Action string `json:"action"`
		Reason string `json:"reason"`
	} `json:"cards"`
	Warnings []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"warnings"`
	Errors []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (s *shop) importJSON(args ...string) (importReport, result) {
	s.t.Helper()
	r := s.run(append([]string{"import", "--json"}, args...)...)
	var rep importReport
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		s.t.Fatalf("import --json printed %q (stderr %q): %v", r.out, r.err, err)
	}
	return rep, r
}

func TestImport(t *testing.T) {
	tests := []struct {
		name                                 string
		args                                 []string
		code                                 int
		files, read, created, rejected, errs int
	}{
		{"one file", []string{filepath.Join(fixtures, "apple30.vcf")}, 0, 1, 1, 1, 0, 0},
		{"a folder", []string{fixtures}, 0, 7, 12, 11, 1, 0},
		{"dry run", []string{"--dry-run", filepath.Join(fixtures, "google30.vcf")}, 0, 1, 3, 3, 0, 0},
		{"a malformed card among good ones", []string{filepath.Join(fixtures, "broken.vcf")}, 0, 1, 4, 3, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			rep, r := s.importJSON(tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.err)
			}
			if rep.Files != tc.files || rep.CardsRead != tc.read || rep.Created != tc.created || rep.Rejected != tc.rejected || len(rep.Errors) != tc.errs {
				t.Errorf("report %+v", rep)
			}
			if rep.DryRun {
				var list []contactOut
				s.json(&list, "contact", "list")
				if len(list) != 0 {
					t.Errorf("dry run wrote %d contacts", len(list))
				}
			}
		})
	}
}

func TestImportTwiceDuplicatesNothing(t *testing.T) {
	s := newShop(t)
	first, _ := s.importJSON(fixtures)
	again, r := s.importJSON(fixtures)
	if r.code != 0 || again.Unchanged != first.Created || again.Created != 0 {
		t.Errorf("first %+v, again %+v", first, again)
	}
}

func TestImportText(t *testing.T) {
	s := newShop(t)
	out := s.ok("import", filepath.Join(fixtures, "windows1252.vcf"), filepath.Join(fixtures, "broken.vcf"))
	for _, want := range []string{
		"windows1252.vcf:5: NOTE: NOTE decoded from Windows-1252",
		`broken.vcf:7: card "" rejected: the card has no name, organisation, e-mail or phone`,
		"imported: 2 files, 5 cards read: 4 created, 0 updated, 0 unchanged, 1 rejected;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestImportFails(t *testing.T) {
	dir := t.TempDir()
	ics := filepath.Join(dir, "cal.ics")
	os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), 0o644)
	notes := filepath.Join(dir, "notes.vcf")
	os.WriteFile(notes, []byte("just some text\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no file", []string{"import"}, 2, "a file or folder to import is needed"},
		{"missing file", []string{"import", filepath.Join(dir, "nope.vcf")}, 1, "no such file"},
		{"iCalendar without events", []string{"import", ics}, 1, "the calendar holds no events (VEVENT)"},
		{"not a vCard", []string{"import", notes}, 1, "no BEGIN:VCARD found"},
		{"unknown flag", []string{"import", "--nope", notes}, 2, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			r := s.run(tc.args...)
			if r.code != tc.code || !strings.Contains(r.err, tc.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.err, tc.code, tc.err)
			}
		})
	}
}

func TestExportVCard(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.id("contact", "add", "--given", "Bo", "--family", "Berg", "--birthday", "--02-29", "--tag", "linen")
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"all to stdout, 4.0", nil, func(t *testing.T, out string) {
			if strings.Count(out, "BEGIN:VCARD\r\n") != 2 || !strings.Contains(out, "VERSION:4.0\r\n") ||
				!strings.Contains(out, "BDAY:--0229\r\n") || !strings.Contains(out, "UID:urn:uuid:"+anna+"\r\n") {
				t.Errorf("export:\n%s", out)
			}
		}},
		{"3.0", []string{"--version", "3.0"}, func(t *testing.T, out string) {
			if !strings.Contains(out, "VERSION:3.0\r\n") || !strings.Contains(out, "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n") {
				t.Errorf("export:\n%s", out)
			}
		}},
		{"by tag", []string{"--tag", "VIP"}, func(t *testing.T, out string) {
			if strings.Count(out, "BEGIN:VCARD") != 1 || !strings.Contains(out, "FN:Anna Keller") {
				t.Errorf("export:\n%s", out)
			}
		}},
		{"by id prefix", []string{anna}, func(t *testing.T, out string) {
			if strings.Count(out, "BEGIN:VCARD") != 1 || !strings.Contains(out, "EMAIL:anna@example.com") {
				t.Errorf("export:\n%s", out)
			}
		}},
		{"to a file", []string{"-o", filepath.Join(dir, "all.vcf")}, func(t *testing.T, out string) {
			b, err := os.ReadFile(filepath.Join(dir, "all.vcf"))
			if err != nil || strings.Count(string(b), "BEGIN:VCARD") != 2 || out != "" {
				t.Errorf("file %q (%v), stdout %q", b, err, out)
			}
		}},
		{"one file per contact", []string{"--dir", filepath.Join(dir, "vdir")}, func(t *testing.T, _ string) {
			b, err := os.ReadFile(filepath.Join(dir, "vdir", anna+".vcf"))
			if err != nil || strings.Count(string(b), "BEGIN:VCARD") != 1 {
				t.Errorf("vdir file %q (%v)", b, err)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "vdir", "*.vcf")); len(m) != 2 {
				t.Errorf("vdir holds %v", m)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, s.ok(append([]string{"export", "vcard"}, tc.args...)...))
		})
	}
	for _, bad := range [][]string{{"--version", "2.1"}, {"-o", "a", "--dir", "b"}} {
		if r := s.run(append([]string{"export", "vcard"}, bad...)...); r.code != 2 {
			t.Errorf("export vcard %q: exit %d, want 2", bad, r.code)
		}
	}
}

// TestExportImportRoundTrip: what export writes, import reads back unchanged.
func TestExportImportRoundTrip(t *testing.T) {
	s := newShop(t)
	s.anna()
	s.ok("import", fixtures)
	file := filepath.Join(t.TempDir(), "all.vcf")
	s.ok("export", "vcard", "-o", file)
	a, _ := os.ReadFile(file)
	n := strings.Count(string(a), "BEGIN:VCARD")
	again, _ := s.importJSON(file)
	if again.Unchanged != n || again.CardsRead != n {
		t.Errorf("re-import of the export of %d contacts: %+v", n, again)
	}
	other := newShop(t)
	first, _ := other.importJSON(file)
	if first.Created != n {
		t.Errorf("import into an empty book: %+v", first)
	}
	file2 := filepath.Join(t.TempDir(), "again.vcf")
	other.ok("export", "vcard", "-o", file2)
	b, _ := os.ReadFile(file2)
	if string(a) != string(b) {
		t.Errorf("export, import, export differs")
	}
}
