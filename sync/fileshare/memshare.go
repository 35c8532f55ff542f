package fileshare

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// MemShare is a shared folder in memory that misbehaves the ways real shares
// and cloud clients do (SYNC.md, "Invariants the tests check"). Each computer
// sees it through its own View, so that a file one computer wrote can reach
// another late, out of order, as a placeholder or as a conflict copy.
// Faults draw from a seeded generator, so a failing run can be replayed.
type MemShare struct {
	mu     sync.Mutex
	rnd    *rand.Rand
	tick   int
	files  map[string]*memFile // by folded (lower-case) name
	Faults Faults
	// Log is every write made through a view: "view op name".
	Log []string
	// Changed lists files that were given different bytes under a name
	// that had held others (a violation of SYNC.md I2).
	Changed []string
	sealed  map[string][32]byte
	// Landed is every file that took its final name, as it landed (torn
	// ones too): what other computers may have read, for tests.
	Landed  map[string][]byte
	crashed map[string]bool
	writes  map[string]int
}

// Faults says which faults a MemShare injects; probabilities are per call.
type Faults struct {
	// CrashAt makes the CrashAt-th write point of each view (WriteTemp,
	// Rename, Remove, counted from 1) fail with ErrCrash, half done, and every
	// write of that view after it until Restart: a power cut mid-cycle.
	CrashAt int
	// CrashWrites lists the views CrashAt applies to (all when empty).
	CrashWrites []string
	// TornRename lands a renamed file truncated (a partial upload).
	TornRename float64
	// LostRename reports a rename as done while the file never appears.
	LostRename float64
	// MaxDelay delays each file by up to MaxDelay ticks before another view
	// sees it, independently per file and view: late, out-of-order arrival.
	MaxDelay int
	// StaleList answers a listing from an earlier tick (files gone since
	// still listed, new ones missing).
	StaleList float64
	// ConflictCopy adds a copy of a renamed file under a conflict name, as
	// Syncthing, Dropbox and OneDrive make them.
	ConflictCopy float64
	// Placeholder makes another view's first reads of a file fail, as a
	// cloud placeholder that has not been downloaded does.
	Placeholder float64
	// Busy fails a rename with EBUSY (a file held open by a scanner).
	Busy float64
	// FoldCase lists names in upper case, as a share that folds case may.
	FoldCase bool
	// FlipBits flips one bit of what a read returns (a bad transfer).
	FlipBits float64
	// NoSpace fails a temporary file write with ENOSPC, half written.
	NoSpace float64
	// Vanished makes the share unreachable: the folder reads as missing.
	Vanished bool
	// Empty makes the share read as an empty folder (an unmounted drive's
	// mount point).
	Empty bool
}

// ErrCrash is a write that did not happen because the computer "lost power".
var ErrCrash = errors.New("simulated crash")

type memFile struct {
	name    string // as written
	data    []byte
	writer  string
	born    int
	gone    int // tick it was removed, 0 while present
	lost    bool
	visible map[string]int // tick from which a view sees it
	holdout map[string]int // failing reads left for a view (placeholder)
}

// NewMemShare makes an empty in-memory share whose faults draw from seed.
func NewMemShare(seed uint64) *MemShare {
	return &MemShare{
		rnd:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		tick:    1, // 0 means "not removed" in memFile.gone
		files:   map[string]*memFile{},
		sealed:  map[string][32]byte{},
		Landed:  map[string][]byte{},
		crashed: map[string]bool{},
		writes:  map[string]int{},
	}
}

// Tick moves the share's time on; delayed files arrive as it passes.
func (m *MemShare) Tick() {
	m.mu.Lock()
	m.tick++
	m.mu.Unlock()
}

// Settle makes every file visible to every view and stops transient faults,
// as when all cloud clients have caught up.
func (m *MemShare) Settle() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick++
	for _, f := range m.files {
		for v := range f.visible {
			f.visible[v] = 0
		}
		f.holdout = nil
		if f.lost && f.gone == 0 {
			// A lost rename that turns up after all (a late upload).
			f.lost = false
			m.Landed[f.name+"@"+fmt.Sprint(len(m.Landed))] = f.data
		}
	}
	vanished, empty := m.Faults.Vanished, m.Faults.Empty
	m.Faults = Faults{Vanished: vanished, Empty: empty}
}

