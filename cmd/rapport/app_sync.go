package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"rapport/sync/fileshare"
	"rapport/ui"
)

// appSyncEvery is how often the open app syncs through its folder (SYNC.md
// asks for every 15-60 s); Sync now in Settings does not wait for it.
var appSyncEvery = 30 * time.Second

// appSync is the sync the app runs in the background while its window is
// open, through the folder saved as this computer's setting (the same one
// rapport sync remembers). It is the app's ui.SyncControl.
type appSync struct {
	c    *cli
	kick chan struct{}

	mu    sync.Mutex
	cycle sync.Mutex // one cycle at a time: the loop's, or a new folder's first
	state ui.SyncState
}

func newAppSync(c *cli) *appSync {
	a := &appSync{c: c, kick: make(chan struct{}, 1)}
	if folder, ok, err := c.store.LocalSetting(c.ctx, settingSyncFolder); err == nil && ok {
		a.state.Folder = folder
	}
	return a
}

// run syncs at start, every appSyncEvery and when kicked, until done closes.
func (a *appSync) run(ctx context.Context, done <-chan struct{}) {
	tick := time.NewTicker(appSyncEvery)
	defer tick.Stop()
	for {
		if folder := a.SyncState().Folder; folder != "" {
			a.runCycle(ctx, folder, false)
		}
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-a.kick:
		}
	}
}

// runCycle runs one cycle through folder (a join first, when this computer
// has never synced and the folder holds a share) and records how it went.
func (a *appSync) runCycle(ctx context.Context, folder string, first bool) error {
	a.cycle.Lock()
	defer a.cycle.Unlock()
	a.mu.Lock()
	a.state.Running = true
	a.mu.Unlock()

	r, err := a.syncOnce(ctx, folder, first)

	a.mu.Lock()
	defer a.mu.Unlock()
	a.state.Running = false
	a.state.Last = clock()
	a.state.Summary, a.state.Err, a.state.Warning = "", "", ""
	if err != nil {
		a.state.Err = explainSyncError(err).Error()
		return err
	}
	a.state.Summary = syncSummary(r)
	if st, err := fileshare.ReadStatus(ctx, a.c.store, clock()); err == nil && len(st.Warnings) > 0 {
		a.state.Warning = "Warning: " + strings.Join(st.Warnings, "; ") + "."
	}
	return nil
}

func (a *appSync) syncOnce(ctx context.Context, folder string, first bool) (fileshare.Report, error) {
	if st, err := os.Stat(folder); err != nil || !st.IsDir() {
		return fileshare.Report{}, fmt.Errorf("the shared folder %s is not reachable: %w", folder, fileshare.ErrOffline)
	}
	name, _, err := a.c.store.LocalSetting(ctx, settingSyncName)
	if err != nil {
		return fileshare.Report{}, err
	}
	if name == "" {
		name, _ = os.Hostname()
	}
	// A share with a passphrase is set up from the command line, which
	// saves the passphrase for this computer.
	pass, _, err := a.c.store.LocalSetting(ctx, settingSyncPassphrase)
	if err != nil {
		return fileshare.Report{}, err
	}
	s := fileshare.New(a.c.store, fileshare.NewFolderShare(folder), fileshare.Options{Name: name, App: appVersion, Now: clock, Passphrase: pass})
	if first {
		// A computer new to a share starts from its snapshot; a folder with
		// no share yet gets one from the ordinary cycle.
		if st, err := fileshare.ReadStatus(ctx, a.c.store, clock()); err == nil && st.Share == "" {
			if r, err := s.Join(ctx); err == nil {
				return r, nil
			}
		}
	}
	return s.Cycle(ctx)
}

// syncSummary says what a cycle did in a few words.
func syncSummary(r fileshare.Report) string {
	var parts []string
	if r.CreatedShare {
		parts = append(parts, "started a new share")
	}
	if r.Published > 0 {
		parts = append(parts, fmt.Sprintf("sent %d changes", r.Published))
	}
	if r.AppliedOps > 0 {
		parts = append(parts, fmt.Sprintf("received %d changes", r.AppliedOps))
	}
	if len(parts) == 0 {
		return "nothing new"
	}
	return strings.Join(parts, ", ")
}

// SyncState is what the rail and Settings show.
func (a *appSync) SyncState() ui.SyncState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// SetSyncFolder runs a first cycle through path and keeps it only when that
// worked, so that a mistyped or unreachable folder is not saved; "" stops.
func (a *appSync) SetSyncFolder(ctx context.Context, path string) error {
	if path == "" {
		if err := a.c.store.SetLocalSetting(ctx, settingSyncFolder, ""); err != nil {
			return err
		}
		a.mu.Lock()
		a.state = ui.SyncState{}
		a.mu.Unlock()
		return nil
	}
	a.mu.Lock()
	before := a.state
	a.mu.Unlock()
	if err := a.runCycle(ctx, path, true); err != nil {
		a.mu.Lock()
		a.state = before // still syncing (or not) as before
		a.mu.Unlock()
		return explainSyncError(err)
	}
	if err := a.c.store.SetLocalSetting(ctx, settingSyncFolder, path); err != nil {
		return err
	}
	a.mu.Lock()
	a.state.Folder = path
	a.mu.Unlock()
	return nil
}

// SyncNow asks the loop for a cycle; one already asked for is enough.
func (a *appSync) SyncNow() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}
