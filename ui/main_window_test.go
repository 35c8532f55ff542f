package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// testNow is the clock of the app tests: a Thursday.
var testNow = time.Date(2026, time.March, 12, 10, 0, 0, 0, time.UTC)

// testShop is a real store in a temporary folder with a few clients.
type testShop struct {
	store *data.Store
	anna  string // Anna Berg: a birthday on Saturday, a size, a dislike, SMS consent, an overdue task
	chidi string
	task  string
}

func newTestShop(t *testing.T) *testShop {
	t.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return testNow }
	shop := &testShop{store: st}
	anna := &data.Contact{Given: "Anna", Family: "Berg", Birthday: data.Date{Year: 1986, Month: time.March, Day: 14},
		Phones: []data.Phone{{Number: "+46 70 123 45 67"}}, Emails: []data.Email{{Address: "anna@berg.example"}}, Tags: []string{"vip"}}
	chidi := &data.Contact{Given: "Chidi", Family: "Okafor", Emails: []data.Email{{Address: "chidi@example.com"}}}
	for _, c := range []*data.Contact{anna, chidi, {Given: "Mei", Family: "Tanaka"}} {
		if err := st.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	shop.anna, shop.chidi = anna.ID, chidi.ID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.AddImportantDate(ctx, &data.ImportantDate{ContactID: anna.ID, Kind: "birthday", Date: anna.Birthday, Yearly: true, LeadDays: 7}))
	must(st.SetPreference(ctx, &data.Preference{ContactID: anna.ID, Category: "size", Subject: "dress", Value: "38", Confirmed: data.Date{Year: 2024, Month: 1, Day: 10}}))
	must(st.SetPreference(ctx, &data.Preference{ContactID: anna.ID, Category: "dislike", Subject: "fabric", Value: "wool"}))
	must(st.SetConsent(ctx, anna.ID, "sms", "in", 2, "in shop"))
	must(st.LogInteraction(ctx, &data.Interaction{ContactID: anna.ID, Kind: "visit", At: testNow.AddDate(0, -2, 0), Summary: "first fitting"}))
	task := &data.Task{ContactID: anna.ID, Title: "Call about the hem", Due: data.Date{Year: 2026, Month: time.March, Day: 11}}
	must(st.AddTask(ctx, task))
	shop.task = task.ID
	return shop
}

// newTestWindow opens the main window on the shop in Fyne's test driver,
// with store work run at once so the tests see its results.
func newTestWindow(t *testing.T, shop *testShop) (*MainWindow, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	m := NewMainWindow(a, shop.store, Options{Currency: "EUR", Zone: "UTC", Now: func() time.Time { return testNow },
		run: func(f func()) { f() }})
	w := m.Window()
	w.Resize(fyne.NewSize(1200, 800))
	t.Cleanup(w.Close)
	return m, w
}

func requireShown(t *testing.T, w fyne.Window, wants ...string) {
	t.Helper()
	texts := textsOf(w.Content())
	for _, want := range wants {
		if !contains(texts, want) {
			t.Errorf("window does not show %q; it shows %q", want, texts)
		}
	}
}

// dialogTexts is every text of the overlays (open dialogs) of the window.
func dialogTexts(w fyne.Window) []string {
	var out []string
	for _, o := range w.Canvas().Overlays().List() {
		out = append(out, textsOf(o)...)
	}
	return out
}

func textsOf(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.RichText:
			out = append(out, o.String())
		case *widget.Button:
			out = append(out, o.Text)
		case *canvas.Text:
			out = append(out, o.Text)
		case *fyne.Container:
			for _, child := range o.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(o).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return out
}

// findButton is the first shown button with this text, in layout order.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Button:
			if v.Text == text {
				found = v
			}
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return found
}