// Restart lets a view write again after a simulated crash and restarts its
// count of write points.
func (m *MemShare) Restart(view string) {
	m.mu.Lock()
	delete(m.crashed, view)
	m.writes[view] = 0
	m.mu.Unlock()
}

// Corrupt flips a bit of a stored file: damage at rest.
func (m *MemShare) Corrupt(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.files[strings.ToLower(name)]
	if f == nil || f.gone != 0 || len(f.data) == 0 {
		return false
	}
	f.data = append([]byte(nil), f.data...)
	f.data[m.rnd.IntN(len(f.data))] ^= 1 << m.rnd.IntN(8)
	return true
}

// Names lists every file present, for tests.
func (m *MemShare) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, f := range m.files {
		if f.gone == 0 && !f.lost {
			out = append(out, f.name)
		}
	}
	sort.Strings(out)
	return out
}

// Size is the bytes of every file present outside temporary folders.
func (m *MemShare) Size() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for _, f := range m.files {
		if f.gone == 0 && !f.lost && !strings.Contains(f.name, "/.tmp/") {
			n += int64(len(f.data))
		}
	}
	return n
}

// View is the share as one computer sees it.
func (m *MemShare) View(name string) Share { return &memView{m: m, view: name} }

type memView struct {
	m    *MemShare
	view string
}

var _ Share = (*memView)(nil)

func (m *MemShare) chance(p float64) bool { return p > 0 && m.rnd.Float64() < p }

// writePoint counts a write of view and reports whether it is the one that
// crashes, or whether the view is down after an earlier crash.
func (m *MemShare) writePoint(view string) (crashNow bool, err error) {
	if m.crashed[view] {
		return false, ErrCrash
	}
	if m.Faults.Vanished {
		return false, fs.ErrNotExist
	}
	m.writes[view]++
	applies := len(m.Faults.CrashWrites) == 0
	for _, v := range m.Faults.CrashWrites {
		applies = applies || v == view
	}
	if applies && m.Faults.CrashAt > 0 && m.writes[view] == m.Faults.CrashAt {
		m.crashed[view] = true
		return true, nil
	}
	return false, nil
}

func (v *memView) seen(f *memFile, at int) bool {
	if f.lost || f.born > at {
		return false
	}
	if f.gone != 0 && f.gone <= at {
		return false
	}
	if f.writer == v.view {
		return true
	}
	vis, ok := f.visible[v.view]
	if !ok {
		vis = f.born
		if v.m.Faults.MaxDelay > 0 {
			vis += v.m.rnd.IntN(v.m.Faults.MaxDelay + 1)
		}
		f.visible[v.view] = vis
		if v.m.chance(v.m.Faults.Placeholder) {
			if f.holdout == nil {
				f.holdout = map[string]int{}
			}
			f.holdout[v.view] = 1 + v.m.rnd.IntN(3)
		}
	}
	return vis <= at
}

