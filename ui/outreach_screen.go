package ui

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// OutreachSource builds segments, splits them into who may be contacted on a
// channel and who may not, and records a message sent to them.
type OutreachSource interface {
	Segments(ctx context.Context) ([]data.Segment, error)
	SaveSegment(ctx context.Context, name string, f data.SegmentFilter) error
	DeleteSegment(ctx context.Context, name string) error
	FilterAudience(ctx context.Context, f data.SegmentFilter, channel string) (data.Audience, error)
	SendOutreach(ctx context.Context, segment, channel, note string) (data.Audience, error)
	SetConsent(ctx context.Context, contactID, channel, status string, maxPerMonth int, source string) error
	TagCounts(ctx context.Context) ([]data.TagCount, error)
	LoyaltyProgramme(ctx context.Context) (data.LoyaltyProgramme, error)
}

var _ OutreachSource = (*data.Store)(nil)

// outreachDelay is how long the builder waits after the last change before
// it counts: typing "Lisbon" counts once, not six times.
const outreachDelay = 300 * time.Millisecond

// The builder's choices that mean "no condition".
const (
	anyTag        = "Any tag"
	anyTier       = "Any tier"
	anyMonth      = "Any month"
	anyKind       = "Anything"
	lastVisitAny  = "any time"
	lastVisitIn   = "within the last"
	lastVisitOver = "more than"
	newSegment    = "New segment"
)

const chooseToOptOut = "Choose a client in a list to record that they opted out."

// OutreachScreen is the segment builder and, beside it, who of the segment
// may be contacted on a channel and who may not, with the reason.
type OutreachScreen struct {
	m     *MainWindow
	delay time.Duration // tests count at once

	segments  *widget.Select
	tag       *widget.Select
	pref      *widget.Entry
	tier      *widget.Select
	tierItem  *widget.FormItem
	minSpend  *widget.Entry
	maxSpend  *widget.Entry
	spendItem *widget.FormItem
	visitItem *widget.FormItem
	kindItem  *widget.FormItem
	lastVisit *widget.Select
	visitDays *widget.Entry
	month     *widget.Select
	kind      *widget.Select
	kindDays  *widget.Entry
	town      *widget.Entry
	formBox   *fyne.Container
	withTiers bool

	channel      *widget.Select
	count        *widget.Label
	includedHead *widget.Label
	excludedHead *widget.Label
	includedList *widget.List
	excludedList *widget.List
	copyButton   *widget.Button
	exportButton *widget.Button
	sendButton   *widget.Button
	optOutButton *widget.Button
	optOutHint   *widget.Label
	deleteButton *widget.Button // removes the saved segment loaded

	programme data.LoyaltyProgramme
	saved     []data.Segment
	audience  data.Audience
	selected  *data.Unreachable // the client chosen in either list (reason empty when included)
	savedName string            // the segment loaded or saved last
	dirty     bool              // the filter changed since it was loaded or saved
	filling   bool              // the widgets are being set from a saved segment
	timer     *time.Timer
	gen       int
}

