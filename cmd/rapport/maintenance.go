package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"rapport/sync/fileshare"
)

// backupCheckEvery is how often the running app looks whether the daily
// backup is due; the backup itself is made once a day.
const backupCheckEvery = time.Hour

// startMaintenance runs what the app does in the background while its
// window is open, off the window's goroutines: the quick check of the
// database at start, the daily backup, and the calendar feed if one is
// kept (rapport feed --keep). It returns the function that
// stops it and waits for work under way.
func (c *cli) startMaintenance() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(c.ctx)
	if f, ok, err := c.loadFeedSetting(); err != nil {
		fmt.Fprintln(c.stderr, "rapport:", err)
	} else if ok {
		o, err := icalOptions(f.What, f.Tag, f.Days)
		if err != nil {
			fmt.Fprintln(c.stderr, "rapport: the saved calendar feed:", err)
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := watchFeed(ctx, c, f.File, o); err != nil {
					fmt.Fprintln(c.stderr, "rapport: calendar feed:", err)
				}
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		r, err := c.store.Check(c.ctx, true, true)
		switch {
		case err != nil:
			fmt.Fprintln(c.stderr, "rapport: checking the database:", err)
		case !r.OK():
			fmt.Fprintln(c.stderr, "rapport: the database has problems; run rapport check for details")
		}
		tick := time.NewTicker(backupCheckEvery)
		defer tick.Stop()
		for {
			if _, _, err := c.store.BackupIfDue(c.ctx); err != nil {
				fmt.Fprintln(c.stderr, "rapport: daily backup:", err)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	if folder, ok, err := c.store.LocalSetting(c.ctx, settingSyncFolder); err != nil {
		fmt.Fprintln(c.stderr, "rapport:", err)
	} else if ok {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.syncInBackground(ctx, folder)
		}()
	}
	return func() {
		close(done)
		cancel()
		wg.Wait()
	}
}

// syncEvery is how often the open app syncs through the shared folder.
const syncEvery = 30 * time.Second

// syncInBackground runs a sync cycle now and every syncEvery until ctx ends.
// A share that is offline is normal (a laptop away from the shop) and is not
// reported each time; other failures are, once until the next success.
func (c *cli) syncInBackground(ctx context.Context, folder string) {
	name, _, err := c.store.LocalSetting(ctx, settingSyncName)
	if err != nil {
		fmt.Fprintln(c.stderr, "rapport: sync:", err)
		return
	}
	pass, _, err := c.store.LocalSetting(ctx, settingSyncPassphrase)
	if err != nil {
		fmt.Fprintln(c.stderr, "rapport: sync:", err)
		return
	}
	syncer := fileshare.New(c.store, fileshare.NewFolderShare(folder), fileshare.Options{Name: name, App: appVersion, Now: clock, Passphrase: pass})
	tick := time.NewTicker(syncEvery)
	defer tick.Stop()
	reported := false
	for {
		_, err := syncer.Cycle(ctx)
		switch {
		case err == nil || errors.Is(err, fileshare.ErrOffline) || ctx.Err() != nil:
			reported = false
		case !reported:
			fmt.Fprintln(c.stderr, "rapport: sync:", err)
			reported = true
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
