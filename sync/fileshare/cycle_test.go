package fileshare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

// An absent, unmounted or emptied share changes nothing (SYNC.md I10).
func TestMissingShareChangesNothing(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(5)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	a.addContact(t, "Fay", "Ng")
	a.cycle(t)
	b.cycle(t)
	before := dump(t, b.store)
	for _, f := range []Faults{{Vanished: true}, {Empty: true}} {
		mem.Faults = f
		r, err := b.sync.Cycle(context.Background())
		if !errors.Is(err, ErrOffline) || !r.Offline {
			t.Fatalf("%+v: %v %+v", f, err, r)
		}
		if dump(t, b.store) != before {
			t.Fatalf("%+v changed local data", f)
		}
	}
	// A folder that is not there at all is offline too, and is not created.
	gone := filepath.Join(dir, "no-such-folder")
	c := openComputer(t, dir, "c", NewFolderShare(gone), clock)
	c.sync.share.(*FolderShare).Root = filepath.Join(gone, "Rapport")
	if _, err := os.Stat(gone); err == nil {
		t.Fatal("folder exists")
	}
}

// A computer that joins late gets everything from a snapshot and the
// segments after it, and ends equal to the others (SYNC.md I13).
func TestJoinFromSnapshotAfterCleanup(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	folder := NewFolderShare(t.TempDir())
	a := openComputer(t, dir, "a", folder, clock)
	b := openComputer(t, dir, "b", folder, clock)
	for i := range 30 {
		id := a.addContact(t, "Gus", string(rune('A'+i)))
		if i%3 == 0 {
			b.cycle(t)
			a.cycle(t)
			a.edit(t, id, func(c *data.Contact) { c.Notes = "regular" })
		}
		if i%7 == 0 {
			b.addContact(t, "Hana", string(rune('A'+i)))
		}
		a.cycle(t)
		b.cycle(t)
		clock.Advance(time.Hour)
	}
	// Eight days on: snapshots are written and old segments go.
	clock.Advance(8 * 24 * time.Hour)
	for range 3 {
		a.cycle(t)
		b.cycle(t)
		clock.Advance(8 * 24 * time.Hour)
	}
	a.cycle(t)
	b.cycle(t)
	pa, _ := a.sync.loadPub(context.Background())
	pb, _ := b.sync.loadPub(context.Background())
	if pa.GCFloor == 0 || pb.GCFloor == 0 || len(pa.Segments) > 1 || len(pb.Segments) > 1 {
		t.Fatalf("nothing was cleaned up: a %+v, b %+v", pa, pb)
	}
	if ops, _, _ := a.store.Outbox(context.Background(), 0, 1000); int64(len(ops)) >= pa.Seq {
		t.Fatalf("the outbox kept all %d operations after cleanup", len(ops))
	}
	// The late joiner.
	c := openComputer(t, dir, "c", folder, clock)
	c.addContact(t, "Ivo", "Own") // its own data before joining
	r, err := c.sync.Join(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.SnapshotsMerged) == 0 {
		t.Fatalf("join merged no snapshot: %+v", r)
	}
	a.cycle(t)
	b.cycle(t)
	assertConverged(t, a, b, c)
	if n, _ := c.store.CountContacts(context.Background(), ""); n != 30+5+1 {
		t.Fatalf("c has %d clients", n)
	}
}

// A computer restored from a backup takes a new id, and the edits it made
// after the backup come back from the share (SYNC.md I8, restore).
func TestRestoredBackupGetsItsEditsBack(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(6)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	a.addContact(t, "Jon", "Berg")
	a.cycle(t)
	ctx := context.Background()
	backup := filepath.Join(dir, "a-backup.db")
	if err := a.store.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	later := a.addContact(t, "Kim", "After")
	a.cycle(t)
	b.cycle(t)
	oldID := a.store.DeviceID()
	a.store.Close()
	if _, err := data.Restore(ctx, a.path, backup); err != nil {
		t.Fatal(err)
	}
	a.store = nil
	a.reopen(t)
	r := a.cycle(t)
	if r.NewDevice == "" || a.store.DeviceID() == oldID {
		t.Fatalf("restored database kept its id: %+v", r)
	}
	if _, err := a.store.Contact(ctx, later); err != nil {
		t.Fatalf("the edit after the backup did not come back: %v", err)
	}
	a.addContact(t, "Lea", "New")
	a.cycle(t)
	b.cycle(t)
	assertConverged(t, a, b)
	st, _ := ReadStatus(ctx, b.store, clock.Now())
	if len(st.Computers) != 2 {
		t.Fatalf("b should know both ids of a: %+v", st)
	}
}

