package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"rapport/sync/fileshare"
)

// Local settings of sync: the folder and this computer's name mean
// nothing on another computer.
const (
	settingSyncFolder = "sync.folder"
	settingSyncName   = "sync.name"
	// The passphrase of an encrypted share is kept so that the app can sync
	// in the background; the database is readable by its user only.
	settingSyncPassphrase = "sync.passphrase"
)

func init() {
	register("sync", "rapport sync [--folder PATH] [--name NAME] [--passphrase-file FILE] [--json]   (one sync cycle through a shared folder; the folder is remembered)", syncCmd)
	register("sync status", "rapport sync status [--json]   (this computer, the others it syncs with, and warnings)", syncStatusCmd)
	register("sync join", "rapport sync join --folder PATH [--name NAME] [--passphrase-file FILE] [--json]   (set this computer up on an existing share)", syncJoinCmd)
}

func syncCmd(c *cli, args []string) error {
	// "rapport sync status" reaches here: "sync" is a command of its own.
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return syncStatusCmd(c, args[1:])
		case "join":
			return syncJoinCmd(c, args[1:])
		}
	}
	fs := c.flags("sync")
	folder := fs.String("folder", "", "the shared folder (remembered for next time)")
	name := fs.String("name", "", "this computer's name as the others show it (remembered)")
	passFile := fs.String("passphrase-file", "", "file whose first line is the share's passphrase (or $RAPPORT_SYNC_PASSPHRASE); a new share is then encrypted")
	asJSON := fs.Bool("json", false, "print what the cycle did as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if err := c.readPassphrase(*passFile); err != nil {
		return err
	}
	syncer, err := c.syncer(*folder, *name)
	if err != nil {
		return err
	}
	r, err := syncer.Cycle(c.ctx)
	if err != nil {
		return explainSyncError(err)
	}
	if err := c.rememberSync(); err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(r)
	}
	printSyncReport(c.stdout, r)
	return nil
}

// syncer makes the syncer of the remembered (or given) folder.
func (c *cli) syncer(folder, name string) (*fileshare.Syncer, error) {
	if folder == "" {
		saved, ok, err := c.store.LocalSetting(c.ctx, settingSyncFolder)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, usageError{"no shared folder yet: give --folder PATH"}
		}
		folder = saved
	} else if abs, err := filepath.Abs(folder); err == nil {
		folder = abs
	}
	if st, err := os.Stat(folder); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("the shared folder %s is not reachable: %w", folder, fileshare.ErrOffline)
	}
	if name == "" {
		saved, _, err := c.store.LocalSetting(c.ctx, settingSyncName)
		if err != nil {
			return nil, err
		}
		name = saved
	}
	if name == "" {
		name, _ = os.Hostname()
	}
	if c.syncPassphrase == "" {
		saved, _, err := c.store.LocalSetting(c.ctx, settingSyncPassphrase)
		if err != nil {
			return nil, err
		}
		c.syncPassphrase = saved
	}
	c.syncFolder, c.syncName = folder, name
	return fileshare.New(c.store, fileshare.NewFolderShare(folder), fileshare.Options{Name: name, App: appVersion, Now: clock, Passphrase: c.syncPassphrase}), nil
}

// readPassphrase takes the share's passphrase from a file or the
// environment, never from the command line, where other users can see it.
func (c *cli) readPassphrase(file string) error {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		c.syncPassphrase = strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
		if c.syncPassphrase == "" {
			return usageError{"the passphrase file's first line is empty"}
		}
		return nil
	}
	c.syncPassphrase = os.Getenv("RAPPORT_SYNC_PASSPHRASE")
	return nil
}

// rememberSync saves the folder and name of a sync that worked, so that a
// mistyped folder is not kept.
func (c *cli) rememberSync() error {
	if err := c.store.SetLocalSetting(c.ctx, settingSyncFolder, c.syncFolder); err != nil {
		return err
	}
	if err := c.store.SetLocalSetting(c.ctx, settingSyncName, c.syncName); err != nil {
		return err
	}
	return c.store.SetLocalSetting(c.ctx, settingSyncPassphrase, c.syncPassphrase)
}

func explainSyncError(err error) error {
	switch {
	case errors.Is(err, fileshare.ErrOffline):
		return fmt.Errorf("%w; nothing was changed, the next sync will try again", err)
	case errors.Is(err, fileshare.ErrOtherShare), errors.Is(err, fileshare.ErrWrongPassphrase):
		return fmt.Errorf("%w; nothing was changed", err)
	case errors.Is(err, fileshare.ErrPassphraseNeeded):
		return fmt.Errorf("%w (--passphrase-file FILE or $RAPPORT_SYNC_PASSPHRASE); nothing was changed", err)
	}
	return err
}

