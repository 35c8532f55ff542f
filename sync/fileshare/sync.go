package fileshare

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"rapport/data"
)

// Tunables of the protocol (SYNC.md, "Compaction and cleanup").
const (
	maxSegmentOps     = 10000 // operations in one published segment
	smallSegmentOps   = 1000  // a segment below this is packed with its neighbours
	minPackRun        = 4     // consecutive small segments worth one packed file
	aheadLimit        = 5 * time.Minute
	snapshotEvery     = 7 * 24 * time.Hour
	snapshotOps       = 50000
	snapshotStale     = 21 * 24 * time.Hour
	snapshotsKept     = 2
	snapshotAge       = 7 * 24 * time.Hour // a snapshot visible this long lets segments go
	inactiveAfter     = 60 * 24 * time.Hour
	deletedFieldsKept = 180 * 24 * time.Hour
	headsKept         = 2
	applyBatch        = 5000 // snapshot operations merged per transaction
)

// Bookkeeping keys in the store's sync_state.
const (
	keyShare = "fileshare:share"
	// keySharePending is the share description being written by the
	// first computer.
	keySharePending = "fileshare:share_pending"
	keyPub          = "fileshare:pub"
	keyApplied      = "fileshare:applied:"
	keySeen         = "fileshare:seen:"
	keyRestored     = "fileshare:restored"
	keyWarnings     = "fileshare:warnings"
	keyLastSync     = "fileshare:last"
	// keyDerivedStale marks a snapshot merge whose search index and
	// figures still have to be rebuilt.
	keyDerivedStale = "fileshare:derived_stale"
	// keyAppliedFiles lists the files applied of a retired id, by name.
	keyAppliedFiles = "fileshare:applied_files:"
	// keySnapshotCovers remembers what a snapshot that validated covers.
	keySnapshotCovers = "fileshare:snapshot:"
)

// ownSegment is a segment this computer published, and where its operations
// are in the outbox, so that it can be built again byte for byte.
type ownSegment struct {
	From     int64  `json:"from"`
	To       int64  `json:"to"`
	OutAfter int64  `json:"out_after"` // outbox seq before its first operation
	OutTo    int64  `json:"out_to"`    // outbox seq of its last operation
	SHA256   string `json:"sha256"`
}

// pubState is what this computer has published under its current id.
type pubState struct {
	Seq      int64        `json:"seq"`    // last sequence number published
	Outbox   int64        `json:"outbox"` // outbox seq of the last operation published
	Segments []ownSegment `json:"segments"`
	// Superseded are own segments packed into bigger ones, whose files are
	// removed once the head lists the packed one.
	Superseded []ownSegment `json:"superseded,omitempty"`
	// DropOutbox is the outbox sequence up to which operations may go once
	// the files holding them are gone; Dropped is how far that was done.
	DropOutbox int64       `json:"drop_outbox,omitempty"`
	Dropped    int64       `json:"dropped,omitempty"`
	Pending    *ownSegment `json:"pending,omitempty"` // being written: a crash leaves it
	GCFloor    int64       `json:"gc_floor"`
	Snapshots  []string    `json:"snapshots,omitempty"`
	LastHead   string      `json:"last_head,omitempty"`
	HeadTried  string      `json:"head_tried,omitempty"`
	SnapTried  string      `json:"snap_tried,omitempty"`
	// ForeignHead is a head name this database tried for the first time
	// and found taken: only another database writing as this computer can
	// have written it.
	ForeignHead string   `json:"foreign_head,omitempty"`
	Created     string   `json:"created,omitempty"` // in device.json
	Retired     []string `json:"retired,omitempty"`
	Verify      int      `json:"verify"` // which own segment to read back next
}

// seenDevice is what this computer last read of another one's head.
type seenDevice struct {
	Name      string           `json:"name"`
	WallMs    int64            `json:"wall_ms"`
	HLC       string           `json:"hlc"`
	Published int64            `json:"published"`
	GCFloor   int64            `json:"gc_floor"`
	Acks      map[string]int64 `json:"acks"`
	Retired   []string         `json:"retired,omitempty"`
	Checked   int64            `json:"checked_ms"` // when this computer read it
}

// Options configure a Syncer.
type Options struct {
	// Name is this computer's display name in device.json.
	Name string
	// App is the version written in device.json.
	App string
	// Now is the wall clock; the store's clock when nil.
	Now func() time.Time
	// Passphrase opens an encrypted share, or makes the new share encrypted.
	Passphrase string
}

// Syncer runs sync cycles of one store through one share.
type Syncer struct {
	store *data.Store
	share Share
	opt   Options
	key   *shareKey // the share key of an encrypted share, once opened
	// keyWrapped is the wrapped key that key was opened from.
	keyWrapped string
}

// read gives a file's contents, opened with the share key when the share is
// encrypted.
func (s *Syncer) read(name string) ([]byte, error) {
	b, err := s.share.ReadFile(name)
	if err != nil || s.key == nil {
		return b, err
	}
	return s.key.open(name, b)
}

