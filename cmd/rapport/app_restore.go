package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"rapport/data"
)

// The app cannot replace the database it has open. Settings' Restore writes
// the backup's path into a file beside the database, the app closes, and the
// next start restores it before it opens the book (restorePending), then
// says how that went; the app opens again by itself.

// restoreMarker is the file that asks the next start for a restore.
func restoreMarker(dbPath string) string { return dbPath + ".restore" }

// appRestorer is the app's ui.Restorer.
type appRestorer struct {
	c *cli
	a fyne.App
}

func (r appRestorer) Backups() ([]data.Backup, error) { return data.Backups(r.c.dbPath) }

func (r appRestorer) RestoreOnRestart(ctx context.Context, path string) (data.BackupInfo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return data.BackupInfo{}, err
	}
	info, err := data.ValidateBackup(ctx, abs)
	if err != nil {
		return info, err
	}
	marker := restoreMarker(r.c.dbPath)
	tmp := marker + ".tmp"
	if err := os.WriteFile(tmp, []byte(abs+"\n"), 0o600); err != nil {
		return info, err
	}
	return info, os.Rename(tmp, marker)
}

// Restart closes the window; main opens the app again once the database is closed.
func (r appRestorer) Restart() {
	r.c.restart = true
	r.a.Quit()
}

// restorePending restores the backup a previous run asked for, if any, and
// returns what to tell the owner. The request is removed first, so that a
// restore that fails is not tried at every start.
func (c *cli) restorePending() string {
	marker := restoreMarker(c.dbPath)
	b, err := os.ReadFile(marker)
	if err != nil {
		return ""
	}
	os.Remove(marker)
	from := strings.TrimSpace(string(b))
	info, err := data.ValidateBackup(c.ctx, from)
	if err == nil {
		var before data.Backup
		before, err = data.Restore(c.ctx, c.dbPath, from)
		if err == nil {
			return fmt.Sprintf("Restored %s (%d clients). The book as it was is kept in %s.", filepath.Base(from), info.Contacts, filepath.Base(before.Path))
		}
	}
	return fmt.Sprintf("The backup %s was not restored, and the client book is as it was: %v", filepath.Base(from), err)
}

// relaunch starts the app again in a process of its own, as it was started.
func (c *cli) relaunch() {
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(c.stderr, "rapport: opening the app again:", err)
		return
	}
	cmd.Process.Release()
}
