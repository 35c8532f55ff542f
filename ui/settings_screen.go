package ui

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// The theme choices of Settings.
const (
	themeSystem = "As the system"
	themeLight  = "Light"
	themeDark   = "Dark"
)

// variantTheme is the default theme held to light or dark, whatever the
// system prefers; it changes nothing else.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyThemePreference sets the theme saved in Settings.
func applyThemePreference(a fyne.App) {
	switch a.Preferences().String(prefTheme) {
	case "light":
		a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	default:
		a.Settings().SetTheme(theme.DefaultTheme())
	}
}

// SettingsScreen holds what belongs to this computer: who is at it, the
// look, the calendar file, and the backups.
type SettingsScreen struct {
	m         *MainWindow
	staff     *widget.Entry
	lead      *widget.Entry
	checkIn   *widget.Entry
	theme     *widget.RadioGroup
	feed      *widget.Label
	feedStop  *widget.Button
	backup    *widget.Label
	backingUp *widget.ProgressBarInfinite
	backupNow *widget.Button
	restore   *widget.Button
	sync      *syncSettings // nil when the app has no sync
}

// NewSettingsScreen builds the screen; Load fills it.
func NewSettingsScreen(m *MainWindow) *SettingsScreen {
	s := &SettingsScreen{m: m}
	s.staff = widget.NewEntry()
	s.staff.SetPlaceHolder("Your name, recorded on what you log here")
	s.staff.OnSubmitted = func(string) { s.saveStaff() }
	s.lead = widget.NewEntry()
	s.lead.SetPlaceHolder(strconv.Itoa(data.DefaultLeadDays))
	s.lead.OnSubmitted = func(string) { s.saveLead() }
	s.checkIn = widget.NewEntry()
	s.checkIn.SetPlaceHolder(strconv.Itoa(data.NotSeenDays))
	s.checkIn.OnSubmitted = func(string) { s.saveCheckIn() }
	s.theme = widget.NewRadioGroup([]string{themeSystem, themeLight, themeDark}, s.onTheme)
	s.theme.Horizontal = true
	s.theme.Required = true
	s.feed = widget.NewLabel("")
	s.feed.Wrapping = fyne.TextWrapWord
	s.feedStop = widget.NewButton("Stop", s.stopFeed)
	s.backup = widget.NewLabel("")
	s.backup.Wrapping = fyne.TextWrapWord
	s.backingUp = widget.NewProgressBarInfinite()
	s.backingUp.Stop()
	s.backingUp.Hide()
	s.backupNow = widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), s.onBackupNow)
	s.restore = widget.NewButtonWithIcon("Restore…", theme.HistoryIcon(), s.showRestore)
	if m.opts.Restorer == nil {
		s.restore.Hide()
	}
	return s
}

func (s *SettingsScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Settings")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	saveStaff := widget.NewButton("Save", s.saveStaff)
	staff := container.NewBorder(nil, nil, nil, saveStaff, s.staff)
	lead := container.NewHBox(container.NewGridWrap(fyne.NewSize(80, s.lead.MinSize().Height), s.lead),
		widget.NewLabel("days ahead"), widget.NewButton("Save", s.saveLead))
	var feedRow fyne.CanvasObject = widget.NewLabel("Not available here.")
	if s.m.opts.Feed != nil {
		choose := widget.NewButtonWithIcon("Choose file…", theme.FolderOpenIcon(), s.chooseFeed)
		feedRow = container.NewVBox(s.feed, container.NewHBox(choose, s.feedStop))
	}
	form := widget.NewForm(
		widget.NewFormItem("Staff name on this computer", staff),
		widget.NewFormItem("Remind of new birthdays and dates", lead),
		widget.NewFormItem("Check in with clients", container.NewHBox(
			container.NewGridWrap(fyne.NewSize(80, s.checkIn.MinSize().Height), s.checkIn),
			widget.NewLabel("days after their last visit"), widget.NewButton("Save", s.saveCheckIn))),
		widget.NewFormItem("Look", s.theme),
		widget.NewFormItem("Calendar file", feedRow),
		widget.NewFormItem("Backups", container.NewVBox(s.backup, s.backingUp, container.NewHBox(s.backupNow, s.restore))),
	)
	if s.sync != nil {
		form.Append("Sync", s.sync.content())
	}
	help := quiet("The calendar file is an .ics file Rapport keeps up to date while it is open, with birthdays, appointments and tasks: subscribe to it from Google, Apple or Outlook calendar (through a synced folder) to see them there. Rapport also backs the client book up by itself once a day, into the backups folder beside it.")
	return container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(form, widget.NewSeparator(), help))))
}

