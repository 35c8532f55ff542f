package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // contact photos come as JPEG, PNG or GIF
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// timelineLimit is how many timeline entries the page loads; a client with
// more shows the newest.
const timelineLimit = 500

// clientDetails is everything the client page shows, loaded in one go.
type clientDetails struct {
	contact      *data.Contact
	prefs        []data.Preference
	consents     []data.Consent
	dates        []data.ImportantDate
	timeline     []data.Interaction
	appointments []data.Appointment
	tasks        []data.Task
	summary      data.Summary
	loyalty      *loyaltyDetails // nil when the shop has no programme
}

// ClientPage shows one client: who they are, what they like, what they
// agreed to, the dates that matter, and the timeline.
type ClientPage struct {
	m       *MainWindow
	id      string
	back    func()
	contact *data.Contact // nil until loaded
	details clientDetails

	name     *widget.Label
	subtitle *widget.RichText
	photo    *fyne.Container
	tags     *fyne.Container
	figures  *fyne.Container
	left     *fyne.Container
	timeline *widget.List
	status   *widget.Label
	noEvents fyne.CanvasObject
	history  *clientHistory
	tabs     *container.AppTabs
	body     fyne.CanvasObject
	root     fyne.CanvasObject // what content built, while the page is in the window
	page     *fyne.Container
	gen      int
}

// NewClientPage builds the page of client id; back returns to where it was opened from.
func NewClientPage(m *MainWindow, id string, back func()) *ClientPage {
	p := &ClientPage{m: m, id: id, back: back}
	p.name = widget.NewLabel("…")
	p.name.SizeName = theme.SizeNameHeadingText
	p.name.TextStyle.Bold = true
	p.name.Truncation = fyne.TextTruncateEllipsis
	p.subtitle = newSecondaryText(fyne.TextAlignLeading)
	p.photo = container.NewStack()
	p.tags = container.NewHBox()
	p.figures = container.NewGridWithColumns(4)
	p.left = container.NewVBox()
	p.status = widget.NewLabel("Loading…")
	p.history = newClientHistory(m, id)
	p.timeline = widget.NewList(func() int { return len(p.details.timeline) }, newTimelineRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(p.details.timeline) {
			o.(*timelineRow).show(p.details.timeline[id], p.m.now())
		}
	})
	p.timeline.OnSelected = func(id widget.ListItemID) {
		p.timeline.Unselect(id)
		if id < len(p.details.timeline) {
			p.showEntry(p.details.timeline[id])
		}
	}
	return p
}

func (p *ClientPage) content() fyne.CanvasObject {
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), p.back)
	back.Importance = widget.LowImportance
	logVisit := widget.NewButtonWithIcon("Log a visit", theme.ContentAddIcon(), func() {
		if p.contact != nil {
			p.m.showLogVisit(p.id, p.contact.DisplayName, "visit")
		}
	})
	logVisit.Importance = widget.HighImportance
	edit := widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() {
		if p.contact != nil {
			p.m.showClientForm(p.contact)
		}
	})
	task := widget.NewButtonWithIcon("Task", theme.ConfirmIcon(), func() {
		if p.contact != nil {
			p.m.showTaskForm(p.id, p.contact.DisplayName)
		}
	})
	appt := widget.NewButtonWithIcon("Appointment", theme.CalendarIcon(), func() {
		if p.contact != nil {
			p.m.showAppointmentForm(p.id, p.contact.DisplayName, p.m.todayDate())
		}
	})
	merge := widget.NewButtonWithIcon("Merge…", theme.ContentCopyIcon(), func() {
		if p.contact != nil {
			p.showMerge()
		}
	})
	del := widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), p.onDelete)
	del.Importance = widget.DangerImportance
	actions := container.NewHBox(logVisit, appt, task, edit, merge, p.privacyButton(), del)
	names := container.New(layout.NewCustomPaddedVBoxLayout(0), p.name, p.subtitle, p.tags)
	header := container.NewBorder(container.NewHBox(back), nil, container.NewCenter(p.photo), nil, names)
	p.noEvents = container.NewVBox(quiet("Nothing logged yet. Log a visit (Ctrl+L) after the client's next visit, call or purchase."))
	right := container.NewBorder(p.figures, nil, nil, nil, p.historyTabs(container.NewStack(p.timeline, p.noEvents)))
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(p.left)), right)
	split.Offset = 0.42
	p.body = split
	p.body.Hide()
	p.page = container.NewBorder(container.NewVBox(header, container.NewHBox(actions), widget.NewSeparator()), nil, nil, nil,
		container.NewStack(container.NewCenter(p.status), p.body))
	return p.page
}

