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
	gen     int
}

// NewReportsScreen builds the screen; Load fills it.
func NewReportsScreen(m *MainWindow) *ReportsScreen {
	s := &ReportsScreen{m: m, totals: widget.NewLabel("")}
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
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewGridWithRows(2, s.revenue, container.NewGridWithColumns(2, s.visits, s.clients)))
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
	load(s.m.run, func() ([]data.MonthFigures, error) { return s.m.store.MonthlyFigures(s.m.ctx, from, today) },
		func(months []data.MonthFigures, err error) {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.m.failed("The figures could not be loaded", err)
				return
			}
			s.show(months)
		})
}

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
	total := fmt.Sprintf("Last %d months: %d visits, %d new clients", reportMonths, totalVisits, totalClients)
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