// NewOutreachScreen builds the screen; Load fills it.
func NewOutreachScreen(m *MainWindow) *OutreachScreen {
	// Setting the first choices below is not a change to count.
	s := &OutreachScreen{m: m, delay: outreachDelay, filling: true}
	defer func() { s.filling = false }()
	changed := func(string) { s.onFilterChanged() }
	s.segments = widget.NewSelect(nil, s.onSegmentChosen)
	s.segments.PlaceHolder = "Saved segments"
	s.tag = widget.NewSelect([]string{anyTag}, changed)
	s.tag.SetSelected(anyTag)
	s.pref = widget.NewEntry()
	s.pref.SetPlaceHolder("dress=38 or size:shoes=39")
	s.pref.OnChanged = changed
	s.tier = widget.NewSelect([]string{anyTier}, changed)
	s.tier.SetSelected(anyTier)
	s.minSpend = widget.NewEntry()
	s.minSpend.SetPlaceHolder("from")
	s.minSpend.OnChanged = changed
	s.maxSpend = widget.NewEntry()
	s.maxSpend.SetPlaceHolder("to")
	s.maxSpend.OnChanged = changed
	s.lastVisit = widget.NewSelect([]string{lastVisitAny, lastVisitIn, lastVisitOver}, changed)
	s.lastVisit.SetSelected(lastVisitAny)
	s.visitDays = widget.NewEntry()
	s.visitDays.SetPlaceHolder("days")
	s.visitDays.OnChanged = changed
	months := []string{anyMonth}
	for i := time.January; i <= time.December; i++ {
		months = append(months, i.String())
	}
	s.month = widget.NewSelect(months, changed)
	s.month.SetSelected(anyMonth)
	kinds := []string{anyKind}
	for _, k := range data.InteractionKinds {
		kinds = append(kinds, kindName(k))
	}
	s.kind = widget.NewSelect(kinds, changed)
	s.kind.SetSelected(anyKind)
	s.kindDays = widget.NewEntry()
	s.kindDays.SetPlaceHolder("within days")
	s.kindDays.OnChanged = changed
	s.town = widget.NewEntry()
	s.town.SetPlaceHolder("Lisbon")
	s.town.OnChanged = changed

	var channels []string
	for _, ch := range data.Channels {
		channels = append(channels, channelTitle(ch))
	}
	// The channel is not part of the segment: changing it recounts but
	// leaves the segment as saved.
	s.channel = widget.NewSelect(channels, func(string) {
		if !s.filling {
			s.schedule()
		}
	})
	s.channel.SetSelected(channelTitle("email"))
	s.count = widget.NewLabel("…")
	s.count.TextStyle.Bold = true
	s.count.Wrapping = fyne.TextWrapWord
	s.includedHead = widget.NewLabel("May be contacted")
	s.includedHead.TextStyle.Bold = true
	s.excludedHead = widget.NewLabel("Left out")
	s.excludedHead.TextStyle.Bold = true
	s.includedList = widget.NewList(func() int { return len(s.audience.Included) }, newAudienceRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(s.audience.Included) {
			r := s.audience.Included[id]
			o.(*audienceRow).show(r.DisplayName, r.Address)
		}
	})
	s.includedList.OnSelected = func(id widget.ListItemID) {
		if id < len(s.audience.Included) {
			r := s.audience.Included[id]
			s.excludedList.UnselectAll()
			s.choose(&data.Unreachable{ContactID: r.ContactID, DisplayName: r.DisplayName})
		}
	}
	s.excludedList = widget.NewList(func() int { return len(s.audience.Excluded) }, newAudienceRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(s.audience.Excluded) {
			u := s.audience.Excluded[id]
			o.(*audienceRow).show(u.DisplayName, u.Reason)
		}
	})
	s.excludedList.OnSelected = func(id widget.ListItemID) {
		if id < len(s.audience.Excluded) {
			u := s.audience.Excluded[id]
			s.includedList.UnselectAll()
			s.choose(&u)
		}
	}
	s.copyButton = widget.NewButtonWithIcon("Copy addresses", theme.ContentCopyIcon(), s.onCopy)
	s.exportButton = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), s.onExport)
	s.sendButton = widget.NewButtonWithIcon("Record as sent…", theme.MailSendIcon(), s.onSend)
	s.sendButton.Importance = widget.HighImportance
	s.optOutButton = widget.NewButtonWithIcon("Record opt-out…", theme.NewErrorThemedResource(theme.CancelIcon()), s.onOptOut)
	s.optOutButton.Disable()
	s.deleteButton = widget.NewButtonWithIcon("", theme.DeleteIcon(), s.onDeleteSegment)
	s.deleteButton.Importance = widget.LowImportance
	s.deleteButton.Hide()
	s.optOutHint = widget.NewLabel(chooseToOptOut)
	s.optOutHint.Wrapping = fyne.TextWrapWord
	return s
}

