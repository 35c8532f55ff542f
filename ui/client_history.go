package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// HistorySource reads the change log of one client.
type HistorySource interface {
	History(ctx context.Context, contactID string) ([]data.HistoryEntry, error)
}

// historyRecordWords names each kind of record in the history for people,
// as `rapport history` does.
var historyRecordWords = map[string]string{
	"contact": "Client", "contact_email": "E-mail", "contact_phone": "Phone", "contact_address": "Address",
	"contact_url": "Link", "contact_tag": "Tag", "preference": "Preference", "consent": "Consent",
	"consent_event": "Consent history", "interaction": "Timeline entry", "appointment": "Appointment",
	"important_date": "Date", "task": "Task", "erasure": "Personal data",
}

// historyLine is one line of the History tab: an entry's heading (what was
// changed, when, by whom, where) or one field it changed. The entries are
// flattened into lines of two known heights so that the list stays
// virtualised: a change of many fields is many short rows, not one tall row
// that would have to be measured.
type historyLine struct {
	heading bool
	entry   *data.HistoryEntry
	change  data.FieldChange
}

// clientHistory is the History tab of the client page: every change to the
// client, newest first. It loads each time its tab is chosen and when the
// page reloads while it is shown, so that a change just made is there.
type clientHistory struct {
	m      *MainWindow
	id     string
	lines  []historyLine
	list   *widget.List
	status *widget.Label
	shown  bool // the tab is the one selected
	gen    int
}

func newClientHistory(m *MainWindow, id string) *clientHistory {
	h := &clientHistory{m: m, id: id}
	h.status = widget.NewLabel("Loading…")
	h.status.Wrapping = fyne.TextWrapWord
	h.list = widget.NewList(func() int { return len(h.lines) }, newHistoryRow, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(h.lines) {
			o.(*historyRow).show(h.lines[i])
		}
	})
	h.list.HideSeparators = true
	return h
}

func (h *clientHistory) content() fyne.CanvasObject {
	return container.NewStack(h.list, container.NewVBox(h.status))
}

// setShown records whether the tab is selected and loads it when it becomes so.
func (h *clientHistory) setShown(shown bool) {
	h.shown = shown
	if shown {
		h.Load()
	}
}

// reloadIfShown reads the history again after a change on the page.
func (h *clientHistory) reloadIfShown() {
	if h.shown {
		h.Load()
	}
}

// Load reads the client's history off the UI goroutine.
func (h *clientHistory) Load() {
	h.gen++
	gen := h.gen
	st, ctx, id := h.m.store, h.m.ctx, h.id
	if len(h.lines) == 0 {
		h.status.SetText("Loading…")
		h.status.Show()
	}
	load(h.m.run, func() ([]data.HistoryEntry, error) { return st.History(ctx, id) }, func(entries []data.HistoryEntry, err error) {
		if gen != h.gen {
			return
		}
		if err != nil {
			h.lines = nil
			h.list.Refresh()
			h.status.SetText(plainError("The history could not be shown", err))
			h.status.Show()
			return
		}
		h.lines = historyLines(entries)
		heading, field := historyRowHeights()
		for i, l := range h.lines {
			if l.heading {
				h.list.SetItemHeight(i, heading)
			} else {
				h.list.SetItemHeight(i, field)
			}
		}
		if len(h.lines) == 0 {
			h.status.SetText("No changes recorded yet.")
			h.status.Show()
		} else {
			h.status.Hide()
		}
		h.list.Refresh()
		h.list.ScrollToTop()
	})
}

// historyLines flattens the entries (newest first, as the store gives them)
// into a heading per entry followed by a line per field it changed.
func historyLines(entries []data.HistoryEntry) []historyLine {
	var out []historyLine
	for i := range entries {
		e := &entries[i]
		out = append(out, historyLine{heading: true, entry: e})
		for _, c := range e.Changes {
			out = append(out, historyLine{entry: e, change: c})
		}
	}
	return out
}

// historyTitle says what was changed: "Phone changed", "Client created".
func historyTitle(e *data.HistoryEntry) string {
	what := historyRecordWords[e.Table]
	if what == "" {
		what = strings.ReplaceAll(e.Table, "_", " ")
	}
	if e.Table == "erasure" {
		return "Personal data erased"
	}
	return what + " " + e.Action
}