// onShare is the bytes a file's contents take on the share.
func (s *Syncer) onShare(name string, data []byte) []byte {
	if s.key != nil {
		return s.key.seal(name, data)
	}
	return data
}

// writeNew is WriteNew of the contents, sealed when the share is encrypted.
func (s *Syncer) writeNew(tmpDir, name string, data []byte) error {
	if s.key != nil {
		data = s.key.seal(name, data)
	}
	return WriteNew(s.share, tmpDir, name, data)
}

// New makes a Syncer.
func New(store *data.Store, share Share, opt Options) *Syncer {
	if opt.Now == nil {
		opt.Now = store.Now
	}
	if opt.Name == "" {
		opt.Name = "computer"
	}
	return &Syncer{store: store, share: share, opt: opt}
}

// Report says what one cycle did.
type Report struct {
	Offline         bool     `json:"offline,omitempty"`
	CreatedShare    bool     `json:"created_share,omitempty"`
	NewDevice       string   `json:"new_device,omitempty"` // this computer took a new id (restored or cloned)
	Published       int      `json:"published"`            // operations
	PublishedFiles  []string `json:"published_files,omitempty"`
	AppliedSegments int      `json:"applied_segments"`
	AppliedOps      int      `json:"applied_ops"`
	ChangedRows     int      `json:"changed_rows"`
	SnapshotsMerged []string `json:"snapshots_merged,omitempty"`
	Packed          int      `json:"packed,omitempty"`
	SnapshotWritten string   `json:"snapshot_written,omitempty"`
	SegmentsRemoved int      `json:"segments_removed,omitempty"`
	Republished     []string `json:"republished,omitempty"`
	Damaged         []string `json:"damaged,omitempty"`
	Unknown         []string `json:"unknown,omitempty"`
	Waiting         []string `json:"waiting,omitempty"` // segments that did not read yet
	Warnings        []string `json:"warnings,omitempty"`
	HeadWritten     string   `json:"head_written,omitempty"`
	PublishErr      string   `json:"publish_error,omitempty"`
}

// ErrOffline means the share is not there (not mounted, not reachable, or
// an empty folder where a share was): nothing was done.
var ErrOffline = errors.New("share offline")

// ErrOtherShare means the folder holds a different share than the one this
// computer syncs with.
var ErrOtherShare = errors.New("the folder holds another Rapport share")

func devDir(dev string) string { return "devices/" + dev }

func (s *Syncer) now() time.Time { return s.opt.Now() }

func (s *Syncer) state(ctx context.Context, key string, v any) (bool, error) {
	raw, ok, err := s.store.SyncState(ctx, key)
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("fileshare: bookkeeping %s: %w", key, err)
	}
	return true, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (s *Syncer) loadPub(ctx context.Context) (pubState, error) {
	var p pubState
	_, err := s.state(ctx, keyPub, &p)
	return p, err
}

func (s *Syncer) savePub(ctx context.Context, p pubState, more map[string]string) error {
	st := map[string]string{keyPub: mustJSON(p)}
	for k, v := range more {
		st[k] = v
	}
	return s.store.SetSyncState(ctx, st)
}

func (s *Syncer) applied(ctx context.Context, dev string) (ranges, error) {
	raw, _, err := s.store.SyncState(ctx, keyApplied+dev)
	if err != nil {
		return nil, err
	}
	return parseRanges(raw)
}

func newShareID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// Cycle runs one sync cycle: preflight, publish, pull, acknowledge,
// maintenance (SYNC.md, "The cycle"). It never removes or hides local data
// because of what is missing on the share.
func (s *Syncer) Cycle(ctx context.Context) (Report, error) {
	var r Report
	shareID, err := s.preflight(ctx, &r, true, true)
	if err != nil {
		if errors.Is(err, ErrOffline) {
			r.Offline = true
		}
		return r, err
	}
	if err := s.rebuildDerived(ctx); err != nil {
		return r, err
	}
	if err := s.publish(ctx, shareID, &r); err != nil {
		if errors.Is(err, ErrCrash) {
			return r, err
		}
		r.PublishErr = err.Error()
	}
	if err := s.pull(ctx, shareID, &r); err != nil {
		return r, err
	}
	if err := s.maintain(ctx, shareID, &r); err != nil {
		if errors.Is(err, ErrCrash) {
			return r, err
		}
		r.Warnings = append(r.Warnings, "maintenance: "+err.Error())
	}
	if err := s.writeHead(ctx, shareID, &r); err != nil {
		if errors.Is(err, ErrCrash) {
			return r, err
		}
		r.Warnings = append(r.Warnings, "head: "+err.Error())
	} else if err := s.removeSuperseded(ctx); err != nil {
		if errors.Is(err, ErrCrash) {
			return r, err
		}
		r.Warnings = append(r.Warnings, "cleanup: "+err.Error())
	}
	warn := append(append([]string{}, r.Warnings...), r.Damaged...)
	if r.PublishErr != "" {
		warn = append(warn, "publishing: "+r.PublishErr)
	}
	err = s.store.SetSyncState(ctx, map[string]string{keyWarnings: mustJSON(warn), keyLastSync: strconv.FormatInt(s.now().UnixMilli(), 10)})
	return r, err
}