func TestNavigation(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	requireShown(t, w, "Today, Thursday 12 March", "Anna Berg", "turns 40 on Saturday")

	for _, tc := range []struct{ screen, want string }{
		{screenClients, "3 clients"},
		{screenAppointments, "Appointments"},
		{screenTasks, "Call about the hem"},
		{screenReports, "Visits per month"},
		{screenSettings, "Back up now"},
		{screenToday, "Tasks due (1)"},
	} {
		t.Run(tc.screen, func(t *testing.T) {
			m.show(tc.screen)
			if tc.screen == screenReports {
				if m.reports.visits.title != tc.want {
					t.Errorf("reports chart titled %q", m.reports.visits.title)
				}
				return
			}
			requireShown(t, w, tc.want)
		})
	}

	t.Run("RemembersTheLastScreen", func(t *testing.T) {
		m.show(screenTasks)
		again := NewMainWindow(m.app, shop.store, Options{Now: m.opts.Now, run: m.run})
		defer again.Window().Close()
		if again.current != screenTasks {
			t.Errorf("a new window opens on %q, want the last one, %q", again.current, screenTasks)
		}
	})

	t.Run("TagFilter", func(t *testing.T) {
		m.show(screenClients)
		m.clients.tags.SetSelected("vip (1)")
		requireShown(t, w, "1 client tagged vip", "Anna Berg")
		if contains(textsOf(w.Content()), "Chidi Okafor") {
			t.Errorf("the vip filter lists Chidi Okafor")
		}
		m.clients.tags.SetSelected(allClients)
		requireShown(t, w, "3 clients", "Chidi Okafor")
	})

	t.Run("FindFocusesSearch", func(t *testing.T) {
		m.show(screenToday)
		m.findClient()
		if m.current != screenClients || w.Canvas().Focused() != m.clients.search {
			t.Fatalf("Find a client left the screen %q, focus on %T", m.current, w.Canvas().Focused())
		}
		test.Type(m.clients.search, "okaf")
		requireShown(t, w, "Chidi Okafor", "1 found")
		if contains(shownTexts(w), "Anna Berg") {
			t.Errorf("search for okaf still lists Anna Berg")
		}
	})
}

func TestCreateClient(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	f := m.showClientForm(nil)
	test.Type(f.given, "Dana")
	test.Type(f.family, "Scully")
	test.Type(f.phones, "+49 30 1234567")
	test.Type(f.birthday, "05-23")
	test.Type(f.tags, "bridal, new")
	f.family.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})

	if m.dialog != nil {
		t.Fatalf("the form is still open: %q", dialogTexts(w))
	}
	if m.client == nil {
		t.Fatal("the new client's page did not open")
	}
	requireShown(t, w, "Dana Scully", "+49 30 1234567", "bridal", "born 23 May")
	found, err := shop.store.Search(context.Background(), "scully", 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("search for the new client: %v, %v", found, err)
	}

	t.Run("RefusesAnEmptyClient", func(t *testing.T) {
		f := m.showClientForm(nil)
		f.onSave()
		texts := dialogTexts(w)
		if !contains(texts, "The client was not saved") || !contains(texts, "A name, organisation, e-mail or phone is needed.") {
			t.Errorf("dialogs show %q, want what was not done and why in plain words", texts)
		}
		// Escape closes the error and leaves the form to be put right.
		f.given.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if m.dialog == nil || contains(dialogTexts(w), "The client was not saved") {
			t.Errorf("after Escape the dialogs show %q, want the form alone", dialogTexts(w))
		}
	})

	t.Run("EscapeClosesTheForm", func(t *testing.T) {
		m.closeDialog()
		f := m.showClientForm(nil)
		f.given.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if m.dialog != nil {
			t.Errorf("Escape left the form open")
		}
	})

	t.Run("Edit", func(t *testing.T) {
		c, _ := shop.store.Contact(context.Background(), m.client.id)
		f := m.showClientForm(c)
		f.given.SetText("Danielle")
		f.onSave()
		requireShown(t, w, "Danielle Scully", "+49 30 1234567")
	})
}

