package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// The Tasks screen's filters.
const (
	tasksOpen = "To do"
	tasksDone = "Done"
)

// TasksScreen lists the shop's follow-ups: overdue and due first, snoozed
// ones marked, and the done ones on their own tab.
type TasksScreen struct {
	m      *MainWindow
	filter *widget.RadioGroup
	status *widget.Label
	list   *widget.List
	tasks  []data.DueTask
	gen    int
}

// NewTasksScreen builds the screen; Load fills it.
func NewTasksScreen(m *MainWindow) *TasksScreen {
	s := &TasksScreen{m: m}
	s.filter = widget.NewRadioGroup([]string{tasksOpen, tasksDone}, func(string) { s.Load() })
	s.filter.Horizontal = true
	s.filter.Required = true
	s.filter.Selected = tasksOpen
	s.status = widget.NewLabel("")
	s.list = widget.NewList(func() int { return len(s.tasks) }, func() fyne.CanvasObject { return newTaskRow(s) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.tasks) {
				o.(*taskRow).show(s.tasks[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		if id < len(s.tasks) && s.tasks[id].ContactID != "" {
			m.openClient(s.tasks[id].ContactID)
		}
	}
	return s
}

func (s *TasksScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Tasks")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	add := widget.NewButtonWithIcon("New task", theme.ContentAddIcon(), func() { s.m.showTaskForm("", "") })
	add.Importance = widget.HighImportance
	header := container.NewBorder(nil, nil, container.NewHBox(title, container.NewCenter(s.filter)), container.NewHBox(container.NewCenter(s.status), add))
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, s.list)
}

// Load lists the tasks of the chosen filter.
func (s *TasksScreen) Load() {
	s.gen++
	gen, done := s.gen, s.filter.Selected == tasksDone
	load(s.m.run, func() ([]data.DueTask, error) { return s.m.store.Tasks(s.m.ctx, done) },
		func(tasks []data.DueTask, err error) {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.m.failed("The tasks could not be loaded", err)
				return
			}
			s.tasks = s.tasks[:0]
			overdue := 0
			for _, t := range tasks {
				if done == !t.DoneAt.IsZero() {
					s.tasks = append(s.tasks, t)
				}
				if t.Overdue {
					overdue++
				}
			}
			switch {
			case done:
				s.status.SetText(fmt.Sprintf("%d done", len(s.tasks)))
			case len(s.tasks) == 0:
				s.status.SetText("Nothing to do")
			default:
				s.status.SetText(fmt.Sprintf("%d to do, %d overdue", len(s.tasks), overdue))
			}
			s.list.Refresh()
		})
}

func (s *TasksScreen) complete(t data.DueTask) {
	act(s.m.run, func() error { return s.m.store.CompleteTask(s.m.ctx, t.ID) }, func(err error) {
		if err != nil {
			s.m.failed("The task could not be marked done", err)
		}
		s.Load()
	})
}

func (s *TasksScreen) snooze(t data.DueTask, days int) {
	until := data.DayOf(s.m.todayDate().Time().AddDate(0, 0, days))
	act(s.m.run, func() error { return s.m.store.SnoozeTask(s.m.ctx, t.ID, until) }, func(err error) {
		if err != nil {
			s.m.failed("The task could not be snoozed", err)
		}
		s.Load()
	})
}

// taskRow is one task: what, for whom, when, and its buttons.
type taskRow struct {
	widget.BaseWidget
	s      *TasksScreen
	task   data.DueTask
	icon   *widget.Icon
	title  *widget.Label
	detail *widget.RichText
	done   *widget.Button
	snooze *widget.Button
	open   *widget.Button
}

func newTaskRow(s *TasksScreen) fyne.CanvasObject {
	r := &taskRow{s: s, icon: widget.NewIcon(nil), title: widget.NewLabel(""), detail: newSecondaryText(fyne.TextAlignLeading)}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.done = widget.NewButtonWithIcon("Done", theme.ConfirmIcon(), func() { s.complete(r.task) })
	r.snooze = widget.NewButtonWithIcon("Snooze", theme.HistoryIcon(), func() {
		menu := widget.NewPopUpMenu(fyne.NewMenu("",
			fyne.NewMenuItem("Until tomorrow", func() { s.snooze(r.task, 1) }),
			fyne.NewMenuItem("For 3 days", func() { s.snooze(r.task, 3) }),
			fyne.NewMenuItem("For a week", func() { s.snooze(r.task, 7) }),
		), s.m.win.Canvas())
		menu.ShowAtRelativePosition(fyne.NewPos(0, r.snooze.Size().Height), r.snooze)
	})
	r.open = widget.NewButtonWithIcon("", theme.AccountIcon(), func() { s.m.openClient(r.task.ContactID) })
	for _, b := range []*widget.Button{r.done, r.snooze, r.open} {
		b.Importance = widget.LowImportance
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *taskRow) CreateRenderer() fyne.WidgetRenderer {
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), r.title, r.detail)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(24), r.icon)),
		container.NewCenter(container.NewHBox(r.done, r.snooze, keepPlace(r.open))), text))
}

