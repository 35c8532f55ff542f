package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"rapport/data"
)

// backupCheckEvery is how often the running app looks whether the daily
// backup is due; the backup itself is made once a day.
const backupCheckEvery = time.Hour

// startMaintenance runs what the app does in the background while its
// window is open, off the window's goroutines: the quick check of the
// database at start, the daily backup, the tasks of the check-in rules, and
// the calendar feed if one is kept (rapport feed --keep). It returns the
// function that stops it and waits for work under way.
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
			// The tasks of the check-in rules for the week ahead, so Today shows them.
			if _, err := c.store.ApplyCheckinRules(c.ctx, data.DayOf(clock().AddDate(0, 0, 7))); err != nil {
				fmt.Fprintln(c.stderr, "rapport: check-in rules:", err)
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
