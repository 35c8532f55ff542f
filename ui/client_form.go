package ui

import (
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// dialogEntry is an entry that closes its dialog on Escape: a focused entry
// takes every key, so the window never sees the Escape otherwise.
type dialogEntry struct {
	widget.Entry
	onEscape func()
}

func newDialogEntry(m *MainWindow, placeholder string) *dialogEntry {
	e := &dialogEntry{onEscape: m.onEscape}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	return e
}

func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// clientForm is the add / edit dialog of a client.
type clientForm struct {
	m                                  *MainWindow
	editing                            *data.Contact // nil for a new client
	given, family, nickname, org, role *dialogEntry
	phones, emails, birthday, tags     *dialogEntry
	notes                              *dialogEntry
	dialog                             dialog.Dialog
	photo                              []byte
	photoPreview                       *fyne.Container
}

// showClientForm opens the client form: empty for a new client, filled with
// c to edit it.
func (m *MainWindow) showClientForm(c *data.Contact) *clientForm {
	f := &clientForm{m: m, editing: c}
	f.given = newDialogEntry(m, "")
	f.family = newDialogEntry(m, "")
	f.nickname = newDialogEntry(m, "")
	f.org = newDialogEntry(m, "")
	f.role = newDialogEntry(m, "")
	f.phones = newDialogEntry(m, "one number a line")
	f.phones.MultiLine = true
	f.phones.SetMinRowsVisible(2)
	f.emails = newDialogEntry(m, "one address a line")
	f.emails.MultiLine = true
	f.emails.SetMinRowsVisible(2)
	f.birthday = newDialogEntry(m, "1985-03-14, or 03-14 without the year")
	f.tags = newDialogEntry(m, "vip, bridal (commas between)")
	f.notes = newDialogEntry(m, "her son just left for college…")
	f.notes.MultiLine = true
	f.notes.Wrapping = fyne.TextWrapWord
	f.notes.SetMinRowsVisible(3)
	title := "New client"
	f.photoPreview = container.NewStack()
	if c != nil {
		f.photo = c.Photo
		title = "Edit " + c.DisplayName
		f.given.SetText(c.Given)
		f.family.SetText(c.Family)
		f.nickname.SetText(c.Nickname)
		f.org.SetText(c.Organization)
		f.role.SetText(c.Title)
		var phones, emails []string
		for _, p := range c.Phones {
			phones = append(phones, p.Number)
		}
		for _, e := range c.Emails {
			emails = append(emails, e.Address)
		}
		f.phones.SetText(strings.Join(phones, "\n"))
		f.emails.SetText(strings.Join(emails, "\n"))
		f.birthday.SetText(birthdayText(c.Birthday))
		f.tags.SetText(strings.Join(c.Tags, ", "))
		f.notes.SetText(c.Notes)
	}
	for _, e := range []*dialogEntry{f.given, f.family, f.nickname, f.org, f.role, f.birthday, f.tags} {
		e.OnSubmitted = func(string) { f.onSave() }
	}
	items := []*widget.FormItem{
		widget.NewFormItem("First name", f.given),
		widget.NewFormItem("Last name", f.family),
		widget.NewFormItem("Known as", f.nickname),
		widget.NewFormItem("Company", f.org),
		widget.NewFormItem("Job title", f.role),
		widget.NewFormItem("Phones", f.phones),
		widget.NewFormItem("E-mails", f.emails),
		widget.NewFormItem("Birthday", f.birthday),
		widget.NewFormItem("Tags", f.tags),
		widget.NewFormItem("Notes", f.notes),
	}
	if m.opts.PreparePhoto != nil {
		f.showPhoto()
		choose := widget.NewButtonWithIcon("Choose picture…", theme.MediaPhotoIcon(), f.onChoosePhoto)
		remove := widget.NewButton("Remove", func() { f.photo = nil; f.showPhoto() })
		items = append(items, widget.NewFormItem("Photo", container.NewHBox(f.photoPreview, container.NewCenter(choose), container.NewCenter(remove))))
	}
	form := widget.NewForm(items...)
	save := widget.NewButton("Save", f.onSave)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", m.closeDialog)
	body := container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, save), nil, nil, container.NewVScroll(form))
	f.dialog = dialog.NewCustomWithoutButtons(title, body, m.win)
	f.dialog.Resize(fyne.NewSize(560, 640))
	m.showDialog(f.dialog)
	m.win.Canvas().Focus(f.given)
	return f
}

func (f *clientForm) showPhoto() {
	f.photoPreview.Objects = []fyne.CanvasObject{clientAvatar(&data.Contact{DisplayName: strings.TrimSpace(f.given.Text + " " + f.family.Text), Photo: f.photo}, 40)}
	f.photoPreview.Refresh()
}