func (v *memView) List(dir string) ([]string, error) {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Faults.Vanished {
		return nil, fmt.Errorf("%s: %w", dir, fs.ErrNotExist)
	}
	if m.Faults.Empty {
		if dir == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %w", dir, fs.ErrNotExist)
	}
	at := m.tick
	if m.chance(m.Faults.StaleList) && at > 1 {
		at -= 1 + m.rnd.IntN(min(at-1, 3))
	}
	prefix := strings.ToLower(dir)
	if prefix != "" {
		prefix += "/"
	}
	seen := map[string]bool{}
	var out []string
	found := dir == ""
	keys := make([]string, 0, len(m.files))
	for k := range m.files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := m.files[k]
		if !strings.HasPrefix(k, prefix) || !v.seen(f, at) {
			continue
		}
		found = true
		rest := f.name[len(prefix):]
		entry := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			entry = rest[:i+1]
		}
		if m.Faults.FoldCase {
			entry = strings.ToUpper(entry)
		}
		if !seen[entry] {
			seen[entry] = true
			out = append(out, entry)
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", dir, fs.ErrNotExist)
	}
	// Listings come in no particular order.
	m.rnd.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func (v *memView) ReadFile(name string) ([]byte, error) {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Faults.Vanished {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	f := m.files[strings.ToLower(name)]
	if f == nil || m.Faults.Empty || !v.seen(f, m.tick) {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	if f.holdout[v.view] > 0 {
		f.holdout[v.view]--
		return nil, fmt.Errorf("%s: placeholder not downloaded: %w", name, syscall.EIO)
	}
	out := append([]byte(nil), f.data...)
	if len(out) > 0 && m.chance(m.Faults.FlipBits) {
		out[m.rnd.IntN(len(out))] ^= 1 << m.rnd.IntN(8)
	}
	return out, nil
}

func (m *MemShare) put(view, name string, data []byte) *memFile {
	f := &memFile{name: name, data: data, writer: view, born: m.tick, visible: map[string]int{}}
	m.files[strings.ToLower(name)] = f
	return f
}

func (v *memView) WriteTemp(name string, data []byte) error {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Log = append(m.Log, v.view+" write "+name)
	crash, err := m.writePoint(v.view)
	if err != nil {
		return err
	}
	if crash {
		m.put(v.view, name, append([]byte(nil), data[:len(data)/2]...))
		return ErrCrash
	}
	if m.chance(m.Faults.NoSpace) {
		m.put(v.view, name, append([]byte(nil), data[:len(data)/2]...))
		return fmt.Errorf("%s: %w", name, syscall.ENOSPC)
	}
	m.put(v.view, name, append([]byte(nil), data...))
	return nil
}

func (v *memView) Rename(from, to string) error {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Log = append(m.Log, v.view+" rename "+to)
	crash, err := m.writePoint(v.view)
	if err != nil {
		return err
	}
	if crash {
		return ErrCrash // the rename did not happen
	}
	src := m.files[strings.ToLower(from)]
	if src == nil || src.gone != 0 {
		return fmt.Errorf("%s: %w", from, fs.ErrNotExist)
	}
	if dst := m.files[strings.ToLower(to)]; dst != nil && dst.gone == 0 && !dst.lost {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if m.chance(m.Faults.Busy) {
		return fmt.Errorf("rename %s: %w", to, syscall.EBUSY)
	}
	delete(m.files, strings.ToLower(from))
	data := src.data
	torn := m.chance(m.Faults.TornRename) && len(data) > 1
	if torn {
		data = data[:m.rnd.IntN(len(data))]
	}
	f := m.put(v.view, to, data)
	f.lost = m.chance(m.Faults.LostRename)
	if !f.lost {
		m.Landed[to+"@"+fmt.Sprint(len(m.Landed))] = data
	}
	// A name that once held a whole file must keep it; a lost or torn
	// landing is one no reader could take for a file.
	if !f.lost && !torn {
		sum := sha256.Sum256(data)
		if old, ok := m.sealed[strings.ToLower(to)]; ok && old != sum {
			m.Changed = append(m.Changed, to)
		}
		m.sealed[strings.ToLower(to)] = sum
	}
	if m.chance(m.Faults.ConflictCopy) {
		ext := path.Ext(to)
		copyName := strings.TrimSuffix(to, ext) + ".sync-conflict-20260101-120000-ABCDEFG" + ext
		m.put(v.view+"~cloud", copyName, append([]byte(nil), src.data...))
	}
	return nil
}

func (v *memView) Remove(name string) error {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Log = append(m.Log, v.view+" remove "+name)
	crash, err := m.writePoint(v.view)
	if err != nil {
		return err
	}
	if crash {
		return ErrCrash
	}
	// Gone from now on; a stale listing from before may still show it.
	if f := m.files[strings.ToLower(name)]; f != nil && f.gone == 0 {
		f.gone = m.tick
	}
	return nil
}

func (v *memView) MkdirAll(string) error {
	if v.m.Faults.Vanished {
		return fs.ErrNotExist
	}
	return nil // folders exist as prefixes of names
}
