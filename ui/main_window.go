// Package ui holds Rapport's Fyne screens. Screens are thin: they call the
// store through small interfaces, run that work off the UI goroutine and show
// the results through fyne.Do.
package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/assets"
	"rapport/data"
)

// Options are what the window needs beyond the store.
type Options struct {
	// Currency is the currency a purchase is logged in unless another is typed ("EUR").
	Currency string
	// Feed is the calendar file the app keeps; nil hides the setting.
	Feed CalendarFeed
	// Zone is this computer's IANA time zone ("Europe/Berlin"), the zone
	// appointments are booked in; "" means UTC.
	Zone string
	// Importer brings vCard and iCalendar files in; nil hides the import.
	Importer FileImporter
	// Sync is the background sync through a shared folder; nil hides it.
	Sync SyncControl
	// Now is the clock for "today"; nil means time.Now.
	Now func() time.Time
	// OpenOnClients opens the window on the clients list, whatever screen
	// was used last, and OnClientsShown runs (on the UI goroutine) once the
	// list first shows clients: the benchmark of the first frame uses both.
	OpenOnClients  bool
	OnClientsShown func()

	run runner // tests run store work when they choose
}

// The screens of the navigation rail, in order.
const (
	screenToday        = "Today"
	screenClients      = "Clients"
	screenAppointments = "Appointments"
	screenTasks        = "Tasks"
	screenReports      = "Reports"
	screenOutreach     = "Outreach"
	screenSettings     = "Settings"
)

var screenOrder = []string{screenToday, screenClients, screenAppointments, screenTasks, screenReports, screenOutreach, screenSettings}

// Preference keys, kept by Fyne per user and computer.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
	prefLastScreen   = "window.screen"
	prefTheme        = "theme" // "light", "dark" or "" for the system's
)

// screen is one page of the main window.
type screen interface {
	content() fyne.CanvasObject
	// Load fetches what the screen shows again.
	Load()
}

// MainWindow is Rapport's window: the navigation rail on the left and the
// chosen screen beside it. Its fields are used on the UI goroutine only.
type MainWindow struct {
	app    fyne.App
	win    fyne.Window
	store  Store
	opts   Options
	run    runner
	ctx    context.Context
	cancel context.CancelFunc
	staff  string

	screens  map[string]screen
	built    map[string]fyne.CanvasObject
	nav      map[string]*widget.Button
	body     *fyne.Container
	current  string
	client   *ClientPage // the client shown, when one is
	banner   *fyne.Container
	bannerAt int // bumped per banner so an old timer does not hide a new one
	dialog   dialog.Dialog

	tray       *fyne.Menu
	trayCount  *fyne.MenuItem
	remindedOn data.Date

	today    *TodayScreen
	clients  *ClientsScreen
	agenda   *AgendaScreen
	tasks    *TasksScreen
	reports  *ReportsScreen
	outreach *OutreachScreen
	settings *SettingsScreen

	syncLine     *widget.Label // the rail's sync status, when Sync is set
	syncSettings *syncSettings
}

// NewMainWindow builds Rapport's main window over store, on the screen used
// last; the caller shows it.
func NewMainWindow(a fyne.App, store Store, opts Options) *MainWindow {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	run := opts.run
	if run == nil {
		run = goroutineRunner
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &MainWindow{app: a, store: store, opts: opts, run: run, ctx: ctx, cancel: cancel,
		screens: map[string]screen{}, built: map[string]fyne.CanvasObject{}, nav: map[string]*widget.Button{}}
	applyThemePreference(a)

	m.win = a.NewWindow("Rapport")
	m.win.SetIcon(assets.Icon)
	prefs := a.Preferences()
	m.win.Resize(fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWindowWidth, 1100)),
		float32(prefs.FloatWithFallback(prefWindowHeight, 740))))

	m.today = NewTodayScreen(m)
	m.clients = NewClientsScreen(store)
	m.clients.background = run
	m.clients.onOpen = m.openClient
	m.clients.onFirstRows = opts.OnClientsShown
	m.clients.onNew = m.newClient
	m.clients.onRestore = m.askRestore
	if opts.Importer != nil {
		m.clients.onImport = m.showImport
	}
	m.agenda = NewAgendaScreen(m)
	m.tasks = NewTasksScreen(m)
	m.reports = NewReportsScreen(m)
	m.outreach = NewOutreachScreen(m)
	m.settings = NewSettingsScreen(m)
	if opts.Sync != nil {
		m.syncLine = widget.NewLabel("")
		m.syncLine.SizeName = theme.SizeNameCaptionText
		m.syncLine.Truncation = fyne.TextTruncateEllipsis
		m.syncSettings = newSyncSettings(m)
		m.settings.sync = m.syncSettings
	}
	m.screens[screenToday] = m.today
	m.screens[screenClients] = m.clients
	m.screens[screenAppointments] = m.agenda
	m.screens[screenTasks] = m.tasks
	m.screens[screenReports] = m.reports
	m.screens[screenOutreach] = m.outreach
	m.screens[screenSettings] = m.settings

	m.body = container.NewStack()
	m.banner = container.NewStack()
	m.banner.Hide()
	m.win.SetContent(container.NewBorder(nil, nil, m.navRail(), nil,
		container.NewBorder(m.banner, nil, nil, nil, m.body)))
	m.win.SetMainMenu(m.mainMenu())
	m.addShortcuts()
	m.win.SetOnClosed(m.onClosed)

	m.loadStaff()
	last := prefs.StringWithFallback(prefLastScreen, screenToday)
	if _, ok := m.screens[last]; !ok {
		last = screenToday
	}
	if opts.OpenOnClients {
		last = screenClients
	}
	m.show(last)
	m.startReminders()
	if m.syncLine != nil {
		m.startSyncStatus(m.syncLine, m.syncSettings)
	}
	return m
}