// preflight checks the share is the one this computer syncs with (creating
// it on first use when create is set), cleans this computer's temporary
// files, and looks for another database writing under this computer's id.
func (s *Syncer) preflight(ctx context.Context, r *Report, create, repair bool) (string, error) {
	known, _, err := s.store.SyncState(ctx, keyShare)
	if err != nil {
		return "", err
	}
	raw, err := s.share.ReadFile("share.json")
	var info ShareInfo
	switch {
	case err == nil:
		if info, err = DecodeShareInfo(raw); err != nil {
			if known == "" && create && repair && s.tornUnjoinedShare(ctx, raw, err) {
				// Nobody can have read a share id from it, so the first
				// computer to sync makes the share again, once a cycle.
				if rerr := s.share.Remove("share.json"); rerr == nil {
					return s.preflight(ctx, r, true, false)
				}
			}
			return "", fmt.Errorf("%w: share.json: %v", ErrOffline, err)
		}
		if known != "" && info.Share != known {
			return "", fmt.Errorf("%w (share %s, this computer syncs with %s)", ErrOtherShare, info.Share, known)
		}
	case errors.Is(err, fs.ErrNotExist) && known == "" && create:
		// A folder with no share and a computer that never synced: the
		// first computer makes the share. One that synced before and finds
		// nothing sees an unmounted or emptied folder and does nothing.
		if _, lerr := s.share.List(""); lerr != nil && !errors.Is(lerr, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %v", ErrOffline, lerr)
		}
		// The description is kept until it is in place, so that a retry
		// after a failed write writes the same bytes.
		var pending ShareInfo
		if ok, err := s.state(ctx, keySharePending, &pending); err != nil {
			return "", err
		} else if ok {
			info = pending
		} else {
			info = ShareInfo{Share: newShareID(), Fmt: FormatVersion, Created: s.now().UTC().Format(time.RFC3339)}
			if s.opt.Passphrase != "" {
				key, err := newShareKey()
				if err != nil {
					return "", err
				}
				if info.Key, err = key.wrap(s.opt.Passphrase); err != nil {
					return "", err
				}
			}
			if err := s.store.SetSyncState(ctx, map[string]string{keySharePending: mustJSON(info)}); err != nil {
				return "", err
			}
		}
		b, _ := EncodeInfo(info)
		if err := s.share.MkdirAll("devices"); err != nil {
			return "", fmt.Errorf("%w: %v", ErrOffline, err)
		}
		if err := WriteNew(s.share, ".tmp-"+s.store.DeviceID(), "share.json", b); err != nil {
			if errors.Is(err, ErrDamaged) {
				// Read back different: either it landed torn or the read was
				// bad. Reading it again tells which.
				return s.preflight(ctx, r, false, false)
			}
			if !errors.Is(err, fs.ErrExist) {
				return "", fmt.Errorf("creating the share: %w", err)
			}
			return s.preflight(ctx, r, false, false) // another computer made it first
		}
		r.CreatedShare = true
	default:
		return "", fmt.Errorf("%w: share.json: %v", ErrOffline, err)
	}
	switch {
	case info.Key != "" && s.opt.Passphrase == "":
		return "", ErrPassphraseNeeded
	case info.Key == "" && s.opt.Passphrase != "":
		return "", fmt.Errorf("%w: this share is not encrypted; sync without a passphrase", ErrWrongPassphrase)
	case info.Key != "" && info.Key != s.keyWrapped:
		key, err := unwrapShareKey(info.Key, s.opt.Passphrase)
		if err != nil {
			return "", err
		}
		s.key, s.keyWrapped = key, info.Key // the app's next cycles skip the scrypt
	}
	if known == "" {
		if err := s.store.SetSyncState(ctx, map[string]string{keyShare: info.Share, keySharePending: ""}); err != nil {
			return "", err
		}
	}
	if err := s.checkIdentity(ctx, r); err != nil {
		return "", err
	}
	dev := s.store.DeviceID()
	if err := s.share.MkdirAll(devDir(dev) + "/log"); err != nil {
		return "", fmt.Errorf("%w: %v", ErrOffline, err)
	}
	if tmps, err := s.share.List(devDir(dev) + "/.tmp"); err == nil {
		for _, t := range tmps {
			if !strings.HasSuffix(t, "/") {
				if err := s.share.Remove(devDir(dev) + "/.tmp/" + t); err != nil {
					return "", err
				}
			}
		}
	}
	if _, err := s.read(devDir(dev) + "/device.json"); errors.Is(err, fs.ErrNotExist) {
		pub, err := s.loadPub(ctx)
		if err != nil {
			return "", err
		}
		if pub.Created == "" {
			pub.Created = s.now().UTC().Format(time.RFC3339)
			if err := s.savePub(ctx, pub, nil); err != nil {
				return "", err
			}
		}
		b, _ := EncodeInfo(DeviceInfo{Device: dev, Name: s.opt.Name, Created: pub.Created, App: s.opt.App})
		if err := s.writeNew(devDir(dev)+"/.tmp", devDir(dev)+"/device.json", b); err != nil && !errors.Is(err, fs.ErrExist) {
			if errors.Is(err, ErrCrash) {
				return "", err
			}
			r.Warnings = append(r.Warnings, err.Error())
			s.share.Remove(devDir(dev) + "/device.json")
		}
	}
	return info.Share, nil
}

