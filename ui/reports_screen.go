package ui

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// The chart colours beside the theme's primary: calmer than the theme's
// success green and warning orange, and readable on light and dark.
var (
	colourRevenue    = color.NRGBA{R: 0x26, G: 0xa6, B: 0x9a, A: 0xff}
	colourNewClients = color.NRGBA{R: 0xef, G: 0x8f, B: 0x3a, A: 0xff}
)

// reportMonths is how many months the charts cover, this one included.
const reportMonths = 12

// ReportsScreen draws the shop's last twelve months as bar charts.
type ReportsScreen struct {
	m       *MainWindow
	visits  *barChart
	revenue *barChart
	clients *barChart
	totals  *widget.Label
	top     *fyne.Container
	due     *fyne.Container
	gen     int
}

// reportListLength is how many clients the best-clients and buy-again lists show.
const reportListLength = 8

// reportData is what the screen shows, loaded in one go.
type reportData struct {
	months []data.MonthFigures
	top    []data.TopClient
	due    []data.Repurchase
}

// NewReportsScreen builds the screen; Load fills it.
func NewReportsScreen(m *MainWindow) *ReportsScreen {
	s := &ReportsScreen{m: m, totals: widget.NewLabel(""), top: container.NewVBox(), due: container.NewVBox()}
	s.visits = newBarChart("Visits per month", theme.ColorNamePrimary)
	s.revenue = newBarChart("Revenue per month", colourRevenue)
	s.clients = newBarChart("New clients per month", colourNewClients)
	return s
}

func (s *ReportsScreen) content() fyne.CanvasObject {
	title := widget.NewLabel("Reports")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle.Bold = true
	header := container.NewBorder(nil, nil, title, container.NewCenter(s.totals))
	lists := container.NewGridWithColumns(2,
		reportPanel("Best clients, by all they have spent", s.top),
		reportPanel("Due to buy again, by their own rhythm", s.due))
	charts := container.NewVBox(
		sized(s.revenue, 260),
		sized(container.NewGridWithColumns(2, s.visits, s.clients), 240),
		lists)
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(charts))
}

// Load reads the figures of the last twelve months.
func (s *ReportsScreen) Load() {
	s.gen++
	gen := s.gen
	if s.totals.Text == "" {
		// Adding up a year of a big shop's timeline takes a few seconds;
		// later loads keep the last charts up meanwhile.
		s.totals.SetText("Adding up the last 12 months…")
	}
	today := s.m.todayDate()
	from := data.DayOf(time.Date(today.Year, today.Month-reportMonths+1, 1, 0, 0, 0, 0, time.UTC))
	currency := s.m.opts.Currency
	load(s.m.run, func() (reportData, error) {
		var r reportData
		var err error
		if r.months, err = s.m.store.MonthlyFigures(s.m.ctx, from, today); err != nil {
			return r, err
		}
		if main := mainCurrency(r.months); main != "" {
			currency = main
		}
		if r.top, err = s.m.store.TopClients(s.m.ctx, currency, reportListLength); err != nil {
			return r, err
		}
		r.due, err = s.m.store.RepurchaseDue(s.m.ctx, 30, reportListLength)
		return r, err
	}, func(r reportData, err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.m.failed("The figures could not be loaded", err)
			return
		}
		s.show(r.months)
		s.showLists(r)
	})
}

// mainCurrency is the currency the shop took most in over the months.
func mainCurrency(months []data.MonthFigures) string {
	byCurrency := map[string]int64{}
	for _, m := range months {
		for c, v := range m.Revenue {
			byCurrency[c] += v
		}
	}
	main := ""
	for c, v := range byCurrency {
		if main == "" || v > byCurrency[main] || v == byCurrency[main] && c < main {
			main = c
		}
	}
	return main
}

func (s *ReportsScreen) showLists(r reportData) {
	s.top.Objects = nil
	var most int64
	for _, t := range r.top {
		most = max(most, t.SpendMinor)
	}
	for _, t := range r.top {
		s.top.Add(s.clientBar(t.ContactID, t.DisplayName, float32(t.SpendMinor)/float32(max(most, 1)),
			money(t.SpendMinor, t.Currency)+" · "+plural(t.Purchases, "purchase", "purchases")))
	}
	if len(r.top) == 0 {
		s.top.Add(quiet("No purchases logged yet."))
	}
	s.due.Objects = nil
	today := s.m.todayDate()
	for _, d := range r.due {
		when := "due " + dateText(d.Due)
		if d.Due.Time().Before(today.Time()) {
			when = "was due " + dateText(d.Due)
		}
		s.due.Add(s.clientLine(d.ContactID, d.DisplayName, fmt.Sprintf("every %d days · %s", d.IntervalDays, when)))
	}
	if len(r.due) == 0 {
		s.due.Add(quiet("No regular client is due to buy again this month."))
	}
	s.top.Refresh()
	s.due.Refresh()
}

