package fileshare

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"rapport/data"
)

// maintain keeps the share small without a coordinator (SYNC.md,
// "Compaction and cleanup"): each computer packs, snapshots and removes only
// its own files, deciding from the heads every computer publishes.
func (s *Syncer) maintain(ctx context.Context, shareID string, r *Report) error {
	if err := s.verifyOwn(ctx, shareID, r); err != nil {
		return err
	}
	if err := s.pack(ctx, shareID, r); err != nil {
		return err
	}
	if err := s.snapshotIfDue(ctx, shareID, r); err != nil {
		return err
	}
	return s.cleanup(ctx, r)
}

// verifyOwn reads back one own segment per cycle, in turn, and writes it
// again when it is missing or damaged on the share (SYNC.md, I12). Files
// of this computer that no longer belong (packed away, or left by a crash)
// are removed.
func (s *Syncer) verifyOwn(ctx context.Context, shareID string, r *Report) error {
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	dev := s.store.DeviceID()
	dir := devDir(dev) + "/log/"
	names, err := s.share.List(devDir(dev) + "/log")
	if err != nil {
		return nil
	}
	listed := map[string]bool{}
	for _, seg := range pub.Segments {
		listed[segmentFile(seg.From, seg.To)] = true
	}
	present := map[string]bool{}
	for _, n := range names {
		if _, _, _, ok := parseSegmentName(n); ok {
			present[strings.ToLower(n)] = true
		}
	}
	if len(pub.Segments) == 0 {
		return nil
	}
	i := pub.Verify % len(pub.Segments)
	seg := pub.Segments[i]
	name := segmentFile(seg.From, seg.To)
	b, err := s.read(dir + name)
	ok := err == nil && sha(b) == seg.SHA256
	damaged := err == nil || errors.Is(err, ErrDamaged)
	if !ok && (damaged || !present[name]) {
		body, berr := s.buildSegment(ctx, shareID, seg)
		if berr != nil {
			return berr
		}
		if damaged {
			if rerr := s.share.Remove(dir + name); rerr != nil {
				return rerr
			}
		}
		if werr := s.writeNew(devDir(dev)+"/.tmp", dir+name, body); werr != nil {
			return werr
		}
		r.Republished = append(r.Republished, name)
	}
	pub.Verify = i + 1
	return s.savePub(ctx, pub, nil)
}

// pack merges runs of this computer's consecutive small segments into one,
// so that a share used for years holds few files.
func (s *Syncer) pack(ctx context.Context, shareID string, r *Report) error {
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	segs := pub.Segments
	start := -1
	for i := 0; i <= len(segs); i++ {
		small := i < len(segs) && segs[i].To-segs[i].From+1 < smallSegmentOps &&
			(start < 0 || segs[i].From == segs[i-1].To+1 && segs[i].To-segs[start].From+1 <= maxSegmentOps)
		if small {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minPackRun {
			return s.packRun(ctx, shareID, pub, start, i, r)
		}
		start = -1
		if i < len(segs) && segs[i].To-segs[i].From+1 < smallSegmentOps {
			start = i
		}
	}
	return nil
}

func (s *Syncer) packRun(ctx context.Context, shareID string, pub pubState, start, end int, r *Report) error {
	run := pub.Segments[start:end]
	packed := ownSegment{From: run[0].From, To: run[len(run)-1].To, OutAfter: run[0].OutAfter, OutTo: run[len(run)-1].OutTo}
	body, err := s.buildSegment(ctx, shareID, packed)
	if err != nil {
		return err
	}
	packed.SHA256 = sha(body)
	dev := s.store.DeviceID()
	name := devDir(dev) + "/log/" + segmentFile(packed.From, packed.To)
	if err := s.writeNew(devDir(dev)+"/.tmp", name, body); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			if errors.Is(err, ErrDamaged) {
				s.share.Remove(name)
			}
			return err
		}
		if back, rerr := s.read(name); rerr != nil || sha(back) != packed.SHA256 {
			return fmt.Errorf("fileshare: %s exists with other contents", name)
		}
	}
	segs := append(append(append([]ownSegment{}, pub.Segments[:start]...), packed), pub.Segments[end:]...)
	pub.Superseded = append(pub.Superseded, run...)
	pub.Segments = segs
	// The small files go once the head lists the packed one (verifyOwn
	// removes files no head lists); readers apply either, harmlessly.
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	r.Packed += len(run)
	return nil
}

