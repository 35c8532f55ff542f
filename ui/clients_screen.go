package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// ClientSource is what the clients screen needs from the store. *data.Store
// satisfies it; tests of the screen pass a small fake.
type ClientSource interface {
	ListContacts(ctx context.Context, q data.ListQuery) ([]data.ContactSummary, error)
	CountContacts(ctx context.Context, tag string) (int, error)
}

var _ ClientSource = (*data.Store)(nil)

// ClientSearcher finds clients by any fragment; a source that has it gets a
// search box that filters as you type.
type ClientSearcher interface {
	Search(ctx context.Context, query string, limit int) ([]data.ContactSummary, error)
}

// TagLister gives the tags to filter the list by; a source that has it gets
// a tag filter beside the search box.
type TagLister interface {
	TagCounts(ctx context.Context) ([]data.TagCount, error)
}

// allClients is the tag filter's choice of no tag.
const allClients = "All clients"

// searchLimit is how many matches the list shows; a search that finds more
// says so and asks for a longer fragment.
const searchLimit = 200

// clientsPageSize is how many clients are fetched at a time as the list scrolls.
const clientsPageSize = 200

const emptyClientsMarkdown = "No clients yet — add one with **New client** (Ctrl+N), or bring your contacts in with **Import**"

// ClientsScreen lists every client, fetching pages from the store only when
// the rows that show them come into view, so a shop with thousands of clients
// opens as fast as one with ten.
//
// All fields are read and written on the UI goroutine only: store calls run in
// background work and hand their results back through fyne.Do.
type ClientsScreen struct {
	src    ClientSource
	ctx    context.Context
	cancel context.CancelFunc

	// background runs store work off the UI goroutine; tests replace it to
	// run that work when they choose.
	background func(func())

	count   *widget.RichText
	status  *widget.Label
	list    *widget.List
	empty   fyne.CanvasObject
	search  *widget.Entry
	deleted *widget.Check
	tags    *widget.Select
	tagOf   map[string]string // the filter's labels to their tags

	// onOpen opens a client's page; onNew the form for a new client;
	// onRestore asks whether to bring a deleted client back.
	onOpen func(id string)
	// onFirstRows runs once, when the list first shows loaded clients.
	onFirstRows func()
	onNew       func()
	onImport    func()
	onRestore   func(c data.ContactSummary)

	tag        string
	generation int // bumped on every reload so late answers to an old load are dropped
	total      int
	pages      map[int][]data.ContactSummary
	loading    map[int]bool

	// query is what the search box holds; while it is not empty, or while
	// the recently deleted are shown, the list shows found instead of pages.
	query    string
	found    []data.ContactSummary
	filtered bool
}

// NewClientsScreen builds the screen; call Load (or content, which loads on
// first use) to fetch the clients.
func NewClientsScreen(src ClientSource) *ClientsScreen {
	ctx, cancel := context.WithCancel(context.Background())
	s := &ClientsScreen{
		src:        src,
		ctx:        ctx,
		cancel:     cancel,
		background: func(f func()) { go f() },
		pages:      map[int][]data.ContactSummary{},
		loading:    map[int]bool{},
	}

	s.count = newSecondaryText(fyne.TextAlignTrailing)
	s.count.Truncation = fyne.TextTruncateOff // a count is short; show it whole
	setSecondaryText(s.count, "Loading…")
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Hide()

	s.list = widget.NewList(s.rowCount, newClientRow, s.onUpdateRow)
	s.list.OnSelected = s.onSelected
	s.list.Hide()

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Find a client: name, phone digits, e-mail, tag, size…")
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = s.onSearchChanged
	if _, ok := src.(ClientSearcher); !ok {
		s.search.Hide()
	}
	s.deleted = widget.NewCheck("Recently deleted", func(bool) { s.Load() })
	s.tags = widget.NewSelect([]string{allClients}, s.onTagChosen)
	s.tags.SetSelected(allClients)
	if _, ok := src.(TagLister); !ok {
		s.tags.Hide()
	}

	empty := widget.NewRichTextFromMarkdown(emptyClientsMarkdown)
	for _, seg := range empty.Segments {
		if t, ok := seg.(*widget.TextSegment); ok {
			t.Style.Alignment = fyne.TextAlignCenter
		}
	}
	s.empty = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(64), widget.NewIcon(theme.AccountIcon()))),
		empty,
	))
	s.empty.Hide()
	return s
}