// clientBar is a client's name, opening their page, over a bar of their share.
func (s *ReportsScreen) clientBar(id, name string, share float32, note string) fyne.CanvasObject {
	bar := &shareBar{share: share}
	bar.ExtendBaseWidget(bar)
	return container.NewVBox(s.clientLine(id, name, note), bar)
}

func (s *ReportsScreen) clientLine(id, name, note string) fyne.CanvasObject {
	open := widget.NewButton(name, func() { s.m.openClient(id) })
	open.Importance = widget.LowImportance
	open.Alignment = widget.ButtonAlignLeading
	n := newSecondaryText(fyne.TextAlignTrailing)
	n.Truncation = fyne.TextTruncateOff
	setSecondaryText(n, note)
	return container.NewBorder(nil, nil, nil, container.NewCenter(n), open)
}

// reportPanel is a titled box of the reports.
func reportPanel(title string, content fyne.CanvasObject) fyne.CanvasObject {
	t := widget.NewLabel(title)
	t.TextStyle.Bold = true
	return container.NewStack(newThemedBox(theme.ColorNameInputBackground, theme.InputRadiusSize()),
		container.NewPadded(container.NewBorder(t, nil, nil, nil, content)))
}

// sized gives o a fixed height in a column.
func sized(o fyne.CanvasObject, height float32) fyne.CanvasObject {
	return container.New(&fixedHeight{height}, o)
}

type fixedHeight struct{ height float32 }

func (f *fixedHeight) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (f *fixedHeight) MinSize(objects []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objects {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, f.height)
}

// shareBar is a thin bar filled to its share of the width.
type shareBar struct {
	widget.BaseWidget
	share float32
}

func (b *shareBar) CreateRenderer() fyne.WidgetRenderer {
	fill := newThemedBox(theme.ColorNamePrimary, 3)
	return &shareBarRenderer{bar: b, fill: fill}
}

type shareBarRenderer struct {
	bar  *shareBar
	fill *themedBox
}

func (r *shareBarRenderer) Layout(size fyne.Size) {
	r.fill.Resize(fyne.NewSize(size.Width*r.bar.share, size.Height))
}
func (r *shareBarRenderer) MinSize() fyne.Size           { return fyne.NewSize(40, 6) }
func (r *shareBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.fill} }
func (r *shareBarRenderer) Refresh()                     { r.fill.Refresh() }
func (r *shareBarRenderer) Destroy()                     {}

func (s *ReportsScreen) show(months []data.MonthFigures) {
	// Revenue is drawn in the currency the shop takes most in; others are
	// named in the title rather than added up with a wrong rate.
	byCurrency := map[string]int64{}
	for _, m := range months {
		for c, v := range m.Revenue {
			byCurrency[c] += v
		}
	}
	main := ""
	for c, v := range byCurrency {
		if main == "" || v > byCurrency[main] || v == byCurrency[main] && c < main {
			main = c
		}
	}
	labels := make([]string, len(months))
	visits := make([]float64, len(months))
	revenue := make([]float64, len(months))
	clients := make([]float64, len(months))
	var totalVisits, totalClients int
	scale := math.Pow10(currencyScale(main))
	for i, m := range months {
		t, _ := time.Parse("2006-01", m.Month)
		labels[i] = t.Format("Jan")
		if t.Month() == time.January || i == 0 {
			labels[i] = t.Format("Jan 06")
		}
		visits[i] = float64(m.Visits)
		revenue[i] = float64(m.Revenue[main]) / scale
		clients[i] = float64(m.NewClients)
		totalVisits += m.Visits
		totalClients += m.NewClients
	}
	revTitle := "Revenue per month"
	if main != "" {
		revTitle += " (" + main + ")"
	}
	if len(byCurrency) > 1 {
		revTitle += fmt.Sprintf("; %d other currencies not shown", len(byCurrency)-1)
	}
	s.revenue.title = revTitle
	s.visits.set(labels, visits, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	s.clients.set(labels, clients, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	s.revenue.set(labels, revenue, compactNumber)
	total := fmt.Sprintf("Last %d months: %s, %s", reportMonths, plural(totalVisits, "visit", "visits"), plural(totalClients, "new client", "new clients"))
	if main != "" {
		total += ", " + money(byCurrency[main], main)
	}
	s.totals.SetText(total)
}

// compactNumber writes 1234 as "1.2k" and 2500000 as "2.5M", so bar labels stay short.
func compactNumber(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// barChart is a titled bar chart drawn with canvas rectangles: one bar per
// month with its value above and the month below.
type barChart struct {
	widget.BaseWidget
	title  string
	colour any // a fyne.ThemeColorName or a fixed color.Color
	labels []string
	values []float64
	format func(float64) string
}

func newBarChart(title string, colour any) *barChart {
	c := &barChart{title: title, colour: colour, format: func(v float64) string { return fmt.Sprint(v) }}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) set(labels []string, values []float64, format func(float64) string) {
	c.labels, c.values, c.format = labels, values, format
	c.Refresh()
}

func (c *barChart) barColour() color.Color {
	if n, ok := c.colour.(fyne.ThemeColorName); ok {
		return theme.Color(n)
	}
	if col, ok := c.colour.(color.Color); ok {
		return col
	}
	return theme.Color(theme.ColorNamePrimary)
}

func (c *barChart) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barChartRenderer{chart: c, title: canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)), axis: canvas.NewLine(theme.Color(theme.ColorNameSeparator))}
	r.title.TextStyle.Bold = true
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.rebuild()
	return r
}