func TestLogVisit(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	requireShown(t, w, "Anna Berg", "dress: 38", "confirmed Jan 2024: ask again", "Still right", "wool", "Visits", "first fitting")

	// Ctrl+L on the client's page: the note has the cursor, Enter saves.
	m.logVisitAnywhere()
	d := m.dialog
	if d == nil {
		t.Fatal("no dialog opened")
	}
	note, ok := w.Canvas().Focused().(*dialogEntry)
	if !ok {
		t.Fatalf("focus on %T, want the note", w.Canvas().Focused())
	}
	test.Type(note, "tried the blue dress")
	note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if m.dialog != nil {
		t.Fatalf("the dialog is still open: %q", dialogTexts(w))
	}
	requireShown(t, w, "Visit · tried the blue dress")

	t.Run("OpenAndDeleteAnEntry", func(t *testing.T) {
		d := m.showLogVisit(shop.anna, "Anna Berg", "call")
		test.Type(d.note, "wrong client")
		test.Type(d.body, "a longer note that the row shortens")
		d.onSave()
		m.client.timeline.Select(0)
		if !contains(dialogTexts(w), "a longer note that the row shortens") {
			t.Fatalf("the entry dialog shows %q", dialogTexts(w))
		}
		test.Tap(findButton(w.Canvas().Overlays().Top(), "Delete entry"))
		if contains(textsOf(w.Content()), "Call · wrong client") {
			t.Errorf("the deleted entry is still on the timeline")
		}
		requireShown(t, w, "Visit · tried the blue dress")
	})

	t.Run("Purchase", func(t *testing.T) {
		d := m.showLogVisit(shop.anna, "Anna Berg", "visit")
		d.setKind("purchase")
		if w.Canvas().Focused() != d.amount {
			t.Fatalf("a purchase puts the cursor in %T, want the amount", w.Canvas().Focused())
		}
		test.Type(d.amount, "120,5")
		d.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if m.dialog == nil || w.Canvas().Focused() != d.note {
			t.Fatalf("Enter after the amount should go to the note")
		}
		test.Type(d.note, "silk scarf")
		d.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		requireShown(t, w, "Purchase · 120.50 EUR · silk scarf", "120.50 EUR")
	})

	t.Run("CtrlDigitPicksTheKind", func(t *testing.T) {
		d := m.showLogVisit(shop.anna, "Anna Berg", "visit")
		m.onGoKey(1, screenClients)
		if d.kind != "purchase" || m.dialog == nil || m.client == nil {
			t.Errorf("Ctrl+2 in the log dialog: kind %q, dialog open %v, client page %v", d.kind, m.dialog != nil, m.client != nil)
		}
		m.closeDialog()
	})

	t.Run("CheckinNeedsARating", func(t *testing.T) {
		d := m.showLogVisit(shop.anna, "Anna Berg", "checkin")
		d.onSave()
		if !contains(dialogTexts(w), "Pick how happy the client is, 1 to 5.") {
			t.Errorf("dialogs show %q", dialogTexts(w))
		}
		m.closeDialog()
		d = m.showLogVisit(shop.anna, "Anna Berg", "checkin")
		d.rating.SetSelected("4")
		d.onSave()
		requireShown(t, w, "Check-in · ★★★★☆")
	})

	t.Run("Referral", func(t *testing.T) {
		d := m.showLogVisit(shop.anna, "Anna Berg", "referral")
		test.Type(d.referred.entry, "chidi")
		d.onSave()
		requireShown(t, w, "Referral · referred Chidi Okafor")
	})

	t.Run("FromTodayWithoutAClient", func(t *testing.T) {
		m.show(screenToday)
		d := m.showLogVisit("", "", "visit")
		test.Type(d.picker.entry, "okafor")
		d.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if w.Canvas().Focused() != d.note {
			t.Fatalf("after choosing the client the focus is on %T, want the note", w.Canvas().Focused())
		}
		test.Type(d.note, "asked about the sale")
		d.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		got, err := shop.store.Interactions(context.Background(), shop.chidi, 5)
		if err != nil || len(got) != 1 || got[0].Summary != "asked about the sale" {
			t.Errorf("Chidi's timeline: %+v, %v", got, err)
		}
	})
}

func TestCompleteTask(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.show(screenTasks)
	requireShown(t, w, "Call about the hem", "overdue since 11 March 2026", "1 to do, 1 overdue")
	done := findButton(w.Content(), "Done")
	if done == nil {
		t.Fatal("no Done button on the tasks screen")
	}
	test.Tap(done)
	requireShown(t, w, "Nothing to do")
	open, err := shop.store.Tasks(context.Background(), false)
	if err != nil || len(open) != 0 {
		t.Errorf("open tasks after Done: %v, %v", open, err)
	}
	m.tasks.filter.SetSelected(tasksDone)
	requireShown(t, w, "Call about the hem", "1 done")
}