// content returns the screen's widgets: a header with the number of clients
// above the list, which fills the rest of the window.
func (s *ClientsScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Clients")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	var right []fyne.CanvasObject
	right = append(right, container.NewCenter(s.count), s.deleted)
	if s.onImport != nil {
		right = append(right, widget.NewButtonWithIcon("Import…", theme.DownloadIcon(), s.onImport))
	}
	if s.onNew != nil {
		add := widget.NewButtonWithIcon("New client", theme.ContentAddIcon(), s.onNew)
		add.Importance = widget.HighImportance
		right = append(right, add)
	}
	header := container.NewBorder(nil, nil, title, container.NewHBox(right...))
	return container.NewBorder(
		container.NewVBox(header, container.NewBorder(nil, nil, nil, s.tags, s.search), widget.NewSeparator()), nil, nil, nil,
		container.NewStack(s.list, s.empty, container.NewCenter(s.status)),
	)
}

// Load counts the clients again and forgets every fetched page, so the list
// shows the store as it is now.
func (s *ClientsScreen) Load() {
	s.generation++
	gen, tag := s.generation, s.tag
	s.pages = map[int][]data.ContactSummary{}
	s.loading = map[int]bool{}
	s.found = nil
	s.filtered = s.query != "" || s.deleted.Checked
	if s.filtered {
		s.loadFound(gen)
		return
	}
	// Not on every keystroke of a search: counting the tags of 100,000
	// clients takes a fifth of a second.
	s.loadTags()
	s.background(func() {
		n, err := s.src.CountContacts(s.ctx, tag)
		fyne.Do(func() { s.onCounted(gen, n, err) })
	})
}

// loadTags fills the tag filter with the tags clients carry now.
func (s *ClientsScreen) loadTags() {
	lister, ok := s.src.(TagLister)
	if !ok {
		return
	}
	s.background(func() {
		tags, err := lister.TagCounts(s.ctx)
		fyne.Do(func() {
			if err != nil {
				return // the list says what went wrong; the filter keeps its choices
			}
			options := []string{allClients}
			s.tagOf = map[string]string{}
			for _, t := range tags {
				label := fmt.Sprintf("%s (%d)", t.Name, t.Clients)
				s.tagOf[label] = t.Name
				options = append(options, label)
			}
			s.tags.Options = options
			s.tags.Refresh()
		})
	})
}

func (s *ClientsScreen) onTagChosen(label string) {
	tag := s.tagOf[label] // "" for all clients
	if tag == s.tag {
		return
	}
	s.tag = tag
	s.Load()
}

// loadFound runs the search, or lists the recently deleted clients.
func (s *ClientsScreen) loadFound(gen int) {
	query, deleted, tag := s.query, s.deleted.Checked, s.tag
	searcher, _ := s.src.(ClientSearcher)
	s.background(func() {
		var rows []data.ContactSummary
		var err error
		switch {
		case deleted:
			rows, err = s.src.ListContacts(s.ctx, data.ListQuery{Deleted: true})
			if query != "" && err == nil {
				rows = filterByName(rows, query)
			}
		case searcher != nil:
			rows, err = searcher.Search(s.ctx, query, searchLimit+1)
			if tag != "" && err == nil {
				rows = withTag(rows, tag)
			}
		}
		fyne.Do(func() { s.onFound(gen, rows, err) })
	})
}

// filterByName keeps the clients whose name holds query, ignoring case; the
// recently deleted are few, and the search index holds live clients only.
func filterByName(rows []data.ContactSummary, query string) []data.ContactSummary {
	q := strings.ToLower(query)
	var out []data.ContactSummary
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.DisplayName), q) {
			out = append(out, r)
		}
	}
	return out
}