// Two databases from one cloned disk: the second to publish sees the
// first's file where its own would go, takes a new id, and nothing is lost
// (SYNC.md I16).
func TestClonedDiskIsDetected(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	folder := NewFolderShare(t.TempDir())
	a := openComputer(t, dir, "a", folder, clock)
	a.addContact(t, "Max", "Orig")
	a.cycle(t)
	clonePath := copyDisk(t, a, filepath.Join(dir, "clone.db"))
	clone := &computer{name: "clone", path: clonePath, clock: clock, share: folder}
	clone.reopen(t)
	if clone.store.DeviceID() != a.store.DeviceID() {
		t.Fatal("the clone should start with the same id")
	}
	x := a.addContact(t, "Nia", "OnA")
	y := clone.addContact(t, "Oto", "OnClone")
	a.cycle(t)
	r := clone.cycle(t)
	if r.NewDevice == "" {
		t.Fatalf("clone not detected: %+v", r)
	}
	clone.cycle(t)
	a.cycle(t)
	assertConverged(t, a, clone)
	assertHasContacts(t, a, x, y)
}

// A disk copied before its first sync, where one copy does not see the
// other's files yet (a cloud folder still downloading) and loses the race
// for a head name: both publish the same operations under the same names,
// so only the taken head name tells them apart. That copy must take a new
// id, or what the other publishes later under the old id is never read.
func TestDiskCopiedBeforeFirstSyncIsDetected(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	folder := NewFolderShare(t.TempDir())
	a := openComputer(t, dir, "a", folder, clock)
	a.addContact(t, "Max", "Orig")
	clonePath := copyDisk(t, a, filepath.Join(dir, "clone.db"))
	a.cycle(t)
	late := &lateView{Share: folder, own: map[string]bool{}, beatenTo: true}
	clone := &computer{name: "a", path: clonePath, clock: clock, share: late}
	clone.reopen(t)
	first := clone.cycle(t)
	if first.NewDevice != "" || first.HeadWritten != "" {
		t.Fatalf("the copies did not meet on one head name: %+v", first)
	}
	r := clone.cycle(t)
	if r.NewDevice == "" {
		t.Fatalf("copy not detected after its head name was taken: %+v", r)
	}
	late.caughtUp = true
	x := a.addContact(t, "Nia", "OnA")
	y := clone.addContact(t, "Oto", "OnClone")
	for range 2 {
		a.cycle(t)
		clone.cycle(t)
	}
	assertConverged(t, a, clone)
	assertHasContacts(t, clone, x, y)
}

// lateView is a share where the other writers' device files have not
// arrived yet: listings show only what came through it, until caughtUp.
// With beatenTo, another copy lands a head under the first head name
// this one writes, just before it does.
type lateView struct {
	Share
	own      map[string]bool
	caughtUp bool
	beatenTo bool
}

func (l *lateView) Rename(from, to string) error {
	if dir, _, ok := strings.Cut(to, "/head/"); ok && l.beatenTo {
		l.beatenTo = false
		heads, err := l.Share.List(dir + "/head")
		if err != nil || len(heads) == 0 {
			return fmt.Errorf("no head of the other copy to race with: %v", err)
		}
		b, err := l.Share.ReadFile(dir + "/head/" + heads[0])
		if err != nil {
			return err
		}
		if err := WriteNew(l.Share, dir+"/.tmp", to, b); err != nil {
			return err
		}
	}
	err := l.Share.Rename(from, to)
	if err == nil {
		l.own[to] = true
	}
	return err
}

func (l *lateView) List(dir string) ([]string, error) {
	names, err := l.Share.List(dir)
	if l.caughtUp || !strings.HasPrefix(dir, "devices/") || err != nil {
		return names, err
	}
	var mine []string
	for _, n := range names {
		if strings.HasSuffix(n, "/") || l.own[dir+"/"+n] {
			mine = append(mine, n)
		}
	}
	return mine, nil
}

// copyDisk copies c's database to path, as a disk copied while the
// computer was off, and starts c again.
func copyDisk(t *testing.T, c *computer, path string) string {
	t.Helper()
	c.store.Close()
	copyFile(t, c.path, path)
	c.store = nil
	c.reopen(t)
	return path
}