// Load reads the client and everything about them.
func (p *ClientPage) Load() {
	p.gen++
	gen := p.gen
	st, ctx, id := p.m.store, p.m.ctx, p.id
	p.history.reloadIfShown()
	load(p.m.run, func() (clientDetails, error) {
		var d clientDetails
		var err error
		if d.contact, err = st.Contact(ctx, id); err != nil {
			return d, err
		}
		if d.prefs, err = st.Preferences(ctx, id); err != nil {
			return d, err
		}
		if d.consents, err = st.Consents(ctx, id); err != nil {
			return d, err
		}
		if d.dates, err = st.ImportantDates(ctx, id); err != nil {
			return d, err
		}
		if d.timeline, err = st.Interactions(ctx, id, timelineLimit); err != nil {
			return d, err
		}
		if d.appointments, err = st.ContactAppointments(ctx, id); err != nil {
			return d, err
		}
		if d.tasks, err = st.ContactTasks(ctx, id); err != nil {
			return d, err
		}
		if d.summary, err = st.ClientSummary(ctx, id); err != nil {
			return d, err
		}
		d.loyalty, err = loadLoyalty(ctx, st, id)
		return d, err
	}, func(d clientDetails, err error) {
		if gen != p.gen {
			return
		}
		if err != nil {
			p.status.SetText(plainError("This client could not be shown", err))
			p.status.Show()
			p.body.Hide()
			return
		}
		p.show(d)
	})
}

func (p *ClientPage) show(d clientDetails) {
	p.details = d
	p.contact = d.contact
	c := d.contact
	p.name.SetText(c.DisplayName)
	if p.m.client == p {
		p.m.win.SetTitle(c.DisplayName + " – Rapport") // the taskbar says whose page is open
	}
	var sub []string
	if full := strings.TrimSpace(c.Given + " " + c.Family); full != "" && full != c.DisplayName {
		sub = append(sub, full)
	}
	if c.Nickname != "" && c.Nickname != c.DisplayName {
		sub = append(sub, "“"+c.Nickname+"”")
	}
	if c.Title != "" {
		sub = append(sub, c.Title)
	}
	if c.Organization != "" && c.Organization != c.DisplayName {
		sub = append(sub, c.Organization)
	}
	if !c.Birthday.IsZero() {
		sub = append(sub, "born "+dateText(c.Birthday))
	}
	setSecondaryText(p.subtitle, strings.Join(sub, " · "))
	p.photo.Objects = []fyne.CanvasObject{clientAvatar(c, 72)}
	p.photo.Refresh()
	p.tags.Objects = nil
	for _, t := range c.Tags {
		p.tags.Add(tagChip(t))
	}
	p.tags.Refresh()

	s := d.summary
	lastVisit := "never"
	if !s.LastVisit.IsZero() {
		lastVisit = data.Ago(s.LastVisit, p.m.now())
	}
	spend := "nothing yet"
	if s.Purchases > 0 {
		spend = money(s.TotalSpendMinor, s.Currency)
	}
	interval := "—"
	if s.UsualIntervalDays > 0 {
		interval = fmt.Sprintf("%d days", s.UsualIntervalDays)
	}
	p.figures.Objects = []fyne.CanvasObject{
		figureTile("Visits", fmt.Sprint(s.Visits)),
		figureTile("Last visit", lastVisit),
		figureTile("Total spend", spend),
		figureTile("Buys every", interval),
	}
	p.figures.Refresh()

	p.left.Objects = []fyne.CanvasObject{
		p.contactSection(c), p.preferenceSection(d.prefs), p.consentSection(d.consents),
		p.datesSection(d.dates), p.appointmentSection(d.appointments), p.taskSection(d.tasks),
	}
	if d.loyalty != nil {
		p.left.Objects = append(p.left.Objects[:2], append([]fyne.CanvasObject{p.loyaltySection(d.loyalty)}, p.left.Objects[2:]...)...)
	}
	if c.Notes != "" {
		notes := widget.NewLabel(c.Notes)
		notes.Wrapping = fyne.TextWrapWord
		p.left.Add(section("Notes", notes))
	}
	p.left.Refresh()
	if len(d.timeline) == 0 {
		p.noEvents.Show()
	} else {
		p.noEvents.Hide()
	}
	p.timeline.Refresh()
	p.timeline.ScrollToTop()
	p.status.Hide()
	p.body.Show()
	// The photo and tags change the header's height: lay the page out again.
	p.page.Refresh()
}

