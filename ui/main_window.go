// Package ui holds Rapport's Fyne screens. Screens are thin: they call the
// store through small interfaces, run that work off the UI goroutine and show
// the results through fyne.Do.
package ui

import (
	"context"
	"fmt"
	"strconv"
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
	// PreparePhoto checks and shrinks a picture chosen for a client; nil
	// hides the choice of a photo.
	PreparePhoto func([]byte) ([]byte, error)
	// Exporter writes clients and the calendar out; nil hides the export.
	Exporter FileExporter
	// Importer brings vCard and iCalendar files in; nil hides the import.
	Importer FileImporter
	// Sync is the background sync through a shared folder; nil hides it.
	Sync SyncControl
	// Restorer puts a backup in place of the book; nil hides Restore.
	Restorer Restorer
	// StartNotice is said in the window's notice bar as it opens.
	StartNotice string
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
	// leadDays is how far ahead dates added here are reminded of.
	leadDays int

	screens     map[string]screen
	built       map[string]fyne.CanvasObject
	nav         map[string]*widget.Button
	body        *fyne.Container
	current     string
	client      *ClientPage // the client shown, when one is
	banner      *fyne.Container
	bannerAt    int             // bumped per banner so an old timer does not hide a new one
	page        *fyne.Container // the notice above the screen
	dialog      dialog.Dialog
	dialogWidth float32
	logDialog   *logVisitDialog // the log dialog last opened
	errorShown  dialog.Dialog   // an error over the dialog, closed first by Escape

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
		leadDays: data.DefaultLeadDays, screens: map[string]screen{}, built: map[string]fyne.CanvasObject{}, nav: map[string]*widget.Button{}}
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
	m.page = container.NewBorder(m.banner, nil, nil, nil, m.body)
	m.win.SetContent(container.NewBorder(nil, nil, m.navRail(), nil, m.page))
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
	if opts.StartNotice != "" {
		m.notify(opts.StartNotice, "", nil)
	}
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
	bg := newThemedBox(theme.ColorNameHeaderBackground, 0)
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
	m.win.SetTitle("Rapport")
	m.app.Preferences().SetString(prefLastScreen, name)
	m.highlight(name)
	o, ok := m.built[name]
	if !ok {
		o = s.content()
		m.built[name] = o
	}
	m.showInBody(o)
	s.Load()
}

// showInBody shows o and hides the other screens. Built screens stay in the
// window, hidden, rather than being taken out: Fyne repaints only what the
// window holds when the theme changes, and a screen taken out would come
// back in the old colours.
func (m *MainWindow) showInBody(o fyne.CanvasObject) {
	var keep []fyne.CanvasObject
	for _, b := range m.built {
		keep = append(keep, b)
	}
	if m.client != nil && m.client.root != nil {
		keep = append(keep, m.client.root)
	}
	objects := m.body.Objects[:0]
	for _, existing := range m.body.Objects {
		for _, k := range keep {
			if existing == k {
				objects = append(objects, existing)
				break
			}
		}
	}
	m.body.Objects = objects
	found := false
	for _, b := range m.body.Objects {
		if b == o {
			found = true
			b.Show()
		} else {
			b.Hide()
		}
	}
	if !found {
		m.body.Add(o)
	}
	m.body.Refresh()
}

