package fileshare

import (
	"context"
	"errors"
	"testing"
	"time"

	"rapport/data"
)

// shares gives each test both implementations: the real folder and the
// in-memory one (each computer with its own view).
func shares(t *testing.T) map[string]func(view string) Share {
	dir := t.TempDir()
	folder := NewFolderShare(dir)
	mem := NewMemShare(1)
	return map[string]func(string) Share{
		"folder": func(string) Share { return folder },
		"mem":    func(v string) Share { return mem.View(v) },
	}
}

func TestTwoComputersConverge(t *testing.T) {
	for name, share := range shares(t) {
		t.Run(name, func(t *testing.T) {
			dir, clock := t.TempDir(), newTestClock()
			a := openComputer(t, dir, "a", share("a"), clock)
			b := openComputer(t, dir, "b", share("b"), clock)
			anna := a.addContact(t, "Anna", "Keller")
			r := a.cycle(t)
			if !r.CreatedShare || r.Published == 0 {
				t.Fatalf("first cycle: %+v", r)
			}
			r = b.cycle(t)
			if r.AppliedSegments != 1 {
				t.Fatalf("b applied %d segments: %+v", r.AppliedSegments, r)
			}
			// Concurrent edits of different fields both survive.
			clock.Advance(time.Second)
			a.edit(t, anna, func(c *data.Contact) { c.Nickname = "Annie" })
			b.edit(t, anna, func(c *data.Contact) { c.Organization = "Keller AG" })
			b.addContact(t, "Ben", "Ortiz")
			a.cycle(t)
			b.cycle(t)
			a.cycle(t)
			assertConverged(t, a, b)
			got, err := a.store.Contact(context.Background(), anna)
			if err != nil {
				t.Fatal(err)
			}
			if got.Nickname != "Annie" || got.Organization != "Keller AG" {
				t.Fatalf("merged contact: %+v", got)
			}
			// An idle cycle writes nothing new.
			r = a.cycle(t)
			if r.Published != 0 || r.AppliedSegments != 0 || r.HeadWritten != "" {
				t.Fatalf("idle cycle did something: %+v", r)
			}
		})
	}
}

func TestDeleteWinsOverConcurrentEdit(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(2)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	id := a.addContact(t, "Clara", "Wu")
	a.cycle(t)
	b.cycle(t)
	clock.Advance(time.Second)
	if err := a.store.DeleteContact(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	b.edit(t, id, func(c *data.Contact) { c.Notes = "prefers linen" })
	for range 2 {
		a.cycle(t)
		b.cycle(t)
	}
	assertConverged(t, a, b)
	got, err := b.store.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Deleted || got.Notes != "prefers linen" {
		t.Fatalf("want deleted with the edit kept inside: %+v", got)
	}
}

func TestThreeComputersWithFaults(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(3)
	var cs []*computer
	for _, n := range []string{"a", "b", "c"} {
		cs = append(cs, openComputer(t, dir, n, mem.View(n), clock))
	}
	cs[0].cycle(t) // makes the share
	mem.Faults = Faults{MaxDelay: 3, StaleList: 0.3, ConflictCopy: 0.3, Placeholder: 0.3, Busy: 0.2, FoldCase: true, FlipBits: 0.1, TornRename: 0.1, LostRename: 0.1, NoSpace: 0.1}
	ids := map[int][]string{}
	for round := range 12 {
		for i, c := range cs {
			ids[i] = append(ids[i], c.addContact(t, "Client", string(rune('A'+round))))
			other := ids[(i+1)%3]
			if len(other) > 0 {
				if _, err := c.store.Contact(context.Background(), other[0]); err == nil {
					c.edit(t, other[0], func(ct *data.Contact) { ct.Notes += c.name })
				}
			}
			if _, err := c.sync.Cycle(context.Background()); err != nil && !errors.Is(err, ErrOffline) {
				t.Fatalf("%s round %d: %v", c.name, round, err)
			}
			mem.Tick()
			clock.Advance(time.Second)
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
	for _, c := range cs {
		if n, err := c.store.CountContacts(context.Background(), ""); err != nil || n != 36 {
			t.Fatalf("%s has %d clients (%v), want 36", c.name, n, err)
		}
	}
	if len(mem.Changed) > 0 {
		t.Fatalf("files changed after being written: %v", mem.Changed)
	}
}

func TestStatusCountsPending(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(4)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	a.addContact(t, "Dora", "Lind")
	a.cycle(t)
	b.cycle(t)
	b.cycle(t)
	a.cycle(t)
	a.addContact(t, "Emil", "Sato")
	ctx := context.Background()
	st, err := ReadStatus(ctx, a.store, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Unpublished == 0 || len(st.Computers) != 1 || st.Computers[0].Name != "b" || st.Computers[0].HasOurs != st.Published {
		t.Fatalf("status of a: %+v", st)
	}
	a.cycle(t)
	aStatus, _ := ReadStatus(ctx, a.store, clock.Now())
	if aStatus.Unpublished != 0 {
		t.Fatalf("a after its cycle: %+v", aStatus)
	}
	// b has not read the share since: a published more than b knows.
	st, _ = ReadStatus(ctx, b.store, clock.Now())
	if len(st.Computers) != 1 || st.Computers[0].Pending != 0 {
		t.Fatalf("status of b before its cycle: %+v", st)
	}
	b.cycle(t)
	st, _ = ReadStatus(ctx, b.store, clock.Now().Add(30*24*time.Hour))
	if len(st.Computers) != 1 || st.Computers[0].Pending != 0 || st.Computers[0].Published != aStatus.Published || len(st.Warnings) == 0 {
		t.Fatalf("status of b: %+v", st)
	}
}

// TestHistoryNamesTheComputers: after a sync, a client's history says on
// which computer, by its name, each change was made.
func TestHistoryNamesTheComputers(t *testing.T) {
	ctx := context.Background()
	dir, clock := t.TempDir(), newTestClock()
	share := NewFolderShare(t.TempDir())
	a := openComputer(t, dir, "till", share, clock)
	b := openComputer(t, dir, "office", share, clock)
	anna := a.addContact(t, "Anna", "Keller")
	a.cycle(t)
	b.cycle(t)
	clock.Advance(time.Second)
	b.edit(t, anna, func(c *data.Contact) { c.Nickname = "Annie" })
	b.cycle(t)
	a.cycle(t)
	h, err := a.store.History(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range h {
		names[e.DeviceName] = true
	}
	if !names["till"] || !names["office"] {
		t.Fatalf("the history names the computers %v, want till and office", names)
	}
}
