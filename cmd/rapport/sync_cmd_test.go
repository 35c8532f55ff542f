package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rapport/data"
	"rapport/sync/fileshare"
)

// rapportProcess runs the rapport command line as a real process (this test
// binary as main) on db and returns its standard output.
func rapportProcess(t *testing.T, db string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("rapport %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// stateOf is the whole synced state of a database, stamps included.
func stateOf(t *testing.T, db string) string {
	t.Helper()
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []string
	if err := s.StateOps(context.Background(), "", func(op data.Op) error {
		b, err := json.Marshal(op)
		lines = append(lines, string(b))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Three shop computers, each with its own database, edit the same clients
// offline and sync through one folder in turns, as real processes; they end
// with identical data.
func TestSyncThreeDatabasesConverge(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "share")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	a, b, c := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db"), filepath.Join(dir, "c.db")
	anna := strings.TrimSpace(rapportProcess(t, a, "contact", "add", "--given", "Anna", "--family", "Keller", "--tag", "VIP"))
	if out := rapportProcess(t, a, "sync", "--folder", folder, "--name", "till"); !strings.Contains(out, "made a new share") || !strings.Contains(out, "published") {
		t.Fatalf("first sync: %q", out)
	}
	if out := rapportProcess(t, b, "sync", "join", "--folder", folder, "--name", "office"); !strings.Contains(out, "merged snapshot") && !strings.Contains(out, "applied") {
		t.Fatalf("join: %q", out)
	}
	rapportProcess(t, c, "contact", "add", "--given", "Ben", "--family", "Ortiz", "--tag", "vip")
	rapportProcess(t, c, "sync", "--folder", folder, "--name", "backroom")

	// Offline edits of one client on all three, then syncs in turns.
	rapportProcess(t, a, "contact", "edit", anna, "--nickname", "Annie")
	rapportProcess(t, b, "contact", "edit", anna, "--org", "Keller AG")
	rapportProcess(t, c, "sync") // the folder is remembered
	rapportProcess(t, c, "contact", "edit", anna, "--title", "Dr")
	for range 2 {
		for _, db := range []string{a, b, c} {
			rapportProcess(t, db, "sync")
		}
	}
	want := stateOf(t, a)
	for _, db := range []string{b, c} {
		if got := stateOf(t, db); got != want {
			t.Fatalf("%s differs from a.db", filepath.Base(db))
		}
	}
	var shown struct {
		Nickname     string   `json:"nickname"`
		Organization string   `json:"organization"`
		Title        string   `json:"title"`
		Tags         []string `json:"tags"`
	}
	if err := json.Unmarshal([]byte(rapportProcess(t, c, "contact", "show", anna, "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Nickname != "Annie" || shown.Organization != "Keller AG" || shown.Title != "Dr" {
		t.Fatalf("merged client: %+v", shown)
	}
	status := rapportProcess(t, a, "sync", "status")
	for _, want := range []string{"this computer: till", "office", "backroom", "waiting to publish: 0"} {
		if !strings.Contains(status, want) {
			t.Errorf("status lacks %q:\n%s", want, status)
		}
	}
	var st struct {
		Device    string `json:"device"`
		Computers []struct {
			Name    string `json:"name"`
			Pending int64  `json:"pending"`
		} `json:"computers"`
	}
	if err := json.Unmarshal([]byte(rapportProcess(t, a, "sync", "status", "--json")), &st); err != nil || len(st.Computers) != 2 || len(st.Device) != 32 {
		t.Fatalf("status --json: %v %+v", err, st)
	}
}

func TestSyncNeedsAFolder(t *testing.T) {
	s := newShop(t)
	if r := s.run("sync"); r.code != 2 || !strings.Contains(r.err, "--folder") {
		t.Fatalf("sync with no folder: %+v", r)
	}
	if r := s.run("sync", "--folder", filepath.Join(t.TempDir(), "missing")); r.code != 1 || !strings.Contains(r.err, "not reachable") {
		t.Fatalf("missing folder: %+v", r)
	}
	if r := s.run("sync", "join", "--folder", t.TempDir()); r.code != 1 || !strings.Contains(r.err, "share offline") {
		t.Fatalf("join of an empty folder: %+v", r)
	}
	if out := s.ok("sync", "status"); !strings.Contains(out, "not set up") {
		t.Fatalf("status: %q", out)
	}
}

// The open app syncs by itself through the folder saved by rapport sync.
func TestAppSyncsInBackground(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "share")
	os.Mkdir(folder, 0o700)
	a, b := newShop(t), newShop(t)
	a.ok("contact", "add", "--given", "Uma", "--family", "Vogel")
	a.ok("sync", "--folder", folder)
	b.ok("sync", "join", "--folder", folder)
	id := strings.TrimSpace(b.ok("contact", "add", "--given", "Wim", "--family", "Xu"))

	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, dbPath: b.db, ctx: context.Background()}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	stop := c.startMaintenance()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := fileshare.ReadStatus(context.Background(), c.store, time.Now())
		if err == nil && st.Unpublished == 0 && st.Published > 0 {
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("the app did not publish: %+v %v %s", st, err, errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	c.store.Close()
	a.ok("sync")
	if out := a.ok("contact", "show", id); !strings.Contains(out, "Wim") {
		t.Fatalf("a did not get b's client: %q", out)
	}
}

// An encrypted share through the command line: the passphrase comes from a
// file, is remembered, and a wrong one applies nothing and says so.
func TestSyncWithPassphrase(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "share")
	os.Mkdir(folder, 0o700)
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	os.WriteFile(good, []byte("shop secret\n"), 0o600)
	os.WriteFile(bad, []byte("not it\n"), 0o600)
	a, b, c := newShop(t), newShop(t), newShop(t)
	a.ok("contact", "add", "--given", "Ada", "--family", "Sealed")
	a.ok("sync", "--folder", folder, "--passphrase-file", good)
	a.ok("sync") // remembered
	r := b.run("sync", "join", "--folder", folder, "--passphrase-file", bad)
	if r.code != 1 || !strings.Contains(r.err, "wrong passphrase") || !strings.Contains(r.err, "nothing was changed") {
		t.Fatalf("wrong passphrase: %+v", r)
	}
	if _, err := os.Stat(b.db + ".joining"); err == nil {
		t.Fatal("a failed join left its temporary database")
	}
	if out := b.ok("contact", "list"); strings.Contains(out, "Ada") {
		t.Fatalf("a wrong passphrase applied: %q", out)
	}
	if r := c.run("sync", "join", "--folder", folder); r.code != 1 || !strings.Contains(r.err, "passphrase is needed") {
		t.Fatalf("no passphrase: %+v", r)
	}
	b.ok("sync", "join", "--folder", folder, "--passphrase-file", good)
	if out := b.ok("contact", "list"); !strings.Contains(out, "Ada") {
		t.Fatalf("b did not get the book: %q", out)
	}
}
