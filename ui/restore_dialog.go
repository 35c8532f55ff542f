package ui

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// Restorer puts a backup in place of the client book. The book cannot be
// replaced while the window has it open, so the restore is made as the app
// starts again: RestoreOnRestart checks the file and asks for it, and the
// window then closes for the app to come back on the restored book.
type Restorer interface {
	// Backups lists the backups beside the database, newest first.
	Backups() ([]data.Backup, error)
	// RestoreOnRestart checks path and has it restored at the next start.
	RestoreOnRestart(ctx context.Context, path string) (data.BackupInfo, error)
	// Restart closes the app and opens it again.
	Restart()
}

// showRestore offers the backups beside the database, and any other file.
func (s *SettingsScreen) showRestore() {
	r := s.m.opts.Restorer
	load(s.m.run, r.Backups, func(all []data.Backup, err error) {
		if err != nil {
			s.m.failed("The backups could not be listed", err)
			return
		}
		var names []string
		byName := map[string]data.Backup{}
		for _, b := range all {
			name := fmt.Sprintf("%s, %s (%s)", b.At.Local().Format("Mon 2 Jan 2006, 15:04"), backupReasonText(b.Reason), sizeText(b.Size))
			names = append(names, name)
			byName[name] = b
		}
		pick := widget.NewSelect(names, nil)
		pick.PlaceHolder = "Choose a backup"
		if len(names) > 0 {
			pick.SetSelectedIndex(0)
		}
		other := widget.NewButton("Another file…", func() {
			d := dialog.NewFileOpen(func(f fyne.URIReadCloser, err error) {
				if err != nil {
					s.m.failed("The file could not be opened", err)
					return
				}
				if f != nil {
					path := f.URI().Path()
					f.Close()
					s.confirmRestore(path)
				}
			}, s.m.win)
			d.Resize(fyne.NewSize(800, 560))
			d.Show()
		})
		body := container.NewVBox(
			quiet("The client book goes back to how it was in the backup. The book as it is now is backed up first, and with sync, edits made on the other computers since come back at the next sync."),
			pick, other)
		d := dialog.NewCustomConfirm("Restore from a backup", "Restore…", "Cancel", body, func(ok bool) {
			if ok && pick.Selected != "" {
				s.confirmRestore(byName[pick.Selected].Path)
			}
		}, s.m.win)
		d.Resize(fyne.NewSize(620, 300))
		d.Show()
	})
}

// confirmRestore checks the file, says what it holds and asks once more.
func (s *SettingsScreen) confirmRestore(path string) {
	r := s.m.opts.Restorer
	load(s.m.run, func() (data.BackupInfo, error) { return data.ValidateBackup(s.m.ctx, path) }, func(info data.BackupInfo, err error) {
		if err != nil {
			s.m.failed("That file cannot be restored", err)
			return
		}
		msg := fmt.Sprintf("Restore %s, with %d clients? Rapport closes, puts it in place of the client book (keeping a backup of the book as it is now) and opens again.",
			filepath.Base(path), info.Contacts)
		dialog.ShowConfirm("Restore the client book", msg, func(ok bool) {
			if !ok {
				return
			}
			act(s.m.run, func() error {
				_, err := r.RestoreOnRestart(s.m.ctx, path)
				return err
			}, func(err error) {
				if err != nil {
					s.m.failed("The backup was not restored", err)
					return
				}
				r.Restart()
			})
		}, s.m.win)
	})
}

func backupReasonText(reason string) string {
	switch reason {
	case data.BackupDaily:
		return "daily"
	case data.BackupImport:
		return "before an import"
	case data.BackupMigration:
		return "before an upgrade"
	case data.BackupRestore:
		return "before a restore"
	}
	return "made by hand"
}