// activeDevices are the other computers seen in the last 60 days that no
// computer has retired, with what they last said.
func (s *Syncer) activeDevices(ctx context.Context) (map[string]seenDevice, error) {
	all, err := s.store.SyncStatePrefix(ctx, keySeen)
	if err != nil {
		return nil, err
	}
	seen := map[string]seenDevice{}
	retired := map[string]bool{}
	for k, v := range all {
		var d seenDevice
		if err := jsonUnmarshal(v, &d); err != nil {
			continue
		}
		seen[strings.TrimPrefix(k, keySeen)] = d
		for _, x := range d.Retired {
			retired[x] = true
		}
	}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range pub.Retired {
		retired[x] = true
	}
	nowMs := s.now().UnixMilli()
	out := map[string]seenDevice{}
	for dev, d := range seen {
		if retired[dev] || nowMs-d.WallMs > inactiveAfter.Milliseconds() {
			continue
		}
		out[dev] = d
	}
	return out, nil
}

func hlcTime(hlc string) time.Time {
	var v uint64
	fmt.Sscanf(hlc, "%x", &v)
	return time.UnixMilli(int64(v >> 16))
}

// snapshotIfDue writes a snapshot when this computer is the one to: the
// active computer with the lowest id, weekly or after 50k operations; any
// computer when the newest snapshot is over 21 days old.
func (s *Syncer) snapshotIfDue(ctx context.Context, shareID string, r *Report) error {
	active, err := s.activeDevices(ctx)
	if err != nil {
		return err
	}
	me := s.store.DeviceID()
	lowest := true
	for dev := range active {
		if dev < me {
			lowest = false
		}
	}
	refs := s.snapshots(nil)
	acks, err := s.acks(ctx)
	if err != nil {
		return err
	}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	acks[me] = pub.Seq
	var total int64
	for _, n := range acks {
		total += n
	}
	if total == 0 {
		return nil
	}
	due := false
	if len(refs) == 0 {
		// The first one after a week of use, or sooner on a busy share.
		created, _ := time.Parse(time.RFC3339, pub.Created)
		due = lowest && (s.now().Sub(created) > snapshotEvery || total >= snapshotOps)
	} else {
		covers, err := s.snapshotCovers(ctx, shareID, refs[0])
		age := s.now().Sub(hlcTime(refs[0].hlc))
		var covered int64
		if err == nil {
			for _, n := range covers {
				covered += n
			}
		}
		due = lowest && (age > snapshotEvery || total-covered >= snapshotOps) || age > snapshotStale
	}
	if !due {
		return nil
	}
	return s.writeSnapshot(ctx, shareID, acks, r)
}

func (s *Syncer) writeSnapshot(ctx context.Context, shareID string, covers map[string]int64, r *Report) error {
	// Only a state whose own changes are all published goes into a
	// snapshot: an edit that reached the share only inside a snapshot would
	// reach only the computers that happen to merge it.
	pub0, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	before, err := s.store.OutboxLast(ctx)
	if err != nil || before > pub0.Outbox || pub0.Pending != nil {
		return err
	}
	drop := fmt.Sprintf("%016x", uint64(s.now().Add(-deletedFieldsKept).UnixMilli())<<16)
	var ops []data.Op
	if err := s.store.StateOps(ctx, drop, func(op data.Op) error { ops = append(ops, op); return nil }); err != nil {
		return err
	}
	if after, err := s.store.OutboxLast(ctx); err != nil || after != before {
		return err // an edit came in meanwhile: the next cycle publishes it first
	}
	hlc, err := s.store.ClockStamp(ctx)
	if err != nil {
		return err
	}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	if hlc <= pub.SnapTried {
		return nil // the last attempt had this name; try when the clock has moved
	}
	pub.SnapTried = hlc
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	dev := s.store.DeviceID()
	body, err := EncodeSnapshot(Snapshot{Share: shareID, Device: dev, HLC: hlc, Covers: covers, Schema: data.SchemaVersion(), Ops: ops})
	if err != nil {
		return err
	}
	name := devDir(dev) + "/snap/" + snapshotFile(hlc)
	if err := s.writeNew(devDir(dev)+"/.tmp", name, body); err != nil {
		if errors.Is(err, ErrDamaged) {
			s.share.Remove(name)
		}
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	}
	if pub, err = s.loadPub(ctx); err != nil {
		return err
	}
	pub.Snapshots = append(pub.Snapshots, snapshotFile(hlc))
	sort.Strings(pub.Snapshots)
	var gone []string
	if len(pub.Snapshots) > snapshotsKept {
		gone = pub.Snapshots[:len(pub.Snapshots)-snapshotsKept]
		pub.Snapshots = append([]string{}, pub.Snapshots[len(pub.Snapshots)-snapshotsKept:]...)
	}
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	for _, g := range gone {
		if err := s.share.Remove(devDir(dev) + "/snap/" + g); err != nil {
			return err
		}
	}
	r.SnapshotWritten = snapshotFile(hlc)
	return nil
}