// Load reads the settings.
func (s *SettingsScreen) Load() {
	switch s.m.app.Preferences().String(prefTheme) {
	case "light":
		s.theme.SetSelected(themeLight)
	case "dark":
		s.theme.SetSelected(themeDark)
	default:
		s.theme.SetSelected(themeSystem)
	}
	if s.sync != nil {
		s.sync.refresh()
	}
	type settings struct {
		staff, feed string
		last        data.Backup
		hasBackup   bool
		checkIn     int
	}
	load(s.m.run, func() (settings, error) {
		var st settings
		var err error
		if st.staff, _, err = s.m.store.LocalSetting(s.m.ctx, StaffSetting); err != nil {
			return st, err
		}
		if s.m.opts.Feed != nil {
			if st.feed, err = s.m.opts.Feed.FeedFile(s.m.ctx); err != nil {
				return st, err
			}
		}
		if st.checkIn, err = s.m.store.CheckInDays(s.m.ctx); err != nil {
			return st, err
		}
		st.last, st.hasBackup, err = s.m.store.LastBackup()
		return st, err
	}, func(st settings, err error) {
		if err != nil {
			s.m.failed("The settings could not be read", err)
			return
		}
		s.staff.SetText(st.staff)
		s.lead.SetText(strconv.Itoa(s.m.leadDays))
		s.checkIn.SetText(strconv.Itoa(st.checkIn))
		s.showFeed(st.feed)
		s.showBackup(st.last, st.hasBackup)
	})
}

func (s *SettingsScreen) showFeed(path string) {
	if path == "" {
		s.feed.SetText("No calendar file is kept.")
		s.feedStop.Hide()
		return
	}
	s.feed.SetText("Kept up to date: " + path)
	s.feedStop.Show()
}

func (s *SettingsScreen) showBackup(b data.Backup, ok bool) {
	if !ok {
		s.backup.SetText("No backup yet.")
		return
	}
	s.backup.SetText(fmt.Sprintf("Last backup %s (%s, %s), in %s",
		data.Ago(b.At, s.m.now()), b.At.Local().Format("Mon 2 Jan 2006, 15:04"), sizeText(b.Size), filepath.Dir(b.Path)))
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func (s *SettingsScreen) saveStaff() {
	name := strings.TrimSpace(s.staff.Text)
	act(s.m.run, func() error { return s.m.store.SetLocalSetting(s.m.ctx, StaffSetting, name) }, func(err error) {
		if err != nil {
			s.m.failed("The staff name was not saved", err)
			return
		}
		s.m.staff = name
		s.m.store.SetStaff(name) // consent records and every change say who from now on
		if name == "" {
			s.m.notify("No staff name is recorded on this computer now.", "", nil)
		} else {
			s.m.notify("What you log here is recorded as "+name+".", "", nil)
		}
	})
}

func (s *SettingsScreen) saveLead() {
	n, err := strconv.Atoi(strings.TrimSpace(s.lead.Text))
	if err != nil || n < 0 || n > 366 {
		s.m.failed("The reminder was not saved", fmt.Errorf("%w: %q is not a number of days from 0 to 366", data.ErrInvalid, s.lead.Text))
		return
	}
	act(s.m.run, func() error { return s.m.store.SetLocalSetting(s.m.ctx, LeadDaysSetting, strconv.Itoa(n)) }, func(err error) {
		if err != nil {
			s.m.failed("The reminder was not saved", err)
			return
		}
		s.m.leadDays = n
		s.m.notify(fmt.Sprintf("Birthdays and dates added here are reminded of %d days ahead.", n), "", nil)
	})
}

// saveCheckIn keeps how long without a visit puts a client on Today.
func (s *SettingsScreen) saveCheckIn() {
	n, err := strconv.Atoi(strings.TrimSpace(s.checkIn.Text))
	if err != nil || n < 1 || n > 3650 {
		s.m.failed("The check-in interval was not saved", fmt.Errorf("%w: %q is not a number of days from 1 to 3650", data.ErrInvalid, s.checkIn.Text))
		return
	}
	act(s.m.run, func() error { return s.m.store.SetLocalSetting(s.m.ctx, data.CheckInSetting, strconv.Itoa(n)) }, func(err error) {
		if err != nil {
			s.m.failed("The check-in interval was not saved", err)
			return
		}
		s.m.notify(fmt.Sprintf("Today lists clients not seen for %d days.", n), "", nil)
	})
}

func (s *SettingsScreen) onTheme(choice string) {
	v := map[string]string{themeLight: "light", themeDark: "dark"}[choice]
	if v == s.m.app.Preferences().String(prefTheme) {
		return
	}
	s.m.app.Preferences().SetString(prefTheme, v)
	applyThemePreference(s.m.app)
}

func (s *SettingsScreen) chooseFeed() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.m.failed("No calendar file was chosen", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		s.setFeed(path)
	}, s.m.win)
	d.SetFileName("rapport.ics")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (s *SettingsScreen) stopFeed() { s.setFeed("") }

func (s *SettingsScreen) setFeed(path string) {
	act(s.m.run, func() error { return s.m.opts.Feed.SetFeedFile(s.m.ctx, path) }, func(err error) {
		if err != nil {
			s.m.failed("The calendar file setting was not saved", err)
			return
		}
		s.showFeed(path)
	})
}

func (s *SettingsScreen) onBackupNow() {
	s.backupNow.Disable()
	s.backingUp.Show()
	s.backingUp.Start()
	load(s.m.run, func() (data.Backup, error) { return s.m.store.Backup(s.m.ctx, data.BackupManual) },
		func(b data.Backup, err error) {
			s.backingUp.Stop()
			s.backingUp.Hide()
			s.backupNow.Enable()
			if err != nil {
				s.m.failed("The backup was not made", err)
				return
			}
			s.showBackup(b, true)
			s.m.notify("Backed up to "+b.Path, "", nil)
		})
}