type barChartRenderer struct {
	chart   *barChart
	bg      *canvas.Rectangle
	title   *canvas.Text
	axis    *canvas.Line
	bars    []*canvas.Rectangle
	values  []*canvas.Text
	months  []*canvas.Text
	objects []fyne.CanvasObject
}

func (r *barChartRenderer) rebuild() {
	c := r.chart
	r.title.Text = c.title
	r.title.Color = theme.Color(theme.ColorNameForeground)
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.axis.StrokeColor = theme.Color(theme.ColorNameSeparator)
	for len(r.bars) < len(c.values) {
		r.bars = append(r.bars, canvas.NewRectangle(color.Transparent))
		v := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		v.Alignment = fyne.TextAlignCenter
		v.TextSize = theme.CaptionTextSize()
		m := canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
		m.Alignment = fyne.TextAlignCenter
		m.TextSize = theme.CaptionTextSize()
		r.values = append(r.values, v)
		r.months = append(r.months, m)
	}
	r.objects = []fyne.CanvasObject{r.bg, r.title, r.axis}
	for i := range c.values {
		r.bars[i].FillColor = c.barColour()
		r.bars[i].CornerRadius = 3
		r.values[i].Text = c.format(c.values[i])
		r.values[i].Color = theme.Color(theme.ColorNameForeground)
		r.months[i].Text = c.labels[i]
		r.months[i].Color = theme.Color(theme.ColorNamePlaceHolder)
		r.objects = append(r.objects, r.bars[i], r.values[i], r.months[i])
	}
}

func (r *barChartRenderer) Layout(size fyne.Size) {
	pad := theme.Padding() * 2
	r.bg.Resize(size)
	r.title.Move(fyne.NewPos(pad, pad))
	titleH := r.title.MinSize().Height
	caption := theme.CaptionTextSize() + 4
	top := pad + titleH + pad + caption
	bottom := size.Height - pad - caption
	r.axis.Position1 = fyne.NewPos(pad, bottom)
	r.axis.Position2 = fyne.NewPos(size.Width-pad, bottom)
	n := len(r.chart.values)
	if n == 0 {
		return
	}
	peak := 0.0
	for _, v := range r.chart.values {
		peak = max(peak, v)
	}
	slot := (size.Width - 2*pad) / float32(n)
	barW := slot * 0.6
	for i, v := range r.chart.values {
		h := float32(0)
		if peak > 0 {
			h = float32(v/peak) * (bottom - top)
		}
		x := pad + slot*float32(i)
		r.bars[i].Move(fyne.NewPos(x+(slot-barW)/2, bottom-h))
		r.bars[i].Resize(fyne.NewSize(barW, h))
		r.values[i].Move(fyne.NewPos(x, bottom-h-caption))
		r.values[i].Resize(fyne.NewSize(slot, caption))
		r.months[i].Move(fyne.NewPos(x, bottom+2))
		r.months[i].Resize(fyne.NewSize(slot, caption))
	}
}

func (r *barChartRenderer) MinSize() fyne.Size { return r.chart.MinSize() }

func (r *barChartRenderer) Refresh() {
	r.rebuild()
	r.Layout(r.chart.Size())
	canvas.Refresh(r.chart)
}

func (r *barChartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *barChartRenderer) Destroy() {}

// plural is "1 visit" or "3 visits".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