func TestTodayActions(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	requireShown(t, w, "Call about the hem, overdue since Wed 11 Mar", "dress 38")

	t.Run("ClickOpensTheClient", func(t *testing.T) {
		for i, r := range m.today.rows {
			if r.item.Kind == "birthday" {
				m.today.list.Select(i)
				break
			}
		}
		if m.client == nil || m.client.id != shop.anna {
			t.Fatalf("a click on Anna's card did not open her page")
		}
		if got := w.Title(); got != "Anna Berg – Rapport" {
			t.Errorf("window title %q on Anna's page", got)
		}
		m.show(screenToday)
	})

	t.Run("SnoozeTask", func(t *testing.T) {
		m.today.onSnooze(findTodayItem(t, m, "task"))
		if contains(shownTexts(w), "Call about the hem") {
			t.Errorf("the snoozed task is still on Today")
		}
	})
	t.Run("DismissBirthday", func(t *testing.T) {
		m.today.onDone(findTodayItem(t, m, "birthday"))
		if todayHas(m, "birthday") {
			t.Errorf("the dismissed birthday is still on Today")
		}
		requireShown(t, w, "Dismissed: Anna Berg, turns 40 on Saturday 14 March.")
		undo := findButton(w.Content(), "Undo")
		if undo == nil {
			t.Fatal("no Undo after Dismiss")
		}
		test.Tap(undo)
		if !todayHas(m, "birthday") {
			t.Errorf("Undo did not bring the birthday back")
		}
		m.today.onDone(findTodayItem(t, m, "birthday"))
		// It stays dismissed in a new window on this computer.
		again := NewMainWindow(m.app, shop.store, Options{Now: m.opts.Now, run: m.run})
		defer again.Window().Close()
		again.show(screenToday)
		for _, r := range again.today.rows {
			if r.item.Kind == "birthday" {
				t.Errorf("a new window shows the dismissed birthday again")
			}
		}
	})
}

func todayHas(m *MainWindow, kind string) bool {
	for _, r := range m.today.rows {
		if r.item.Kind == kind {
			return true
		}
	}
	return false
}

func findTodayItem(t *testing.T, m *MainWindow, kind string) data.TodayItem {
	t.Helper()
	for _, r := range m.today.rows {
		if r.item.Kind == kind {
			return r.item
		}
	}
	t.Fatalf("Today has no %s item: %+v", kind, m.today.rows)
	return data.TodayItem{}
}

func TestDeleteWithUndo(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.show(screenClients)
	m.openClient(shop.chidi)
	m.client.onDelete()
	if m.client != nil {
		t.Fatal("the deleted client's page is still open")
	}
	requireShown(t, w, "Chidi Okafor was moved to Recently deleted.", "2 clients")
	undo := findButton(w.Content(), "Undo")
	if undo == nil {
		t.Fatal("no Undo button")
	}
	test.Tap(undo)
	requireShown(t, w, "3 clients")
	if _, err := shop.store.Contact(context.Background(), shop.chidi); err != nil {
		t.Errorf("Chidi after Undo: %v", err)
	}
}

func TestAppointments(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.show(screenAppointments)
	requireShown(t, w, "9 Mar – 15 Mar 2026", "Thursday 12 March · free")
	m.showAppointmentForm(shop.anna, "Anna Berg", m.todayDate())
	if m.dialog == nil {
		t.Fatal("no booking dialog")
	}
	start, ok := w.Canvas().Focused().(*dialogEntry)
	if !ok {
		t.Fatalf("focus on %T, want the start time", w.Canvas().Focused())
	}
	test.Type(start, "14:30")
	start.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	requireShown(t, w, "14:30–15:30", "Anna Berg", "1 appointment")

	appts, _ := shop.store.Appointments(context.Background(), testNow.AddDate(0, 0, -1), testNow.AddDate(0, 0, 1))
	if len(appts) != 1 {
		t.Fatalf("appointments: %+v", appts)
	}
	// Moved to 16:00 and renamed; still one appointment.
	m.appointmentForm(shop.anna, "Anna Berg", m.todayDate(), &appts[0])
	start = w.Canvas().Focused().(*dialogEntry)
	start.SetText("16:00")
	start.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	requireShown(t, w, "16:00–17:00", "1 appointment")
	appts, _ = shop.store.Appointments(context.Background(), testNow.AddDate(0, 0, -1), testNow.AddDate(0, 0, 1))
	if len(appts) != 1 {
		t.Fatalf("appointments after the move: %+v", appts)
	}
	// Confirmed from the client's page.
	m.openClient(shop.anna)
	sel := findSelect(w.Content(), "booked")
	if sel == nil {
		t.Fatal("no status on the client's appointment")
	}
	sel.SetSelected("confirmed")
	appts, _ = shop.store.Appointments(context.Background(), testNow.AddDate(0, 0, -1), testNow.AddDate(0, 0, 1))
	if appts[0].Status != "confirmed" {
		t.Errorf("status after changing it on the client page: %q", appts[0].Status)
	}
	m.show(screenAppointments)
	m.agenda.setStatus(appts[0], "done")
	got, _ := shop.store.Interactions(context.Background(), shop.anna, 10)
	if len(got) == 0 || got[0].Kind != "visit" {
		t.Errorf("an appointment marked done should be a visit on the timeline; timeline %+v", got)
	}
}