// checkIdentity finds a database that is not the one that wrote this
// computer's folder: one restored from a backup (the store marks it), or a
// copy of the disk (the folder holds segments or heads this database did
// not write). Either takes a new id and reads the old folder like another
// computer's, so nothing either copy wrote is lost (SYNC.md, I8, I16).
func (s *Syncer) checkIdentity(ctx context.Context, r *Report) error {
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	restored, _, err := s.store.SyncState(ctx, "restored_at")
	if err != nil {
		return err
	}
	handled, _, err := s.store.SyncState(ctx, keyRestored)
	if err != nil {
		return err
	}
	dev := s.store.DeviceID()
	reason := ""
	if restored != "" && restored != handled {
		reason = "restored from a backup"
	}
	if reason == "" {
		names, err := s.share.List(devDir(dev) + "/log")
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %v", ErrOffline, err)
		}
		known := map[string]bool{}
		for _, seg := range append(append([]ownSegment{}, pub.Segments...), pub.Superseded...) {
			known[segmentFile(seg.From, seg.To)] = true
		}
		for _, n := range names {
			from, to, isCopy, ok := parseSegmentName(n)
			if !ok || isCopy || known[strings.ToLower(n)] {
				continue
			}
			if p := pub.Pending; p != nil && p.From == from && p.To == to {
				b, err := s.read(devDir(dev) + "/log/" + n)
				if err == nil && sha(b) == p.SHA256 {
					continue // our own write, cut off by a crash before it was recorded
				}
				if err != nil || errors.Is(validateSegment(b), ErrDamaged) {
					continue // our own torn write: publish removes and rewrites it
				}
			}
			if b, err := s.read(devDir(dev) + "/log/" + n); err != nil || validateSegment(b) != nil {
				continue // not readable yet, or damaged: nothing is known of its writer
			}
			reason = "another database publishes as this computer (a copied disk or a restored backup)"
		}
		if pub.ForeignHead != "" {
			reason = "another database writes this computer's status (a copied disk)"
		}
		heads, _ := s.share.List(devDir(dev) + "/head")
		for _, n := range heads {
			// A head named after the last one this database tried to write
			// is another database's, also when this one never wrote one
			// (a disk copied before its first head).
			if hlc, isCopy, ok := parseStampName(headName, n); ok && !isCopy && hlc > max(pub.LastHead, pub.HeadTried) {
				if _, err := s.readHead(dev, n); err == nil {
					reason = "another database writes this computer's status (a copied disk)"
				}
			}
		}
	}
	if reason == "" {
		return nil
	}
	// What this database published under the old id is applied here; the
	// rest of the old folder is applied by pull like any computer's.
	old := dev
	mine := ranges{}
	for _, seg := range pub.Segments {
		mine = mine.add(seg.From, seg.To)
	}
	if pub.GCFloor > 0 {
		mine = mine.add(1, pub.GCFloor)
	}
	prev, err := s.applied(ctx, old)
	if err != nil {
		return err
	}
	for _, iv := range mine {
		prev = prev.add(iv[0], iv[1])
	}
	// Everything in the outbox is published again under the new id: the
	// other database may have written files under the old id that overlap
	// this one's, and readers skip a range they already applied.
	// Operations keep their stamps, so the copies are the same operation.
	fresh := pubState{Outbox: 0, Created: pub.Created, Retired: append(append([]string{}, pub.Retired...), old)}
	st := map[string]string{keyPub: mustJSON(fresh), keyApplied + old: prev.String(), keyRestored: restored}
	id, err := s.store.NewDeviceID(ctx, st)
	if err != nil {
		return err
	}
	r.NewDevice = id
	r.Warnings = append(r.Warnings, fmt.Sprintf("this database was %s: it now syncs as computer %s and reads %s like another computer", reason, short(id), short(old)))
	return nil
}

