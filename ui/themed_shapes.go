package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// themedBox is a rounded rectangle filled with a colour of the theme. A
// plain canvas rectangle keeps the colour it was made with; this one takes
// the theme's again on every refresh, so switching light and dark in
// Settings repaints the cards, chips and the rail at once.
type themedBox struct {
	widget.BaseWidget
	colour fyne.ThemeColorName
	radius float32 // <0: a circle
}

func newThemedBox(colour fyne.ThemeColorName, radius float32) *themedBox {
	b := &themedBox{colour: colour, radius: radius}
	b.ExtendBaseWidget(b)
	return b
}

func (b *themedBox) CreateRenderer() fyne.WidgetRenderer {
	if b.radius < 0 {
		c := canvas.NewCircle(theme.Color(b.colour))
		return &themedBoxRenderer{box: b, shape: c, fill: func() { c.FillColor = theme.Color(b.colour) }}
	}
	r := canvas.NewRectangle(theme.Color(b.colour))
	r.CornerRadius = b.radius
	return &themedBoxRenderer{box: b, shape: r, fill: func() { r.FillColor = theme.Color(b.colour) }}
}

type themedBoxRenderer struct {
	box   *themedBox
	shape fyne.CanvasObject
	fill  func()
}

func (r *themedBoxRenderer) Layout(size fyne.Size)        { r.shape.Resize(size) }
func (r *themedBoxRenderer) MinSize() fyne.Size           { return fyne.NewSize(0, 0) }
func (r *themedBoxRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.shape} }
func (r *themedBoxRenderer) Destroy()                     {}
func (r *themedBoxRenderer) Refresh() {
	r.fill()
	r.shape.Refresh()
}

// keepPlace holds b's room in a row of buttons while b is hidden, so that
// the buttons beside it line up from row to row.
func keepPlace(b *widget.Button) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(b.MinSize())
	return container.NewStack(room, b)
}