func (p *ClientPage) contactSection(c *data.Contact) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, ph := range c.Phones {
		rows = append(rows, infoLine(themed(iconPhone), ph.Number, labelText(ph.Label, ph.Preferred)))
	}
	for _, e := range c.Emails {
		rows = append(rows, infoLine(theme.MailComposeIcon(), e.Address, labelText(e.Label, e.Preferred)))
	}
	for _, a := range c.Addresses {
		parts := []string{a.Street, strings.TrimSpace(a.PostalCode + " " + a.Locality), a.Region, a.Country}
		rows = append(rows, infoLine(theme.HomeIcon(), joinNonEmpty(", ", parts...), labelText(a.Label, a.Preferred)))
	}
	for _, u := range c.URLs {
		rows = append(rows, infoLine(theme.ComputerIcon(), u.URL, u.Label))
	}
	if len(rows) == 0 {
		rows = append(rows, quiet("No phone, e-mail or address yet; Edit adds them."))
	}
	return section("Contact", rows...)
}

func (p *ClientPage) preferenceSection(prefs []data.Preference) fyne.CanvasObject {
	add := smallButton("Add", theme.ContentAddIcon(), func() { p.showPreferenceForm(data.Preference{}) })
	if len(prefs) == 0 {
		return sectionWith("Preferences", add, quiet("Nothing noted yet: sizes, brands, colours, dislikes, allergies."))
	}
	today := p.m.todayDate()
	var rows []fyne.CanvasObject
	for _, pr := range prefs {
		what := pr.Category + ": " + pr.Value
		if pr.Subject != "" {
			what = pr.Subject + ": " + pr.Value
			if pr.Category != "size" {
				what = pr.Category + " · " + what
			}
		}
		note := ""
		if !pr.Confirmed.IsZero() {
			note = "confirmed " + dateText(pr.Confirmed)
		}
		buttons := container.NewHBox(
			smallButton("", theme.DocumentCreateIcon(), func() { p.showPreferenceForm(pr) }),
			smallButton("", theme.DeleteIcon(), func() { p.deletePreference(pr) }))
		if pr.Stale(today) {
			note = "confirmed " + pr.Confirmed.Time().Format("Jan 2006") + ": ask again"
			confirm := smallButton("Still right", theme.ConfirmIcon(), func() { p.confirmPreference(pr) })
			confirm.Importance = widget.WarningImportance
			buttons.Objects = append([]fyne.CanvasObject{confirm}, buttons.Objects...)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(buttons), infoLine(prefIcon(pr.Category), what, note)))
	}
	return sectionWith("Preferences", add, rows...)
}

func prefIcon(category string) fyne.Resource {
	switch category {
	case "dislike", "allergy":
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case "size":
		return theme.ZoomFitIcon()
	case "colour":
		return theme.ColorPaletteIcon()
	}
	return theme.NewPrimaryThemedResource(iconHeart)
}