func printSyncReport(w io.Writer, r fileshare.Report) {
	said := false
	say := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
		said = true
	}
	if r.CreatedShare {
		say("made a new share in the folder")
	}
	if r.NewDevice != "" {
		say("this computer now syncs under the new id %s", r.NewDevice)
	}
	for _, s := range r.SnapshotsMerged {
		say("merged snapshot %s", s)
	}
	if r.Published > 0 {
		say("published %d changes in %d files", r.Published, len(r.PublishedFiles))
	}
	if r.AppliedSegments > 0 {
		say("applied %d changes from %d files of other computers (%d rows changed)", r.AppliedOps, r.AppliedSegments, r.ChangedRows)
	}
	if r.Packed > 0 {
		say("packed %d small files into one", r.Packed)
	}
	if r.SnapshotWritten != "" {
		say("wrote snapshot %s", r.SnapshotWritten)
	}
	if r.SegmentsRemoved > 0 {
		say("removed %d old files every computer has", r.SegmentsRemoved)
	}
	for _, f := range r.Republished {
		say("wrote %s again (it was damaged or missing on the share)", f)
	}
	for _, f := range r.Waiting {
		say("still arriving: %s", f)
	}
	for _, f := range r.Damaged {
		say("damaged, not applied: %s", f)
	}
	for _, f := range r.Unknown {
		say("unknown file left alone: %s", f)
	}
	if r.PublishErr != "" {
		say("publishing failed, will try again: %s", r.PublishErr)
	}
	for _, wmsg := range r.Warnings {
		say("warning: %s", wmsg)
	}
	if !said {
		fmt.Fprintln(w, "up to date")
	}
}

func syncStatusCmd(c *cli, args []string) error {
	fs := c.flags("sync status")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	st, err := fileshare.ReadStatus(c.ctx, c.store, clock())
	if err != nil {
		return err
	}
	folder, _, err := c.store.LocalSetting(c.ctx, settingSyncFolder)
	if err != nil {
		return err
	}
	name, _, err := c.store.LocalSetting(c.ctx, settingSyncName)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(struct {
			Name   string `json:"name"`
			Folder string `json:"folder"`
			fileshare.Status
		}{name, folder, st})
	}
	if folder == "" {
		fmt.Fprintf(c.stdout, "this computer: %s (%s); sync is not set up (rapport sync --folder PATH)\n", orDash(name), st.Device)
		return nil
	}
	fmt.Fprintf(c.stdout, "this computer: %s (%s)\n", orDash(name), st.Device)
	fmt.Fprintf(c.stdout, "folder: %s\n", folder)
	if !st.LastSync.IsZero() {
		fmt.Fprintf(c.stdout, "last sync: %s\n", st.LastSync.In(time.Local).Format("2006-01-02 15:04:05"))
	}
	fmt.Fprintf(c.stdout, "published: %d changes; waiting to publish: %d\n", st.Published, st.Unpublished)
	if len(st.Computers) > 0 {
		fmt.Fprintln(c.stdout, "computers:")
		w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "  name\tid\tlast seen\tpublished\tto apply here\thas of ours\t")
		for _, k := range st.Computers {
			name := k.Name
			if k.Retired {
				name += " (old id)"
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%d\t%d\t%d\t\n", orDash(name), k.Device[:8], k.LastSeen.In(time.Local).Format("2006-01-02 15:04"), k.Published, k.Pending, k.HasOurs)
		}
		w.Flush()
	}
	for _, wmsg := range st.Warnings {
		fmt.Fprintln(c.stdout, "warning:", wmsg)
	}
	return nil
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// syncJoinCmd sets a computer up on a share. A new database is built in a
// temporary file and takes its name only when the join is done, so that a
// join cut short leaves no half book; an existing one merges in place (its
// own data is published to the others as new changes).
func syncJoinCmd(c *cli, args []string) error {
	fs := c.flags("sync join")
	folder := fs.String("folder", "", "the shared folder")
	name := fs.String("name", "", "this computer's name as the others show it")
	passFile := fs.String("passphrase-file", "", "file whose first line is the share's passphrase (or $RAPPORT_SYNC_PASSPHRASE)")
	asJSON := fs.Bool("json", false, "print what the join did as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if *folder == "" {
		return usageError{"--folder PATH is needed"}
	}
	final := c.dbPath
	_, statErr := os.Stat(final)
	fresh := errors.Is(statErr, os.ErrNotExist)
	if fresh {
		if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
			return err
		}
		c.dbPath = final + ".joining"
		for _, p := range []string{c.dbPath, c.dbPath + "-wal", c.dbPath + "-shm"} {
			os.Remove(p)
		}
	}
	if err := c.open(); err != nil {
		return err
	}
	if fresh {
		// A join that fails leaves no half-made database behind.
		defer func() {
			if c.dbPath != final {
				if c.store != nil {
					c.store.Close()
					c.store = nil
				}
				for _, p := range []string{c.dbPath, c.dbPath + "-wal", c.dbPath + "-shm"} {
					os.Remove(p)
				}
			}
		}()
	}
	if err := c.readPassphrase(*passFile); err != nil {
		return err
	}
	syncer, err := c.syncer(*folder, *name)
	if err != nil {
		return err
	}
	r, err := syncer.Join(c.ctx)
	if err == nil && r.Offline {
		err = fileshare.ErrOffline
	}
	if err != nil {
		return explainSyncError(err)
	}
	if err := c.rememberSync(); err != nil {
		return err
	}
	if fresh {
		if err := c.store.Close(); err != nil {
			return err
		}
		c.store = nil
		if err := os.Rename(c.dbPath, final); err != nil {
			return err
		}
		c.dbPath = final
	}
	if *asJSON {
		return c.printJSON(r)
	}
	printSyncReport(c.stdout, r)
	return nil
}
