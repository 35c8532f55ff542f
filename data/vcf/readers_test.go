package vcf

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// vobjectScript prints, for each card of the file, what Python's vobject
// (Debian python3-vobject) reads: FN, e-mails, phones and BDAY.
const vobjectScript = `
import json, sys, vobject
out = []
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for card in vobject.readComponents(f.read()):
        c = card.contents
        out.append({
            "fn": card.fn.value,
            "emails": [e.value for e in c.get("email", [])],
            "tels": [t.value for t in c.get("tel", [])],
            "bday": c["bday"][0].value if "bday" in c else "",
        })
json.dump(out, sys.stdout)
`

// findVobject finds a python3 on PATH that can import vobject (there may be
// several interpreters, and the Debian package serves the system one).
func findVobject(t *testing.T) string {
	t.Helper()
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		py := filepath.Join(dir, "python3")
		if seen[py] {
			continue
		}
		seen[py] = true
		if st, err := os.Stat(py); err != nil || st.IsDir() {
			continue
		}
		if exec.Command(py, "-c", "import vobject").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with vobject on PATH (Debian: apt-get install python3-vobject, which make deps does); independent reader not run")
	return ""
}

type readCard struct {
	FN     string   `json:"fn"`
	Emails []string `json:"emails"`
	Tels   []string `json:"tels"`
	BDay   string   `json:"bday"`
}

// TestIndependentReaders: Python's vobject reads what Rapport writes, with the
// same names, e-mails, phones and birthdays.
func TestIndependentReaders(t *testing.T) {
	py := findVobject(t)
	s := openStore(t)
	generate(t, s, 40)
	entries, err := Load(t.Context(), s, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	entries = append(entries, *goldenEntry())
	for _, v := range []string{V4, V3} {
		t.Run(v, func(t *testing.T) {
			var b bytes.Buffer
			if err := Export(&b, entries, v); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "export.vcf")
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(py, "-c", vobjectScript, path)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("vobject: %v\n%s", err, stderr.String())
			}
			var got []readCard
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(entries) {
				t.Fatalf("vobject read %d cards, want %d", len(got), len(entries))
			}
			for i, e := range entries {
				want := wantCard(e, v)
				g := got[i]
				if g.Emails == nil {
					g.Emails = []string{}
				}
				if g.Tels == nil {
					g.Tels = []string{}
				}
				if !reflect.DeepEqual(g, want) {
					t.Errorf("card %d: vobject read %+v, want %+v", i, g, want)
				}
			}
		})
	}
}

// wantCard is what an independent reader should read from e written as
// vCard version v; BDAY as Rapport writes it.
func wantCard(e Entry, v string) readCard {
	want := readCard{FN: e.Contact.DisplayName, Emails: []string{}, Tels: []string{}}
	for _, m := range e.Contact.Emails {
		want.Emails = append(want.Emails, m.Address)
	}
	for _, p := range e.Contact.Phones {
		want.Tels = append(want.Tels, p.Number)
	}
	if !e.Contact.Birthday.IsZero() {
		line := formatDate("BDAY", e.Contact.Birthday, v, "")
		want.BDay = line[strings.LastIndexByte(line, ':')+1:]
	}
	return want
}