// openClient shows a client's page in place of the current screen; Back
// returns to the screen it was opened from.
// highlight marks the rail's entry of the screen shown.
func (m *MainWindow) highlight(name string) {
	for n, b := range m.nav {
		if n == name {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}

func (m *MainWindow) openClient(id string) {
	from := m.current
	p := NewClientPage(m, id, func() { m.show(from) })
	m.client = p
	// A client's page belongs to Clients, wherever it was opened from; Back
	// goes back there.
	m.highlight(screenClients)
	p.root = p.content()
	m.showInBody(p.root)
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
	if m.opts.Exporter != nil {
		items = append(items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Export clients as vCard…", func() { m.showExportContacts(false) }),
			fyne.NewMenuItem("Export clients as vCard 3.0 (older address books)…", func() { m.showExportContacts(true) }),
			fyne.NewMenuItem("Export calendar (.ics)…", m.showExportCalendar))
	}
	var goItems []*fyne.MenuItem
	for i, s := range screenOrder {
		it := fyne.NewMenuItem(s, func() { m.onGoKey(i, s) })
		it.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(rune('1' + i)), Modifier: fyne.KeyModifierShortcutDefault}
		goItems = append(goItems, it)
	}
	return fyne.NewMainMenu(
		fyne.NewMenu("Clients", items...),
		fyne.NewMenu("Go", goItems...),
	)
}

// onGoKey is Ctrl+1 to Ctrl+6: in the log dialog they pick the kind of
// entry (Ctrl+2 a purchase); elsewhere they go to a screen, closing a dialog
// left open.
func (m *MainWindow) onGoKey(i int, screen string) {
	if d := m.logDialog; d != nil && m.dialog == d.dialog {
		if i < len(loggableKinds) {
			d.setKind(loggableKinds[i])
		}
		return
	}
	m.closeDialog()
	m.show(screen)
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
			m.onEscape()
		}
	})
}

// showDialog opens d and remembers it so that Escape can close it.
func (m *MainWindow) showDialog(d dialog.Dialog) {
	m.closeDialog()
	m.dialog = d
	m.dialogWidth = 0
	d.SetOnClosed(func() {
		if m.dialog == d {
			m.dialog = nil
		}
	})
	d.Show()
}

// showDialogWidth opens d at width, as tall as its content.
func (m *MainWindow) showDialogWidth(d dialog.Dialog, width float32) {
	m.showDialog(d)
	m.dialogWidth = width
	m.fitDialog()
}

// fitDialog sizes the open dialog to its content again, after part of it
// was shown or hidden (a list of matches, the amount of a purchase).
func (m *MainWindow) fitDialog() {
	if m.dialog != nil {
		m.dialog.Resize(m.dialog.MinSize().Max(fyne.NewSize(m.dialogWidth, 0)))
	}
}

// onEscape closes an error shown over a dialog, else the dialog.
func (m *MainWindow) onEscape() {
	if m.errorShown != nil {
		d := m.errorShown
		m.errorShown = nil
		d.Hide()
		return
	}
	m.closeDialog()
}

// closeDialog closes the open dialog and any error over it.
func (m *MainWindow) closeDialog() {
	if m.errorShown != nil {
		d := m.errorShown
		m.errorShown = nil
		d.Hide()
	}
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
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { m.hideBanner(at) })
	dismiss.Importance = widget.LowImportance
	bg := newThemedBox(theme.ColorNameSelection, theme.InputRadiusSize())
	m.banner.Objects = []fyne.CanvasObject{container.NewPadded(container.NewStack(bg,
		container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(right, dismiss), label)))}
	m.banner.Show()
	m.page.Refresh()
	go func() {
		time.Sleep(12 * time.Second)
		fyne.Do(func() { m.hideBanner(at) })
	}()
}

func (m *MainWindow) hideBanner(at int) {
	if at == m.bannerAt {
		m.banner.Hide()
		m.page.Refresh() // the screen takes the notice's room back
	}
}

// failed shows a plain-language error dialog, unless the window is closing.
func (m *MainWindow) failed(what string, err error) {
	if m.ctx.Err() != nil {
		return
	}
	// Over a form, not in place of it: the form stays open to be put right.
	// Escape closes the error first.
	if m.errorShown != nil {
		m.errorShown.Hide()
	}
	d := errorDialog(m.win, what, err)
	m.errorShown = d
	d.SetOnClosed(func() {
		if m.errorShown == d {
			m.errorShown = nil
		}
	})
	d.Show()
}

func (m *MainWindow) loadStaff() {
	load(m.run, func() ([2]string, error) {
		staff, _, err := m.store.LocalSetting(m.ctx, StaffSetting)
		if err != nil {
			return [2]string{}, err
		}
		lead, _, err := m.store.LocalSetting(m.ctx, LeadDaysSetting)
		return [2]string{staff, lead}, err
	}, func(v [2]string, err error) {
		if err != nil {
			return
		}
		m.staff = v[0]
		if n, err := strconv.Atoi(v[1]); err == nil && n >= 0 && n <= 366 {
			m.leadDays = n
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