func short(dev string) string {
	if len(dev) > 8 {
		return dev[:8]
	}
	return dev
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func validateSegment(b []byte) error {
	_, err := DecodeSegment(b)
	return err
}

// buildSegment makes the bytes of an own segment from the outbox.
func (s *Syncer) buildSegment(ctx context.Context, shareID string, seg ownSegment) ([]byte, error) {
	n := int(seg.To - seg.From + 1)
	ops, last, err := s.store.Outbox(ctx, seg.OutAfter, n)
	if err != nil {
		return nil, err
	}
	if len(ops) != n || last != seg.OutTo {
		return nil, fmt.Errorf("fileshare: the outbox no longer holds segment %d-%d", seg.From, seg.To)
	}
	return EncodeSegment(Segment{Share: shareID, Device: s.store.DeviceID(), From: seg.From, To: seg.To, Schema: data.SchemaVersion(), Ops: ops})
}

// publish writes this computer's new operations as segments.
func (s *Syncer) publish(ctx context.Context, shareID string, r *Report) error {
	dev := s.store.DeviceID()
	for {
		pub, err := s.loadPub(ctx)
		if err != nil {
			return err
		}
		seg := pub.Pending
		var body []byte
		if seg == nil {
			ops, last, err := s.store.Outbox(ctx, pub.Outbox, maxSegmentOps)
			if err != nil {
				return err
			}
			if len(ops) == 0 {
				return nil
			}
			seg = &ownSegment{From: pub.Seq + 1, To: pub.Seq + int64(len(ops)), OutAfter: pub.Outbox, OutTo: last}
			if body, err = EncodeSegment(Segment{Share: shareID, Device: dev, From: seg.From, To: seg.To, Schema: data.SchemaVersion(), Ops: ops}); err != nil {
				return err
			}
			seg.SHA256 = sha(body)
			// Recorded before the file is written, so that after a crash the
			// file found on the share is known to be this computer's own.
			pub.Pending = seg
			if err := s.savePub(ctx, pub, nil); err != nil {
				return err
			}
		} else if body, err = s.buildSegment(ctx, shareID, *seg); err != nil {
			return err
		}
		name := devDir(dev) + "/log/" + segmentFile(seg.From, seg.To)
		err = s.writeNew(devDir(dev)+"/.tmp", name, body)
		if errors.Is(err, fs.ErrExist) {
			if back, rerr := s.read(name); rerr == nil && sha(back) == seg.SHA256 {
				err = nil // written before a crash
			} else if rerr == nil && validateSegment(back) == nil {
				return fmt.Errorf("fileshare: %s holds a segment this database did not write", name)
			} else if raw, rerr := s.share.ReadFile(name); rerr == nil && len(raw) < len(s.onShare(name, body)) {
				s.share.Remove(name) // our own torn file: write it again next time
				return fmt.Errorf("%s landed cut short; it is written again", name)
			} else {
				return fmt.Errorf("%s does not read back right; it is checked again next time", name)
			}
		}
		if errors.Is(err, ErrDamaged) {
			s.share.Remove(name)
			return err
		}
		if err != nil {
			return err
		}
		pub.Seq, pub.Outbox = seg.To, seg.OutTo
		pub.Segments = append(pub.Segments, *seg)
		pub.Pending = nil
		if err := s.savePub(ctx, pub, nil); err != nil {
			return err
		}
		r.Published += int(seg.To - seg.From + 1)
		r.PublishedFiles = append(r.PublishedFiles, segmentFile(seg.From, seg.To))
	}
}

// readHead reads and checks one head file of dev.
func (s *Syncer) readHead(dev, name string) (Head, error) {
	b, err := s.read(devDir(dev) + "/head/" + name)
	if err != nil {
		return Head{}, err
	}
	h, err := DecodeHead(b)
	if err == nil && h.Device != dev {
		err = fmt.Errorf("%w: head of %s in the folder of %s", ErrDamaged, h.Device, dev)
	}
	return h, err
}

// newestHead is dev's newest head that validates.
func (s *Syncer) newestHead(dev, shareID string, r *Report) (Head, bool) {
	names, err := s.share.List(devDir(dev) + "/head")
	if err != nil {
		return Head{}, false
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, n := range names {
		if _, _, ok := parseStampName(headName, n); !ok {
			continue
		}
		h, err := s.readHead(dev, n)
		if err == nil && h.Share == shareID {
			return h, true
		}
		if errors.Is(err, ErrDamaged) && r != nil {
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s/head/%s: %v", short(dev), n, err))
		}
	}
	return Head{}, false
}

// devices lists the computers with a folder on the share.
func (s *Syncer) devices(r *Report) ([]string, error) {
	names, err := s.share.List("devices")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		d := strings.ToLower(strings.TrimSuffix(n, "/"))
		if strings.HasSuffix(n, "/") && isDeviceID(d) {
			out = append(out, d)
		} else if r != nil && !strings.HasPrefix(n, ".") {
			r.Unknown = append(r.Unknown, "devices/"+n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// pull applies every valid segment of the other computers that is not
// applied yet, each in one transaction with the record of having applied it.
func (s *Syncer) pull(ctx context.Context, shareID string, r *Report) error {
	me := s.store.DeviceID()
	if s.opt.Name != "" {
		if err := s.store.SetDeviceName(ctx, me, s.opt.Name); err != nil {
			return err
		}
	}
	devs, err := s.devices(r)
	if err != nil {
		// The share went away mid-cycle: what was applied stays applied.
		r.Warnings = append(r.Warnings, fmt.Sprintf("listing computers: %v", err))
		return nil
	}
	nowMs := s.now().UnixMilli()
	retired, err := s.retiredIDs(ctx)
	if err != nil {
		return err
	}
	for _, dev := range devs {
		if dev == me {
			continue
		}
		head, hasHead := s.newestHead(dev, shareID, r)
		if hasHead {
			seen := seenDevice{Name: head.Name, WallMs: head.WallMs, HLC: head.HLC, Published: head.Published, GCFloor: head.GCFloor, Acks: head.Acks, Retired: head.Retired, Checked: nowMs}
			if err := s.store.SetSyncState(ctx, map[string]string{keySeen + dev: mustJSON(seen)}); err != nil {
				return err
			}
			// The history names the computer a change was made on.
			if head.Name != "" {
				if err := s.store.SetDeviceName(ctx, dev, head.Name); err != nil {
					return err
				}
			}
			if ahead := time.Duration(head.WallMs-nowMs) * time.Millisecond; ahead > aheadLimit {
				r.Warnings = append(r.Warnings, fmt.Sprintf("the clock of computer %s (%s) is ahead by %s", head.Name, short(dev), ahead.Round(time.Second)))
			}
		}
		if hasHead {
			for _, x := range head.Retired {
				retired[x] = true
			}
		}
		if err := s.pullDevice(ctx, shareID, dev, head, hasHead, retired[dev], r); err != nil {
			return err
		}
	}
	return nil
}

func (s *Syncer) pullDevice(ctx context.Context, shareID, dev string, head Head, hasHead, contested bool, r *Report) error {
	done, err := s.applied(ctx, dev)
	if err != nil {
		return err
	}
	// A retired id may have had two writers (a restored backup, a copied
	// disk), whose files can hold different operations under the same
	// numbers: there, files count as applied by name, not by range.
	appliedFiles := map[string]bool{}
	if contested {
		if _, err := s.state(ctx, keyAppliedFiles+dev, &appliedFiles); err != nil {
			return err
		}
	}
	isDone := func(name string, from, to int64) bool {
		if contested {
			return appliedFiles[strings.ToLower(name)]
		}
		return done.covers(from, to)
	}
	// An empty or missing log folder is normal: nothing published yet, not
	// arrived, or all compacted away (the floor check below).
	names, _ := s.share.List(devDir(dev) + "/log")
	type cand struct {
		name     string
		from, to int64
		isCopy   bool
	}
	var cands []cand
	for _, n := range names {
		from, to, isCopy, ok := parseSegmentName(n)
		if !ok {
			if !strings.HasPrefix(n, ".") && !strings.HasSuffix(n, "/") && !strings.HasSuffix(strings.ToLower(n), ".icloud") {
				r.Unknown = append(r.Unknown, devDir(dev)+"/log/"+n)
			}
			continue
		}
		if isDone(n, from, to) {
			continue
		}
		cands = append(cands, cand{n, from, to, isCopy})
	}
	// Originals before conflict copies, oldest first.
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].from != cands[j].from {
			return cands[i].from < cands[j].from
		}
		if cands[i].isCopy != cands[j].isCopy {
			return !cands[i].isCopy
		}
		return cands[i].to > cands[j].to
	})
	limit := uint64(s.now().Add(aheadLimit).UnixMilli()) << 16
	for _, c := range cands {
		if isDone(c.name, c.from, c.to) {
			continue
		}
		b, err := s.read(devDir(dev) + "/log/" + c.name)
		if errors.Is(err, ErrDamaged) {
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s/log/%s: %v", short(dev), c.name, err))
			continue
		}
		if err != nil {
			r.Waiting = append(r.Waiting, fmt.Sprintf("%s/log/%s: %v", short(dev), c.name, err))
			continue // a placeholder, or gone between listing and reading
		}
		seg, err := DecodeSegment(b)
		if err == nil && (seg.Share != shareID || seg.Device != dev || seg.From != c.from || seg.To != c.to) {
			err = fmt.Errorf("%w: its header says share %s, computer %s, %d-%d", ErrDamaged, short(seg.Share), short(seg.Device), seg.From, seg.To)
		}
		if err != nil {
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s/log/%s: %v", short(dev), c.name, err))
			continue
		}
		ahead := false
		for _, op := range seg.Ops {
			if v, perr := strconv.ParseUint(op.HLC, 16, 64); perr == nil && v > limit {
				ahead = true
				break
			}
		}
		if ahead {
			// Held until this computer's time catches up, so a computer with
			// a clock far ahead cannot win every edit for hours.
			r.Warnings = append(r.Warnings, fmt.Sprintf("the clock of computer %s is ahead: %d changes are held until this computer's time catches up", short(dev), len(seg.Ops)))
			continue
		}
		next := done.add(c.from, c.to)
		record := map[string]string{keyApplied + dev: next.String()}
		if contested {
			appliedFiles[strings.ToLower(c.name)] = true
			record[keyAppliedFiles+dev] = mustJSON(appliedFiles)
		}
		changed, err := s.store.ApplyRemoteRecording(ctx, seg.Ops, record)
		if err != nil {
			if contested {
				delete(appliedFiles, strings.ToLower(c.name))
			}
			if errors.Is(err, data.ErrInvalid) {
				r.Damaged = append(r.Damaged, fmt.Sprintf("%s/log/%s: %v", short(dev), c.name, err))
				continue
			}
			return err
		}
		done = next
		r.AppliedSegments++
		r.AppliedOps += len(seg.Ops)
		r.ChangedRows += changed
	}
	// A hole at or below the owner's floor was compacted away: only a
	// snapshot holds those operations now.
	if hasHead && head.GCFloor > 0 && !done.covers(1, head.GCFloor) {
		if err := s.mergeSnapshot(ctx, shareID, dev, head.GCFloor, r); err != nil {
			return err
		}
	}
	return nil
}

// retiredIDs are the ids that this computer or any other has given up
// because another database wrote under them too.
func (s *Syncer) retiredIDs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range pub.Retired {
		out[x] = true
	}
	all, err := s.store.SyncStatePrefix(ctx, keySeen)
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		var d seenDevice
		if jsonUnmarshal(v, &d) == nil {
			for _, x := range d.Retired {
				out[x] = true
			}
		}
	}
	return out, nil
}

