package ui

import (
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

// loggableKinds are the kinds the log dialog offers, most used first.
var loggableKinds = []string{"visit", "purchase", "complaint", "compliment", "referral", "checkin", "call", "note"}

// logVisitDialog is the quick way to add to a client's timeline: it opens
// on "Visit" with the cursor in the note, so a one-line note is the note and
// Enter.
type logVisitDialog struct {
	m         *MainWindow
	contactID string
	name      string
	kind      string
	kinds     map[string]*widget.Button
	picker    *clientPicker // when no client was given
	referred  *clientPicker
	note      *dialogEntry
	body      *dialogEntry
	amount    *dialogEntry
	currency  *dialogEntry
	rating    *widget.RadioGroup
	purchase  *fyne.Container
	checkin   *fyne.Container
	referral  *fyne.Container
	dialog    dialog.Dialog
	onLogged  func(data.Interaction) // tests watch this
	submitted bool
	shown     bool // focus may move only once the dialog is on the canvas
}

// showLogVisit opens the log dialog for a client, or with a client search
// first when contactID is empty.
func (m *MainWindow) showLogVisit(contactID, name, kind string) *logVisitDialog {
	d := &logVisitDialog{m: m, contactID: contactID, name: name, kinds: map[string]*widget.Button{}}
	d.note = newDialogEntry(m, "What happened, in a line: “tried the blue dress, will come back”")
	d.note.OnSubmitted = func(string) { d.onSave() }
	d.body = newDialogEntry(m, "More detail, if any")
	d.body.MultiLine = true
	d.body.Wrapping = fyne.TextWrapWord
	d.body.SetMinRowsVisible(2)
	d.amount = newDialogEntry(m, "120.00")
	d.amount.OnSubmitted = func(string) {
		if strings.TrimSpace(d.note.Text) == "" {
			m.win.Canvas().Focus(d.note) // what was bought, then Enter saves
			return
		}
		d.onSave()
	}
	d.currency = newDialogEntry(m, "EUR")
	d.currency.SetText(m.opts.Currency)
	if p := m.client; p != nil && p.id == contactID && p.details.summary.Currency != "" {
		d.currency.SetText(p.details.summary.Currency) // what this client pays in
	}
	d.currency.OnSubmitted = func(string) { d.onSave() }
	d.rating = widget.NewRadioGroup([]string{"1", "2", "3", "4", "5"}, nil)
	d.rating.Horizontal = true
	d.purchase = container.NewBorder(nil, nil, widget.NewLabel("Amount"), container.NewGridWrap(fyne.NewSize(90, d.currency.MinSize().Height), d.currency), d.amount)
	d.checkin = container.NewHBox(widget.NewLabel("How happy, 1 to 5"), d.rating)
	d.referred = newClientPicker(m, "Who did they refer? Type a name", nil)
	d.referral = container.NewVBox(widget.NewLabel("Referred client"), d.referred.box)

	var kindButtons []fyne.CanvasObject
	for _, k := range loggableKinds {
		b := widget.NewButtonWithIcon(kindName(k), kindIcon(k), func() { d.setKind(k) })
		d.kinds[k] = b
		kindButtons = append(kindButtons, b)
	}
	var top []fyne.CanvasObject
	title := "Log for " + name
	if contactID == "" {
		title = "Log a visit"
		d.picker = newClientPicker(m, "Which client? Type a name, phone digits or e-mail", func(c data.ContactSummary) {
			d.contactID, d.name = c.ID, c.DisplayName
			m.win.Canvas().Focus(d.note)
		})
		d.picker.entry.OnSubmitted = func(string) {
			if d.picker.pickFirst() {
				m.win.Canvas().Focus(d.note)
			}
		}
		top = append(top, d.picker.box)
	}
	keys := quiet("Ctrl+1 to Ctrl+6 pick the first six kinds; Enter saves, Escape cancels.")
	// The amount, rating or referred client come before the note, in the
	// order they are typed: Ctrl+2, the amount, Enter, the note, Enter.
	top = append(top, container.NewGridWithColumns(4, kindButtons...), d.purchase, d.checkin, d.referral, d.note, d.body, keys)
	save := widget.NewButton("Save  (Enter)", d.onSave)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel  (Esc)", m.closeDialog)
	content := container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, save), nil, nil, container.NewVBox(top...))
	d.dialog = dialog.NewCustomWithoutButtons(title, content, m.win)
	d.setKind(kind)
	m.showDialogWidth(d.dialog, 640)
	m.logDialog = d
	d.shown = true
	if kind == "purchase" && d.picker == nil {
		m.win.Canvas().Focus(d.amount)
	} else if d.picker != nil {
		m.win.Canvas().Focus(d.picker.entry)
	} else {
		m.win.Canvas().Focus(d.note)
	}
	return d
}

