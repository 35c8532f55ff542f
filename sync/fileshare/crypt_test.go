package fileshare

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func init() { scryptWorkFactor = 10 } // fast tests; the format is the same

func withPassphrase(c *computer, pass string) {
	c.sync = New(c.store, c.share, Options{Name: c.name, App: "test", Passphrase: pass})
}

// An encrypted share: computers with the passphrase converge, nothing on
// the share reads in clear, a wrong or missing passphrase applies nothing
// and says so (SYNC.md I17), a tampered file is set aside.
func TestEncryptedShare(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	folder := NewFolderShare(t.TempDir())
	a := openComputer(t, dir, "a", folder, clock)
	b := openComputer(t, dir, "b", folder, clock)
	withPassphrase(a, "correct horse battery staple")
	withPassphrase(b, "correct horse battery staple")
	a.addContact(t, "Yara", "Zielinski")
	a.cycle(t)
	b.cycle(t)
	assertConverged(t, a, b)
	filepath.Walk(folder.Root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if raw, _ := os.ReadFile(p); bytes.Contains(raw, []byte("Zielinski")) {
				t.Errorf("%s holds a client's name in clear", p)
			}
		}
		return nil
	})

	ctx := context.Background()
	for _, c := range []struct {
		pass string
		want error
	}{{"wrong", ErrWrongPassphrase}, {"", ErrPassphraseNeeded}} {
		e := openComputer(t, dir, "e"+c.pass, folder, clock)
		withPassphrase(e, c.pass)
		_, err := e.sync.Cycle(ctx)
		if !errors.Is(err, c.want) {
			t.Fatalf("passphrase %q: %v, want %v", c.pass, err, c.want)
		}
		if n, _ := e.store.CountContacts(ctx, ""); n != 0 {
			t.Fatalf("passphrase %q applied %d clients", c.pass, n)
		}
	}

	// A tampered segment is reported and not applied; its writer rewrites it.
	clock.Advance(time.Second)
	a.addContact(t, "Zoe", "Tampered")
	a.cycle(t)
	var newest string
	filepath.Walk(folder.Root, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".seg") && strings.Contains(p, a.store.DeviceID()) {
			newest = p
		}
		return nil
	})
	raw, _ := os.ReadFile(newest)
	raw[len(raw)-5] ^= 0x40
	os.Chmod(newest, 0o600)
	if err := os.WriteFile(newest, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	r := b.cycle(t)
	if len(r.Damaged) == 0 || r.AppliedSegments != 0 {
		t.Fatalf("tampered segment: %+v", r)
	}
	for range 3 {
		a.cycle(t)
	}
	b.cycle(t)
	assertConverged(t, a, b)
}

// The faulty share with encryption on: flipped bits and torn files fail
// the seal and wait, and the computers still converge.
func TestEncryptedShareWithFaults(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(11)
	var cs []*computer
	for _, n := range []string{"a", "b", "c"} {
		c := openComputer(t, dir, n, mem.View(n), clock)
		withPassphrase(c, "shop secret")
		cs = append(cs, c)
	}
	cs[0].cycle(t)
	mem.Faults = Faults{MaxDelay: 2, FlipBits: 0.2, TornRename: 0.2, ConflictCopy: 0.3, StaleList: 0.2}
	for round := range 6 {
		for _, c := range cs {
			c.addContact(t, "Enc", c.name+string(rune('a'+round)))
			c.sync.Cycle(context.Background())
			mem.Tick()
		}
	}
	mem.Settle()
	for range 3 {
		for _, c := range cs {
			c.cycle(t)
		}
		mem.Tick()
	}
	assertConverged(t, cs...)
}
