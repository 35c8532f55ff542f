package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// annaWithEverything gives Anna one record of every kind.
func annaWithEverything(s *shop) string {
	s.t.Helper()
	anna := s.anna()
	s.ok("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38 EU")
	s.ok("consent", "set", anna, "--channel", "email", "--status", "in", "--source", "signed form")
	s.ok("log", anna, "--kind", "visit", "--summary", "Tried the linen dress")
	s.ok("log", anna, "--kind", "purchase", "--amount", "120", "--currency", "EUR", "--summary", "Linen dress")
	s.ok("appt", "add", anna, "--start", "2026-03-12 10:00", "--end", "2026-03-12 11:00", "--purpose", "Fitting")
	s.ok("date", "add", anna, "--kind", "anniversary", "--date", "2010-06-05")
	s.ok("task", "add", anna, "--title", "Call about the hem", "--due", "2026-03-20")
	return anna
}

func TestPrivacyExport(t *testing.T) {
	s := newShop(t)
	anna := annaWithEverything(s)
	out := filepath.Join(t.TempDir(), "anna.zip")
	s.ok("privacy", "export", anna[:8], "-o", out)

	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want 0600", st.Mode().Perm())
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(b)
	}
	for _, tc := range []struct{ file, want string }{
		{"contact.vcf", "FN:Anna Keller"},
		{"contact.vcf", "anna@example.com"},
		{"contact.json", `"family": "Keller"`},
		{"timeline.json", "Tried the linen dress"},
		{"timeline.json", `"kind": "purchase"`},
		{"purchases.json", "Linen dress"},
		{"preferences.json", "38 EU"},
		{"consent.json", "signed form"},
		{"dates.json", "anniversary"},
		{"appointments.json", "Fitting"},
		{"tasks.json", "Call about the hem"},
		{"history.json", `"action": "created"`},
		{"README.txt", anna},
	} {
		got, ok := files[tc.file]
		if !ok {
			t.Errorf("no %s in the export; it holds %v", tc.file, mapKeys(files))
			continue
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s lacks %q:\n%s", tc.file, tc.want, got)
		}
	}
	if strings.Contains(files["purchases.json"], "Tried the linen dress") {
		t.Errorf("a visit among the purchases:\n%s", files["purchases.json"])
	}

	if r := s.run("privacy", "export", anna); r.code != 2 {
		t.Errorf("export without -o: %+v", r)
	}
}

func mapKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPrivacyErase(t *testing.T) {
	s := newShop(t)
	anna := annaWithEverything(s)
	bea := s.id("contact", "add", "--given", "Bea", "--family", "Roth")

	// Without --yes it asks; anything but yes changes nothing.
	before := s.state()
	var o, e bytes.Buffer
	c := &cli{stdout: &o, stderr: &e, in: strings.NewReader("no\n")}
	if code := c.main([]string{"--db", s.db, "privacy", "erase", anna}); code != 1 || !strings.Contains(e.String(), "cancelled") {
		t.Fatalf("erase answered no: exit %d, %q", code, e.String())
	}
	if s.state() != before {
		t.Fatal("a cancelled erasure changed the book")
	}

	out := s.ok("privacy", "erase", anna[:13], "--yes")
	if !strings.Contains(out, "erased client "+anna) {
		t.Errorf("erase printed %q", out)
	}
	if list := s.ok("contact", "list"); strings.Contains(list, "Anna") || !strings.Contains(list, "Bea") {
		t.Errorf("list after the erasure: %q", list)
	}
	if r := s.run("contact", "show", anna); r.code != 1 {
		t.Errorf("show of the erased client: %+v", r)
	}
	if found := s.ok("contact", "search", "Keller"); strings.Contains(found, "Anna") {
		t.Errorf("search finds the erased client: %q", found)
	}
	hist := s.ok("history", anna)
	if !strings.Contains(hist, "personal data erased") || strings.Contains(hist, "Keller") {
		t.Errorf("history of the erased client:\n%s", hist)
	}
	if r := s.run("privacy", "erase", anna, "--yes"); r.code != 1 {
		t.Errorf("erasing twice: %+v", r)
	}
	s.show(bea)
}