func (s *OutreachScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Outreach")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), func() { s.askSave(nil) })
	clear := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), s.clearFilter)
	clear.Importance = widget.LowImportance
	segmentBar := container.NewBorder(nil, nil, nil, container.NewHBox(save, s.deleteButton, clear), s.segments)

	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	s.tierItem = widget.NewFormItem("Loyalty tier", s.tier)
	s.spendItem = widget.NewFormItem("Spent, last 12 months", pair(s.minSpend, s.maxSpend))
	s.visitItem = widget.NewFormItem("Last visit", pair(s.lastVisit, s.visitDays))
	s.kindItem = widget.NewFormItem("Has had", pair(s.kind, s.kindDays))
	s.formBox = container.NewStack()
	s.buildForm(false)
	builderHead := widget.NewLabel("Who to reach")
	builderHead.TextStyle.Bold = true
	builder := container.NewBorder(container.NewVBox(builderHead, segmentBar), nil, nil, nil, container.NewVScroll(s.formBox))

	channelRow := container.NewBorder(nil, nil, widget.NewLabel("Channel"), nil, s.channel)
	buttons := container.NewHBox(s.copyButton, s.exportButton, s.sendButton)
	lists := container.NewGridWithColumns(2,
		container.NewBorder(s.includedHead, nil, nil, nil, s.includedList),
		container.NewBorder(s.excludedHead, nil, nil, nil, s.excludedList))
	// The opt-out sits under the lists it acts on, with a word on how to use it.
	optOut := container.NewBorder(widget.NewSeparator(), nil, nil, s.optOutButton, s.optOutHint)
	audience := container.NewBorder(container.NewVBox(s.count, channelRow, buttons, widget.NewSeparator()), optOut, nil, nil, lists)

	split := container.NewHSplit(container.NewPadded(builder), container.NewPadded(audience))
	split.Offset = 0.4
	return container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil, split)
}

// formItems are the builder's rows; the tier row only when the programme has tiers.
func (s *OutreachScreen) formItems(tiers bool) []*widget.FormItem {
	items := []*widget.FormItem{widget.NewFormItem("Tag", s.tag), widget.NewFormItem("Preference", s.pref)}
	if tiers {
		items = append(items, s.tierItem)
	}
	return append(items, s.spendItem, s.visitItem, widget.NewFormItem("Birthday in", s.month), s.kindItem, widget.NewFormItem("Town", s.town))
}

// buildForm puts the builder's rows in place. A form cannot change its
// number of rows once shown, so a programme that gains or loses its tiers
// gets a new form.
func (s *OutreachScreen) buildForm(tiers bool) {
	if len(s.formBox.Objects) > 0 && tiers == s.withTiers {
		s.formBox.Refresh()
		return
	}
	s.withTiers = tiers
	s.formBox.Objects = []fyne.CanvasObject{widget.NewForm(s.formItems(tiers)...)}
	s.formBox.Refresh()
}

// Load reads the saved segments, the tags and the loyalty programme (for
// the tiers), then counts the filter as it stands.
func (s *OutreachScreen) Load() {
	type choices struct {
		segments  []data.Segment
		tags      []data.TagCount
		programme data.LoyaltyProgramme
	}
	st, ctx := s.m.store, s.m.ctx
	load(s.m.run, func() (choices, error) {
		var c choices
		var err error
		if c.segments, err = st.Segments(ctx); err != nil {
			return c, err
		}
		if c.tags, err = st.TagCounts(ctx); err != nil {
			return c, err
		}
		c.programme, err = st.LoyaltyProgramme(ctx)
		return c, err
	}, func(c choices, err error) {
		if err != nil {
			s.m.failed("The segments could not be loaded", err)
			return
		}
		s.programme = c.programme
		s.showSaved(c.segments)
		tags := []string{anyTag}
		for _, t := range c.tags {
			tags = append(tags, t.Name)
		}
		s.tag.SetOptions(tags)
		tiers := []string{anyTier}
		for _, t := range c.programme.Tiers {
			tiers = append(tiers, t.Name)
		}
		s.tier.SetOptions(tiers)
		s.spendItem.Text = "Spent, last 12 months (" + s.spendCurrency() + ")"
		s.buildForm(len(c.programme.Tiers) > 0)
		s.recount()
	})
}

func (s *OutreachScreen) showSaved(segs []data.Segment) {
	s.saved = segs
	found := false
	for _, seg := range segs {
		found = found || seg.Name == s.savedName
	}
	if !found {
		s.savedName = "" // deleted, here or on another computer
	}
	s.showDelete()
	names := []string{newSegment}
	for _, seg := range segs {
		names = append(names, seg.Name)
	}
	s.filling = true
	s.segments.SetOptions(names)
	if s.savedName != "" {
		s.segments.SetSelected(s.savedName)
	}
	s.filling = false
}

// spendCurrency is what spend bounds are typed in: the programme's
// currency, else the shop's usual one.
func (s *OutreachScreen) spendCurrency() string {
	if s.programme.Currency != "" {
		return s.programme.Currency
	}
	return s.m.opts.Currency
}

func (s *OutreachScreen) onFilterChanged() {
	if s.filling {
		return
	}
	s.dirty = true
	s.schedule()
}

