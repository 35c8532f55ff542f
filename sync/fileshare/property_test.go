package fileshare

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pgregory.net/rapid"

	"rapport/data"
)

// The property test of SYNC.md: 2-10 simulated computers, each with its own
// SQLite database and a skewed, jumping clock, edit, delete, restore and
// merge clients, sync, crash at write points, restart, restore backups,
// join late, clone disks and go offline for weeks over a MemShare that
// injects every fault it knows. After the share settles every computer must
// hold exactly the state a reference model computes from every operation
// any of them made, and the invariants I1-I17 that can be observed must
// hold all along. `go test` runs a few cases; -long runs many.

var long = flag.Bool("long", false, "run the sync property test with many cases")

// propertyBudget sets how many cases and steps rapid runs, unless given on
// the command line.
func propertyBudget(t *testing.T) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	checks, steps := "4", "40"
	if *long {
		checks, steps = "300", "120"
	}
	if !set["rapid.checks"] {
		flag.Set("rapid.checks", checks)
	}
	if !set["rapid.steps"] {
		flag.Set("rapid.steps", steps)
	}
}

// template is a migrated empty database that new computers copy, since
// migrating costs more than a whole step.
func template(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.db")
	s, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DELETE FROM sync_state", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	return path
}

// simComputer is one computer of the simulation.
type simComputer struct {
	*computer
	view    string
	ids     map[string]bool // every device id it has had
	lastHLC string
	backup  string
}

type sim struct {
	t        *rapid.T
	dir      string
	tmpl     string
	mem      *MemShare
	base     time.Time
	cs       []*simComputer
	next     int
	model    map[string]map[string]data.Op // op id -> device -> op
	maxComps int
	log      []string // what the cycles did, for the message of a failure
}

func (s *sim) addComputer(t *rapid.T, from string) *simComputer {
	name := fmt.Sprintf("c%d", s.next)
	s.next++
	path := filepath.Join(s.dir, name+".db")
	src := s.tmpl
	if from != "" {
		src = from
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: s.base.Add(time.Duration(rapid.IntRange(-3, 3).Draw(t, "skew")) * time.Minute)}
	c := &simComputer{computer: &computer{name: name, path: path, clock: clock, share: s.mem.View(name)}, view: name, ids: map[string]bool{}}
	c.reopen(t)
	c.ids[c.store.DeviceID()] = true
	c.lastHLC = c.store.ClockNow()
	s.cs = append(s.cs, c)
	s.collect(t, c)
	return c
}

