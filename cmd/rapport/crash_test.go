//go:build !windows

package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rapport/data"
)

// The crash tests run real rapport processes (this test binary, as main)
// and kill them with SIGKILL at random moments, then check the database the
// way the next start would find it. RAPPORT_CRASH_ITERATIONS sets how many
// kills each test makes (make fuzz runs many).

func crashIterations() int {
	if n, err := strconv.Atoi(os.Getenv("RAPPORT_CRASH_ITERATIONS")); err == nil && n > 0 {
		return n
	}
	return 3
}

func init() {
	testChildren["edits"] = editsChild
}

// editsChild saves clients, edits them and logs visits, one transaction
// each, and prints a line for every change once the store has saved it.
func editsChild() int {
	ctx := context.Background()
	s, err := data.Open(ctx, os.Getenv("RAPPORT_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var ids []string
	for i := 0; ; i++ {
		switch {
		case i%3 == 2 && len(ids) > 0:
			id := ids[i%len(ids)]
			c, err := s.Contact(ctx, id)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			c.Notes = "edit " + strconv.Itoa(i)
			if err := s.SaveContact(ctx, c); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Printf("edited %s %d\n", id, i)
		case i%3 == 1 && len(ids) > 0:
			in := &data.Interaction{ContactID: ids[len(ids)-1], Kind: "visit", At: time.Now(), Summary: "visit " + strconv.Itoa(i)}
			if err := s.LogInteraction(ctx, in); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Printf("logged %s %d\n", in.ID, i)
		default:
			c := &data.Contact{Given: "Client", Family: fmt.Sprintf("N%06d", i), Emails: []data.Email{{Address: fmt.Sprintf("c%d@example.com", i)}}}
			if err := s.SaveContact(ctx, c); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			ids = append(ids, c.ID)
			fmt.Printf("added %s %d\n", c.ID, i)
		}
	}
}

// startRapport starts rapport with args on db; child, when set, runs one
// of testChildren instead of the command line.
func startRapport(t *testing.T, db, child string, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1", "RAPPORT_DB="+db, "RAPPORT_TEST_CHILD="+child)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// checkAfterCrash opens the database as the next start would and checks
// it is intact, with its search index and figures in step with the data.
func checkAfterCrash(t *testing.T, db string) *data.Store {
	t.Helper()
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("opening after the kill: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	r, err := s.Check(context.Background(), false, false)
	if err != nil || !r.OK() || len(r.Problems) != 0 {
		t.Fatalf("after the kill: %v %+v", err, r.Problems)
	}
	return s
}

func TestCrashDuringImport(t *testing.T) {
	const cards = 3000
	var b strings.Builder
	for i := 0; i < cards; i++ {
		fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Client %05d\r\nN:%05d;Client;;;\r\nEMAIL:c%d@example.com\r\nTEL:+41 79 %03d %02d %02d\r\nEND:VCARD\r\n",
			i, i, i, i/10000, (i/100)%100, i%100)
	}
	file := filepath.Join(t.TempDir(), "clients.vcf")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// How long an import takes here, to kill within it.
	start := time.Now()
	full := filepath.Join(t.TempDir(), "full.db")
	cmd, _ := startRapport(t, full, "", "import", file)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	seen := map[int]int{}
	for it := 0; it < crashIterations(); it++ {
		db := filepath.Join(t.TempDir(), "rapport.db")
		// Clients already in the book before the import must stay whatever happens.
		if r := run([]string{"--db", db, "contact", "add", "--given", "Anna", "--family", "Keller"}, new(strings.Builder), new(strings.Builder)); r != 0 {
			t.Fatal("contact add failed")
		}
		cmd, _ := startRapport(t, db, "", "import", file)
		time.Sleep(time.Duration(rng.Int64N(int64(took * 11 / 10))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		s := checkAfterCrash(t, db)
		n, err := s.CountContacts(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 && n != 1+cards {
			t.Fatalf("iteration %d: %d clients after a killed import, want 1 or %d: not all-or-nothing", it, n, 1+cards)
		}
		seen[n]++
	}
	t.Logf("import of %d cards took %v; clients after each kill: %v", cards, took.Round(time.Millisecond), seen)
}

func TestCrashDuringEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	total := 0
	defer func() { t.Logf("%d changes reported saved over %d kills, all found", total, crashIterations()) }()
	for it := 0; it < crashIterations(); it++ {
		db := filepath.Join(t.TempDir(), "rapport.db")
		cmd, lines := startRapport(t, db, "edits")
		reported := make(chan []string)
		go func() {
			var got []string
			for lines.Scan() {
				got = append(got, lines.Text())
			}
			reported <- got
		}()
		time.Sleep(200*time.Millisecond + time.Duration(rng.Int64N(int64(800*time.Millisecond))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got := <-reported
		if len(got) < 3 {
			t.Fatalf("iteration %d: only %d changes before the kill", it, len(got))
		}
		s := checkAfterCrash(t, db)
		ctx := context.Background()
		lastEdit := map[string]int{}
		for _, l := range got {
			f := strings.Fields(l)
			if len(f) != 3 {
				continue // the line being written when the process died
			}
			n, _ := strconv.Atoi(f[2])
			switch f[0] {
			case "added":
				if _, err := s.Contact(ctx, f[1]); err != nil {
					t.Fatalf("iteration %d: client %s reported saved is gone: %v", it, f[1], err)
				}
			case "edited":
				lastEdit[f[1]] = n
			case "logged":
				var alive int
				if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM interaction WHERE id = ? AND cl % 2 = 1", f[1]).Scan(&alive); err != nil || alive != 1 {
					t.Fatalf("iteration %d: visit %s reported saved is gone: %v", it, f[1], err)
				}
			}
		}
		total += len(got)
		for id, n := range lastEdit {
			c, err := s.Contact(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			have, _ := strconv.Atoi(strings.TrimPrefix(c.Notes, "edit "))
			if have < n {
				t.Fatalf("iteration %d: client %s has %q, but edit %d was reported saved", it, id, c.Notes, n)
			}
		}
	}
}

// TestCrashDuringSync kills rapport sync at random moments while it takes
// in a share of other computers' clients and publishes its own; the database
// must be intact, the next sync must finish the work, and a computer joining
// afterwards must get both sides: nothing half-written on the share stops it.
func TestCrashDuringSync(t *testing.T) {
	const others = 1500
	share := t.TempDir()
	other := filepath.Join(t.TempDir(), "other.db")
	var b strings.Builder
	for i := 0; i < others; i++ {
		fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Other %05d\r\nN:%05d;Other;;;\r\nEMAIL:o%d@example.com\r\nEND:VCARD\r\n", i, i, i)
	}
	file := filepath.Join(t.TempDir(), "others.vcf")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	quiet := func(db string, args ...string) {
		t.Helper()
		var out, errOut strings.Builder
		if code := run(append([]string{"--db", db}, args...), &out, &errOut); code != 0 {
			t.Fatalf("rapport %s: %s", strings.Join(args, " "), errOut.String())
		}
	}
	quiet(other, "import", file)
	quiet(other, "sync", "--folder", share, "--name", "shop")

	own := func(db string) {
		for i := 0; i < 20; i++ {
			quiet(db, "contact", "add", "--given", "Own", "--family", fmt.Sprintf("%s-%02d", filepath.Base(filepath.Dir(db)), i))
		}
	}
	// How long a first sync of a new computer takes here, to kill within it.
	probe := filepath.Join(t.TempDir(), "probe.db")
	own(probe)
	start := time.Now()
	cmd, _ := startRapport(t, probe, "", "sync", "--folder", share, "--name", "probe")
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	for it := 0; it < crashIterations(); it++ {
		db := filepath.Join(t.TempDir(), "rapport.db")
		own(db)
		cmd, _ := startRapport(t, db, "", "sync", "--folder", share, "--name", fmt.Sprintf("till-%d", it))
		time.Sleep(time.Duration(rng.Int64N(int64(took * 11 / 10))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		checkAfterCrash(t, db).Close()

		quiet(db, "sync", "--folder", share, "--name", fmt.Sprintf("till-%d", it))
		s := checkAfterCrash(t, db)
		n, err := s.CountContacts(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		// The other computer's, the probe's, every earlier till's and its own.
		if want := others + 20*(it+2); n != want {
			t.Fatalf("iteration %d: %d clients after the sync that followed the kill, want %d", it, n, want)
		}
	}
	late := filepath.Join(t.TempDir(), "late.db")
	quiet(late, "sync", "join", "--folder", share, "--name", "late")
	s := checkAfterCrash(t, late)
	n, err := s.CountContacts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := others + 20*(crashIterations()+1); n != want {
		t.Fatalf("a computer joining after the kills has %d clients, want %d", n, want)
	}
	t.Logf("a first sync of %d clients took %v; %d kills, all recovered", others, took.Round(time.Millisecond), crashIterations())
}