func (p *ClientPage) consentSection(consents []data.Consent) fyne.CanvasObject {
	byChannel := map[string]data.Consent{}
	for _, c := range consents {
		byChannel[c.Channel] = c
	}
	var rows []fyne.CanvasObject
	for _, ch := range data.Channels {
		c, ok := byChannel[ch]
		status := "not asked"
		icon := theme.QuestionIcon()
		if ok {
			switch c.Status {
			case "in":
				status = "agreed"
				if c.MaxPerMonth > 0 {
					status += fmt.Sprintf(", at most %d a month", c.MaxPerMonth)
				}
				icon = theme.NewSuccessThemedResource(theme.ConfirmIcon())
			case "out":
				status = "opted out: do not contact"
				icon = theme.NewErrorThemedResource(theme.CancelIcon())
			}
		}
		var history []string
		for _, e := range c.History {
			h := e.At.In(time.Local).Format("2 Jan 2006") + ": " + consentWord(e.Status)
			if e.Source != "" {
				h += " (" + e.Source + ")"
			}
			if e.RecordedBy != "" {
				h += ", noted by " + e.RecordedBy
			}
			history = append(history, h)
		}
		buttons := container.NewHBox(smallButton("Change", theme.DocumentCreateIcon(), func() { p.showConsentForm(ch, c) }))
		if len(history) > 0 {
			more := smallButton("", theme.HistoryIcon(), func() {
				p.m.showDialog(dialog.NewInformation(channelTitle(ch)+" consent history", strings.Join(history, "\n"), p.m.win))
			})
			buttons.Add(more)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(buttons), infoLine(icon, channelTitle(ch), status)))
	}
	return section("Consent", rows...)
}

func consentWord(status string) string {
	switch status {
	case "in":
		return "agreed"
	case "out":
		return "opted out"
	}
	return status
}

func channelTitle(ch string) string {
	switch ch {
	case "email":
		return "E-mail"
	case "sms":
		return "SMS"
	}
	return kindName(ch)
}

func (p *ClientPage) datesSection(dates []data.ImportantDate) fyne.CanvasObject {
	add := smallButton("Add", theme.ContentAddIcon(), p.showDateForm)
	if len(dates) == 0 {
		return sectionWith("Important dates", add, quiet("No dates yet: a birthday goes in Edit; anniversaries and other dates here."))
	}
	var rows []fyne.CanvasObject
	for _, d := range dates {
		label := d.Label
		if label == "" {
			label = kindName(d.Kind)
		}
		note := fmt.Sprintf("reminder %d days ahead", d.LeadDays)
		if !d.Yearly {
			note = "once; " + note
		}
		rows = append(rows, infoLine(kindIcon(d.Kind), label+": "+dateText(d.Date), note))
	}
	return sectionWith("Important dates", add, rows...)
}

func (p *ClientPage) appointmentSection(appts []data.Appointment) fyne.CanvasObject {
	now := p.m.now()
	var rows []fyne.CanvasObject
	for _, a := range appts {
		if a.End.Before(now.AddDate(0, 0, -30)) {
			continue // the timeline tells the past
		}
		what := a.Purpose
		if what == "" {
			what = "Appointment"
		}
		a := a
		status := widget.NewSelect(data.AppointmentStatuses, nil)
		status.SetSelected(a.Status)
		status.OnChanged = func(v string) {
			if v == a.Status {
				return
			}
			act(p.m.run, func() error { return p.m.store.SetAppointmentStatus(p.m.ctx, a.ID, v) }, func(err error) {
				if err != nil {
					p.m.failed("The appointment was not changed", err)
				}
				p.Load() // done adds a visit to the timeline
			})
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(status),
			infoLine(theme.CalendarIcon(), a.Start.In(time.Local).Format("Mon 2 Jan 2006, 15:04"), what)))
	}
	if len(rows) == 0 {
		rows = append(rows, quiet("None booked."))
	}
	return section("Appointments", rows...)
}

func (p *ClientPage) taskSection(tasks []data.Task) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, k := range tasks {
		if !k.DoneAt.IsZero() {
			continue
		}
		k := k
		done := widget.NewButtonWithIcon("Done", theme.ConfirmIcon(), func() {
			act(p.m.run, func() error { return p.m.store.CompleteTask(p.m.ctx, k.ID) }, func(err error) {
				if err != nil {
					p.m.failed("The task could not be marked done", err)
				}
				p.Load()
			})
		})
		done.Importance = widget.LowImportance
		note := "due " + dateText(k.Due)
		if k.Due.Time().Before(p.m.todayDate().Time()) {
			note = "overdue since " + dateText(k.Due)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, done, infoLine(theme.ConfirmIcon(), k.Title, note)))
	}
	if len(rows) == 0 {
		rows = append(rows, quiet("Nothing to do."))
	}
	return section("Tasks", rows...)
}