// snapshotRef is a snapshot file found on the share.
type snapshotRef struct {
	dev, name, hlc string
}

func (s *Syncer) snapshots(r *Report) []snapshotRef {
	devs, err := s.devices(nil)
	if err != nil {
		return nil
	}
	var out []snapshotRef
	for _, dev := range devs {
		names, err := s.share.List(devDir(dev) + "/snap")
		if err != nil {
			continue
		}
		for _, n := range names {
			if hlc, isCopy, ok := parseStampName(snapshotName, n); ok && !isCopy {
				out = append(out, snapshotRef{dev, n, hlc})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].hlc > out[j].hlc })
	return out
}

// readSnapshot reads and checks a snapshot.
func (s *Syncer) readSnapshot(shareID string, ref snapshotRef) (Snapshot, error) {
	b, err := s.read(devDir(ref.dev) + "/snap/" + ref.name)
	if err != nil {
		return Snapshot{}, err
	}
	snap, err := DecodeSnapshot(b)
	if err == nil && (snap.Share != shareID || snap.Device != ref.dev || snap.HLC != ref.hlc) {
		err = fmt.Errorf("%w: snapshot header does not match its name", ErrDamaged)
	}
	return snap, err
}

// mergeSnapshot merges the newest valid snapshot that covers dev up to
// need (any snapshot when dev is ""). The state merges in batches; the
// ranges it covers are recorded with the last one, so that a crash in
// between claims nothing (merging again is harmless).
func (s *Syncer) mergeSnapshot(ctx context.Context, shareID, dev string, need int64, r *Report) error {
	for _, ref := range s.snapshots(r) {
		snap, err := s.readSnapshot(shareID, ref)
		if err != nil {
			if errors.Is(err, ErrDamaged) {
				r.Damaged = append(r.Damaged, fmt.Sprintf("%s/snap/%s: %v", short(ref.dev), ref.name, err))
			}
			continue
		}
		if dev != "" && snap.Covers[dev] < need {
			continue
		}
		state := map[string]string{}
		for d, n := range snap.Covers {
			if n <= 0 || d == s.store.DeviceID() {
				continue
			}
			prev, err := s.applied(ctx, d)
			if err != nil {
				return err
			}
			state[keyApplied+d] = prev.add(1, n).String()
		}
		// Everything about one client goes in one batch: the store
		// recomputes a touched client's search entry and figures once per
		// transaction, and a snapshot lists its rows table by table.
		// The first batch records that the search index and figures are
		// behind, the rebuild after the last clears it; a crash in between
		// leaves the mark for the next cycle to finish.
		if err := s.store.SetSyncState(ctx, map[string]string{keyDerivedStale: "1"}); err != nil {
			return err
		}
		for i, end := 0, 0; i < len(snap.Ops) || (i == 0 && end == 0); i = end {
			end = min(i+applyBatch, len(snap.Ops))
			var rec map[string]string
			if end == len(snap.Ops) {
				rec = state
			}
			changed, err := s.store.MergeRemoteBulk(ctx, snap.Ops[i:end], rec)
			if err != nil {
				if errors.Is(err, data.ErrInvalid) {
					r.Damaged = append(r.Damaged, fmt.Sprintf("%s/snap/%s: %v", short(ref.dev), ref.name, err))
					break
				}
				return err
			}
			r.ChangedRows += changed
			if end == len(snap.Ops) {
				r.SnapshotsMerged = append(r.SnapshotsMerged, ref.dev[:8]+"/snap/"+ref.name)
				return s.rebuildDerived(ctx)
			}
			if end == 0 {
				break
			}
		}
	}
	if err := s.rebuildDerived(ctx); err != nil {
		return err
	}
	if dev != "" {
		r.Waiting = append(r.Waiting, fmt.Sprintf("computer %s compacted changes up to %d and no snapshot holding them has arrived", short(dev), need))
	}
	return nil
}

