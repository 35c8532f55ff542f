package ics

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestICalJSReads: ical.js, the parser Thunderbird uses, reads what Rapport
// writes: the same UIDs and starts, recurring dates on the right days (Feb 29
// on Feb 28 in other years), the VTIMEZONE's offsets, alarms, to-dos due.
func TestICalJSReads(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "..", "testdata", "icaljs", "read.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH (make deps installs it); ical.js reader not run")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "ical.js")); err != nil {
		t.Skip("ical.js not installed (make test runs npm ci in testdata/icaljs); reader not run")
	}
	s := fixture(t)
	file := filepath.Join(t.TempDir(), "rapport.ics")
	if err := os.WriteFile(file, export(t, s, all), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, script, "ical", file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js: %v\n%s", err, stderr.String())
	}
	checkIndependentRead(t, s, "ical.js", out)
}
