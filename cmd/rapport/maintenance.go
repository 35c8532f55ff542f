package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"rapport/data"
)

// backupCheckEvery is how often the running app looks whether the daily
// backup is due; the backup itself is made once a day.
const backupCheckEvery = time.Hour

// startMaintenance runs what the app does in the background while its
// window is open, off the window's goroutines: the quick check of the
// database at start, the daily backup, the tasks of the check-in rules,
// finishing an erasure's purge of the file, the background sync, and the
// calendar feed if one is kept (rapport feed --keep, or the app's Settings).
// It returns the function that stops it and waits for work under way.
func (c *cli) startMaintenance() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	c.feed = &keptFeed{c: c}
	c.feed.start()
	c.sync = newAppSync(c)
	syncCtx, stopSync := context.WithCancel(c.ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.sync.run(syncCtx, done)
	}()
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
		stopSync()
		c.feed.stop()
		wg.Wait()
	}
}

// keptFeed is the calendar file the app keeps up to date while it is open.
// The app's Settings change it through FeedFile and SetFeedFile, which
// restart the watcher on the new file.
type keptFeed struct {
	c      *cli
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// start watches the saved feed, if there is one.
func (k *keptFeed) start() {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.c
	f, ok, err := c.loadFeedSetting()
	if err != nil {
		fmt.Fprintln(c.stderr, "rapport:", err)
		return
	}
	if !ok {
		return
	}
	o, err := icalOptions(f.What, f.Tag, f.Days)
	if err != nil {
		fmt.Fprintln(c.stderr, "rapport: the saved calendar feed:", err)
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	k.cancel, k.done = cancel, done
	go func() {
		defer close(done)
		if err := watchFeed(ctx, c, f.File, o); err != nil {
			fmt.Fprintln(c.stderr, "rapport: calendar feed:", err)
		}
	}()
}

// stop ends the watcher and waits for it.
func (k *keptFeed) stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cancel != nil {
		k.cancel()
		<-k.done
		k.cancel, k.done = nil, nil
	}
}

// FeedFile is the file kept, "" when none is.
func (k *keptFeed) FeedFile(context.Context) (string, error) {
	f, ok, err := k.c.loadFeedSetting()
	if err != nil || !ok {
		return "", err
	}
	return f.File, nil
}

// SetFeedFile keeps path from now on, with dates, appointments and tasks
// (what a feed kept from the command line may narrow); "" stops the feed.
func (k *keptFeed) SetFeedFile(ctx context.Context, path string) error {
	value := ""
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		f := savedFeed{File: abs, What: "dates,appointments,tasks"}
		if old, ok, err := k.c.loadFeedSetting(); err == nil && ok {
			f.What, f.Tag, f.Days = old.What, old.Tag, old.Days
		}
		b, _ := json.Marshal(f)
		value = string(b)
	}
	if err := k.c.store.SetLocalSetting(ctx, feedSetting, value); err != nil {
		return err
	}
	k.stop()
	k.start()
	return nil
}