func TestSettings(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.show(screenSettings)
	requireShown(t, w, "No backup yet.")
	test.Type(m.settings.staff, "Ines")
	m.settings.saveStaff()
	if v, _, _ := shop.store.LocalSetting(context.Background(), StaffSetting); v != "Ines" || m.staff != "Ines" {
		t.Errorf("staff setting %q, window %q", v, m.staff)
	}
	m.settings.lead.SetText("14")
	m.settings.saveLead()
	f := m.showClientForm(nil)
	test.Type(f.given, "Noor")
	test.Type(f.birthday, "1990-03-20")
	f.onSave()
	dates, err := shop.store.ImportantDates(context.Background(), m.client.id)
	if err != nil || len(dates) != 1 || dates[0].LeadDays != 14 {
		t.Errorf("the new client's birthday: %+v, %v; want a lead of 14 days", dates, err)
	}
	m.show(screenSettings)

	if m.settings.checkIn.Text != "90" {
		t.Errorf("the check-in interval shows %q, want the default 90", m.settings.checkIn.Text)
	}
	m.settings.checkIn.SetText("0")
	m.settings.saveCheckIn()
	if _, ok, _ := shop.store.LocalSetting(context.Background(), data.CheckInSetting); ok {
		t.Error("a check-in interval of 0 days was saved")
	}
	dismissDialogs(w)
	m.settings.checkIn.SetText("45")
	m.settings.saveCheckIn()
	if n, _ := shop.store.CheckInDays(context.Background()); n != 45 {
		t.Errorf("check-in days %d after saving 45", n)
	}

	m.settings.onBackupNow()
	requireShown(t, w, "Last backup today")
	m.settings.theme.SetSelected(themeDark)
	if m.app.Preferences().String(prefTheme) != "dark" {
		t.Errorf("theme preference %q", m.app.Preferences().String(prefTheme))
	}
}