// Window is the window to show.
func (m *MainWindow) Window() fyne.Window { return m.win }

func (m *MainWindow) now() time.Time { return m.opts.Now() }

// zone is where appointments are booked: this computer's zone by name, so
// that the store keeps a zone other computers and calendars understand.
func (m *MainWindow) zone() *time.Location {
	if loc, err := time.LoadLocation(m.opts.Zone); err == nil {
		return loc
	}
	return time.UTC
}

func (m *MainWindow) todayDate() data.Date { return data.DayOf(m.now()) }

// navRail is the column of screen buttons on the left.
func (m *MainWindow) navRail() fyne.CanvasObject {
	icons := map[string]fyne.Resource{
		screenToday:        themed(iconToday),
		screenClients:      theme.AccountIcon(),
		screenAppointments: theme.CalendarIcon(),
		screenTasks:        theme.ConfirmIcon(),
		screenReports:      themed(iconBarChart),
		screenOutreach:     theme.MailSendIcon(),
		screenSettings:     theme.SettingsIcon(),
	}
	logo := canvas.NewImageFromResource(assets.Icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSquareSize(40))
	name := widget.NewLabel("Rapport")
	name.TextStyle.Bold = true
	items := []fyne.CanvasObject{container.NewHBox(logo, name), widget.NewSeparator()}
	for _, s := range screenOrder {
		b := widget.NewButtonWithIcon(s, icons[s], func() { m.show(s) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		m.nav[s] = b
		items = append(items, b)
	}
	logVisit := widget.NewButtonWithIcon("Log a visit", theme.ContentAddIcon(), m.logVisitAnywhere)
	logVisit.Importance = widget.HighImportance
	items = append(items, layout.NewSpacer())
	if m.syncLine != nil {
		items = append(items, m.syncLine)
	}
	items = append(items, logVisit)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewStack(bg, container.NewPadded(container.NewVBox(items...)))
}

// show switches to a screen of the rail and reloads it, so what it shows is
// the store as it is now.
func (m *MainWindow) show(name string) {
	s, ok := m.screens[name]
	if !ok {
		return
	}
	m.client = nil
	m.current = name
	m.app.Preferences().SetString(prefLastScreen, name)
	for n, b := range m.nav {
		if n == name {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	o, ok := m.built[name]
	if !ok {
		o = s.content()
		m.built[name] = o
	}
	m.body.Objects = []fyne.CanvasObject{o}
	m.body.Refresh()
	s.Load()
}

// openClient shows a client's page in place of the current screen; Back
// returns to the screen it was opened from.
func (m *MainWindow) openClient(id string) {
	from := m.current
	p := NewClientPage(m, id, func() { m.show(from) })
	m.client = p
	m.body.Objects = []fyne.CanvasObject{p.content()}
	m.body.Refresh()
	p.Load()
}

// refreshCurrent reloads what is shown after a change made in a dialog.
func (m *MainWindow) refreshCurrent() {
	if m.client != nil {
		m.client.Load()
		return
	}
	if s, ok := m.screens[m.current]; ok {
		s.Load()
	}
}

func (m *MainWindow) mainMenu() *fyne.MainMenu {
	find := fyne.NewMenuItem("Find a client", m.findClient)
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	newClient := fyne.NewMenuItem("New client…", m.newClient)
	newClient.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	logVisit := fyne.NewMenuItem("Log a visit…", m.logVisitAnywhere)
	logVisit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	items := []*fyne.MenuItem{find, newClient, logVisit}
	if m.opts.Importer != nil {
		importItem := fyne.NewMenuItem("Import contacts or calendar…", m.showImport)
		importItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
		items = append(items, importItem)
	}
	var goItems []*fyne.MenuItem
	for i, s := range screenOrder {
		it := fyne.NewMenuItem(s, func() { m.show(s) })
		it.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(rune('1' + i)), Modifier: fyne.KeyModifierShortcutDefault}
		goItems = append(goItems, it)
	}
	return fyne.NewMainMenu(
		fyne.NewMenu("Clients", items...),
		fyne.NewMenu("Go", goItems...),
	)
}

// addShortcuts registers the keyboard shortcuts on the canvas too, for
// desktops that show no menu bar; Escape closes the open dialog.
func (m *MainWindow) addShortcuts() {
	c := m.win.Canvas()
	for _, it := range m.mainMenu().Items[0].Items {
		if it.Shortcut != nil {
			c.AddShortcut(it.Shortcut, func(fyne.Shortcut) { it.Action() })
		}
	}
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			m.closeDialog()
		}
	})
}

