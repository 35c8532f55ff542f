package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestBackupListRestore(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	out := s.ok("backup")
	if !strings.Contains(out, "backed up to ") {
		t.Fatalf("backup printed %q", out)
	}
	to := filepath.Join(t.TempDir(), "before-bea.db")
	s.ok("backup", "--to", to)
	if r := s.run("backup", "--to", to); r.code != 1 || !strings.Contains(r.err, "already exists") {
		t.Errorf("backup over an existing file: %+v", r)
	}
	s.id("contact", "add", "--given", "Bea", "--family", "Roth")

	var list []struct {
		Path, Reason string
		Size         int64
	}
	s.json(&list, "backup", "list")
	if len(list) != 1 || list[0].Reason != "manual" || list[0].Size == 0 {
		t.Fatalf("backup list: %+v", list)
	}
	if out := s.ok("backup", "list"); !strings.Contains(out, "manual") {
		t.Errorf("backup list printed %q", out)
	}

	// Without --yes it asks; anything but yes changes nothing.
	var o, e bytes.Buffer
	c := &cli{stdout: &o, stderr: &e, in: strings.NewReader("no\n")}
	if code := c.main([]string{"--db", s.db, "restore", to}); code != 1 || !strings.Contains(e.String(), "cancelled") {
		t.Fatalf("restore answered no: exit %d, %q", code, e.String())
	}
	if n := strings.Count(s.ok("contact", "list"), "\n"); n != 2 {
		t.Fatalf("a cancelled restore changed the book: %d clients", n)
	}
	out = s.ok("restore", to, "--yes")
	if !strings.Contains(out, "restored") || !strings.Contains(out, "the database as it was is in") {
		t.Errorf("restore printed %q", out)
	}
	if list := s.ok("contact", "list"); !strings.Contains(list, "Anna") || strings.Contains(list, "Bea") {
		t.Errorf("after restoring: %q", list)
	}
	s.show(anna)
	s.json(&list, "backup", "list")
	if len(list) != 2 || list[0].Reason != "restore" {
		t.Errorf("backups after a restore: %+v", list)
	}

	bad := filepath.Join(t.TempDir(), "photo.db")
	os.WriteFile(bad, []byte("not a database at all, not even close"), 0o600)
	if r := s.run("restore", bad, "--yes"); r.code != 1 || !strings.Contains(r.err, "not a usable Rapport backup") {
		t.Errorf("restore of a bad file: %+v", r)
	}
}

func TestImportBacksUpFirst(t *testing.T) {
	s := newShop(t)
	s.anna()
	card := filepath.Join(t.TempDir(), "one.vcf")
	os.WriteFile(card, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bea Roth\r\nN:Roth;Bea;;;\r\nEND:VCARD\r\n"), 0o600)
	s.ok("import", card, "--dry-run")
	var list []struct{ Reason string }
	s.json(&list, "backup", "list")
	if len(list) != 0 {
		t.Fatalf("a dry run made a backup: %+v", list)
	}
	s.ok("import", card)
	s.json(&list, "backup", "list")
	if len(list) != 1 || list[0].Reason != "import" {
		t.Fatalf("backups after an import: %+v", list)
	}
}

func TestCheckCommand(t *testing.T) {
	s := newShop(t)
	s.anna()
	if out := s.ok("check"); !strings.Contains(out, "everything is in order") {
		t.Errorf("check printed %q", out)
	}
	var r struct {
		Quick    bool
		Problems []struct{ Area string }
	}
	s.json(&r, "check", "--quick")
	if !r.Quick || len(r.Problems) != 0 {
		t.Errorf("check --quick --json: %+v", r)
	}
	if r := s.run("--db", filepath.Join(t.TempDir(), "none.db"), "check"); r.code != 1 || !strings.Contains(r.err, "no database") {
		t.Errorf("check of no database: %+v", r)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s.ok("check", "--json")), &raw); err != nil || raw["problems"] == nil {
		t.Errorf("check --json: %v %v", raw, err)
	}
}

// TestFilesAreUsersOnly: the database, backups and exports hold clients'
// personal data and are created readable by the user only.
func TestFilesAreUsersOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no file modes")
	}
	s := newShop(t)
	s.anna()
	dir := t.TempDir()
	s.ok("export", "vcard", "-o", filepath.Join(dir, "all.vcf"))
	s.ok("export", "vcard", "--dir", filepath.Join(dir, "cards"))
	s.ok("export", "ical", "-o", filepath.Join(dir, "dates.ics"))
	s.ok("backup", "--to", filepath.Join(dir, "copy.db"))
	s.ok("backup")
	paths := []string{s.db, filepath.Join(dir, "all.vcf"), filepath.Join(dir, "dates.ics"), filepath.Join(dir, "copy.db")}
	cards, _ := filepath.Glob(filepath.Join(dir, "cards", "*.vcf"))
	backups, _ := filepath.Glob(filepath.Join(filepath.Dir(s.db), "backups", "*.db"))
	if len(cards) != 1 || len(backups) != 1 {
		t.Fatalf("cards %v, backups %v", cards, backups)
	}
	for _, p := range append(append(paths, cards...), backups...) {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", filepath.Base(p), st.Mode().Perm(), err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "cards"), filepath.Join(filepath.Dir(s.db), "backups")} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want mode 0700", filepath.Base(p), st.Mode().Perm(), err)
		}
	}
}