// rebuildDerived brings the search index and figures up to date after a
// snapshot merge, if one left them behind.
func (s *Syncer) rebuildDerived(ctx context.Context) error {
	if _, stale, err := s.store.SyncState(ctx, keyDerivedStale); err != nil || !stale {
		return err
	}
	if err := s.store.RebuildDerived(ctx); err != nil {
		return err
	}
	return s.store.SetSyncState(ctx, map[string]string{keyDerivedStale: ""})
}

// tornUnjoinedShare tells whether share.json, which read as damaged with
// readErr, is a description that landed torn and that no computer has
// joined: either the one this computer was writing, or one that stays cut
// short when read again while no computer has a folder on the share yet (a
// computer makes its folder only after reading share.json whole). A read that
// flipped bits of a good description differs the second time, so a share
// others use is never taken down.
func (s *Syncer) tornUnjoinedShare(ctx context.Context, raw []byte, readErr error) bool {
	var pending ShareInfo
	if ok, _ := s.state(ctx, keySharePending, &pending); ok {
		if mine, _ := EncodeInfo(pending); len(raw) < len(mine) && bytes.HasPrefix(mine, raw) {
			return true
		}
	}
	if !errors.Is(readErr, errCutShort) {
		return false
	}
	devices, err := s.share.List("devices")
	if (err != nil && !errors.Is(err, fs.ErrNotExist)) || len(devices) > 0 {
		return false
	}
	again, err := s.share.ReadFile("share.json")
	return err == nil && bytes.Equal(again, raw)
}

