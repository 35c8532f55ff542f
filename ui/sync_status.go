package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// SyncState is what the app's background sync is doing and last did.
type SyncState struct {
	Folder  string    // the shared folder; "" when this computer does not sync
	Running bool      // a cycle is under way
	Last    time.Time // when the last cycle ended; zero before the first
	Summary string    // what the last cycle did, in a sentence
	Err     string    // why the last cycle failed, in plain words; "" when it worked
	Warning string    // what sync status warns of (a clock ahead, a computer not seen for long)
}

// SyncControl is the sync that runs in the app's background.
type SyncControl interface {
	SyncState() SyncState
	// SetSyncFolder syncs through path from now on, joining the share there
	// or starting one; "" stops syncing on this computer.
	SetSyncFolder(ctx context.Context, path string) error
	// SyncNow starts a cycle now, unless one is running.
	SyncNow()
}

// syncEvery is how often the rail's sync line is brought up to date.
const syncStatusEvery = 5 * time.Second

// syncLine is the rail's one-line sync status.
func syncLine(st SyncState, now time.Time) string {
	switch {
	case st.Folder == "":
		return ""
	case st.Running:
		return "Syncing…"
	case st.Err != "":
		return "Sync failed, see Settings"
	case st.Last.IsZero():
		return "Sync starting"
	}
	return "Synced " + data.Ago(st.Last, now)
}

// syncDetails is the sync paragraph of Settings.
func syncDetails(st SyncState, now time.Time) string {
	if st.Folder == "" {
		return "This computer does not sync. Choose a folder that the shop's computers all reach (a shared network folder, a NAS, a Dropbox, OneDrive or Syncthing folder) to keep their client books the same."
	}
	s := "Syncing through " + st.Folder + "."
	switch {
	case st.Running:
		s += " A sync is under way."
	case !st.Last.IsZero():
		s += fmt.Sprintf(" Last sync %s (%s)", data.Ago(st.Last, now), st.Last.Local().Format("15:04"))
		if st.Summary != "" {
			s += ": " + st.Summary
		}
		s += "."
	}
	if st.Err != "" {
		s += " The last sync did not work: " + st.Err
	}
	if st.Warning != "" {
		s += " " + st.Warning
	}
	return s
}

// syncSettings is the sync row of Settings.
type syncSettings struct {
	m       *MainWindow
	details *widget.Label
	stop    *widget.Button
	now     *widget.Button
}

func newSyncSettings(m *MainWindow) *syncSettings {
	s := &syncSettings{m: m, details: widget.NewLabel("")}
	s.details.Wrapping = fyne.TextWrapWord
	s.stop = widget.NewButton("Stop syncing", func() { s.setFolder("") })
	s.now = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), func() {
		m.opts.Sync.SyncNow()
		s.refresh()
	})
	return s
}

func (s *syncSettings) content() fyne.CanvasObject {
	choose := widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), s.choose)
	return container.NewVBox(s.details, container.NewHBox(choose, s.now, s.stop))
}

func (s *syncSettings) refresh() {
	st := s.m.opts.Sync.SyncState()
	s.details.SetText(syncDetails(st, s.m.now()))
	if st.Folder == "" {
		s.stop.Hide()
		s.now.Hide()
	} else {
		s.stop.Show()
		s.now.Show()
	}
}

func (s *syncSettings) choose() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			s.m.failed("The folder could not be opened", err)
			return
		}
		if u != nil {
			s.setFolder(u.Path())
		}
	}, s.m.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (s *syncSettings) setFolder(path string) {
	act(s.m.run, func() error { return s.m.opts.Sync.SetSyncFolder(s.m.ctx, path) }, func(err error) {
		if err != nil {
			s.m.failed("Sync was not set up", err)
		} else if path == "" {
			s.m.notify("This computer no longer syncs.", "", nil)
		} else {
			s.m.notify("This computer now syncs through "+path+".", "", nil)
		}
		s.refresh()
	})
}

// startSyncStatus keeps the rail's sync line (and Settings, when shown) up
// to date while the window is open.
func (m *MainWindow) startSyncStatus(line *widget.Label, settings *syncSettings) {
	update := func() {
		line.SetText(syncLine(m.opts.Sync.SyncState(), m.now()))
		if m.current == screenSettings && m.client == nil {
			settings.refresh()
		}
	}
	update()
	go func() {
		t := time.NewTicker(syncStatusEvery)
		defer t.Stop()
		for {
			select {
			case <-m.ctx.Done():
				return
			case <-t.C:
				fyne.Do(update)
			}
		}
	}()
}
