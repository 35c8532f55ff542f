package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// todayDays is how far ahead Today looks: this week.
const todayDays = 7

// prefTodayHidden holds the Today cards put aside on this computer, as
// "key|YYYY-MM-DD" (hidden until that day). Tasks and appointments are marked
// done or snoozed in the store; a birthday or a lapsed client has nothing
// there to mark, so putting those aside is this computer's business.
const prefTodayHidden = "today.hidden"

// todaySections are the kinds of Today item in the order the screen shows
// them, with the heading of each group.
var todaySections = []struct {
	heading string
	kinds   []string
}{
	{"Appointments", []string{"appointment"}},
	{"Tasks due", []string{"task"}},
	{"Birthdays and anniversaries", []string{"birthday", "anniversary", "date"}},
	{"Check in after a complaint", []string{"checkin"}},
	{"Loyalty: new tiers and rewards waiting", []string{"tier", "reward"}},
	{"Due to buy again", []string{"repurchase"}},
	{"Not seen for a while", []string{"not-seen"}},
}

// todayRow is one line of the Today list: a section heading or a card.
type todayRow struct {
	heading string
	item    data.TodayItem
}

// TodayScreen shows the cards of what needs attention today and this week.
type TodayScreen struct {
	m       *MainWindow
	list    *widget.List
	title   *widget.Label
	status  *widget.Label
	empty   fyne.CanvasObject
	welcome fyne.CanvasObject
	rows    []todayRow
	gen     int

	headings      map[int]bool // rows whose height was set to a heading's
	headingHeight float32
	cardHeight    float32
}

// NewTodayScreen builds the screen; Load fills it.
func NewTodayScreen(m *MainWindow) *TodayScreen {
	s := &TodayScreen{m: m}
	s.list = widget.NewList(func() int { return len(s.rows) }, func() fyne.CanvasObject { return newTodayCard(s) }, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		if id < len(s.rows) && s.rows[id].item.ContactID != "" {
			m.openClient(s.rows[id].item.ContactID) // a click on the card, beside its buttons
		}
	}
	s.title = widget.NewLabel("Today")
	s.title.SizeName = theme.SizeNameHeadingText
	s.title.TextStyle.Bold = true
	s.status = widget.NewLabel("Loading…")
	emptyText := widget.NewLabel("Nothing needs attention this week.\nBirthdays, appointments, tasks and clients due for a visit show here as they come up.")
	emptyText.Alignment = fyne.TextAlignCenter
	s.empty = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(64), widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())))),
		emptyText))
	s.empty.Hide()
	s.welcome = s.welcomeContent()
	s.welcome.Hide()
	return s
}

// welcomeContent is what Today shows on a first run, when the client book
// is empty: what to do first.
func (s *TodayScreen) welcomeContent() fyne.CanvasObject {
	title := widget.NewLabel("Welcome to Rapport")
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle.Bold = true
	title.Alignment = fyne.TextAlignCenter
	text := widget.NewLabel("Your client book is empty. Add your first client, bring your contacts in from a phone,\nGmail, Outlook or Apple Contacts (a .vcf file), or look around in a demo boutique first.")
	text.Alignment = fyne.TextAlignCenter
	add := widget.NewButtonWithIcon("Add a client", theme.ContentAddIcon(), s.m.newClient)
	add.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{add}
	if s.m.opts.Importer != nil {
		buttons = append(buttons, widget.NewButtonWithIcon("Import contacts…", theme.DownloadIcon(), s.m.showImport))
	}
	buttons = append(buttons, widget.NewButtonWithIcon("Load a demo boutique", themed(iconStore), s.m.askDemo))
	return container.NewCenter(container.NewVBox(title, text, container.NewCenter(container.NewHBox(buttons...))))
}

func (s *TodayScreen) content() fyne.CanvasObject {
	header := container.NewBorder(nil, nil, s.title, container.NewCenter(s.status))
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewStack(s.list, s.empty, s.welcome))
}

// Load asks the store for what needs attention now.
func (s *TodayScreen) Load() {
	s.gen++
	gen := s.gen
	s.title.SetText("Today, " + s.m.now().Format("Monday 2 January"))
	type today struct {
		items   []data.TodayItem
		clients int
	}
	load(s.m.run, func() (today, error) {
		items, err := s.m.store.Today(s.m.ctx, todayDays)
		if err != nil || len(items) > 0 {
			return today{items: items, clients: -1}, err
		}
		n, err := s.m.store.CountContacts(s.m.ctx, "")
		return today{clients: n}, err
	}, func(t today, err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.status.SetText("Today could not be loaded.")
			s.m.failed("Today could not be loaded", err)
			return
		}
		s.show(t.items)
		if t.clients == 0 {
			s.empty.Hide()
			s.status.SetText("")
			s.welcome.Show()
		} else {
			s.welcome.Hide()
		}
	})
}