// schedule counts once the filter has stopped changing for a moment; the
// count runs off the UI goroutine and shows through fyne.Do.
func (s *OutreachScreen) schedule() {
	if s.delay <= 0 {
		s.recount()
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(s.delay, func() { fyne.Do(s.recount) })
}

// channelCode is the store's name of the channel chosen.
func (s *OutreachScreen) channelCode() string {
	for _, ch := range data.Channels {
		if channelTitle(ch) == s.channel.Selected {
			return ch
		}
	}
	return "email"
}

// recount asks the store who the filter picks and who of them may be
// contacted on the channel; an answer overtaken by a later change is dropped.
func (s *OutreachScreen) recount() {
	s.gen++
	gen := s.gen
	f, err := s.filter()
	if err != nil {
		s.count.SetText(filterProblem(err))
		return
	}
	channel := s.channelCode()
	load(s.m.run, func() (data.Audience, error) {
		return s.m.store.FilterAudience(s.m.ctx, f, channel)
	}, func(a data.Audience, err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.count.SetText(plainError("These clients could not be counted", err))
			return
		}
		s.showAudience(a)
	})
}

func (s *OutreachScreen) showAudience(a data.Audience) {
	s.audience = a
	n := len(a.Included) + len(a.Excluded)
	verb := "match"
	if n == 1 {
		verb = "matches"
	}
	s.count.SetText(fmt.Sprintf("%s %s · %d may be contacted by %s", clientCount(n), verb, len(a.Included), channelWord(a.Channel)))
	s.includedHead.SetText(fmt.Sprintf("May be contacted (%d)", len(a.Included)))
	s.excludedHead.SetText(fmt.Sprintf("Left out (%d)", len(a.Excluded)))
	s.includedList.UnselectAll()
	s.excludedList.UnselectAll()
	s.includedList.Refresh()
	s.excludedList.Refresh()
	s.choose(nil)
	if a.Channel == "email" || a.Channel == "post" {
		s.copyButton.SetText("Copy addresses")
	} else {
		s.copyButton.SetText("Copy numbers")
	}
	for _, b := range []*widget.Button{s.copyButton, s.exportButton, s.sendButton} {
		if len(a.Included) == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// channelWord is a channel inside a sentence: "by e-mail", "by SMS".
func channelWord(ch string) string {
	switch ch {
	case "email":
		return "e-mail"
	case "sms":
		return "SMS"
	case "messaging":
		return "messaging app"
	}
	return ch
}

func clientCount(n int) string {
	if n == 1 {
		return "1 client"
	}
	return fmt.Sprintf("%d clients", n)
}

func (s *OutreachScreen) choose(c *data.Unreachable) {
	s.selected = c
	switch {
	case c == nil:
		s.optOutHint.SetText(chooseToOptOut)
		s.optOutButton.Disable()
	case c.Reason == "opted out":
		s.optOutHint.SetText(c.DisplayName + " has opted out already.")
		s.optOutButton.Disable()
	default:
		s.optOutHint.SetText(c.DisplayName + " chosen.")
		s.optOutButton.Enable()
	}
}

// filter reads the builder into a segment filter; what cannot be read is
// said in words for the count line.
func (s *OutreachScreen) filter() (data.SegmentFilter, error) {
	var f data.SegmentFilter
	if s.tag.Selected != "" && s.tag.Selected != anyTag {
		f.Tags = []string{s.tag.Selected}
	}
	if p := strings.TrimSpace(s.pref.Text); p != "" {
		pf, err := parsePreferenceFilter(p)
		if err != nil {
			return f, err
		}
		f.Preferences = []data.PreferenceFilter{pf}
	}
	if s.tier.Selected != "" && s.tier.Selected != anyTier {
		f.Tier = s.tier.Selected
	}
	cur := s.spendCurrency()
	for _, b := range []struct {
		entry *widget.Entry
		into  **int64
	}{{s.minSpend, &f.MinSpendMinor}, {s.maxSpend, &f.MaxSpendMinor}} {
		if t := strings.TrimSpace(b.entry.Text); t != "" {
			n, err := parseAmount(t, cur)
			if err != nil {
				return f, fmt.Errorf("spend: %w", err)
			}
			*b.into = &n
		}
	}
	if s.programme.Currency == "" && (f.MinSpendMinor != nil || f.MaxSpendMinor != nil) {
		f.Currency = cur
	}
	days, err := dayCount(s.visitDays.Text, "Last visit")
	if err != nil {
		return f, err
	}
	switch s.lastVisit.Selected {
	case lastVisitIn:
		f.SeenWithinDays = days
	case lastVisitOver:
		f.NotSeenDays = days
	}
	for i := time.January; i <= time.December; i++ {
		if s.month.Selected == i.String() {
			f.BirthdayMonth = int(i)
		}
	}
	for _, k := range data.InteractionKinds {
		if s.kind.Selected == kindName(k) {
			f.Kinds = []string{k}
			if f.KindWithinDays, err = dayCount(s.kindDays.Text, "Has had"); err != nil {
				return f, err
			}
		}
	}
	f.City = strings.TrimSpace(s.town.Text)
	return f, nil
}

// filterProblem says what in the builder cannot be read, as a sentence:
// "Last visit: "x" is not a number of days."
func filterProblem(err error) string {
	text := err.Error()
	if text == "" {
		return ""
	}
	return strings.ToUpper(text[:1]) + text[1:] + "."
}

// parsePreferenceFilter reads "dress=38", "size:dress=38", "dislike:=wool"
// or a bare value ("38"), as the command line's --pref does.
func parsePreferenceFilter(text string) (data.PreferenceFilter, error) {
	key, value, ok := strings.Cut(text, "=")
	if !ok {
		return data.PreferenceFilter{Value: strings.TrimSpace(text)}, nil
	}
	pf := data.PreferenceFilter{Subject: strings.TrimSpace(key), Value: strings.TrimSpace(value)}
	if cat, subject, ok := strings.Cut(key, ":"); ok {
		pf.Category, pf.Subject = strings.ToLower(strings.TrimSpace(cat)), strings.TrimSpace(subject)
		if pf.Category != "" && !containsString(data.PreferenceCategories, pf.Category) {
			return pf, fmt.Errorf("preference: %q is not a kind of preference; use one of %s", pf.Category, strings.Join(data.PreferenceCategories, ", "))
		}
	}
	if pf.Category == "" && pf.Subject == "" && pf.Value == "" {
		return pf, errors.New("preference: type what to look for, such as dress=38")
	}
	return pf, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// dayCount reads a number of days; empty is zero (no bound).
func dayCount(text, what string) (int, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: %q is not a number of days", strings.ToLower(what), t)
	}
	return n, nil
}

// onSegmentChosen fills the builder from a saved segment.
func (s *OutreachScreen) onSegmentChosen(name string) {
	if s.filling {
		return
	}
	if name == newSegment {
		s.clearFilter()
		return
	}
	for _, seg := range s.saved {
		if seg.Name == name {
			s.fill(seg.Filter)
			s.savedName, s.dirty = seg.Name, false
			s.showDelete()
			s.recount()
			return
		}
	}
}

// clearFilter empties the builder: every client.
func (s *OutreachScreen) clearFilter() {
	s.fill(data.SegmentFilter{})
	s.savedName, s.dirty = "", false
	s.showDelete()
	s.filling = true
	s.segments.ClearSelected()
	s.filling = false
	s.recount()
}

// fill sets the builder's widgets to f without counting at each one.
func (s *OutreachScreen) fill(f data.SegmentFilter) {
	s.filling = true
	defer func() { s.filling = false }()
	s.tag.SetSelected(anyTag)
	if len(f.Tags) > 0 {
		s.tag.SetSelected(f.Tags[0])
	}
	s.pref.SetText("")
	if len(f.Preferences) > 0 {
		p := f.Preferences[0]
		switch {
		case p.Category != "":
			s.pref.SetText(p.Category + ":" + p.Subject + "=" + p.Value)
		case p.Subject != "":
			s.pref.SetText(p.Subject + "=" + p.Value)
		default:
			s.pref.SetText(p.Value)
		}
	}
	s.tier.SetSelected(anyTier)
	if f.Tier != "" {
		s.tier.SetSelected(f.Tier)
	}
	cur := s.spendCurrency()
	if f.Currency != "" {
		cur = f.Currency
	}
	s.minSpend.SetText("")
	s.maxSpend.SetText("")
	if f.MinSpendMinor != nil {
		s.minSpend.SetText(strings.TrimSuffix(strings.ReplaceAll(money(*f.MinSpendMinor, cur), ",", ""), " "+cur))
	}
	if f.MaxSpendMinor != nil {
		s.maxSpend.SetText(strings.TrimSuffix(strings.ReplaceAll(money(*f.MaxSpendMinor, cur), ",", ""), " "+cur))
	}
	s.lastVisit.SetSelected(lastVisitAny)
	s.visitDays.SetText("")
	switch {
	case f.SeenWithinDays > 0:
		s.lastVisit.SetSelected(lastVisitIn)
		s.visitDays.SetText(strconv.Itoa(f.SeenWithinDays))
	case f.NotSeenDays > 0:
		s.lastVisit.SetSelected(lastVisitOver)
		s.visitDays.SetText(strconv.Itoa(f.NotSeenDays))
	}
	s.month.SetSelected(anyMonth)
	if f.BirthdayMonth > 0 {
		s.month.SetSelected(time.Month(f.BirthdayMonth).String())
	}
	s.kind.SetSelected(anyKind)
	s.kindDays.SetText("")
	if len(f.Kinds) > 0 {
		s.kind.SetSelected(kindName(f.Kinds[0]))
		if f.KindWithinDays > 0 {
			s.kindDays.SetText(strconv.Itoa(f.KindWithinDays))
		}
	}
	s.town.SetText(f.City)
}

// askSave names the segment and saves it; then runs after it is saved.
func (s *OutreachScreen) askSave(then func()) {
	f, err := s.filter()
	if err != nil {
		s.m.failed("The segment was not saved", fmt.Errorf("%w: %v", data.ErrInvalid, err))
		return
	}
	name := newDialogEntry(s.m, "Size 38 regulars in Lisbon")
	name.SetText(s.savedName)
	items := []*widget.FormItem{widget.NewFormItem("Name", name)}
	if then != nil {
		// Recording a message names the segment it went to, so it is saved first.
		items = append([]*widget.FormItem{widget.NewFormItem("", widget.NewLabel("Name these clients first: the record says who the message went to."))}, items...)
	}
	s.m.editDialog("Save the segment", items, name, func() (func() error, error) {
		n := strings.TrimSpace(name.Text)
		if n == "" {
			return nil, fmt.Errorf("%w: give the segment a name, such as \"Size 38 regulars\"", data.ErrInvalid)
		}
		return func() error { return s.m.store.SaveSegment(s.m.ctx, n, f) }, nil
	}, func() {
		s.savedName, s.dirty = strings.TrimSpace(name.Text), false
		s.reloadSaved(then)
	})
}

func (s *OutreachScreen) reloadSaved(then func()) {
	load(s.m.run, func() ([]data.Segment, error) { return s.m.store.Segments(s.m.ctx) }, func(segs []data.Segment, err error) {
		if err != nil {
			s.m.failed("The segments could not be loaded", err)
			return
		}
		s.showSaved(segs)
		if then != nil {
			then()
		}
	})
}

func (s *OutreachScreen) showDelete() {
	if s.savedName == "" {
		s.deleteButton.Hide()
	} else {
		s.deleteButton.Show()
	}
}

// onDeleteSegment removes the saved segment loaded; the filter stays in the
// builder, so nothing typed is lost.
func (s *OutreachScreen) onDeleteSegment() {
	name := s.savedName
	if name == "" {
		return
	}
	d := dialog.NewConfirm("Delete the segment?", fmt.Sprintf("The saved segment %q is removed on every computer. Its clients are not changed.", name),
		func(ok bool) {
			if !ok {
				return
			}
			act(s.m.run, func() error { return s.m.store.DeleteSegment(s.m.ctx, name) }, func(err error) {
				if err != nil {
					s.m.failed("The segment was not deleted", err)
					return
				}
				s.savedName, s.dirty = "", true
				s.filling = true
				s.segments.ClearSelected()
				s.filling = false
				s.reloadSaved(nil)
			})
		}, s.m.win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Cancel")
	s.m.showDialog(d)
}

// addresses are the included clients' addresses, for a BCC line or a
// message program's list of recipients.
func (s *OutreachScreen) addresses() string {
	var out []string
	for _, r := range s.audience.Included {
		out = append(out, r.Address)
	}
	return strings.Join(out, ", ")
}

func (s *OutreachScreen) onCopy() {
	s.m.app.Clipboard().SetContent(s.addresses())
	what := "addresses"
	switch s.audience.Channel {
	case "sms", "phone", "messaging":
		what = "numbers"
	case "email":
		what = "e-mail addresses, ready for the BCC line"
	}
	s.m.notify(fmt.Sprintf("Copied %d %s.", len(s.audience.Included), what), "", nil)
}

// audienceCSV is the included clients as a spreadsheet: id, name, address.
func audienceCSV(a data.Audience) ([]byte, error) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"contact_id", "name", "address"})
	for _, r := range a.Included {
		w.Write([]string{r.ContactID, r.DisplayName, r.Address})
	}
	w.Flush()
	return []byte(b.String()), w.Error()
}

