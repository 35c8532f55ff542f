package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// ClientMerger folds a duplicate into the client kept.
type ClientMerger interface {
	MergeContacts(ctx context.Context, keepID, otherID string) error
}

// mergeSide is what the merge dialog shows of one of the two records.
type mergeSide struct {
	contact *data.Contact
	summary data.Summary
}

// showMerge asks for the duplicate of the client shown, then puts both side
// by side to choose which record is kept.
func (p *ClientPage) showMerge() {
	m := p.m
	picker := newClientPicker(m, "The other record of "+p.contact.DisplayName+": type a name, phone or e-mail", func(c data.ContactSummary) {
		if c.ID == p.id {
			m.failed("Nothing to merge", fmt.Errorf("%w: that is this same record; choose the other one", data.ErrInvalid))
			return
		}
		p.compareForMerge(c.ID)
	})
	picker.entry.OnSubmitted = func(string) { picker.pickFirst() }
	picker.entry.SetText(p.contact.DisplayName) // duplicates usually share the name
	d := dialog.NewCustomWithoutButtons("Merge a duplicate of "+p.contact.DisplayName, container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", m.closeDialog)), nil, nil, picker.box), m.win)
	m.showDialogWidth(d, 560)
	m.win.Canvas().Focus(picker.entry)
}

// compareForMerge loads both records and shows them side by side.
func (p *ClientPage) compareForMerge(otherID string) {
	m := p.m
	load(m.run, func() ([2]mergeSide, error) {
		var sides [2]mergeSide
		for i, id := range []string{p.id, otherID} {
			c, err := m.store.Contact(m.ctx, id)
			if err != nil {
				return sides, err
			}
			sum, err := m.store.ClientSummary(m.ctx, id)
			if err != nil {
				return sides, err
			}
			sides[i] = mergeSide{c, sum}
		}
		return sides, nil
	}, func(sides [2]mergeSide, err error) {
		if err != nil {
			m.failed("The records could not be compared", err)
			return
		}
		// One row per fact, the two records side by side, so that a
		// difference is seen at a glance.
		cells := []fyne.CanvasObject{widget.NewLabel(""), mergeName(sides[0].contact), mergeName(sides[1].contact)}
		facts := [2][]mergeFact{mergeFacts(sides[0], m), mergeFacts(sides[1], m)}
		for i := range facts[0] {
			what := newSecondaryText(fyne.TextAlignTrailing)
			setSecondaryText(what, facts[0][i].what)
			cells = append(cells, what, mergeValue(facts[0][i].value), mergeValue(facts[1][i].value))
		}
		keepLeft := widget.NewButton("Keep this one", func() { p.merge(sides[0].contact, sides[1].contact) })
		keepRight := widget.NewButton("Keep this one", func() { p.merge(sides[1].contact, sides[0].contact) })
		keepLeft.Importance, keepRight.Importance = widget.HighImportance, widget.HighImportance
		cells = append(cells, widget.NewLabel(""), keepLeft, keepRight)
		table := container.New(layout.NewCustomPaddedVBoxLayout(0))
		for i := 0; i < len(cells); i += 3 {
			table.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(90, 0), cells[i]), nil,
				container.NewGridWithColumns(2, cells[i+1], cells[i+2])))
		}
		note := quiet("Everything of the other record moves onto the one kept: its timeline, preferences, dates, tasks and appointments. Phones and e-mails both have are kept once, empty fields are filled in, and an opt-out on either side stays.")
		d := dialog.NewCustomWithoutButtons("Which record is kept?", container.NewBorder(note,
			container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", m.closeDialog)), nil, nil,
			table), m.win)
		m.showDialogWidth(d, 820)
	})
}

// mergeFact is one line of the side by side view.
type mergeFact struct{ what, value string }

// mergeFacts lists one record's facts, in the same order for both sides.
func mergeFacts(s mergeSide, m *MainWindow) []mergeFact {
	c := s.contact
	var phones, emails []string
	for _, p := range c.Phones {
		phones = append(phones, p.Number)
	}
	for _, e := range c.Emails {
		emails = append(emails, e.Address)
	}
	last := "never"
	if !s.summary.LastVisit.IsZero() {
		last = data.Ago(s.summary.LastVisit, m.now())
	}
	return []mergeFact{
		{"Names", joinNonEmpty(" ", c.Given, c.Family)},
		{"Company", c.Organization},
		{"Phones", strings.Join(phones, ", ")},
		{"E-mails", strings.Join(emails, ", ")},
		{"Birthday", dateTextOrEmpty(c.Birthday)},
		{"Tags", strings.Join(c.Tags, ", ")},
		{"Visits", fmt.Sprintf("%d, last %s", s.summary.Visits, last)},
		{"Added", c.Created.Local().Format("2 January 2006")},
		{"From", c.Source},
	}
}

func mergeName(c *data.Contact) fyne.CanvasObject {
	l := widget.NewLabel(c.DisplayName)
	l.TextStyle.Bold = true
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func mergeValue(v string) fyne.CanvasObject {
	if v == "" {
		v = "—"
	}
	l := widget.NewLabel(v)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func dateTextOrEmpty(d data.Date) string {
	if d.IsZero() {
		return ""
	}
	return dateText(d)
}

func (p *ClientPage) merge(keep, other *data.Contact) {
	m := p.m
	act(m.run, func() error { return m.store.MergeContacts(m.ctx, keep.ID, other.ID) }, func(err error) {
		if err != nil {
			m.failed("The records were not merged", err)
			return
		}
		m.closeDialog()
		m.notify(fmt.Sprintf("%s and %s are one record now.", keep.DisplayName, other.DisplayName), "", nil)
		if keep.ID == p.id {
			p.Load()
			return
		}
		m.openClient(keep.ID)
	})
}
