package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"rapport/data/ics"
)

func init() {
	register("export ical", "rapport export ical [-o FILE] [--what dates,appointments,tasks] [--tag T] [--days N]", exportICal)
	register("feed", "rapport feed --file PATH [--watch | --keep] [--what dates,appointments,tasks] [--tag T] [--days N] | rapport feed [--off]", feed)
}

// icalFlags are the options export ical and feed share.
type icalFlags struct {
	what, tag *string
	days      *int
}

func (c *cli) icalFlags(name string) (*icalFlags, func() (ics.Options, error)) {
	fs := c.flags(name)
	f := &icalFlags{
		what: fs.String("what", "dates,appointments,tasks", "what to put in the calendar, comma-separated"),
		tag:  fs.String("tag", "", "only clients with this tag"),
		days: fs.Int("days", 0, "only appointments from today to N days ahead and open tasks due by then (0: all)"),
	}
	return f, func() (ics.Options, error) { return icalOptions(*f.what, *f.tag, *f.days) }
}

// icalOptions reads the --what, --tag and --days of export ical and feed.
func icalOptions(what, tag string, days int) (ics.Options, error) {
	var o ics.Options
	for _, w := range strings.Split(what, ",") {
		switch strings.ToLower(strings.TrimSpace(w)) {
		case "dates":
			o.Dates = true
		case "appointments":
			o.Appointments = true
		case "tasks":
			o.Tasks = true
		case "":
		default:
			return o, usageError{fmt.Sprintf("--what %q: want dates, appointments or tasks, comma-separated", w)}
		}
	}
	if !o.Dates && !o.Appointments && !o.Tasks {
		return o, usageError{"--what: nothing to export"}
	}
	if days < 0 {
		return o, usageError{"--days must not be negative"}
	}
	o.Tag, o.Days = tag, days
	return o, nil
}

// exportICal writes important dates, appointments and tasks as iCalendar, to
// standard output or (atomically) to a file.
func exportICal(c *cli, args []string) error {
	_, opts := c.icalFlags("export ical")
	out := c.fs.String("o", "", "write to this file instead of standard output")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	o, err := opts()
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if *out == "" {
		_, err := ics.Export(c.ctx, c.stdout, c.store, o)
		return err
	}
	st, err := writeCalendar(c, *out, o, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "exported %d dates, %d appointments and %d tasks to %s\n", st.Dates, st.Appointments, st.Tasks, *out)
	return nil
}

// writeCalendar exports to path through a temporary file in the same folder
// (written, synced, renamed), unless the bytes equal last: a feed rewritten
// with nothing new would make cloud folders upload it again for nothing.
func writeCalendar(c *cli, path string, o ics.Options, last *[]byte) (ics.Stats, error) {
	var b bytes.Buffer
	st, err := ics.Export(c.ctx, &b, c.store, o)
	if err != nil {
		return st, err
	}
	if last != nil && bytes.Equal(*last, b.Bytes()) {
		return st, nil
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return st, err
	}
	if last != nil {
		*last = b.Bytes()
	}
	return st, nil
}

// feedPoll is how often feed --watch looks for changes; feedRefresh is how
// often it exports regardless, to take in edits that sync brought from other
// computers (they leave no local outbox entry) and a new day for --days.
var feedPoll, feedRefresh = 3 * time.Second, time.Minute

// feed keeps an .ics file that calendar apps subscribe to: written once, or
// with --watch rewritten whenever the data changes, until interrupted.
func feed(c *cli, args []string) error {
	f, opts := c.icalFlags("feed")
	file := c.fs.String("file", "", "the .ics file to keep up to date")
	watch := c.fs.Bool("watch", false, "keep running and rewrite the file whenever the data changes")
	keep := c.fs.Bool("keep", false, "save this feed as this computer's setting: the app keeps it up to date while it is open")
	off := c.fs.Bool("off", false, "forget the saved feed")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if *off {
		if err := c.open(); err != nil {
			return err
		}
		if err := c.store.SetLocalSetting(c.ctx, feedSetting, ""); err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, "the app no longer keeps a calendar feed")
		return nil
	}
	if *file == "" {
		if !*keep && !*watch {
			return c.showFeedSetting()
		}
		return usageError{"--file is needed"}
	}
	o, err := opts()
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if *keep {
		abs, err := filepath.Abs(*file)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(savedFeed{File: abs, What: *f.what, Tag: *f.tag, Days: *f.days})
		if err := c.store.SetLocalSetting(c.ctx, feedSetting, string(b)); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "the app keeps %s up to date while it is open\n", abs)
	}
	if !*watch {
		st, err := writeCalendar(c, *file, o, nil)
		if err == nil {
			fmt.Fprintf(c.stderr, "wrote %d dates, %d appointments and %d tasks to %s\n", st.Dates, st.Appointments, st.Tasks, *file)
		}
		return err
	}
	ctx, stop := signal.NotifyContext(c.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(c.stderr, "keeping %s up to date; stop with Ctrl-C\n", *file)
	return watchFeed(ctx, c, *file, o)
}

// watchFeed rewrites the feed when the newest outbox entry changes, and at
// least every feedRefresh when its contents would change, until ctx ends.
func watchFeed(ctx context.Context, c *cli, path string, o ics.Options) error {
	var last []byte
	seq, refreshed := int64(-1), time.Time{}
	tick := time.NewTicker(feedPoll)
	defer tick.Stop()
	for {
		var now int64
		if err := c.store.DB().QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM sync_outbox").Scan(&now); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if now != seq || time.Since(refreshed) >= feedRefresh {
			o.Now = time.Time{} // today moves on
			if _, err := writeCalendar(c, path, o, &last); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			seq, refreshed = now, time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func optionsAll() ics.Options { return ics.Options{Dates: true, Appointments: true, Tasks: true} }

// feedSetting is the local setting that holds the feed the app keeps.
const feedSetting = "calendar feed"

// savedFeed is the feed the app keeps, as feed --keep saved it.
type savedFeed struct {
	File string `json:"file"`
	What string `json:"what"`
	Tag  string `json:"tag,omitempty"`
	Days int    `json:"days,omitempty"`
}

// loadFeedSetting reads the saved feed, if there is one.
func (c *cli) loadFeedSetting() (savedFeed, bool, error) {
	v, ok, err := c.store.LocalSetting(c.ctx, feedSetting)
	if err != nil || !ok {
		return savedFeed{}, false, err
	}
	var f savedFeed
	if err := json.Unmarshal([]byte(v), &f); err != nil {
		return savedFeed{}, false, fmt.Errorf("the saved calendar feed setting is unreadable (%v); set it again with rapport feed --file PATH --keep", err)
	}
	return f, true, nil
}

func (c *cli) showFeedSetting() error {
	if err := c.open(); err != nil {
		return err
	}
	f, ok, err := c.loadFeedSetting()
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(c.stdout, "no calendar feed is kept; set one with rapport feed --file PATH --keep")
		return nil
	}
	fmt.Fprintf(c.stdout, "the app keeps %s up to date (%s", f.File, f.What)
	if f.Tag != "" {
		fmt.Fprintf(c.stdout, ", tag %s", f.Tag)
	}
	if f.Days > 0 {
		fmt.Fprintf(c.stdout, ", %d days ahead", f.Days)
	}
	fmt.Fprintln(c.stdout, ")")
	return nil
}
