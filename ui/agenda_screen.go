package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// The agenda's spans.
const (
	agendaDay  = "Day"
	agendaWeek = "Week"
)

// agendaRow is a day heading or an appointment with its client's name.
type agendaRow struct {
	heading string
	appt    data.Appointment
	name    string
}

// AgendaScreen is the appointment book by day or by week.
type AgendaScreen struct {
	m      *MainWindow
	span   *widget.RadioGroup
	label  *widget.Label
	status *widget.Label
	list   *widget.List
	rows   []agendaRow
	day    data.Date // the day shown, or a day of the week shown
	names  map[string]string
	gen    int
}

// NewAgendaScreen builds the screen on today; Load fills it.
func NewAgendaScreen(m *MainWindow) *AgendaScreen {
	s := &AgendaScreen{m: m, names: map[string]string{}}
	s.span = widget.NewRadioGroup([]string{agendaDay, agendaWeek}, func(string) { s.Load() })
	s.span.Horizontal = true
	s.span.Required = true
	s.span.Selected = agendaWeek
	s.label = widget.NewLabel("")
	s.label.TextStyle.Bold = true
	s.status = widget.NewLabel("")
	s.list = widget.NewList(func() int { return len(s.rows) }, func() fyne.CanvasObject { return newAgendaItem(s) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				o.(*agendaItem).show(s.rows[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		if id < len(s.rows) && s.rows[id].heading == "" && s.rows[id].appt.ContactID != "" {
			m.openClient(s.rows[id].appt.ContactID)
		}
	}
	return s
}

func (s *AgendaScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Appointments")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.move(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.move(1) })
	today := widget.NewButton("Today", func() { s.day = s.m.todayDate(); s.Load() })
	add := widget.NewButtonWithIcon("New appointment", theme.ContentAddIcon(), func() { s.m.showAppointmentForm("", "", s.day) })
	add.Importance = widget.HighImportance
	header := container.NewBorder(nil, nil, title, container.NewHBox(container.NewCenter(s.status), add))
	nav := container.NewHBox(prev, today, next, s.label, layout.NewSpacer(), s.span)
	return container.NewBorder(container.NewVBox(header, nav, widget.NewSeparator()), nil, nil, nil, s.list)
}

// move goes a day or a week back or forward.
func (s *AgendaScreen) move(dir int) {
	step := 1
	if s.span.Selected == agendaWeek {
		step = 7
	}
	s.day = data.DayOf(s.day.Time().AddDate(0, 0, dir*step))
	s.Load()
}

// bounds is the first day shown and the day after the last.
func (s *AgendaScreen) bounds() (time.Time, time.Time) {
	d := s.day
	start := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.Local)
	if s.span.Selected == agendaDay {
		return start, start.AddDate(0, 0, 1)
	}
	// Weeks start on Monday, as shop rotas do.
	offset := (int(start.Weekday()) + 6) % 7
	start = start.AddDate(0, 0, -offset)
	return start, start.AddDate(0, 0, 7)
}

// Load lists the appointments of the day or week shown, with the names of
// their clients.
func (s *AgendaScreen) Load() {
	if s.day.IsZero() {
		s.day = s.m.todayDate()
	}
	s.gen++
	gen := s.gen
	from, to := s.bounds()
	if s.span.Selected == agendaDay {
		s.label.SetText(from.Format("Monday 2 January 2006"))
	} else {
		s.label.SetText(from.Format("2 Jan") + " – " + to.AddDate(0, 0, -1).Format("2 Jan 2006"))
	}
	known := map[string]string{}
	for k, v := range s.names {
		known[k] = v
	}
	type result struct {
		appts []data.Appointment
		names map[string]string
	}
	load(s.m.run, func() (result, error) {
		appts, err := s.m.store.Appointments(s.m.ctx, from, to)
		if err != nil {
			return result{}, err
		}
		var missing []string
		for _, a := range appts {
			if _, ok := known[a.ContactID]; !ok && a.ContactID != "" {
				missing = append(missing, a.ContactID)
			}
		}
		names, err := s.m.store.DisplayNames(s.m.ctx, missing)
		if err != nil {
			return result{}, err
		}
		for id, n := range names {
			known[id] = n
		}
		return result{appts, known}, nil
	}, func(r result, err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.m.failed("The appointments could not be loaded", err)
			return
		}
		s.names = r.names
		s.show(r.appts, from, to)
	})
}

func (s *AgendaScreen) show(appts []data.Appointment, from, to time.Time) {
	s.rows = s.rows[:0]
	byDay := map[string][]data.Appointment{}
	for _, a := range appts {
		k := a.Start.In(time.Local).Format("2006-01-02")
		byDay[k] = append(byDay[k], a)
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		day := byDay[d.Format("2006-01-02")]
		if s.span.Selected == agendaWeek {
			h := d.Format("Monday 2 January")
			if len(day) == 0 {
				h += " · free"
			}
			s.rows = append(s.rows, agendaRow{heading: h})
		}
		for _, a := range day {
			name, ok := s.names[a.ContactID]
			if !ok {
				name = "(no client)"
			}
			s.rows = append(s.rows, agendaRow{appt: a, name: name})
		}
	}
	if s.span.Selected == agendaDay && len(appts) == 0 {
		s.rows = append(s.rows, agendaRow{heading: "Nothing booked this day"})
	}
	s.status.SetText(plural(len(appts), "appointment", "appointments"))
	s.list.Refresh()
}

func (s *AgendaScreen) setStatus(a data.Appointment, status string) {
	act(s.m.run, func() error { return s.m.store.SetAppointmentStatus(s.m.ctx, a.ID, status) }, func(err error) {
		if err != nil {
			s.m.failed("The appointment could not be changed", err)
		} else if status == "done" {
			s.m.notify("Marked done; it is on the client's timeline as a visit.", "", nil)
		}
		s.Load()
	})
}

// agendaItem is one row of the agenda.
type agendaItem struct {
	widget.BaseWidget
	s       *AgendaScreen
	row     agendaRow
	heading *widget.Label
	time    *widget.Label
	name    *widget.Label
	purpose *widget.RichText
	status  *widget.Select
	open    *widget.Button
	edit    *widget.Button
	line    *fyne.Container
}

func newAgendaItem(s *AgendaScreen) fyne.CanvasObject {
	it := &agendaItem{s: s, heading: widget.NewLabel(""), time: widget.NewLabel(""), name: widget.NewLabel(""), purpose: newSecondaryText(fyne.TextAlignLeading)}
	it.heading.TextStyle.Bold = true
	it.name.TextStyle.Bold = true
	it.name.Truncation = fyne.TextTruncateEllipsis
	it.status = widget.NewSelect(data.AppointmentStatuses, nil)
	it.open = widget.NewButtonWithIcon("", theme.AccountIcon(), func() { s.m.openClient(it.row.appt.ContactID) })
	it.open.Importance = widget.LowImportance
	it.edit = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		a := it.row.appt
		s.m.appointmentForm(a.ContactID, it.row.name, data.DayOf(a.Start), &a)
	})
	it.edit.Importance = widget.LowImportance
	timeBox := container.NewGridWrap(fyne.NewSize(120, it.time.MinSize().Height), it.time)
	text := container.NewGridWithColumns(2, it.name, it.purpose)
	it.line = container.NewBorder(nil, nil, timeBox, container.NewHBox(it.status, it.edit, it.open), text)
	it.ExtendBaseWidget(it)
	return it
}