// historyWhoWhere says when, by whom and on which computer.
func historyWhoWhere(e *data.HistoryEntry) string {
	who := "by " + e.Staff
	if e.Staff == "" {
		who = "by someone unnamed"
	}
	where := "on this computer"
	if !e.ThisComputer {
		where = "on computer " + e.Device[:min(8, len(e.Device))]
	}
	if e.DeviceName != "" {
		where += " (" + e.DeviceName + ")"
	}
	when := "at an unknown time"
	if !e.At.IsZero() {
		when = e.At.In(time.Local).Format("Mon 2 Jan 2006, 15:04")
	}
	return when + " · " + who + " · " + where
}

// historyFieldWords names the stored fields whose names say little to
// people; the others show with spaces for underscores.
var historyFieldWords = map[string]string{
	"start_utc": "start", "end_utc": "end", "tz": "time zone", "e164": "number (international)",
	"max_per_month": "at most per month", "lead_days": "reminder days ahead",
}

// historyChangeText is one field's change: "family: Berg → Lind"; the old
// value only where an earlier change set it, and none for a new record.
func historyChangeText(e *data.HistoryEntry, c data.FieldChange) string {
	field := historyFieldWords[c.Field]
	if field == "" {
		field = strings.ReplaceAll(c.Field, "_", " ")
	}
	if c.OldKnown && e.Action != "created" {
		return fmt.Sprintf("%s: %s → %s", field, historyValueText(c.Old), historyValueText(c.New))
	}
	return field + ": " + historyValueText(c.New)
}

// historyValueText shows a value on one line, a stored time as people
// read it, and an empty value as (empty).
func historyValueText(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return "(empty)"
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.In(time.Local).Format("2 Jan 2006, 15:04")
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.Format("2 Jan 2006")
	}
	return v
}

// historyRow is one line of the History tab: a heading (icon, what was
// changed, and under it when, by whom, where) or a field's change, indented
// under its heading on one shorter line.
type historyRow struct {
	widget.BaseWidget
	icon    *widget.Icon
	title   *widget.Label
	detail  *widget.RichText
	change  *widget.Label
	heading fyne.CanvasObject
	field   fyne.CanvasObject
}

func newHistoryRow() fyne.CanvasObject {
	r := &historyRow{icon: widget.NewIcon(nil), title: widget.NewLabel(""), detail: newSecondaryText(fyne.TextAlignLeading),
		change: widget.NewLabel("")}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.change.Truncation = fyne.TextTruncateEllipsis
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), r.title, r.detail)
	r.heading = container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(24), r.icon)), nil, text)
	// The change's label keeps its text centred but gives up some of its
	// padding, so that a change with many fields stays compact.
	r.field = container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSquareSize(24), layout.NewSpacer()), nil,
		container.New(layout.NewCustomPaddedLayout(-theme.Padding(), -theme.Padding(), 0, 0), r.change))
	r.ExtendBaseWidget(r)
	return r
}

// historyRowHeights are the heights of a heading and of a field's change.
func historyRowHeights() (heading, field float32) {
	r := newHistoryRow().(*historyRow)
	return r.heading.MinSize().Height, r.field.MinSize().Height
}

func (r *historyRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.heading, r.field))
}

func (r *historyRow) show(l historyLine) {
	if l.heading {
		r.icon.SetResource(historyIcon(l.entry))
		r.title.SetText(historyTitle(l.entry))
		setSecondaryText(r.detail, historyWhoWhere(l.entry))
		r.field.Hide()
		r.heading.Show()
		return
	}
	r.change.SetText(historyChangeText(l.entry, l.change))
	r.heading.Hide()
	r.field.Show()
}

func historyIcon(e *data.HistoryEntry) fyne.Resource {
	switch e.Action {
	case "created":
		return theme.ContentAddIcon()
	case "deleted":
		return theme.DeleteIcon()
	case "restored":
		return theme.ContentUndoIcon()
	case "erased":
		return theme.NewErrorThemedResource(theme.DeleteIcon())
	}
	return theme.DocumentCreateIcon()
}

// historyTabs puts the timeline and the History tab side by side on the
// client page; the history loads when its tab is chosen.
func (p *ClientPage) historyTabs(timeline fyne.CanvasObject) *container.AppTabs {
	history := container.NewTabItemWithIcon("History", theme.HistoryIcon(), p.history.content())
	tabs := container.NewAppTabs(container.NewTabItemWithIcon("Timeline", theme.ListIcon(), timeline), history)
	tabs.OnSelected = func(t *container.TabItem) { p.history.setShown(t == history) }
	p.tabs = tabs
	return tabs
}
