package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// ClientDetailsEditor changes what the client page lists beside the
// contact itself: preferences, consent and important dates.
type ClientDetailsEditor interface {
	SetPreference(ctx context.Context, p *data.Preference) error
	DeletePreference(ctx context.Context, id string) error
	SetConsent(ctx context.Context, contactID, channel, status string, maxPerMonth int, source string) error
	AddImportantDate(ctx context.Context, d *data.ImportantDate) error
}

// editDialog opens a small form with Save and Cancel; save returns the store
// change to run, or an error to show without closing.
func (m *MainWindow) editDialog(title string, items []*widget.FormItem, focus fyne.Focusable, save func() (func() error, error), after func()) {
	onSave := func() {
		work, err := save()
		if err != nil {
			m.failed("Not saved", err)
			return
		}
		act(m.run, work, func(err error) {
			if err != nil {
				m.failed("Not saved", err)
				return
			}
			m.closeDialog()
			after()
		})
	}
	for _, it := range items {
		if e, ok := it.Widget.(*dialogEntry); ok && !e.MultiLine {
			e.OnSubmitted = func(string) { onSave() }
		}
	}
	ok := widget.NewButton("Save", onSave)
	ok.Importance = widget.HighImportance
	d := dialog.NewCustomWithoutButtons(title, container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", m.closeDialog), ok), nil, nil, widget.NewForm(items...)), m.win)
	m.showDialogWidth(d, 520)
	if focus != nil {
		m.win.Canvas().Focus(focus)
	}
}

// showPreferenceForm adds a preference, or changes p (marking it confirmed today).
func (p *ClientPage) showPreferenceForm(pr data.Preference) {
	m := p.m
	category := widget.NewSelect(data.PreferenceCategories, nil)
	category.SetSelected("size")
	subject := newDialogEntry(m, "dress, shoes, jeans…")
	value := newDialogEntry(m, "38 EU")
	title := "New preference for " + p.contact.DisplayName
	if pr.ID != "" {
		title = "Preference of " + p.contact.DisplayName
		category.SetSelected(pr.Category)
		subject.SetText(pr.Subject)
		value.SetText(pr.Value)
	}
	m.editDialog(title, []*widget.FormItem{
		widget.NewFormItem("Kind", category), widget.NewFormItem("For", subject), widget.NewFormItem("Value", value),
	}, subject, func() (func() error, error) {
		next := data.Preference{ID: pr.ID, ContactID: p.id, Category: category.Selected, Subject: subject.Text, Value: value.Text,
			Confirmed: m.todayDate()}
		return func() error { return m.store.SetPreference(m.ctx, &next) }, nil
	}, p.Load)
}

// confirmPreference marks a preference as still right today.
func (p *ClientPage) confirmPreference(pr data.Preference) {
	pr.Confirmed = p.m.todayDate()
	act(p.m.run, func() error { return p.m.store.SetPreference(p.m.ctx, &pr) }, func(err error) {
		if err != nil {
			p.m.failed("Not saved", err)
		}
		p.Load()
	})
}

func (p *ClientPage) deletePreference(pr data.Preference) {
	act(p.m.run, func() error { return p.m.store.DeletePreference(p.m.ctx, pr.ID) }, func(err error) {
		if err != nil {
			p.m.failed("The preference was not removed", err)
		}
		p.Load()
	})
}

// The consent choices, as the form says them, and as the store keeps them.
var consentChoices = []string{"Agreed", "Opted out", "Not asked"}

var consentStatus = map[string]string{"Agreed": "in", "Opted out": "out", "Not asked": "unknown"}

// showConsentForm records what the client said about one channel; the
// store keeps the history.
func (p *ClientPage) showConsentForm(channel string, current data.Consent) {
	m := p.m
	status := widget.NewRadioGroup(consentChoices, nil)
	status.Required = true
	status.Horizontal = true
	status.SetSelected("Not asked")
	for label, v := range consentStatus {
		if v == current.Status {
			status.SetSelected(label)
		}
	}
	limit := newDialogEntry(m, "no limit")
	if current.MaxPerMonth > 0 {
		limit.SetText(strconv.Itoa(current.MaxPerMonth))
	}
	source := newDialogEntry(m, "in the shop, signed form; by e-mail…")
	m.editDialog(channelTitle(channel)+" consent of "+p.contact.DisplayName, []*widget.FormItem{
		widget.NewFormItem("The client", status),
		widget.NewFormItem("At most, a month", limit),
		widget.NewFormItem("How it was given", source),
	}, source, func() (func() error, error) {
		n := 0
		if t := strings.TrimSpace(limit.Text); t != "" {
			var err error
			if n, err = strconv.Atoi(t); err != nil || n < 0 {
				return nil, fmt.Errorf("%w: the monthly limit %q is not a number of messages", data.ErrInvalid, t)
			}
		}
		st, src := consentStatus[status.Selected], strings.TrimSpace(source.Text)
		return func() error { return m.store.SetConsent(m.ctx, p.id, channel, st, n, src) }, nil
	}, p.Load)
}

// showDateForm adds an important date: an anniversary, a wedding, a
// graduation, with its reminder lead time.
func (p *ClientPage) showDateForm() {
	m := p.m
	kind := widget.NewSelect([]string{"anniversary", "custom"}, nil)
	kind.SetSelected("anniversary")
	label := newDialogEntry(m, "wedding, son's graduation…")
	date := newDialogEntry(m, "2019-06-21, or 06-21 without the year")
	yearly := widget.NewCheck("Every year", nil)
	yearly.SetChecked(true)
	lead := newDialogEntry(m, "")
	lead.SetText(strconv.Itoa(m.leadDays))
	m.editDialog("New date for "+p.contact.DisplayName, []*widget.FormItem{
		widget.NewFormItem("Kind", kind), widget.NewFormItem("What", label), widget.NewFormItem("Date", date),
		widget.NewFormItem("", yearly), widget.NewFormItem("Remind, days ahead", lead),
	}, label, func() (func() error, error) {
		d, err := parseBirthday(date.Text)
		if err != nil || d.IsZero() {
			return nil, fmt.Errorf("%w: the date %q is not a date such as 2019-06-21, or 06-21 without the year", data.ErrInvalid, date.Text)
		}
		days := m.leadDays
		if t := strings.TrimSpace(lead.Text); t != "" {
			if days, err = strconv.Atoi(t); err != nil {
				return nil, fmt.Errorf("%w: the reminder %q is not a number of days", data.ErrInvalid, t)
			}
		}
		in := data.ImportantDate{ContactID: p.id, Kind: kind.Selected, Label: strings.TrimSpace(label.Text), Date: d, Yearly: yearly.Checked, LeadDays: days}
		return func() error { return m.store.AddImportantDate(m.ctx, &in) }, nil
	}, p.Load)
}

// smallButton is a low-key icon button for a row or a section heading.
func smallButton(label string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, tapped)
	b.Importance = widget.LowImportance
	return b
}