// Join sets this computer up on an existing share: it merges the newest
// valid snapshot, then runs a cycle, which applies the segments after it and
// publishes this computer's own data as new operations.
func (s *Syncer) Join(ctx context.Context) (Report, error) {
	var r Report
	shareID, err := s.preflight(ctx, &r, false, false)
	if err != nil {
		return r, err
	}
	if err := s.mergeSnapshot(ctx, shareID, "", 0, &r); err != nil {
		return r, err
	}
	c, err := s.Cycle(ctx)
	c.SnapshotsMerged = append(r.SnapshotsMerged, c.SnapshotsMerged...)
	c.Damaged = append(r.Damaged, c.Damaged...)
	c.Warnings = append(r.Warnings, c.Warnings...)
	return c, err
}

// acks are the highest contiguous sequence numbers applied of each computer.
func (s *Syncer) acks(ctx context.Context) (map[string]int64, error) {
	all, err := s.store.SyncStatePrefix(ctx, keyApplied)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for k, v := range all {
		rs, err := parseRanges(v)
		if err != nil {
			return nil, err
		}
		if p := rs.prefix(); p > 0 {
			out[strings.TrimPrefix(k, keyApplied)] = p
		}
	}
	return out, nil
}

// writeHead writes this computer's status and removes its older heads.
func (s *Syncer) writeHead(ctx context.Context, shareID string, r *Report) error {
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	acks, err := s.acks(ctx)
	if err != nil {
		return err
	}
	dev := s.store.DeviceID()
	h := Head{Share: shareID, Device: dev, Name: s.opt.Name, WallMs: s.now().UnixMilli(), Published: pub.Seq, GCFloor: pub.GCFloor, Snapshots: pub.Snapshots, Acks: acks, Retired: pub.Retired}
	for _, seg := range pub.Segments {
		h.Segments = append(h.Segments, SegmentRef{From: seg.From, To: seg.To, SHA256: seg.SHA256})
	}
	// Unchanged status needs no new file (a head is written only when
	// there is something new to say, so an idle share stays quiet).
	if pub.LastHead != "" {
		if prev, err := s.readHead(dev, headFile(pub.LastHead)); err == nil {
			p := prev
			p.HLC, p.WallMs, p.T, p.Fmt = h.HLC, h.WallMs, "", 0
			if mustJSON(p) == mustJSON(h) {
				return nil
			}
		}
	}
	hlc, err := s.store.ClockStamp(ctx)
	if err != nil {
		return err
	}
	if used := max(pub.LastHead, pub.HeadTried); hlc <= used {
		v, _ := strconv.ParseUint(used, 16, 64)
		hlc = fmt.Sprintf("%016x", v+1)
	}
	h.HLC = hlc
	// A name once tried is never used again, even when that write failed
	// and left nothing: a file name means one content forever (SYNC.md, I2).
	pub.HeadTried = hlc
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	b, err := EncodeHead(h)
	if err != nil {
		return err
	}
	name := devDir(dev) + "/head/" + headFile(hlc)
	if err := s.writeNew(devDir(dev)+"/.tmp", name, b); err != nil {
		if errors.Is(err, ErrDamaged) {
			s.share.Remove(name)
		}
		if errors.Is(err, fs.ErrExist) {
			// The name was new to this database, so another one wrote it;
			// the next cycle takes a new id (checkIdentity).
			if _, rerr := s.readHead(dev, headFile(hlc)); rerr == nil {
				pub.ForeignHead = hlc
				if serr := s.savePub(ctx, pub, nil); serr != nil {
					return serr
				}
			}
		}
		return err
	}
	pub.LastHead = hlc
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	r.HeadWritten = headFile(hlc)
	names, _ := s.share.List(devDir(dev) + "/head")
	var heads []string
	for _, n := range names {
		if _, _, ok := parseStampName(headName, n); ok {
			heads = append(heads, n)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(heads)))
	for i, n := range heads {
		if i >= headsKept && strings.ToLower(n) < hlc {
			if err := s.share.Remove(devDir(dev) + "/head/" + n); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
