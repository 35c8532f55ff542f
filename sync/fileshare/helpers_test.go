package fileshare

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"rapport/data"
)

// tb is what *testing.T, *testing.B and *rapid.T all offer.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// testClock is a wall clock a test moves by hand.
type testClock struct{ t time.Time }

func (c *testClock) Now() time.Time            { return c.t }
func (c *testClock) Advance(d time.Duration)   { c.t = c.t.Add(d) }
func newTestClock() *testClock                 { return &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)} }
func (c *testClock) Set(t time.Time) time.Time { c.t = t; return t }

// computer is one simulated shop computer: its own database and syncer.
type computer struct {
	name  string
	path  string
	store *data.Store
	sync  *Syncer
	clock *testClock
	share Share
}

func openComputer(t tb, dir, name string, share Share, clock *testClock) *computer {
	t.Helper()
	c := &computer{name: name, path: filepath.Join(dir, name+".db"), clock: clock, share: share}
	c.reopen(t)
	return c
}

// reopen opens the database again, as after a restart.
func (c *computer) reopen(t tb) {
	t.Helper()
	if c.store != nil {
		c.store.Close()
	}
	s, err := data.Open(context.Background(), c.path)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = c.clock.Now
	c.store = s
	c.sync = New(s, c.share, Options{Name: c.name, App: "test"})
	t.Cleanup(func() { s.Close() })
}

func (c *computer) cycle(t tb) Report {
	t.Helper()
	r, err := c.sync.Cycle(context.Background())
	if err != nil {
		t.Fatalf("%s: cycle: %v (%+v)", c.name, err, r)
	}
	return r
}

func (c *computer) addContact(t tb, given, family string) string {
	t.Helper()
	ct := &data.Contact{Given: given, Family: family}
	if err := c.store.SaveContact(context.Background(), ct); err != nil {
		t.Fatal(err)
	}
	return ct.ID
}

func (c *computer) edit(t tb, id string, fn func(*data.Contact)) {
	t.Helper()
	ctx := context.Background()
	ct, err := c.store.Contact(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	fn(ct)
	if err := c.store.SaveContact(ctx, ct); err != nil {
		t.Fatal(err)
	}
}

// dump is the whole synced state of a store, stamps included, in a form
// two converged stores share byte for byte.
func dump(t tb, s *data.Store) string {
	t.Helper()
	var lines []string
	err := s.StateOps(context.Background(), "", func(op data.Op) error {
		b, err := json.Marshal(op)
		lines = append(lines, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func assertConverged(t tb, cs ...*computer) {
	t.Helper()
	want := dump(t, cs[0].store)
	for _, c := range cs[1:] {
		if got := dump(t, c.store); got != want {
			t.Fatalf("%s and %s differ:\n%s", cs[0].name, c.name, diffLines(want, got))
		}
	}
}

func diffLines(a, b string) string {
	as, bs := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		as[l] = true
	}
	for _, l := range strings.Split(b, "\n") {
		bs[l] = true
	}
	var out []string
	for l := range as {
		if !bs[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range bs {
		if !as[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("... %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
