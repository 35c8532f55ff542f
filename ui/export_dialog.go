package ui

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// FileExporter writes the client book out for address books and calendars;
// the window is handed one so that it needs nothing of the formats.
type FileExporter interface {
	// ExportContacts writes every client to path as vCard 4.0, or 3.0 for
	// older address books, and says how many were written.
	ExportContacts(ctx context.Context, path string, v3 bool) (int, error)
	// ExportCalendar writes birthdays and other dates, appointments and
	// tasks to path as iCalendar and says what it wrote, for people.
	ExportCalendar(ctx context.Context, path string) (string, error)
}

// showExportContacts asks where to write the clients as a .vcf file.
func (m *MainWindow) showExportContacts(v3 bool) {
	m.askExportFile("rapport-clients.vcf", ".vcf", func(path string) { m.exportContactsTo(path, v3) })
}

func (m *MainWindow) exportContactsTo(path string, v3 bool) {
	load(m.run, func() (int, error) { return m.opts.Exporter.ExportContacts(m.ctx, path, v3) }, func(n int, err error) {
		if err != nil {
			m.failed("The clients were not exported", err)
			return
		}
		m.notify(fmt.Sprintf("%s exported to %s.", clientCountText(n), path), "", nil)
	})
}

// showExportCalendar asks where to write the calendar as an .ics file.
func (m *MainWindow) showExportCalendar() {
	m.askExportFile("rapport.ics", ".ics", m.exportCalendarTo)
}

func (m *MainWindow) exportCalendarTo(path string) {
	load(m.run, func() (string, error) { return m.opts.Exporter.ExportCalendar(m.ctx, path) }, func(what string, err error) {
		if err != nil {
			m.failed("The calendar was not exported", err)
			return
		}
		m.notify(fmt.Sprintf("Exported %s to %s.", what, filepath.Base(path)), "", nil)
	})
}

func (m *MainWindow) askExportFile(name, ext string, write func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			m.failed("No file was chosen", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close() // the exporter writes the file whole, through a temporary one
		write(path)
	}, m.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Resize(fyne.NewSize(820, 580))
	d.Show()
}
