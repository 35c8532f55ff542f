package fileshare

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"rapport/data"
)

// Status is what this computer knows of the sync, from its own bookkeeping
// (it does not need the share to be reachable).
type Status struct {
	Device      string           `json:"device"`
	Share       string           `json:"share,omitempty"`
	LastSync    time.Time        `json:"last_sync,omitempty"`
	Published   int64            `json:"published"`   // operations published under this id
	Unpublished int64            `json:"unpublished"` // local changes waiting for the next cycle
	Retired     []string         `json:"retired,omitempty"`
	Computers   []ComputerStatus `json:"computers"`
	Warnings    []string         `json:"warnings,omitempty"`
}

// ComputerStatus is another computer as last seen on the share.
type ComputerStatus struct {
	Device    string    `json:"device"`
	Name      string    `json:"name"`
	LastSeen  time.Time `json:"last_seen"`
	Published int64     `json:"published"` // operations it says it published
	Applied   int64     `json:"applied"`   // of those, applied here
	Pending   int64     `json:"pending"`   // published there, not applied here yet
	HasOurs   int64     `json:"has_ours"`  // of this computer's, applied there
	Retired   bool      `json:"retired,omitempty"`
}

// notSeenWarning is how long a silent computer goes before status warns.
const notSeenWarning = 14 * 24 * time.Hour

// ReadStatus gives the status of store's sync.
func ReadStatus(ctx context.Context, store *data.Store, now time.Time) (Status, error) {
	s := New(store, nil, Options{Now: func() time.Time { return now }})
	st := Status{Device: store.DeviceID()}
	var err error
	if st.Share, _, err = store.SyncState(ctx, keyShare); err != nil {
		return st, err
	}
	if raw, ok, _ := store.SyncState(ctx, keyLastSync); ok {
		if ms, err := strconv.ParseInt(raw, 10, 64); err == nil {
			st.LastSync = time.UnixMilli(ms).UTC()
		}
	}
	pub, err := s.loadPub(ctx)
	if err != nil {
		return st, err
	}
	st.Published, st.Retired = pub.Seq, pub.Retired
	last, err := store.OutboxLast(ctx)
	if err != nil {
		return st, err
	}
	st.Unpublished = max(0, last-pub.Outbox)
	if _, err := s.state(ctx, keyWarnings, &st.Warnings); err != nil {
		return st, err
	}
	seen, err := store.SyncStatePrefix(ctx, keySeen)
	if err != nil {
		return st, err
	}
	retired := map[string]bool{}
	for _, r := range pub.Retired {
		retired[r] = true
	}
	var cs []ComputerStatus
	for k, v := range seen {
		var d seenDevice
		if jsonUnmarshal(v, &d) != nil {
			continue
		}
		for _, r := range d.Retired {
			retired[r] = true
		}
		dev := strings.TrimPrefix(k, keySeen)
		done, err := s.applied(ctx, dev)
		if err != nil {
			return st, err
		}
		c := ComputerStatus{Device: dev, Name: d.Name, LastSeen: time.UnixMilli(d.WallMs).UTC(), Published: d.Published, Applied: done.count(), HasOurs: d.Acks[st.Device]}
		// Compacted operations came with a snapshot; count them as applied.
		c.Pending = max(0, d.Published-max(c.Applied, done.prefix()))
		cs = append(cs, c)
	}
	for i := range cs {
		cs[i].Retired = retired[cs[i].Device]
		if !cs[i].Retired && now.Sub(cs[i].LastSeen) > notSeenWarning {
			st.Warnings = append(st.Warnings, fmt.Sprintf("computer %s (%s) has not synced for %d days", cs[i].Name, short(cs[i].Device), int(now.Sub(cs[i].LastSeen).Hours()/24)))
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].LastSeen.After(cs[j].LastSeen) })
	st.Computers = cs
	return st, nil
}