func (d *logVisitDialog) setKind(kind string) {
	if _, ok := d.kinds[kind]; !ok {
		kind = "visit"
	}
	d.kind = kind
	for k, b := range d.kinds {
		if k == kind {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	d.purchase.Hidden = kind != "purchase"
	d.checkin.Hidden = kind != "checkin"
	d.referral.Hidden = kind != "referral"
	d.purchase.Refresh()
	d.checkin.Refresh()
	d.referral.Refresh()
	if d.shown && kind == "purchase" {
		d.m.win.Canvas().Focus(d.amount)
	} else if d.shown && d.contactID != "" {
		d.m.win.Canvas().Focus(d.note)
	}
	d.m.fitDialog()
}

// interaction is what the dialog holds, checked before it goes to the store.
func (d *logVisitDialog) interaction() (data.Interaction, error) {
	in := data.Interaction{ContactID: d.contactID, Kind: d.kind, Staff: d.m.staff,
		Summary: strings.TrimSpace(d.note.Text), Body: strings.TrimSpace(d.body.Text)}
	if in.ContactID == "" {
		return in, fmt.Errorf("%w: choose the client first", data.ErrInvalid)
	}
	switch d.kind {
	case "purchase":
		in.Currency = strings.ToUpper(strings.TrimSpace(d.currency.Text))
		if in.Currency == "" {
			return in, fmt.Errorf("%w: type the currency, such as EUR", data.ErrInvalid)
		}
		amount, err := parseAmount(d.amount.Text, in.Currency)
		if err != nil {
			return in, fmt.Errorf("%w: %v", data.ErrInvalid, err)
		}
		in.AmountMinor = amount
	case "checkin":
		n, err := strconv.Atoi(d.rating.Selected)
		if err != nil {
			return in, fmt.Errorf("%w: pick how happy the client is, 1 to 5", data.ErrInvalid)
		}
		in.Rating = n
	case "referral":
		if d.referred.picked.ID == "" && !d.referred.pickFirst() {
			return in, fmt.Errorf("%w: choose the client who was referred", data.ErrInvalid)
		}
		in.ReferredID = d.referred.picked.ID
		if in.Summary == "" {
			in.Summary = "referred " + d.referred.picked.DisplayName
		}
	}
	return in, nil
}

func (d *logVisitDialog) onSave() {
	if d.submitted {
		return // Enter pressed twice while the first save runs
	}
	in, err := d.interaction()
	if err != nil {
		d.m.failed("Nothing was logged", err)
		return
	}
	d.submitted = true
	act(d.m.run, func() error { return d.m.store.LogInteraction(d.m.ctx, &in) }, func(err error) {
		d.submitted = false
		if err != nil {
			d.m.failed("Nothing was logged", err)
			return
		}
		d.m.closeDialog()
		d.m.notify(fmt.Sprintf("%s logged for %s.", kindName(in.Kind), d.name), "", nil)
		d.m.refreshCurrent()
		if d.onLogged != nil {
			d.onLogged(in)
		}
	})
}
