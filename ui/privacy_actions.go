package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
	"rapport/data/privacyzip"
)

// PersonalData gives a client a copy of everything held about them and
// erases it when they ask.
type PersonalData interface {
	ClientRecord(ctx context.Context, id string) (data.ClientRecord, error)
	EraseContact(ctx context.Context, id string) (data.Erasure, error)
}

// privacyButton opens the client's privacy actions. They sit behind one
// button because they are rare and the page's row of actions is for daily
// work.
func (p *ClientPage) privacyButton() *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon("Privacy", theme.VisibilityOffIcon(), func() {
		if p.contact == nil {
			return
		}
		menu := fyne.NewMenu("",
			fyne.NewMenuItem("Export personal data…", p.onExportPersonalData),
			fyne.NewMenuItem("Erase personal data…", p.onErasePersonalData))
		widget.ShowPopUpMenuAtRelativePosition(menu, p.m.win.Canvas(), fyne.NewPos(0, b.Size().Height), b)
	})
	return b
}

// onExportPersonalData asks where to save the client's zip and writes it.
func (p *ClientPage) onExportPersonalData() {
	if p.contact == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.m.failed("The file could not be chosen", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		// The dialog opens the file for writing; the zip is written by
		// path instead, so that it is readable by the user only and is never
		// left half-written.
		u := w.URI()
		w.Close()
		if u.Scheme() != "file" {
			p.m.showDialog(dialog.NewInformation("Not exported", "Choose a folder on this computer or a drive connected to it.", p.m.win))
			return
		}
		p.exportPersonalData(u.Path())
	}, p.m.win)
	d.SetTitleText("Export " + p.contact.DisplayName + "'s personal data")
	d.SetConfirmText("Export")
	d.SetFileName(exportFileName(p.contact.DisplayName))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	p.m.showDialog(d)
}

// exportPersonalData writes everything about the client to path as the
// command line's privacy export does.
func (p *ClientPage) exportPersonalData(path string) {
	st, ctx, id, now, loc := p.m.store, p.m.ctx, p.id, p.m.now(), p.m.zone()
	name := p.contact.DisplayName
	act(p.m.run, func() error {
		rec, err := st.ClientRecord(ctx, id)
		if err == nil {
			err = privacyzip.WriteFile(path, rec, now, loc)
		}
		if err != nil {
			// The save dialog made the file; an empty one left there would
			// look like an export.
			if fi, serr := os.Stat(path); serr == nil && fi.Size() == 0 {
				os.Remove(path)
			}
		}
		return err
	}, func(err error) {
		if err != nil {
			p.m.failed(name+"'s personal data was not exported", err)
			return
		}
		p.m.notify("Everything Rapport holds about "+name+" is in "+filepath.Base(path)+
			", readable by you only. Give it to the client, and delete your copy when it is no longer needed.", "", nil)
	})
}

// exportFileName is the name the save dialog offers: the client's name,
// without characters that file systems refuse.
func exportFileName(name string) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < ' ' {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if clean == "" {
		clean = "client"
	}
	return clean + " - personal data.zip"
}

// onErasePersonalData says what erasing does and erases once it is confirmed.
func (p *ClientPage) onErasePersonalData() {
	if p.contact == nil {
		return
	}
	name := p.contact.DisplayName
	text := widget.NewLabel("Rapport will erase everything it holds about " + name + ": names, phone numbers, e-mail and " +
		"postal addresses, the photo, tags, preferences, consent and its history, important dates, the timeline, " +
		"appointments, tasks and the history of changes.\n\n" +
		"This happens on this computer now and on every computer it syncs with at the next sync. " +
		"Only the fact that an erasure happened is kept: when, and on which computer, without the name.\n\n" +
		"This cannot be undone. Backups made before keep their copy until they are rotated out.\n\n" +
		"To give the client a copy first, cancel and use Export personal data under Privacy.")
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Erase "+name+"'s personal data for good?", "Erase for good", "Cancel", text, func(ok bool) {
		if ok {
			p.erasePersonalData()
		}
	}, p.m.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Resize(fyne.NewSize(560, 0))
	p.m.showDialog(d)
}

// erasePersonalData erases the client and returns to the clients list,
// where the client is no longer.
func (p *ClientPage) erasePersonalData() {
	st, ctx, id, name := p.m.store, p.m.ctx, p.id, p.contact.DisplayName
	act(p.m.run, func() error {
		_, err := st.EraseContact(ctx, id)
		return err
	}, func(err error) {
		if err != nil {
			p.m.failed(name+"'s personal data was not erased", err)
			return
		}
		p.m.show(screenClients)
		p.m.notify(name+"'s personal data was erased. The other computers erase it too with their next sync.", "", nil)
	})
}