// withTag keeps the clients that carry tag, so a search stays inside the
// tag chosen in the filter.
func withTag(rows []data.ContactSummary, tag string) []data.ContactSummary {
	var out []data.ContactSummary
	for _, r := range rows {
		for _, t := range r.Tags {
			if strings.EqualFold(t, tag) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (s *ClientsScreen) onFound(gen int, rows []data.ContactSummary, err error) {
	if gen != s.generation {
		return
	}
	if err != nil {
		s.showError(err)
		return
	}
	s.status.Hide()
	s.empty.Hide()
	s.found = rows
	switch {
	case s.deleted.Checked && len(rows) == 0:
		setSecondaryText(s.count, "Nothing deleted")
	case s.deleted.Checked:
		setSecondaryText(s.count, fmt.Sprintf("%d deleted; pick one to restore it", len(rows)))
	case len(rows) > searchLimit:
		s.found = rows[:searchLimit]
		setSecondaryText(s.count, fmt.Sprintf("More than %d found; type more to narrow it", searchLimit))
	case len(rows) == 0:
		setSecondaryText(s.count, "No client matches")
	default:
		setSecondaryText(s.count, fmt.Sprintf("%d found", len(rows)))
	}
	s.list.Show()
	s.list.UnselectAll()
	s.list.ScrollToTop()
	s.list.Refresh()
}

func (s *ClientsScreen) onSearchChanged(text string) {
	s.query = strings.TrimSpace(text)
	s.Load()
}

func (s *ClientsScreen) onSelected(id widget.ListItemID) {
	s.list.Unselect(id)
	var c data.ContactSummary
	if s.filtered {
		if id >= len(s.found) {
			return
		}
		c = s.found[id]
	} else {
		rows, ok := s.pages[id/clientsPageSize]
		if !ok || id%clientsPageSize >= len(rows) {
			return
		}
		c = rows[id%clientsPageSize]
	}
	if c.ID == "" {
		return
	}
	if s.deleted.Checked {
		if s.onRestore != nil {
			s.onRestore(c)
		}
		return
	}
	if s.onOpen != nil {
		s.onOpen(c.ID)
	}
}

// close stops work still running for the screen; its answers are dropped.
func (s *ClientsScreen) close() {
	s.cancel()
}

func (s *ClientsScreen) onCounted(gen, n int, err error) {
	if gen != s.generation {
		return
	}
	if err != nil {
		s.showError(err)
		return
	}
	s.total = n
	s.status.Hide()
	if s.tag != "" {
		setSecondaryText(s.count, clientCountText(n)+" tagged "+s.tag)
	} else {
		setSecondaryText(s.count, clientCountText(n))
	}
	if n == 0 {
		s.list.Hide()
		s.empty.Show()
		return
	}
	s.empty.Hide()
	s.list.Show()
	s.list.Refresh()
}

func (s *ClientsScreen) onPageLoaded(gen, page int, rows []data.ContactSummary, err error) {
	if gen != s.generation {
		return
	}
	delete(s.loading, page)
	if err != nil {
		s.showError(err)
		return
	}
	s.pages[page] = rows
	s.list.Refresh()
	if f := s.onFirstRows; f != nil && len(rows) > 0 {
		s.onFirstRows = nil
		f()
	}
}

func (s *ClientsScreen) showError(err error) {
	if s.ctx.Err() != nil {
		return // the window is closing
	}
	s.list.Hide()
	s.empty.Hide()
	setSecondaryText(s.count, "")
	s.status.SetText(fmt.Sprintf("The clients could not be loaded: %v.", err))
	s.status.Show()
}

func (s *ClientsScreen) rowCount() int {
	if s.filtered {
		return len(s.found)
	}
	return s.total
}

// onUpdateRow fills one visible row, asking for its page when it is not here yet.
func (s *ClientsScreen) onUpdateRow(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*clientRow)
	if s.filtered {
		if id < len(s.found) {
			row.show(s.found[id])
		}
		return
	}
	page := id / clientsPageSize
	rows, ok := s.pages[page]
	if !ok {
		row.showLoading()
		s.requestPage(page)
		return
	}
	if i := id % clientsPageSize; i < len(rows) {
		row.show(rows[i])
		return
	}
	// The store has fewer clients than it counted (some were deleted since).
	row.show(data.ContactSummary{})
}

func (s *ClientsScreen) requestPage(page int) {
	if s.loading[page] {
		return
	}
	s.loading[page] = true
	gen, q := s.generation, data.ListQuery{Tag: s.tag, Offset: page * clientsPageSize, Limit: clientsPageSize}
	s.background(func() {
		rows, err := s.src.ListContacts(s.ctx, q)
		fyne.Do(func() { s.onPageLoaded(gen, page, rows, err) })
	})
}

func clientCountText(n int) string {
	switch n {
	case 0:
		return "No clients"
	case 1:
		return "1 client"
	}
	return fmt.Sprintf("%d clients", n)
}

// clientRow is one line of the clients list: name and organisation on the
// left, phone and e-mail on the right.
type clientRow struct {
	widget.BaseWidget
	name         *widget.Label
	organization *widget.RichText
	phone        *widget.RichText
	email        *widget.RichText
	initials     *widget.RichText
	content      fyne.CanvasObject
}

func newClientRow() fyne.CanvasObject {
	r := &clientRow{
		name:         widget.NewLabel(""),
		organization: newSecondaryText(fyne.TextAlignLeading),
		phone:        newSecondaryText(fyne.TextAlignTrailing),
		email:        newSecondaryText(fyne.TextAlignTrailing),
	}
	r.name.TextStyle.Bold = true
	r.name.Truncation = fyne.TextTruncateEllipsis
	tight := func(objects ...fyne.CanvasObject) *fyne.Container {
		return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), objects...)
	}
	r.initials = widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{
		Inline: true, ColorName: theme.ColorNameForegroundOnPrimary, TextStyle: fyne.TextStyle{Bold: true}}})
	badge := container.NewGridWrap(fyne.NewSquareSize(36), container.NewStack(newThemedBox(theme.ColorNamePrimary, -1), container.NewCenter(r.initials)))
	r.content = container.NewBorder(nil, nil, container.NewCenter(badge), nil, container.NewGridWithColumns(2,
		tight(r.name, r.organization),
		tight(r.phone, r.email),
	))
	r.ExtendBaseWidget(r)
	return r
}