// cleanup removes this computer's segments that every active computer
// acknowledged and that a snapshot visible for 7 days holds, and then their
// operations from the outbox.
func (s *Syncer) cleanup(ctx context.Context, r *Report) error {
	active, err := s.activeDevices(ctx)
	if err != nil {
		return err
	}
	me := s.store.DeviceID()
	ackedAll := int64(-1)
	for _, d := range active {
		a := d.Acks[me]
		if ackedAll < 0 || a < ackedAll {
			ackedAll = a
		}
	}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	if ackedAll < 0 {
		ackedAll = pub.Seq // no one else is active: nobody to wait for
	}
	var snapCovers int64
	shareID, _, _ := s.store.SyncState(ctx, keyShare)
	for _, ref := range s.snapshots(nil) {
		if s.now().Sub(hlcTime(ref.hlc)) < snapshotAge {
			continue
		}
		covers, err := s.snapshotCovers(ctx, shareID, ref)
		if err == nil && covers[me] > snapCovers {
			snapCovers = covers[me]
		}
	}
	limit := min(ackedAll, snapCovers)
	var keep []ownSegment
	var removed []ownSegment
	for _, seg := range pub.Segments {
		if seg.To <= limit && (len(keep) == 0) {
			removed = append(removed, seg)
			continue
		}
		keep = append(keep, seg)
	}
	if len(removed) == 0 {
		return nil
	}
	// The files go only after a head with the new floor is out (see
	// removeSuperseded): a reader that finds a segment missing must be able
	// to tell compacted from still arriving, even if this computer never
	// writes again.
	last := removed[len(removed)-1]
	pub.Segments = keep
	pub.Superseded = append(pub.Superseded, removed...)
	pub.GCFloor = max(pub.GCFloor, last.To)
	pub.DropOutbox = max(pub.DropOutbox, last.OutTo)
	pub.Verify = 0
	if err := s.savePub(ctx, pub, nil); err != nil {
		return err
	}
	r.SegmentsRemoved += len(removed)
	return nil
}

// removeSuperseded removes the files of own segments that were packed or
// compacted away, once a head that no longer lists them is on the share, and
// then the operations that only they held from the outbox.
func (s *Syncer) removeSuperseded(ctx context.Context) error {
	pub, err := s.loadPub(ctx)
	if err != nil {
		return err
	}
	if len(pub.Superseded) == 0 && pub.DropOutbox <= pub.Dropped {
		return nil
	}
	dir := devDir(s.store.DeviceID()) + "/log/"
	for _, seg := range pub.Superseded {
		name := dir + segmentFile(seg.From, seg.To)
		// Only the bytes this database wrote: a file of the same name with
		// others is another writer's to keep.
		if b, err := s.read(name); err == nil && sha(b) == seg.SHA256 {
			if err := s.share.Remove(name); err != nil {
				return err
			}
		}
	}
	pub.Superseded = nil
	if pub.DropOutbox > pub.Dropped {
		if err := s.store.DropOutbox(ctx, pub.DropOutbox); err != nil {
			return err
		}
		pub.Dropped = pub.DropOutbox
	}
	return s.savePub(ctx, pub, nil)
}

// snapshotCovers is what a snapshot covers, from the whole file checked once
// and remembered: maintenance decides from it every cycle, and reading a
// snapshot of a large shop each time would cost more than the cycle.
func (s *Syncer) snapshotCovers(ctx context.Context, shareID string, ref snapshotRef) (map[string]int64, error) {
	key := keySnapshotCovers + ref.dev + "/" + ref.hlc
	var covers map[string]int64
	if ok, err := s.state(ctx, key, &covers); err != nil || ok {
		return covers, err
	}
	snap, err := s.readSnapshot(shareID, ref)
	if err != nil {
		return nil, err
	}
	if covers = snap.Covers; covers == nil {
		covers = map[string]int64{}
	}
	return covers, s.store.SetSyncState(ctx, map[string]string{key: mustJSON(covers)})
}