func (s *TodayScreen) show(items []data.TodayItem) {
	hidden := s.hidden()
	byKind := map[string][]data.TodayItem{}
	shown := 0
	for _, it := range items {
		if _, ok := hidden[todayKey(it)]; ok {
			continue
		}
		byKind[it.Kind] = append(byKind[it.Kind], it)
		shown++
	}
	var rows []todayRow
	for _, sec := range todaySections {
		var group []data.TodayItem
		for _, k := range sec.kinds {
			group = append(group, byKind[k]...)
		}
		if len(group) == 0 {
			continue
		}
		rows = append(rows, todayRow{heading: fmt.Sprintf("%s (%d)", sec.heading, len(group))})
		for _, it := range group {
			rows = append(rows, todayRow{item: it})
		}
	}
	switch shown {
	case 0:
		s.status.SetText("All done")
	case 1:
		s.status.SetText("1 thing needs attention")
	default:
		s.status.SetText(fmt.Sprintf("%d things need attention", shown))
	}
	if shown > 0 {
		s.empty.Hide()
		s.list.Show()
	} else {
		s.list.Hide()
		s.empty.Show()
	}
	s.setRows(rows)
}

// setRows gives the headings their lower height and the cards theirs. Each
// SetItemHeight refreshes the list, so the heights are set while the list
// is empty, where that costs nothing, and the rows put in after.
func (s *TodayScreen) setRows(rows []todayRow) {
	s.rows = nil
	if s.headingHeight == 0 {
		s.headingHeight = widget.NewLabel("X").MinSize().Height + theme.Padding()*2
		s.cardHeight = newTodayCard(s).MinSize().Height
	}
	headings := map[int]bool{}
	for i, r := range rows {
		if r.heading != "" {
			headings[i] = true
			s.list.SetItemHeight(i, s.headingHeight)
		}
	}
	for i := range s.headings {
		if !headings[i] {
			s.list.SetItemHeight(i, s.cardHeight)
		}
	}
	s.headings = headings
	s.rows = rows
	s.list.Refresh()
}

func (s *TodayScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.rows) {
		return
	}
	o.(*todayCard).show(s.rows[id])
}

// todayKey names an item across reloads: the thing it is about and its day.
func todayKey(it data.TodayItem) string {
	if key, ok := loyaltyCardKey(it); ok {
		return key
	}
	return it.Kind + ":" + it.RefID + ":" + it.ContactID + ":" + it.Date.String()
}

// hidden reads the cards put aside whose day has not come yet.
func (s *TodayScreen) hidden() map[string]bool {
	today := s.m.todayDate().String()
	out := map[string]bool{}
	for _, v := range s.m.app.Preferences().StringList(prefTodayHidden) {
		key, until, ok := strings.Cut(v, "|")
		if ok && until > today {
			out[key] = true
		}
	}
	return out
}

// hide puts a card aside until the day given, forgetting entries long past.
func (s *TodayScreen) hide(it data.TodayItem, until data.Date) {
	today := s.m.todayDate().String()
	keep := []string{todayKey(it) + "|" + until.String()}
	for _, v := range s.m.app.Preferences().StringList(prefTodayHidden) {
		if _, u, ok := strings.Cut(v, "|"); ok && u > today {
			keep = append(keep, v)
		}
	}
	s.m.app.Preferences().SetStringList(prefTodayHidden, keep)
}

func (s *TodayScreen) daysFromToday(n int) data.Date {
	return data.DayOf(s.m.todayDate().Time().AddDate(0, 0, n))
}

// onDone marks a task or an appointment done in the store; any other card is
// put aside until after its day.
func (s *TodayScreen) onDone(it data.TodayItem) {
	var work func() error
	switch it.Kind {
	case "task":
		work = func() error { return s.m.store.CompleteTask(s.m.ctx, it.RefID) }
	case "appointment":
		work = func() error { return s.m.store.SetAppointmentStatus(s.m.ctx, it.RefID, "done") }
	default:
		until := it.Date
		if until.Time().Before(s.m.todayDate().Time()) {
			until = s.m.todayDate()
		}
		if days, ok := loyaltyCardAside[it.Kind]; ok {
			until = s.daysFromToday(days - 1)
		}
		s.hide(it, data.DayOf(until.Time().AddDate(0, 0, 1)))
		s.Load()
		s.offerUndo(it, "Dismissed")
		return
	}
	act(s.m.run, work, func(err error) {
		if err != nil {
			s.m.failed("It could not be marked done", err)
		}
		s.Load()
	})
}

// onSnooze moves a task to tomorrow; other cards are put aside for a day, and
// clients due for a visit or a purchase for a week.
func (s *TodayScreen) onSnooze(it data.TodayItem) {
	switch it.Kind {
	case "task":
		until := s.daysFromToday(1)
		act(s.m.run, func() error { return s.m.store.SnoozeTask(s.m.ctx, it.RefID, until) }, func(err error) {
			if err != nil {
				s.m.failed("The task could not be snoozed", err)
			}
			s.Load()
		})
		return
	case "not-seen", "repurchase", "reward":
		s.hide(it, s.daysFromToday(7))
	default:
		s.hide(it, s.daysFromToday(1))
	}
	s.Load()
	s.offerUndo(it, "Snoozed")
}