// onChoosePhoto asks for a picture file and makes it the client's photo,
// shrunk the way an imported photo is.
func (f *clientForm) onChoosePhoto() {
	m := f.m
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			m.failed("No picture was chosen", err)
			return
		}
		if r == nil {
			return
		}
		load(m.run, func() ([]byte, error) {
			defer r.Close()
			b, err := io.ReadAll(io.LimitReader(r, data.MaxPropertyBytes+1))
			if err != nil {
				return nil, err
			}
			if len(b) > data.MaxPropertyBytes {
				return nil, fmt.Errorf("%w: the picture is over %d MB", data.ErrInvalid, data.MaxPropertyBytes>>20)
			}
			return m.opts.PreparePhoto(b)
		}, f.onPhoto)
	}, m.win)
	open.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif"}))
	open.Resize(fyne.NewSize(820, 580))
	// The file dialog opens over the form without replacing it as the open dialog.
	open.Show()
}

func (f *clientForm) onPhoto(b []byte, err error) {
	if err != nil {
		f.m.failed("The picture was not used", fmt.Errorf("%w: %v", data.ErrInvalid, strings.TrimPrefix(err.Error(), "vcf: ")))
		return
	}
	f.photo = b
	f.showPhoto()
}

// birthdayText is a birthday as the form shows it: 1985-03-14, or 03-14.
func birthdayText(d data.Date) string {
	return strings.TrimPrefix(d.String(), "--")
}

// parseBirthday reads 1985-03-14, 03-14 or --03-14; "" is no birthday.
func parseBirthday(s string) (data.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 5 && s[2] == '-' {
		s = "--" + s
	}
	d, err := data.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("the birthday %q is not a date such as 1985-03-14, or 03-14 without the year", s)
	}
	return d, nil
}

func (f *clientForm) onSave() {
	c := &data.Contact{}
	if f.editing != nil {
		copied := *f.editing
		c = &copied
		// A display name made from the old names follows the new ones.
		if c.DisplayName == strings.TrimSpace(c.Given+" "+c.Family) || c.DisplayName == c.Organization {
			c.DisplayName = ""
		}
	}
	c.Given, c.Family = f.given.Text, f.family.Text
	c.Nickname, c.Organization, c.Title = f.nickname.Text, f.org.Text, f.role.Text
	c.Notes = strings.TrimSpace(f.notes.Text)
	bday, err := parseBirthday(f.birthday.Text)
	if err != nil {
		f.m.failed("The client was not saved", fmt.Errorf("%w: %v", data.ErrInvalid, err))
		return
	}
	c.Birthday = bday
	c.Photo = f.photo
	c.Phones = keepPhones(c.Phones, lines(f.phones.Text))
	c.Emails = keepEmails(c.Emails, lines(f.emails.Text))
	c.Tags = nil
	for _, t := range strings.Split(f.tags.Text, ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.Tags = append(c.Tags, t)
		}
	}
	isNew := f.editing == nil
	newBirthday := !c.Birthday.IsZero() && (isNew || f.editing.Birthday != c.Birthday)
	lead := f.m.leadDays
	act(f.m.run, func() error {
		if err := f.m.store.SaveContact(f.m.ctx, c); err != nil {
			return err
		}
		if newBirthday && lead != data.DefaultLeadDays {
			// The birthday's reminder takes this computer's lead time.
			return f.m.store.AddImportantDate(f.m.ctx, &data.ImportantDate{ContactID: c.ID, Kind: "birthday", Date: c.Birthday, Yearly: true, LeadDays: lead})
		}
		return nil
	}, func(err error) {
		if err != nil {
			f.m.failed("The client was not saved", err)
			return
		}
		f.m.closeDialog()
		if isNew {
			f.m.openClient(c.ID)
			f.m.notify(c.DisplayName+" was added.", "", nil)
			return
		}
		f.m.refreshCurrent()
	})
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// keepPhones gives the phones typed, keeping the label and id of each one
// that was there before so that an edit does not lose them.
func keepPhones(old []data.Phone, typed []string) []data.Phone {
	var out []data.Phone
	for _, n := range typed {
		p := data.Phone{Number: n}
		for _, o := range old {
			if o.Number == n {
				p = o
				break
			}
		}
		out = append(out, p)
	}
	return out
}

func keepEmails(old []data.Email, typed []string) []data.Email {
	var out []data.Email
	for _, a := range typed {
		e := data.Email{Address: a}
		for _, o := range old {
			if strings.EqualFold(o.Address, a) {
				e = o
				break
			}
		}
		out = append(out, e)
	}
	return out
}

// restoreClient brings a deleted client back.
func (m *MainWindow) restoreClient(id, name string) {
	act(m.run, func() error { return m.store.RestoreContact(m.ctx, id) }, func(err error) {
		if err != nil {
			m.failed(name+" could not be restored", err)
			return
		}
		m.notify(name+" is back.", "Open", func() { m.openClient(id) })
		m.refreshCurrent()
	})
}

// askRestore asks whether to bring back a client from Recently deleted.
func (m *MainWindow) askRestore(c data.ContactSummary) {
	m.showDialog(dialog.NewConfirm("Restore "+c.DisplayName+"?",
		c.DisplayName+" comes back with everything they had: timeline, preferences, dates and tasks.",
		func(ok bool) {
			if ok {
				m.restoreClient(c.ID, c.DisplayName)
			}
		}, m.win))
}
