package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// backupCheckEvery is how often the running app looks whether the daily
// backup is due; the backup itself is made once a day.
const backupCheckEvery = time.Hour

// startMaintenance runs what the app does in the background while its
// window is open, off the window's goroutines: the quick check of the
// database at start, the daily backup, finishing an erasure's purge of the
// file, and the calendar feed if one is
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
			// An erasure made while this window read the database may have
			// left its values in the file's free space; take them out now.
			if _, _, err := c.store.PurgeIfPending(c.ctx); err != nil {
				fmt.Fprintln(c.stderr, "rapport: finishing an erasure:", err)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		cancel()
		wg.Wait()
	}
}