// onDelete moves the client to "Recently deleted" at once and offers Undo,
// which is kinder than asking first: deleting is never final.
func (p *ClientPage) onDelete() {
	if p.contact == nil {
		return
	}
	id, name := p.id, p.contact.DisplayName
	act(p.m.run, func() error { return p.m.store.DeleteContact(p.m.ctx, id) }, func(err error) {
		if err != nil {
			p.m.failed(name+" could not be deleted", err)
			return
		}
		p.back()
		p.m.notify(name+" was moved to Recently deleted.", "Undo", func() { p.m.restoreClient(id, name) })
	})
}

// showEntry shows a timeline entry whole, its note unshortened, with a way
// to take back an entry logged by mistake.
func (p *ClientPage) showEntry(in data.Interaction) {
	m := p.m
	when := in.At.In(time.Local).Format("Monday 2 January 2006, 15:04")
	lines := []fyne.CanvasObject{quiet(joinNonEmpty(" · ", when, in.Staff))}
	if in.Items != "" {
		lines = append(lines, infoLine(nil, in.Items, "items"))
	}
	if in.Body != "" {
		body := widget.NewLabel(in.Body)
		body.Wrapping = fyne.TextWrapWord
		lines = append(lines, body)
	}
	del := widget.NewButtonWithIcon("Delete entry", theme.DeleteIcon(), func() {
		act(m.run, func() error { return m.store.DeleteInteraction(m.ctx, in.ID) }, func(err error) {
			if err != nil {
				m.failed("The entry was not deleted", err)
				return
			}
			m.closeDialog()
			m.notify("The entry was deleted.", "", nil)
			p.Load()
		})
	})
	del.Importance = widget.DangerImportance
	ok := widget.NewButton("Close", m.closeDialog)
	ok.Importance = widget.HighImportance
	d := dialog.NewCustomWithoutButtons(interactionTitle(in), container.NewBorder(nil,
		container.NewHBox(del, layout.NewSpacer(), ok), nil, nil, container.NewVBox(lines...)), m.win)
	m.showDialogWidth(d, 560)
}

// timelineRow is one entry of the timeline: the kind's icon, what happened
// and when, and the note under it.
type timelineRow struct {
	widget.BaseWidget
	icon  *widget.Icon
	title *widget.Label
	body  *widget.RichText
}

func newTimelineRow() fyne.CanvasObject {
	r := &timelineRow{icon: widget.NewIcon(nil), title: widget.NewLabel(""), body: newSecondaryText(fyne.TextAlignLeading)}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *timelineRow) CreateRenderer() fyne.WidgetRenderer {
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), r.title, r.body)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(24), r.icon)), nil, text))
}

// show fills the row: what happened on the first line, with the whole width
// for it; when, who and the note on the second.
func (r *timelineRow) show(in data.Interaction, now time.Time) {
	r.icon.SetResource(kindIcon(in.Kind))
	r.title.SetText(interactionTitle(in))
	when := in.At.In(time.Local).Format("Mon 2 Jan 2006, 15:04")
	if days := now.Sub(in.At).Hours() / 24; days >= 0 && days < 7 {
		when = data.Ago(in.At, now) + ", " + in.At.In(time.Local).Format("15:04")
	}
	body := in.Body
	// Imported and generated entries often repeat the items in the summary.
	if in.Items != "" && !strings.Contains(strings.ToLower(in.Summary), strings.ToLower(in.Items)) {
		body = joinNonEmpty(" · ", in.Items, body)
	}
	setSecondaryText(r.body, joinNonEmpty(" · ", when, in.Staff, strings.ReplaceAll(body, "\n", " ")))
}

// interactionTitle is the first line of a timeline entry: "Purchase · 120.00 EUR · dress".
func interactionTitle(in data.Interaction) string {
	parts := []string{kindName(in.Kind)}
	if in.Kind == "purchase" {
		parts = append(parts, money(in.AmountMinor, in.Currency))
	}
	if in.Kind == "checkin" && in.Rating > 0 {
		parts = append(parts, strings.Repeat("★", in.Rating)+strings.Repeat("☆", 5-in.Rating))
	}
	if in.Summary != "" {
		parts = append(parts, in.Summary)
	} else if in.Category != "" {
		parts = append(parts, in.Category)
	}
	return strings.Join(parts, " · ")
}

