package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// pickerRows is how many matches the client picker lists.
const pickerRows = 8

// clientPicker finds a client as you type, inside a dialog: the first match
// is taken on Enter, or any match with a click.
type clientPicker struct {
	m        *MainWindow
	search   func(ctx context.Context, query string, limit int) ([]data.ContactSummary, error)
	entry    *dialogEntry
	list     *widget.List
	chosen   *widget.Label
	found    []data.ContactSummary
	gen      int
	picked   data.ContactSummary
	onPicked func(data.ContactSummary)
	box      *fyne.Container
	listBox  *fyne.Container // sized for a few rows; hidden with nothing to list
	none     fyne.CanvasObject
}

func newClientPicker(m *MainWindow, placeholder string, onPicked func(data.ContactSummary)) *clientPicker {
	p := &clientPicker{m: m, search: m.store.Search, onPicked: onPicked}
	p.entry = newDialogEntry(m, placeholder)
	p.entry.OnChanged = p.onChanged
	p.chosen = widget.NewLabel("")
	p.chosen.TextStyle.Bold = true
	p.list = widget.NewList(func() int { return len(p.found) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(p.found) {
			c := p.found[id]
			o.(*widget.Label).SetText(joinNonEmpty(" · ", c.DisplayName, c.Phone, c.Email))
		}
	})
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.found) {
			p.pick(p.found[id])
		}
	}
	p.listBox = container.NewGridWrap(fyne.NewSize(500, 180), p.list)
	p.listBox.Hide()
	p.none = quiet("No client matches; try part of the name, phone digits or the e-mail.")
	p.none.Hide()
	p.box = container.NewVBox(p.entry, p.listBox, p.none, p.chosen)
	p.chosen.Hide()
	return p
}

func (p *clientPicker) onChanged(text string) {
	p.gen++
	gen := p.gen
	q := strings.TrimSpace(text)
	if q == "" {
		p.found = nil
		p.listBox.Hide()
		p.none.Hide()
		p.m.fitDialog()
		return
	}
	load(p.m.run, func() ([]data.ContactSummary, error) { return p.search(p.m.ctx, q, pickerRows) },
		func(rows []data.ContactSummary, err error) {
			if gen != p.gen || err != nil {
				return
			}
			p.found = rows
			p.list.UnselectAll()
			p.list.Refresh()
			if len(rows) > 0 {
				p.listBox.Show()
				p.none.Hide()
			} else {
				p.listBox.Hide()
				p.none.Show()
			}
			p.m.fitDialog()
		})
}

// pickFirst takes the best match, as Enter in the search box does.
func (p *clientPicker) pickFirst() bool {
	if len(p.found) == 0 {
		return false
	}
	p.pick(p.found[0])
	return true
}

func (p *clientPicker) pick(c data.ContactSummary) {
	p.picked = c
	p.chosen.SetText("✓ " + c.DisplayName)
	p.chosen.Show()
	p.none.Hide()
	p.listBox.Hide()
	p.m.fitDialog()
	if p.onPicked != nil {
		p.onPicked(c)
	}
}