// showDialog opens d and remembers it so that Escape can close it.
func (m *MainWindow) showDialog(d dialog.Dialog) {
	m.closeDialog()
	m.dialog = d
	d.SetOnClosed(func() {
		if m.dialog == d {
			m.dialog = nil
		}
	})
	d.Show()
}

func (m *MainWindow) closeDialog() {
	if m.dialog != nil {
		d := m.dialog
		m.dialog = nil
		d.Hide()
	}
}

// findClient goes to the clients and puts the cursor in the search box.
func (m *MainWindow) findClient() {
	m.closeDialog()
	if m.current != screenClients || m.client != nil {
		m.show(screenClients)
	}
	m.win.Canvas().Focus(m.clients.search)
}

func (m *MainWindow) newClient() {
	m.closeDialog()
	m.showClientForm(nil)
}

// logVisitAnywhere logs a visit for the client shown, or asks for the client first.
func (m *MainWindow) logVisitAnywhere() {
	if m.dialog != nil {
		return
	}
	if m.client != nil && m.client.contact != nil {
		m.showLogVisit(m.client.id, m.client.contact.DisplayName, "visit")
		return
	}
	m.showLogVisit("", "", "visit")
}

// notify shows a line at the top of the window for a few seconds, with an
// action button when action is not nil ("Undo").
func (m *MainWindow) notify(text, actionLabel string, action func()) {
	m.bannerAt++
	at := m.bannerAt
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	var right fyne.CanvasObject = layout.NewSpacer()
	if action != nil {
		right = widget.NewButton(actionLabel, func() {
			m.hideBanner(at)
			action()
		})
	}
	close := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { m.hideBanner(at) })
	close.Importance = widget.LowImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	bg.CornerRadius = theme.InputRadiusSize()
	m.banner.Objects = []fyne.CanvasObject{container.NewPadded(container.NewStack(bg,
		container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(right, close), label)))}
	m.banner.Show()
	m.banner.Refresh()
	go func() {
		time.Sleep(12 * time.Second)
		fyne.Do(func() { m.hideBanner(at) })
	}()
}

func (m *MainWindow) hideBanner(at int) {
	if at == m.bannerAt {
		m.banner.Hide()
	}
}

// failed shows a plain-language error dialog, unless the window is closing.
func (m *MainWindow) failed(what string, err error) {
	if m.ctx.Err() != nil {
		return
	}
	showError(m.win, what, err)
}

func (m *MainWindow) loadStaff() {
	load(m.run, func() (string, error) {
		v, _, err := m.store.LocalSetting(m.ctx, StaffSetting)
		return v, err
	}, func(v string, err error) {
		if err == nil {
			m.staff = v
		}
	})
}

func (m *MainWindow) onClosed() {
	size := m.win.Canvas().Size()
	prefs := m.app.Preferences()
	if size.Width > 0 && size.Height > 0 {
		prefs.SetFloat(prefWindowWidth, float64(size.Width))
		prefs.SetFloat(prefWindowHeight, float64(size.Height))
	}
	m.cancel()
	m.clients.close()
}

// demoClients is the size of the demo boutique: enough to look real, quick to make.
const demoClients = 300

// askDemo offers to fill the empty client book with a generated boutique.
func (m *MainWindow) askDemo() {
	m.showDialog(dialog.NewConfirm("Load a demo boutique?",
		fmt.Sprintf("Rapport fills this client book with %d made-up clients, their visits, purchases,\nappointments and tasks, so you can try everything. Start a real book in a new\ndatabase later (rapport --db FILE).", demoClients),
		func(ok bool) {
			if !ok {
				return
			}
			act(m.run, func() error { return m.store.LoadDemo(m.ctx, 1, demoClients) }, func(err error) {
				if err != nil {
					m.failed("The demo was not loaded", err)
					return
				}
				m.notify(fmt.Sprintf("The demo boutique is loaded: %d clients.", demoClients), "", nil)
				m.refreshCurrent()
			})
		}, m.win))
}