func TestPlainError(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w contact: a name, organisation, e-mail or phone is needed", data.ErrInvalid), "Not saved: a name, organisation, e-mail or phone is needed."},
		{fmt.Errorf("contact 0190: %w", data.ErrNotFound), "Not saved: it is no longer there; it may have been deleted, here or on another computer."},
		{fmt.Errorf("save: %w", data.ErrDiskFull), "Not saved: save: the disk is full."},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), "Not saved: the client book is busy with other work; try again in a moment."},
	}
	for _, tc := range cases {
		if got := plainError("Not saved", tc.err); got != tc.want {
			t.Errorf("plainError(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestClientDetails(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	p := m.client

	t.Run("SetConsent", func(t *testing.T) {
		p.showConsentForm("email", data.Consent{})
		texts := dialogTexts(w)
		if !contains(texts, "Agreed") || !contains(texts, "Opted out") {
			t.Fatalf("consent form shows %q", texts)
		}
		save := findButton(w.Canvas().Overlays().Top(), "Save")
		radio := findRadio(w.Canvas().Overlays().Top())
		radio.SetSelected("Opted out")
		test.Tap(save)
		requireShown(t, w, "opted out: do not contact")
		cs, err := shop.store.Consents(context.Background(), shop.anna)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Channel == "email" && (c.Status != "out" || len(c.History) != 1) {
				t.Errorf("e-mail consent %+v", c)
			}
		}
	})

	t.Run("ConfirmStaleSize", func(t *testing.T) {
		still := findButton(w.Content(), "Still right")
		if still == nil {
			t.Fatal("no Still right button beside the old size")
		}
		test.Tap(still)
		if contains(textsOf(w.Content()), "ask again") {
			t.Errorf("the size is still marked old after Still right")
		}
	})

	t.Run("AddPreference", func(t *testing.T) {
		p.showPreferenceForm(data.Preference{})
		f, ok := w.Canvas().Focused().(*dialogEntry)
		if !ok {
			t.Fatalf("focus on %T", w.Canvas().Focused())
		}
		test.Type(f, "shoes")
		w.Canvas().FocusNext()
		value, ok := w.Canvas().Focused().(*dialogEntry)
		if !ok {
			t.Fatalf("focus after Tab on %T", w.Canvas().Focused())
		}
		test.Type(value, "39")
		value.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		requireShown(t, w, "shoes: 39")
	})

	t.Run("AddDate", func(t *testing.T) {
		p.showDateForm()
		label := w.Canvas().Focused().(*dialogEntry)
		test.Type(label, "wedding")
		w.Canvas().FocusNext()
		date := w.Canvas().Focused().(*dialogEntry)
		test.Type(date, "2015-06-20")
		date.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		requireShown(t, w, "wedding: 20 June 2015")
	})
}

func findRadio(o fyne.CanvasObject) *widget.RadioGroup {
	var found *widget.RadioGroup
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.RadioGroup:
			found = v
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return found
}

func TestFirstRun(t *testing.T) {
	st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Now = func() time.Time { return testNow }
	m, w := newTestWindow(t, &testShop{store: st})
	requireShown(t, w, "Welcome to Rapport", "Add a client", "Load a demo boutique")
	m.askDemo()
	yes := findButton(w.Canvas().Overlays().Top(), "Yes")
	if yes == nil {
		t.Fatalf("the demo question shows %q", dialogTexts(w))
	}
	test.Tap(yes)
	if n, _ := st.CountContacts(context.Background(), ""); n != demoClients {
		t.Fatalf("%d clients after the demo, want %d", n, demoClients)
	}
	if contains(textsOf(w.Content()), "Welcome to Rapport") {
		t.Errorf("the welcome is still shown beside %d clients", demoClients)
	}
}

// fakeImporter records the imports asked for and reports one new client.
type fakeImporter struct{ calls []bool }

func (f *fakeImporter) Import(_ context.Context, paths []string, dryRun bool, progress func(done, total int)) (ImportReport, error) {
	f.calls = append(f.calls, dryRun)
	progress(0, 1)
	progress(1, 1)
	return ImportReport{Summary: "1 files, 1 cards read: 1 created", Lines: []string{paths[0] + ":3: TEL kept as typed"}, Changes: 1}, nil
}

func TestImport(t *testing.T) {
	shop := newTestShop(t)
	a := test.NewTempApp(t)
	imp := &fakeImporter{}
	m := NewMainWindow(a, shop.store, Options{Importer: imp, Now: func() time.Time { return testNow }, run: func(f func()) { f() }})
	w := m.Window()
	w.Resize(fyne.NewSize(1200, 800))
	defer w.Close()

	m.runImport("phone.vcf", true)
	texts := dialogTexts(w)
	for _, want := range []string{"Nothing has been written yet", "1 cards read: 1 created", "phone.vcf:3: TEL kept as typed"} {
		if !contains(texts, want) {
			t.Errorf("the dry run report does not show %q; it shows %q", want, texts)
		}
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Import"))
	if fmt.Sprint(imp.calls) != "[true false]" {
		t.Errorf("imports run: %v, want a dry run then the import", imp.calls)
	}
	if !contains(dialogTexts(w), "Imported. A backup of the client book was made first.") {
		t.Errorf("the final report shows %q", dialogTexts(w))
	}
}

func TestReminders(t *testing.T) {
	shop := newTestShop(t)
	m, _ := newTestWindow(t, shop)
	// Anna's birthday is within its lead time, and the hem is overdue.
	if got := m.trayCount.Label; got != "Today: 2 things due" {
		t.Errorf("tray count %q", got)
	}
	want := fyne.NewNotification("Today in Rapport: 2 things due",
		"Anna Berg: turns 40 on Saturday 14 March\nAnna Berg: Call about the hem, overdue since Wed 11 Mar")
	test.AssertNotificationSent(t, want, func() {
		m.remindedOn = data.Date{} // as on the next morning
		m.remind()
	})
	test.AssertNotificationSent(t, nil, func() { m.remind() }) // once a day
}

func TestMergeDuplicates(t *testing.T) {
	shop := newTestShop(t)
	ctx := context.Background()
	dup := &data.Contact{Given: "Anna", Family: "Berg", Emails: []data.Email{{Address: "anna.b@work.example"}}}
	if err := shop.store.SaveContact(ctx, dup); err != nil {
		t.Fatal(err)
	}
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	m.client.showMerge()
	if !contains(dialogTexts(w), "Merge a duplicate of Anna Berg") {
		t.Fatalf("merge dialog shows %q", dialogTexts(w))
	}
	m.client.compareForMerge(dup.ID)
	texts := dialogTexts(w)
	for _, want := range []string{"Which record is kept?", "anna@berg.example", "anna.b@work.example", "1, last 8 weeks ago"} {
		if !contains(texts, want) {
			t.Errorf("the side by side view does not show %q; it shows %q", want, texts)
		}
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Keep this one"))
	requireShown(t, w, "anna@berg.example", "anna.b@work.example", "are one record now")
	if n, _ := shop.store.CountContacts(ctx, ""); n != 3 {
		t.Errorf("%d clients after merging, want 3", n)
	}
}

func TestWindowKeysAndSize(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)

	t.Run("EscapeWithNothingFocused", func(t *testing.T) {
		m.askRestore(data.ContactSummary{ID: shop.chidi, DisplayName: "Chidi Okafor"})
		w.Canvas().Unfocus()
		w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if m.dialog != nil || len(w.Canvas().Overlays().List()) != 0 {
			t.Errorf("Escape left the dialog open")
		}
	})

	t.Run("ShortcutsOpenTheirDialogs", func(t *testing.T) {
		for _, tc := range []struct {
			key   fyne.KeyName
			title string
		}{{fyne.KeyN, "New client"}, {fyne.KeyL, "Log a visit"}} {
			m.closeDialog()
			var sc fyne.Shortcut
			for _, it := range m.mainMenu().Items[0].Items {
				if cs, ok := it.Shortcut.(interface{ Key() fyne.KeyName }); ok && cs.Key() == tc.key {
					sc = it.Shortcut
				}
			}
			if sc == nil {
				t.Fatalf("no menu shortcut on %s", tc.key)
			}
			w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(sc)
			if !contains(dialogTexts(w), tc.title) {
				t.Errorf("%s opened %q, want %q", sc.ShortcutName(), dialogTexts(w), tc.title)
			}
		}
		m.closeDialog()
	})

	t.Run("RemembersTheSize", func(t *testing.T) {
		first := NewMainWindow(m.app, shop.store, Options{Now: m.opts.Now, run: m.run})
		first.Window().Resize(fyne.NewSize(900, 650))
		first.Window().Close()
		prefs := m.app.Preferences()
		if wd, ht := prefs.Float(prefWindowWidth), prefs.Float(prefWindowHeight); wd != 900 || ht != 650 {
			t.Errorf("saved size %vx%v, want 900x650", wd, ht)
		}
		again := NewMainWindow(m.app, shop.store, Options{Now: m.opts.Now, run: m.run})
		defer again.Window().Close()
		if got := again.Window().Canvas().Size(); got.Width != 900 || got.Height != 650 {
			t.Errorf("a new window opens at %v, want 900x650", got)
		}
	})
}

func TestClientPhoto(t *testing.T) {
	shop := newTestShop(t)
	a := test.NewTempApp(t)
	var prepared int
	m := NewMainWindow(a, shop.store, Options{Now: func() time.Time { return testNow }, run: func(f func()) { f() },
		PreparePhoto: func(b []byte) ([]byte, error) { prepared++; return b, nil }})
	w := m.Window()
	w.Resize(fyne.NewSize(1200, 800))
	defer w.Close()

	var pic bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	c, _ := shop.store.Contact(context.Background(), shop.chidi)
	f := m.showClientForm(c)
	if !contains(dialogTexts(w), "Choose picture…") {
		t.Fatalf("the form offers no photo: %q", dialogTexts(w))
	}
	f.onPhoto(pic.Bytes(), nil)
	f.onSave()
	got, _ := shop.store.Contact(context.Background(), shop.chidi)
	if !bytes.Equal(got.Photo, pic.Bytes()) {
		t.Errorf("photo saved: %d bytes, want %d", len(got.Photo), pic.Len())
	}

	f = m.showClientForm(got)
	f.onPhoto(nil, fmt.Errorf("vcf: not a JPEG, PNG or GIF picture"))
	if !contains(dialogTexts(w), "Not a JPEG, PNG or GIF picture.") {
		t.Errorf("dialogs show %q", dialogTexts(w))
	}
}

// fakeExporter records where it was asked to write.
type fakeExporter struct{ paths []string }

func (f *fakeExporter) ExportContacts(_ context.Context, path string, v3 bool) (int, error) {
	f.paths = append(f.paths, fmt.Sprint(path, " v3=", v3))
	return 3, nil
}

func (f *fakeExporter) ExportCalendar(_ context.Context, path string) (string, error) {
	f.paths = append(f.paths, path)
	return "2 dates, 0 appointments and 1 tasks", nil
}

func TestExport(t *testing.T) {
	shop := newTestShop(t)
	a := test.NewTempApp(t)
	exp := &fakeExporter{}
	m := NewMainWindow(a, shop.store, Options{Exporter: exp, Now: func() time.Time { return testNow }, run: func(f func()) { f() }})
	w := m.Window()
	w.Resize(fyne.NewSize(1200, 800))
	defer w.Close()
	var menu []string
	for _, it := range m.mainMenu().Items[0].Items {
		menu = append(menu, it.Label)
	}
	if !contains(menu, "Export clients as vCard…") || !contains(menu, "Export calendar (.ics)…") {
		t.Errorf("the menu holds %q", menu)
	}
	m.exportContactsTo("/backup/clients.vcf", false)
	requireShown(t, w, "3 clients exported to /backup/clients.vcf.")
	m.exportCalendarTo("/backup/rapport.ics")
	requireShown(t, w, "Exported 2 dates, 0 appointments and 1 tasks to rapport.ics.")
	if fmt.Sprint(exp.paths) != "[/backup/clients.vcf v3=false /backup/rapport.ics]" {
		t.Errorf("exports asked for: %v", exp.paths)
	}
}

func TestReports(t *testing.T) {
	shop := newTestShop(t)
	ctx := context.Background()
	for _, p := range []struct {
		id     string
		amount int64
		months int
	}{{shop.anna, 12000, -3}, {shop.anna, 8000, -1}, {shop.chidi, 4500, -2}} {
		if err := shop.store.LogInteraction(ctx, &data.Interaction{ContactID: p.id, Kind: "purchase", At: testNow.AddDate(0, p.months, 0),
			AmountMinor: p.amount, Currency: "EUR"}); err != nil {
			t.Fatal(err)
		}
	}
	m, w := newTestWindow(t, shop)
	m.show(screenReports)
	requireShown(t, w, "Last 12 months: 1 visit, 3 new clients, 245.00 EUR", "Best clients, by all they have spent",
		"Anna Berg", "200.00 EUR · 2 purchases", "Chidi Okafor", "45.00 EUR · 1 purchase")
	if got := m.reports.revenue.values; len(got) != reportMonths || got[len(got)-2] != 80 {
		t.Errorf("revenue per month %v, want 12 months with 80 EUR last month", got)
	}
	test.Tap(findButton(w.Content(), "Chidi Okafor"))
	if m.client == nil || m.client.id != shop.chidi {
		t.Errorf("a best client's name does not open their page")
	}
}

func findSelect(o fyne.CanvasObject, selected string) *widget.Select {
	var found *widget.Select
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Select:
			if v.Selected == selected {
				found = v
			}
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return found
}

// dismissDialogs closes every dialog open over the window.
func dismissDialogs(w fyne.Window) {
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}
}