// section is a titled block of the client page.
func section(title string, rows ...fyne.CanvasObject) fyne.CanvasObject {
	return sectionWith(title, nil, rows...)
}

// sectionWith is a section with a button beside its title ("Add").
func sectionWith(title string, action fyne.CanvasObject, rows ...fyne.CanvasObject) fyne.CanvasObject {
	t := widget.NewLabel(title)
	t.TextStyle.Bold = true
	var heading fyne.CanvasObject = t
	if action != nil {
		heading = container.NewBorder(nil, nil, nil, action, t)
	}
	items := append([]fyne.CanvasObject{heading}, rows...)
	items = append(items, widget.NewSeparator())
	return container.NewVBox(items...)
}

// infoLine is an icon and a value, with a quieter note under it: below
// rather than beside, so that long addresses and notes keep the width.
func infoLine(icon fyne.Resource, value, note string) fyne.CanvasObject {
	v := widget.NewLabel(value)
	v.Wrapping = fyne.TextWrapWord
	var text fyne.CanvasObject = v
	if note != "" {
		n := newSecondaryText(fyne.TextAlignLeading)
		n.Truncation = fyne.TextTruncateOff
		n.Wrapping = fyne.TextWrapWord
		setSecondaryText(n, note)
		text = container.New(layout.NewCustomPaddedVBoxLayout(-3*theme.Padding()), v, n)
	}
	if icon == nil {
		return text
	}
	return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(20), widget.NewIcon(icon))), nil, text)
}

func quiet(text string) fyne.CanvasObject {
	t := newSecondaryText(fyne.TextAlignLeading)
	t.Truncation = fyne.TextTruncateOff
	t.Wrapping = fyne.TextWrapWord
	setSecondaryText(t, text)
	return t
}

func labelText(label string, preferred bool) string {
	if preferred {
		return joinNonEmpty(", ", label, "preferred")
	}
	return label
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// figureTile is one summary figure: a big value over a small caption.
func figureTile(caption, value string) fyne.CanvasObject {
	v := widget.NewLabel(value)
	v.TextStyle.Bold = true
	v.SizeName = theme.SizeNameSubHeadingText
	v.Truncation = fyne.TextTruncateEllipsis
	c := newSecondaryText(fyne.TextAlignLeading)
	setSecondaryText(c, caption)
	bg := newThemedBox(theme.ColorNameInputBackground, theme.InputRadiusSize())
	return container.NewStack(bg, container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), c, v))
}

// tagChip is a tag in a rounded box.
func tagChip(tag string) fyne.CanvasObject {
	t := widget.NewRichText(&widget.TextSegment{Text: tag, Style: widget.RichTextStyle{Inline: true, SizeName: theme.SizeNameCaptionText}})
	return container.NewStack(newThemedBox(theme.ColorNameSelection, 10), container.New(layout.NewCustomPaddedLayout(-4, -4, 2, 2), t))
}

// clientAvatar is the client's photo, or their initials in a circle.
func clientAvatar(c *data.Contact, size float32) fyne.CanvasObject {
	if len(c.Photo) > 0 {
		if img, _, err := image.Decode(bytes.NewReader(c.Photo)); err == nil {
			i := canvas.NewImageFromImage(img)
			i.FillMode = canvas.ImageFillContain
			i.SetMinSize(fyne.NewSquareSize(size))
			return i
		}
	}
	initials := widget.NewRichText(&widget.TextSegment{Text: initialsOf(c.DisplayName), Style: widget.RichTextStyle{
		Inline: true, SizeName: theme.SizeNameHeadingText, ColorName: theme.ColorNameForegroundOnPrimary, TextStyle: fyne.TextStyle{Bold: true}}})
	return container.NewGridWrap(fyne.NewSquareSize(size), container.NewStack(newThemedBox(theme.ColorNamePrimary, -1), container.NewCenter(initials)))
}

func initialsOf(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// dateText writes a date for people: "14 March 1985", "14 March" without a year.
func dateText(d data.Date) string {
	if d.Year == 0 {
		return fmt.Sprintf("%d %s", d.Day, d.Month)
	}
	return d.Time().Format("2 January 2006")
}