func (s *OutreachScreen) onExport() {
	a := s.audience
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.m.failed("The list was not exported", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		act(s.m.run, func() error {
			b, err := audienceCSV(a)
			if err == nil {
				_, err = w.Write(b)
			}
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return err
		}, func(err error) {
			if err != nil {
				s.m.failed("The list was not exported", err)
				return
			}
			s.m.notify(fmt.Sprintf("Exported %s to %s.", clientCount(len(a.Included)), w.URI().Name()), "", nil)
		})
	}, s.m.win)
	name := s.savedName
	if name == "" {
		name = "outreach"
	}
	d.SetFileName(strings.ReplaceAll(strings.ToLower(name), " ", "-") + "-" + a.Channel + ".csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// onSend records the message on each included client's timeline, so their
// monthly limits count it. The store decides who is included again in the
// same step, from the saved segment, so the filter is saved first.
func (s *OutreachScreen) onSend() {
	if s.savedName == "" || s.dirty {
		s.askSave(s.confirmSend)
		return
	}
	s.confirmSend()
}

func (s *OutreachScreen) confirmSend() {
	segment, channel := s.savedName, s.channelCode()
	note := newDialogEntry(s.m, "Outreach to "+segment)
	intro := widget.NewLabel(fmt.Sprintf("Rapport notes a message by %s on the timeline of the %s who may be contacted.\nSend it yourself from your mail or phone.",
		channelWord(channel), clientCount(len(s.audience.Included))))
	d := dialog.NewForm("Record as sent", "Record", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", intro), widget.NewFormItem("About", note),
	}, func(ok bool) {
		if !ok {
			return
		}
		text := note.Text
		load(s.m.run, func() (data.Audience, error) {
			return s.m.store.SendOutreach(s.m.ctx, segment, channel, text)
		}, func(a data.Audience, err error) {
			if err != nil {
				s.m.failed("The message was not recorded", err)
				return
			}
			s.m.notify(fmt.Sprintf("Recorded a message by %s for %s; %d left out.",
				channelWord(a.Channel), clientCount(len(a.Included)), len(a.Excluded)), "", nil)
			s.recount()
		})
	}, s.m.win)
	note.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(560, 0))
	s.m.showDialog(d)
	s.m.win.Canvas().Focus(note)
}