func (r *taskRow) show(t data.DueTask) {
	r.task = t
	r.title.SetText(t.Title)
	today := r.s.m.todayDate()
	var parts []string
	if t.DisplayName != "" {
		parts = append(parts, t.DisplayName)
	}
	icon := theme.ConfirmIcon()
	switch {
	case !t.DoneAt.IsZero():
		parts = append(parts, "done "+data.Ago(t.DoneAt, r.s.m.now()))
		icon = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case t.Overdue:
		parts = append(parts, fmt.Sprintf("overdue since %s", dateText(t.Due)))
		icon = theme.NewErrorThemedResource(theme.WarningIcon())
	case t.Due == today:
		parts = append(parts, "due today")
	default:
		parts = append(parts, "due "+dateText(t.Due))
	}
	if !t.SnoozedUntil.IsZero() && t.SnoozedUntil.Time().After(today.Time()) && t.DoneAt.IsZero() {
		parts = append(parts, "snoozed until "+dateText(t.SnoozedUntil))
	}
	setSecondaryText(r.detail, strings.Join(parts, " · "))
	r.icon.SetResource(icon)
	isOpen := t.DoneAt.IsZero()
	r.done.Hidden = !isOpen
	r.snooze.Hidden = !isOpen
	r.open.Hidden = t.ContactID == ""
	r.Refresh()
}

// showTaskForm asks for a new task, for a client when contactID is set.
func (m *MainWindow) showTaskForm(contactID, name string) {
	title := newDialogEntry(m, "Call about the alterations")
	due := newDialogEntry(m, "YYYY-MM-DD")
	due.SetText(data.DayOf(m.now().AddDate(0, 0, 1)).String())
	var picker *clientPicker
	items := []*widget.FormItem{widget.NewFormItem("What", title), widget.NewFormItem("Due", due)}
	if contactID == "" {
		picker = newClientPicker(m, "optional: a client", nil)
		items = append(items, widget.NewFormItem("Client", picker.box))
	}
	var d dialog.Dialog
	save := func() {
		day, err := data.ParseDate(due.Text)
		if err != nil || day.Year == 0 {
			m.failed("The task was not added", fmt.Errorf("%w: the due day %q is not a date such as 2026-03-14", data.ErrInvalid, due.Text))
			return
		}
		k := &data.Task{ContactID: contactID, Title: strings.TrimSpace(title.Text), Due: day}
		if picker != nil {
			k.ContactID = picker.picked.ID
		}
		act(m.run, func() error { return m.store.AddTask(m.ctx, k) }, func(err error) {
			if err != nil {
				m.failed("The task was not added", err)
				return
			}
			m.closeDialog()
			m.notify("Task added: "+k.Title, "", nil)
			m.refreshCurrent()
		})
	}
	title.OnSubmitted = func(string) { save() }
	due.OnSubmitted = func(string) { save() }
	form := widget.NewForm(items...)
	ok := widget.NewButton("Add task", save)
	ok.Importance = widget.HighImportance
	heading := "New task"
	if name != "" {
		heading = "New task for " + name
	}
	d = dialog.NewCustomWithoutButtons(heading, container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", m.closeDialog), ok), nil, nil, form), m.win)
	m.showDialogWidth(d, 520)
	m.win.Canvas().Focus(title)
}