// offerUndo says what was put aside and offers to bring it back.
func (s *TodayScreen) offerUndo(it data.TodayItem, what string) {
	name := it.DisplayName
	if name == "" {
		name = "the shop"
	}
	s.m.notify(fmt.Sprintf("%s: %s, %s.", what, name, it.Detail), "Undo", func() {
		s.unhide(it)
		s.Load()
	})
}

// unhide brings back a card put aside on this computer.
func (s *TodayScreen) unhide(it data.TodayItem) {
	key := todayKey(it) + "|"
	var keep []string
	for _, v := range s.m.app.Preferences().StringList(prefTodayHidden) {
		if !strings.HasPrefix(v, key) {
			keep = append(keep, v)
		}
	}
	s.m.app.Preferences().SetStringList(prefTodayHidden, keep)
}

// snoozeLabel says how long Snooze puts a card aside.
func snoozeLabel(kind string) string {
	if kind == "not-seen" || kind == "repurchase" || kind == "reward" {
		return "Snooze a week"
	}
	return "Snooze"
}

// todayCard is one row of the Today list: a heading, or a card with the
// kind's icon, the client and what is due, the client's context line, and
// the actions.
type todayCard struct {
	widget.BaseWidget
	screen  *TodayScreen
	item    data.TodayItem
	heading *widget.Label
	card    *fyne.Container
	icon    *widget.Icon
	title   *widget.RichText
	context *widget.RichText
	open    *widget.Button
	log     *widget.Button
	done    *widget.Button
	snooze  *widget.Button
	bg      *themedBox
}

func newTodayCard(s *TodayScreen) fyne.CanvasObject {
	c := &todayCard{screen: s}
	c.heading = widget.NewLabel("")
	c.heading.TextStyle.Bold = true
	c.icon = widget.NewIcon(nil)
	c.title = widget.NewRichText(
		&widget.TextSegment{Style: widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Style: widget.RichTextStyleInline})
	c.title.Truncation = fyne.TextTruncateEllipsis
	c.context = newSecondaryText(fyne.TextAlignLeading)
	c.open = widget.NewButtonWithIcon("", theme.AccountIcon(), func() { s.m.openClient(c.item.ContactID) })
	c.log = widget.NewButtonWithIcon("Log visit", theme.ContentAddIcon(), func() {
		kind := "visit"
		if c.item.Kind == "checkin" {
			kind = "checkin"
		}
		s.m.showLogVisit(c.item.ContactID, c.item.DisplayName, kind)
	})
	c.done = widget.NewButtonWithIcon("Done", theme.ConfirmIcon(), func() { s.onDone(c.item) })
	c.snooze = widget.NewButtonWithIcon("Snooze", theme.HistoryIcon(), func() { s.onSnooze(c.item) })
	for _, b := range []*widget.Button{c.open, c.log, c.done, c.snooze} {
		b.Importance = widget.LowImportance
	}
	c.bg = newThemedBox(theme.ColorNameInputBackground, theme.InputRadiusSize())
	// The actions sit beside the title so the context line below has the
	// whole width of the card: it is the line staff read.
	actions := container.NewHBox(c.log, c.done, keepPlace(c.snooze), keepPlace(c.open))
	top := container.NewBorder(nil, nil, nil, actions, c.title)
	text := container.New(layout.NewCustomPaddedVBoxLayout(-3*theme.Padding()), top, c.context)
	c.card = container.NewStack(c.bg, container.NewPadded(container.NewBorder(nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(28), c.icon)), nil, text)))
	c.ExtendBaseWidget(c)
	return c
}

func (c *todayCard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.heading, container.NewPadded(c.card)))
}

func (c *todayCard) show(r todayRow) {
	if r.heading != "" {
		c.heading.SetText(r.heading)
		c.heading.Show()
		c.card.Hide()
		return
	}
	c.heading.Hide()
	c.card.Show()
	it := r.item
	c.item = it
	c.icon.SetResource(kindIcon(it.Kind))
	name := it.DisplayName
	if name == "" {
		name = "The shop"
	}
	segs := c.title.Segments
	segs[0].(*widget.TextSegment).Text = name
	segs[1].(*widget.TextSegment).Text = "  " + it.Detail
	if it.Overdue {
		segs[1].(*widget.TextSegment).Style.ColorName = theme.ColorNameError
	} else {
		segs[1].(*widget.TextSegment).Style.ColorName = ""
	}
	c.title.Refresh()
	setSecondaryText(c.context, it.Context)
	hasClient := it.ContactID != ""
	c.open.Hidden = !hasClient
	c.log.Hidden = !hasClient
	if it.Kind == "checkin" {
		c.log.SetText("Log check-in")
	} else {
		c.log.SetText("Log visit")
	}
	c.snooze.SetText(snoozeLabel(it.Kind))
	c.snooze.Hidden = it.Kind == "appointment" // an appointment is moved, not snoozed
	if it.Kind == "task" || it.Kind == "appointment" {
		c.done.SetText("Done")
	} else {
		c.done.SetText("Dismiss")
	}
	c.Refresh()
}