// onOptOut records that the chosen client does not want messages on this
// channel: from then on they are left out, whatever the segment.
func (s *OutreachScreen) onOptOut() {
	c := s.selected
	if c == nil {
		return
	}
	channel := s.channelCode()
	d := dialog.NewConfirm("Record opt-out",
		fmt.Sprintf("%s no longer wants messages by %s. Rapport will leave them out from now on.", c.DisplayName, channelWord(channel)),
		func(ok bool) {
			if ok {
				s.recordOptOut(c.ContactID, c.DisplayName, channel)
			}
		}, s.m.win)
	d.SetConfirmText("Record opt-out")
	d.SetDismissText("Cancel")
	s.m.showDialog(d)
}

func (s *OutreachScreen) recordOptOut(id, name, channel string) {
	act(s.m.run, func() error {
		return s.m.store.SetConsent(s.m.ctx, id, channel, "out", 0, "asked the shop; recorded from Outreach")
	}, func(err error) {
		if err != nil {
			s.m.failed("The opt-out was not recorded", err)
			return
		}
		s.m.notify(fmt.Sprintf("%s is opted out of %s.", name, channelWord(channel)), "", nil)
		s.recount()
	})
}

// audienceRow is one client of the audience lists: the name, and the
// address to use or the reason they are left out.
type audienceRow struct {
	widget.BaseWidget
	name *widget.Label
	note *widget.RichText
}

func newAudienceRow() fyne.CanvasObject {
	r := &audienceRow{name: widget.NewLabel(""), note: newSecondaryText(fyne.TextAlignLeading)}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *audienceRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedVBoxLayout(-3*theme.Padding()), r.name, r.note))
}

func (r *audienceRow) show(name, note string) {
	r.name.SetText(name)
	setSecondaryText(r.note, note)
}
