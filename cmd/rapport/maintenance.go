package main

import (
	"fmt"
	"sync"
	"time"
)

// backupCheckEvery is how often the running app looks whether the daily
// backup is due; the backup itself is made once a day.
const backupCheckEvery = time.Hour

// startMaintenance runs what the app does in the background while its
// window is open, off the window's goroutines: the quick check of the
// database at start, then the daily backup. It returns the function that
// stops it and waits for work under way.
func (c *cli) startMaintenance() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
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
	return func() {
		close(done)
		wg.Wait()
	}
}
