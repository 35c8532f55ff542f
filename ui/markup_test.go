package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestScreensMarkup compares each main screen, drawn on the test shop, with
// its markup golden file in testdata/: reviewable text of every widget and
// its place. On a difference the new markup is written to testdata/failed/;
// look at it and copy it over the golden file when the change is meant.
func TestScreensMarkup(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	w.Resize(fyne.NewSize(1100, 740))
	for _, tc := range []struct {
		golden string
		open   func()
	}{
		{"today.xml", func() { m.show(screenToday) }},
		{"clients.xml", func() { m.show(screenClients) }},
		{"client_page.xml", func() { m.openClient(shop.anna) }},
		{"log_visit.xml", func() { m.openClient(shop.anna); m.showLogVisit(shop.anna, "Anna Berg", "purchase") }},
		{"tasks.xml", func() { m.show(screenTasks) }},
		{"appointments.xml", func() { m.show(screenAppointments) }},
		{"reports.xml", func() { m.show(screenReports) }},
		{"outreach.xml", func() { m.show(screenOutreach) }},
		{"settings.xml", func() { m.show(screenSettings) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			m.closeDialog()
			tc.open()
			test.AssertRendersToMarkup(t, tc.golden, w.Canvas())
		})
	}
}