// collect adds the computer's outbox to the model. Operations keep their op
// id wherever they go; a computer that takes a new id publishes its
// unpublished ones again under it, so the model keeps every variant.
func (s *sim) collect(t *rapid.T, c *simComputer) {
	pub, err := c.sync.loadPub(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.collectAfter(t, c, pub.Outbox)
}

// collectAfter adds every outbox operation, and those after outbox
// sequence published with the computer's current id too.
func (s *sim) collectAfter(t *rapid.T, c *simComputer, published int64) {
	ops, _, err := c.store.Outbox(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	pub := pubState{Outbox: published}
	outSeqs, err := outboxSeqs(c.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	for i, op := range ops {
		if outSeqs[i] <= pub.Outbox && s.model[op.ID] != nil {
			continue // published under an earlier id: already in the model with it
		}
		if s.model[op.ID] == nil {
			s.model[op.ID] = map[string]data.Op{}
		}
		s.model[op.ID][op.Device] = op
	}
}

// outboxAfter is the op ids of the outbox after a sequence number.
func outboxAfter(t *rapid.T, c *simComputer, after int64) map[string]bool {
	ops, _, err := c.store.Outbox(context.Background(), after, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, op := range ops {
		out[op.ID] = true
	}
	return out
}

// publishedOps is the op ids of every valid segment and snapshot that ever
// landed on the share.
func (s *sim) publishedOps() map[string]bool {
	out := map[string]bool{}
	for _, ops := range s.landedOps() {
		for _, op := range ops {
			out[op.ID] = true
		}
	}
	return out
}

func outboxSeqs(db *sql.DB) ([]int64, error) {
	rows, err := db.Query("SELECT seq FROM sync_outbox ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

type modelField struct{ value, stamp string }
type modelRow struct {
	cl     int64
	fields map[string]modelField
}

func jsonValue(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// merge is SYNC.md's merge rule, written again independently of the store.
func merge(rows map[string]*modelRow, op data.Op) {
	key := op.Table + "/" + op.Row
	r := rows[key]
	if r == nil {
		r = &modelRow{fields: map[string]modelField{}}
		rows[key] = r
	}
	r.cl = max(r.cl, op.CL)
	st := op.HLC + "|" + op.Device + "|" + op.ID
	for f, v := range op.Set {
		if st > r.fields[f].stamp {
			r.fields[f] = modelField{jsonValue(v), st}
		}
	}
}

// modelState merges every operation of every valid segment that ever
// landed on the share. Every edit reached one (checked apart, I8), and an
// operation a computer published under two ids (a clone, a restore) is
// there under both, as every computer gets both.
func (s *sim) modelState() (map[string]*modelRow, []data.Op) {
	rows := map[string]*modelRow{}
	var all []data.Op
	for _, ops := range s.landedOps() {
		for _, op := range ops {
			merge(rows, op)
			all = append(all, op)
		}
	}
	return rows, all
}

// landedOps are the operations of every valid segment and snapshot that
// landed on the share. A snapshot holds its writer's whole state, edits not
// published yet included, so an edit can reach the others through it alone
// (its writer restored an older backup before publishing it).
func (s *sim) landedOps() map[string][]data.Op {
	out := map[string][]data.Op{}
	for name, b := range s.mem.Landed {
		if seg, err := DecodeSegment(b); err == nil {
			out[name] = seg.Ops
		} else if snap, err := DecodeSnapshot(b); err == nil {
			out[name] = snap.Ops
		}
	}
	return out
}

func storeState(t *rapid.T, st *data.Store) map[string]*modelRow {
	rows := map[string]*modelRow{}
	err := st.StateOps(context.Background(), "", func(op data.Op) error {
		if len(op.Set) == 0 {
			op.HLC, op.Device = "", "" // a bare causal length carries no stamp
		}
		merge(rows, op)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func describeDiff(want, got map[string]*modelRow) string {
	var out []string
	for k, w := range want {
		g := got[k]
		switch {
		case g == nil:
			out = append(out, "missing "+k)
		case g.cl != w.cl:
			out = append(out, fmt.Sprintf("%s cl %d, want %d", k, g.cl, w.cl))
		default:
			for f, wf := range w.fields {
				if g.fields[f] != wf {
					out = append(out, fmt.Sprintf("%s.%s = %s @%s, want %s @%s", k, f, g.fields[f].value, g.fields[f].stamp, wf.value, wf.stamp))
				}
			}
		}
	}
	for k := range got {
		if want[k] == nil {
			out = append(out, "extra "+k)
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

func sameState(a, b map[string]*modelRow) bool {
	return describeDiff(a, b) == "" && len(a) == len(b)
}

func (s *sim) pick(t *rapid.T) *simComputer {
	return s.cs[rapid.IntRange(0, len(s.cs)-1).Draw(t, "computer")]
}

// liveContacts are the contacts a computer can edit now.
func liveContacts(t *rapid.T, c *simComputer, deleted bool) []string {
	// A row whose restore arrived before its insert is alive with no name
	// yet; the store rightly refuses to save it as it is, so it is left out.
	q := "SELECT id FROM contact WHERE cl % 2 = 1 AND merged_into = '' AND display_name <> '' ORDER BY id"
	if deleted {
		q = "SELECT id FROM contact WHERE cl > 0 AND cl % 2 = 0 AND merged_into = '' AND display_name <> '' ORDER BY id"
	}
	rows, err := c.store.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

// cycle runs one cycle; faults make some fail, never in a way that is not
// one of the errors a share can give.
func (s *sim) cycle(t *rapid.T, c *simComputer) (Report, error) {
	before, err := c.sync.loadPub(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.sync.Cycle(context.Background())
	if len(s.log) < 200 {
		s.log = append(s.log, fmt.Sprintf("%s: %v %+v", c.name, err, r))
	}
	if r.NewDevice != "" {
		c.ids[r.NewDevice] = true
		s.collectAfter(t, c, before.Outbox)
	}
	return r, err
}

func TestPropertyConvergence(t *testing.T) {
	propertyBudget(t)
	tmpl := template(t)
	rapid.Check(t, func(t *rapid.T) {
		s := &sim{t: t, dir: filepathTemp(t), tmpl: tmpl, base: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC),
			model: map[string]map[string]data.Op{}, maxComps: rapid.IntRange(2, 10).Draw(t, "computers")}
		s.mem = NewMemShare(rapid.Uint64().Draw(t, "seed"))
		for range rapid.IntRange(2, min(4, s.maxComps)).Draw(t, "initial") {
			s.addComputer(t, "")
		}
		ctx := context.Background()
		faultsOn := rapid.Bool().Draw(t, "faults")
		if faultsOn {
			s.mem.Faults = Faults{MaxDelay: 3, StaleList: 0.2, ConflictCopy: 0.2, Placeholder: 0.2, Busy: 0.1,
				FoldCase: rapid.Bool().Draw(t, "foldcase"), FlipBits: 0.05, TornRename: 0.05, LostRename: 0.05, NoSpace: 0.05}
		}
		faults := s.mem.Faults
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				c := s.pick(t)
				ct := &data.Contact{Given: rapid.SampledFrom([]string{"Anna", "Ben", "Chloé", "Dara"}).Draw(t, "given"), Family: "F" + strconv.Itoa(rapid.IntRange(0, 99).Draw(t, "family"))}
				if rapid.Bool().Draw(t, "tagged") {
					ct.Tags = []string{rapid.SampledFrom([]string{"VIP", "vip", "walk-in"}).Draw(t, "tag")}
				}
				if err := c.store.SaveContact(ctx, ct); err != nil {
					t.Fatal(err)
				}
				s.collect(t, c)
			},
			"edit": func(t *rapid.T) {
				c := s.pick(t)
				ids := liveContacts(t, c, false)
				if len(ids) == 0 {
					t.Skip("nothing to edit")
				}
				id := rapid.SampledFrom(ids).Draw(t, "contact")
				ct, err := c.store.Contact(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				switch rapid.IntRange(0, 2).Draw(t, "field") {
				case 0:
					ct.Notes = "note " + c.name + " " + strconv.Itoa(rapid.IntRange(0, 9).Draw(t, "n"))
				case 1:
					ct.Nickname = c.name
				case 2:
					ct.Tags = append(ct.Tags, "Regular")
				}
				if err := c.store.SaveContact(ctx, ct); err != nil {
					t.Fatal(err)
				}
				s.collect(t, c)
			},
			"delete": func(t *rapid.T) {
				c := s.pick(t)
				ids := liveContacts(t, c, false)
				if len(ids) == 0 {
					t.Skip("nothing to delete")
				}
				if err := c.store.DeleteContact(ctx, rapid.SampledFrom(ids).Draw(t, "contact")); err != nil {
					t.Fatal(err)
				}
				s.collect(t, c)
			},
			"restore": func(t *rapid.T) {
				c := s.pick(t)
				ids := liveContacts(t, c, true)
				if len(ids) == 0 {
					t.Skip("nothing deleted")
				}
				if err := c.store.RestoreContact(ctx, rapid.SampledFrom(ids).Draw(t, "contact")); err != nil {
					t.Fatal(err)
				}
				s.collect(t, c)
			},
			"merge": func(t *rapid.T) {
				c := s.pick(t)
				ids := liveContacts(t, c, false)
				if len(ids) < 2 {
					t.Skip("nothing to merge")
				}
				keep := rapid.SampledFrom(ids).Draw(t, "keep")
				other := rapid.SampledFrom(ids).Draw(t, "other")
				if keep == other {
					t.Skip("same contact")
				}
				if err := c.store.MergeContacts(ctx, keep, other); err != nil {
					t.Fatal(err)
				}
				s.collect(t, c)
			},
			"sync": func(t *rapid.T) {
				c := s.pick(t)
				before := storeState(t, c.store)
				r, err := s.cycle(t, c)
				if err != nil && !errors.Is(err, ErrOffline) && !shareFault(err) {
					t.Fatalf("%s: %v", c.name, err)
				}
				// I10: whatever the share shows, nothing local disappears.
				after := storeState(t, c.store)
				for k, row := range before {
					if after[k] == nil || after[k].cl < row.cl {
						t.Fatalf("%s lost %s in a cycle (%+v)", c.name, k, r)
					}
				}
			},
			"crash": func(t *rapid.T) {
				c := s.pick(t)
				s.mem.Faults.CrashAt = rapid.IntRange(1, 8).Draw(t, "write point")
				s.mem.Faults.CrashWrites = []string{c.view}
				if _, err := s.cycle(t, c); err != nil && !errors.Is(err, ErrCrash) && !errors.Is(err, ErrOffline) && !shareFault(err) {
					t.Fatalf("%s: %v", c.name, err)
				}
				s.mem.Faults.CrashAt, s.mem.Faults.CrashWrites = 0, nil
				s.mem.Restart(c.view)
				c.reopen(t)
			},
			"restart": func(t *rapid.T) {
				s.pick(t).reopen(t)
			},
			"tick": func(t *rapid.T) {
				s.mem.Tick()
				for _, c := range s.cs {
					// Clocks drift and sometimes jump, backwards too.
					c.clock.Advance(time.Duration(rapid.IntRange(-120, 600).Draw(t, "drift")) * time.Second)
				}
			},
			"weeks pass": func(t *rapid.T) {
				if s.base.Sub(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)) > 100*24*time.Hour {
					t.Skip("deleted rows lose their fields in snapshots after 180 days; the model does not")
				}
				d := time.Duration(rapid.IntRange(1, 3).Draw(t, "weeks")) * 8 * 24 * time.Hour
				s.base = s.base.Add(d)
				// Weeks are long enough for every file to arrive.
				for range s.mem.Faults.MaxDelay + 4 {
					s.mem.Tick()
				}
				for _, c := range s.cs {
					c.clock.Advance(d)
				}
			},
			"backup": func(t *rapid.T) {
				c := s.pick(t)
				c.backup = c.path + ".bak"
				os.Remove(c.backup)
				if err := c.store.BackupTo(ctx, c.backup); err != nil {
					t.Fatal(err)
				}
			},
			"restore backup": func(t *rapid.T) {
				c := s.pick(t)
				if c.backup == "" {
					t.Skip("no backup")
				}
				pub, err := c.sync.loadPub(ctx)
				if err != nil {
					t.Fatal(err)
				}
				unpublished := outboxAfter(t, c, pub.Outbox)
				c.store.Close()
				if _, err := data.Restore(ctx, c.path, c.backup); err != nil {
					t.Fatal(err)
				}
				c.store = nil
				c.reopen(t)
				c.lastHLC = c.store.ClockNow()
				// Restoring a backup throws away what the database had
				// that never left it: those edits leave the model too.
				kept := outboxAfter(t, c, 0)
				shared := s.publishedOps()
				for id := range unpublished {
					if !kept[id] && !shared[id] {
						delete(s.model, id)
					}
				}
			},
			"join": func(t *rapid.T) {
				if len(s.cs) >= s.maxComps {
					t.Skip("enough computers")
				}
				c := s.addComputer(t, "")
				if _, err := c.sync.Join(ctx); err != nil && !errors.Is(err, ErrOffline) && !shareFault(err) {
					t.Fatal(err)
				}
			},
			"clone": func(t *rapid.T) {
				if len(s.cs) >= s.maxComps {
					t.Skip("enough computers")
				}
				c := s.pick(t)
				c.store.Close()
				c.store = nil
				clone := s.addComputer(t, c.path)
				c.reopen(t)
				for id := range c.ids {
					clone.ids[id] = true
				}
			},
			"offline": func(t *rapid.T) {
				c := s.pick(t)
				before := storeState(t, c.store)
				s.mem.Faults.Vanished = true
				_, err := s.cycle(t, c)
				s.mem.Faults.Vanished = false
				if !errors.Is(err, ErrOffline) {
					t.Fatalf("vanished share: %v", err)
				}
				if !sameState(before, storeState(t, c.store)) {
					t.Fatal("a vanished share changed local data (I10)")
				}
			},
			"": func(t *rapid.T) {
				// I11: each computer's clock only moves forward.
				for _, c := range s.cs {
					if now := c.store.ClockNow(); now < c.lastHLC {
						t.Fatalf("%s: clock went back from %s to %s", c.name, c.lastHLC, now)
					} else {
						c.lastHLC = now
					}
				}
				// I2: no file name ever held two contents.
				if len(s.mem.Changed) > 0 {
					t.Fatalf("files changed after being written: %v", s.mem.Changed)
				}
			},
		})
		// Let everything arrive: faults stop, clocks agree and are past
		// every stamp, and every computer syncs until nothing changes.
		s.mem.Settle()
		_ = faults
		var latest time.Time
		for _, c := range s.cs {
			latest = maxTime(latest, c.clock.Now(), hlcTime(c.store.ClockNow()))
		}
		for _, c := range s.cs {
			c.clock.Set(latest.Add(time.Minute))
		}
		for round := 0; ; round++ {
			changed := false
			for _, c := range s.cs {
				r, err := s.cycle(t, c)
				if err != nil {
					t.Fatalf("settled share, %s: %v", c.name, err)
				}
				changed = changed || r.Published > 0 || r.AppliedSegments > 0 || r.NewDevice != "" || len(r.SnapshotsMerged) > 0 || len(r.Republished) > 0
			}
			s.mem.Tick()
			if !changed && round > 1 {
				break
			}
			if round > 12 {
				t.Fatal("no quiet round after 12 rounds on a settled share")
			}
		}
		// I8: every edit made reached the share, except those a restored
		// backup threw away before they left their computer.
		published := s.publishedOps()
		for id := range s.model {
			if !published[id] {
				t.Fatalf("I8: operation %s was never published", id)
			}
		}
		// I7, I9, I13: every computer equals the model of all operations.
		want, all := s.modelState()
		for _, c := range s.cs {
			got := storeState(t, c.store)
			if !sameState(want, got) {
				t.Fatalf("%s differs from the model:\n%s\nwhere the missing operations are:\n%s\nwhat the cycles did:\n%s",
					c.name, describeDiff(want, got), s.whereMissing(t, c, got), strings.Join(s.log, "\n"))
			}
		}
		// I5: applying everything once more changes nothing.
		c := s.cs[0]
		n, err := c.store.ApplyRemote(ctx, all)
		if err != nil || n != 0 {
			t.Fatalf("applying every operation again changed %d rows (%v)", n, err)
		}
		// I1: each computer wrote only in the folders of its own ids.
		for _, line := range s.mem.Log {
			view, rest, _ := strings.Cut(line, " ")
			_, name, _ := strings.Cut(rest, " ")
			var owner *simComputer
			for _, c := range s.cs {
				if c.view == view {
					owner = c
				}
			}
			if name == "share.json" || strings.HasPrefix(name, ".tmp-") {
				continue
			}
			dev, _, _ := strings.Cut(strings.TrimPrefix(name, "devices/"), "/")
			if owner == nil || !strings.HasPrefix(name, "devices/") || !owner.ids[dev] {
				t.Fatalf("I1: %s wrote %s outside its own folder", view, name)
			}
		}
	})
}

// whereMissing names, for a failure message, the landed files holding
// operations the computer lacks, and what it records having applied of
// their writer.
func (s *sim) whereMissing(t *rapid.T, c *simComputer, got map[string]*modelRow) string {
	var out []string
	seen := map[string]bool{}
	for name, b := range s.mem.Landed {
		seg, err := DecodeSegment(b)
		if err != nil {
			continue
		}
		for _, op := range seg.Ops {
			r := got[op.Table+"/"+op.Row]
			if r != nil && r.cl >= op.CL {
				continue
			}
			if !seen[name] {
				seen[name] = true
				done, _ := c.sync.applied(context.Background(), seg.Device)
				out = append(out, fmt.Sprintf("%s (%d-%d), %s applied %v of %s", name, seg.From, seg.To, c.name, done, short(seg.Device)))
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// shareFault reports whether err is one of the failures the MemShare
// injects: a cycle gives up on those and the next one tries again.
func shareFault(err error) bool {
	for _, e := range []error{syscall.ENOSPC, syscall.EBUSY, syscall.EIO, ErrDamaged, ErrCrash, fs.ErrNotExist, fs.ErrExist} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// filepathTemp is a temporary folder for one rapid case.
func filepathTemp(t *rapid.T) string {
	dir, err := os.MkdirTemp("", "rapport-sync-prop-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