func (r *clientRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.content)
}

func (r *clientRow) show(c data.ContactSummary) {
	r.name.SetText(c.DisplayName)
	r.setInitials(initialsOf(c.DisplayName))
	org := c.Organization
	if org == c.DisplayName { // a company on its own: its name is already the title
		org = ""
	}
	if len(c.Tags) > 0 {
		org = joinNonEmpty(" · ", org, strings.Join(c.Tags, ", "))
	}
	if !c.EditedAfterDeletion.IsZero() {
		// Another computer edited the client after this one deleted it: the
		// edit comes back with Restore.
		org = joinNonEmpty(" · ", "edited on "+c.EditedAfterDeletion.Local().Format("Mon 2 Jan 2006")+" after deletion", org)
	}
	setSecondaryText(r.organization, org)
	setSecondaryText(r.phone, c.Phone)
	setSecondaryText(r.email, c.Email)
}

func (r *clientRow) setInitials(text string) {
	seg := r.initials.Segments[0].(*widget.TextSegment)
	if seg.Text != text {
		seg.Text = text
		r.initials.Refresh()
	}
}

func (r *clientRow) showLoading() {
	r.name.SetText("…")
	r.setInitials("")
	setSecondaryText(r.organization, "")
	setSecondaryText(r.phone, "")
	setSecondaryText(r.email, "")
}

// newSecondaryText is a one-line text in the theme's placeholder colour, the
// quieter colour for details under a heading.
func newSecondaryText(align fyne.TextAlign) *widget.RichText {
	t := widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{
		Alignment: align,
		ColorName: theme.ColorNamePlaceHolder,
		Inline:    true,
		SizeName:  theme.SizeNameText,
	}})
	t.Truncation = fyne.TextTruncateEllipsis
	return t
}

func setSecondaryText(t *widget.RichText, text string) {
	seg := t.Segments[0].(*widget.TextSegment)
	if seg.Text == text {
		return
	}
	seg.Text = text
	t.Refresh()
}