// assertHasContacts fails unless c holds every contact of ids.
func assertHasContacts(t *testing.T, c *computer, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := c.store.Contact(context.Background(), id); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A segment damaged on the share is reported, never applied, and its
// writer publishes it again (SYNC.md I12, I15).
func TestDamagedSegmentIsRepublished(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(7)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	a.addContact(t, "Pia", "Rot")
	a.cycle(t)
	seg := ""
	for _, n := range mem.Names() {
		if strings.HasSuffix(n, ".seg") {
			seg = n
		}
	}
	if !mem.Corrupt(seg) {
		t.Fatal("nothing to corrupt")
	}
	r := b.cycle(t)
	if r.AppliedSegments != 0 || len(r.Damaged) != 1 {
		t.Fatalf("damaged segment: %+v", r)
	}
	if n, _ := b.store.CountContacts(context.Background(), ""); n != 0 {
		t.Fatal("part of a damaged file was applied")
	}
	r = a.cycle(t)
	if len(r.Republished) != 1 {
		t.Fatalf("not republished: %+v", r)
	}
	b.cycle(t)
	assertConverged(t, a, b)
}

// Changes stamped far ahead of this computer's clock wait, with a warning.
func TestClockAheadIsHeld(t *testing.T) {
	dir := t.TempDir()
	mem := NewMemShare(8)
	ahead, behind := newTestClock(), newTestClock()
	ahead.Advance(time.Hour)
	a := openComputer(t, dir, "a", mem.View("a"), ahead)
	b := openComputer(t, dir, "b", mem.View("b"), behind)
	a.addContact(t, "Quin", "Fast")
	a.cycle(t)
	r := b.cycle(t)
	if r.AppliedSegments != 0 || !strings.Contains(strings.Join(r.Warnings, "\n"), "is ahead") {
		t.Fatalf("not held: %+v", r)
	}
	behind.Advance(time.Hour)
	if r := b.cycle(t); r.AppliedSegments != 1 {
		t.Fatalf("not applied once time caught up: %+v", r)
	}
}

// A crash at any write point of a cycle loses nothing: after a restart the
// computers converge, and no file name ever holds two contents.
func TestCrashAtEveryWritePoint(t *testing.T) {
	for crashAt := 1; crashAt <= 12; crashAt++ {
		dir, clock := t.TempDir(), newTestClock()
		mem := NewMemShare(uint64(crashAt))
		a := openComputer(t, dir, "a", mem.View("a"), clock)
		b := openComputer(t, dir, "b", mem.View("b"), clock)
		b.addContact(t, "Rio", "B")
		b.cycle(t)
		a.addContact(t, "Sol", "A")
		mem.Faults = Faults{CrashAt: crashAt, CrashWrites: []string{"a"}}
		if _, err := a.sync.Cycle(context.Background()); err != nil && !errors.Is(err, ErrCrash) {
			t.Fatalf("crash at %d: %v", crashAt, err)
		}
		mem.Faults = Faults{}
		mem.Restart("a")
		a.reopen(t)
		a.cycle(t)
		b.cycle(t)
		a.cycle(t)
		assertConverged(t, a, b)
		if n, _ := b.store.CountContacts(context.Background(), ""); n != 2 {
			t.Fatalf("crash at %d: b has %d clients", crashAt, n)
		}
		if len(mem.Changed) > 0 {
			t.Fatalf("crash at %d: files changed: %v", crashAt, mem.Changed)
		}
	}
}

// A computer that never synced before and runs a plain cycle (not join) on
// a share whose owner compacted all its files away takes the snapshot.
func TestLateComputerTakesSnapshotInACycle(t *testing.T) {
	dir, clock := t.TempDir(), newTestClock()
	mem := NewMemShare(9)
	a := openComputer(t, dir, "a", mem.View("a"), clock)
	for i := range 5 {
		a.addContact(t, "Val", string(rune('A'+i)))
		a.cycle(t)
	}
	for range 3 {
		clock.Advance(8 * 24 * time.Hour)
		a.cycle(t)
	}
	pa, _ := a.sync.loadPub(context.Background())
	if pa.GCFloor == 0 || len(pa.Segments) != 0 {
		t.Fatalf("a did not compact everything: %+v", pa)
	}
	b := openComputer(t, dir, "b", mem.View("b"), clock)
	r := b.cycle(t)
	if len(r.SnapshotsMerged) == 0 {
		t.Fatalf("b took no snapshot: %+v", r)
	}
	a.cycle(t)
	b.cycle(t)
	assertConverged(t, a, b)
}

// A share description that landed torn while its writer never came back
// (a pulled USB stick, a laptop that was not switched on again) does not
// block the shop: nobody can have joined it, so the next computer to sync
// makes the share. One that others may have joined is never removed.
func TestTornShareDescriptionIsMadeAgain(t *testing.T) {
	info, err := EncodeInfo(ShareInfo{Share: newShareID(), Fmt: FormatVersion, Created: "2026-01-02T03:04:05Z"})
	if err != nil {
		t.Fatal(err)
	}
	torn := info[:len(info)-20]
	for _, tc := range []struct {
		name   string
		joined bool // another computer has a folder on the share
		remade bool
	}{
		{name: "nobody joined", remade: true},
		{name: "a computer has a folder", joined: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, clock := t.TempDir(), newTestClock()
			root := filepath.Join(t.TempDir(), "Rapport")
			if err := os.MkdirAll(filepath.Join(root, "devices"), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.joined {
				if err := os.MkdirAll(filepath.Join(root, "devices", strings.Repeat("ab", 16)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "share.json"), torn, 0o644); err != nil {
				t.Fatal(err)
			}
			folder := NewFolderShare(filepath.Dir(root))
			b := openComputer(t, dir, "b", folder, clock)
			r, err := b.sync.Cycle(context.Background())
			got, _ := os.ReadFile(filepath.Join(root, "share.json"))
			if !tc.remade {
				if !errors.Is(err, ErrOffline) || !bytes.Equal(got, torn) {
					t.Fatalf("a share others may use was touched: %v, %q", err, got)
				}
				return
			}
			if err != nil || !r.CreatedShare {
				t.Fatalf("share not made again: %v %+v", err, r)
			}
			if _, err := DecodeShareInfo(got); err != nil {
				t.Fatalf("share.json after the cycle: %v", err)
			}
			c := openComputer(t, dir, "c", folder, clock)
			b.addContact(t, "Ines", "Roux")
			b.cycle(t)
			c.cycle(t)
			assertConverged(t, b, c)
		})
	}
}