func (it *agendaItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(it.heading, it.line))
}

func (it *agendaItem) show(r agendaRow) {
	it.row = r
	if r.heading != "" {
		it.heading.SetText(r.heading)
		it.heading.Show()
		it.line.Hide()
		return
	}
	it.heading.Hide()
	it.line.Show()
	a := r.appt
	start, end := a.Start.In(time.Local), a.End.In(time.Local)
	if a.AllDay {
		it.time.SetText("all day")
	} else {
		it.time.SetText(start.Format("15:04") + "–" + end.Format("15:04"))
	}
	it.name.SetText(r.name)
	setSecondaryText(it.purpose, a.Purpose)
	it.status.OnChanged = nil
	it.status.SetSelected(a.Status)
	it.status.OnChanged = func(v string) {
		if v != it.row.appt.Status {
			it.s.setStatus(it.row.appt, v)
		}
	}
}

// showAppointmentForm books an appointment on day, for a client when
// contactID is set or one chosen in the form.
func (m *MainWindow) showAppointmentForm(contactID, name string, day data.Date) {
	m.appointmentForm(contactID, name, day, nil)
}

// appointmentLengths are the lengths the form offers, in minutes.
var appointmentLengths = []struct {
	label   string
	minutes int
}{{"15 min", 15}, {"30 min", 30}, {"45 min", 45}, {"1 hour", 60}, {"1½ hours", 90}, {"2 hours", 120}, {"3 hours", 180}}

