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

// icalJS finds node and the pinned ical.js (make test installs both), or
// skips the test saying how to get them.
func icalJS(t *testing.T) (node, script string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "testdata", "icaljs", "read.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH (make deps installs it); ical.js reader not run")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "ical.js")); err != nil {
		t.Skip("ical.js not installed (make test runs npm ci in testdata/icaljs); reader not run")
	}
	return node, script
}

// TestICalJSReads: ical.js, the parser Thunderbird uses, reads what Rapport
// writes with the same names, e-mails, phones and birthdays.
func TestICalJSReads(t *testing.T) {
	node, script := icalJS(t)
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
			if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd := exec.Command(node, script, "vcard", path)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("ical.js: %v\n%s", err, stderr.String())
			}
			var got []readCard
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(entries) {
				t.Fatalf("ical.js read %d cards, want %d", len(got), len(entries))
			}
			for i, e := range entries {
				want := wantCard(e, v)
				// ical.js gives dates back in the basic form (19850412, --0412).
				want.BDay = strings.ReplaceAll(want.BDay, "-", "")
				g := got[i]
				g.BDay = strings.ReplaceAll(g.BDay, "-", "")
				if !reflect.DeepEqual(g, want) {
					t.Errorf("card %d: ical.js read %+v, want %+v", i, g, want)
				}
			}
		})
	}
}