// appointmentForm books a new appointment, or moves and renames editing.
func (m *MainWindow) appointmentForm(contactID, name string, day data.Date, editing *data.Appointment) {
	date := newDialogEntry(m, "YYYY-MM-DD")
	date.SetText(day.String())
	start := newDialogEntry(m, "14:30")
	var lengths []string
	for _, l := range appointmentLengths {
		lengths = append(lengths, l.label)
	}
	length := widget.NewSelect(lengths, nil)
	length.SetSelected("1 hour")
	purpose := newDialogEntry(m, "Fitting, alterations, consultation…")
	if editing != nil {
		local := editing.Start.In(m.zone())
		date.SetText(data.DayOf(local).String())
		start.SetText(local.Format("15:04"))
		minutes := int(editing.End.Sub(editing.Start).Minutes())
		for _, l := range appointmentLengths {
			if l.minutes <= minutes {
				length.SetSelected(l.label)
			}
		}
		purpose.SetText(editing.Purpose)
	}
	items := []*widget.FormItem{}
	var picker *clientPicker
	if contactID == "" {
		picker = newClientPicker(m, "Which client? Type a name", nil)
		items = append(items, widget.NewFormItem("Client", picker.box))
	}
	items = append(items, widget.NewFormItem("Day", date), widget.NewFormItem("Starts at", start),
		widget.NewFormItem("Length", length), widget.NewFormItem("For", purpose))
	save := func() {
		a, err := appointmentFrom(date.Text, start.Text, length.Selected, m.zone())
		if err != nil {
			m.failed("The appointment was not booked", err)
			return
		}
		a.ContactID, a.Purpose, a.Staff = contactID, strings.TrimSpace(purpose.Text), m.staff
		if editing != nil {
			a.ID, a.Status, a.Staff = editing.ID, editing.Status, editing.Staff
		}
		if picker != nil {
			if picker.picked.ID == "" && !picker.pickFirst() {
				m.failed("The appointment was not booked", fmt.Errorf("%w: choose the client first", data.ErrInvalid))
				return
			}
			a.ContactID = picker.picked.ID
		}
		act(m.run, func() error { return m.store.AddAppointment(m.ctx, &a) }, func(err error) {
			if err != nil {
				m.failed("The appointment was not booked", err)
				return
			}
			m.closeDialog()
			m.notify("Booked for "+a.Start.In(time.Local).Format("Monday 2 January, 15:04")+".", "", nil)
			m.refreshCurrent()
		})
	}
	for _, e := range []*dialogEntry{date, start, purpose} {
		e.OnSubmitted = func(string) { save() }
	}
	ok := widget.NewButton("Book", save)
	ok.Importance = widget.HighImportance
	heading := "New appointment"
	if name != "" {
		heading = "New appointment with " + name
	}
	if editing != nil {
		heading, ok.Text = "Appointment with "+name, "Save"
	}
	d := dialog.NewCustomWithoutButtons(heading, container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", m.closeDialog), ok), nil, nil, widget.NewForm(items...)), m.win)
	m.showDialogWidth(d, 540)
	if picker != nil {
		m.win.Canvas().Focus(picker.entry)
	} else {
		m.win.Canvas().Focus(start)
	}
}

// appointmentFrom reads the form's day, start and length in loc.
func appointmentFrom(day, start, length string, loc *time.Location) (data.Appointment, error) {
	d, err := data.ParseDate(day)
	if err != nil || d.Year == 0 {
		return data.Appointment{}, fmt.Errorf("%w: the day %q is not a date such as 2026-03-14", data.ErrInvalid, day)
	}
	h, mi, ok := strings.Cut(strings.TrimSpace(start), ":")
	if !ok {
		h, mi, ok = strings.Cut(strings.TrimSpace(start), ".")
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(mi)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return data.Appointment{}, fmt.Errorf("%w: the start %q is not a time such as 14:30", data.ErrInvalid, start)
	}
	minutes := 60
	for _, l := range appointmentLengths {
		if l.label == length {
			minutes = l.minutes
		}
	}
	begin := time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
	return data.Appointment{Start: begin, End: begin.Add(time.Duration(minutes) * time.Minute), TZ: loc.String(), Status: "booked"}, nil
}
