package ui

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// FileImporter brings vCard and iCalendar files in, file by file, as the
// command line's import does; the window is handed one so that it needs
// nothing of the formats.
type FileImporter interface {
	// Import imports the files and folders at paths, or with dryRun only
	// reports what would happen. progress is called from the importing
	// goroutine before each file and at the end.
	Import(ctx context.Context, paths []string, dryRun bool, progress func(done, total int)) (ImportReport, error)
}

// ImportReport is what an import did or would do, for people.
type ImportReport struct {
	Summary string   // "2 files, 40 cards read: 38 created, 2 updated, 0 unchanged, 0 rejected"
	Lines   []string // each rejected card, warning and file not imported, with file and line
	Changes int      // clients, appointments and tasks created or updated
}

// showImport asks for a file, shows what importing it would do, and imports
// it when the owner agrees.
func (m *MainWindow) showImport() {
	if m.opts.Importer == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			m.failed("No file was chosen", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		m.runImport(path, true)
	}, m.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vcf", ".vcard", ".ics", ".ical"}))
	d.Resize(fyne.NewSize(820, 580))
	d.Show()
}

// runImport imports path (or with dryRun only looks at it), showing a
// progress bar with Cancel, then the report.
func (m *MainWindow) runImport(path string, dryRun bool) {
	ctx, cancel := context.WithCancel(m.ctx)
	bar := widget.NewProgressBar()
	what := "Reading " + filepath.Base(path) + "…"
	if !dryRun {
		what = "Importing " + filepath.Base(path) + "…"
	}
	stop := widget.NewButton("Cancel", cancel)
	progress := dialog.NewCustomWithoutButtons(what, container.NewVBox(bar, container.NewHBox(layout.NewSpacer(), stop)), m.win)
	m.showDialogWidth(progress, 460)
	importer := m.opts.Importer
	load(m.run, func() (ImportReport, error) {
		return importer.Import(ctx, []string{path}, dryRun, func(done, total int) {
			fyne.Do(func() {
				if total > 0 {
					bar.SetValue(float64(done) / float64(total))
				}
			})
		})
	}, func(r ImportReport, err error) {
		cancel()
		m.closeDialog()
		if err != nil {
			m.failed(filepath.Base(path)+" was not imported", err)
			return
		}
		m.showImportReport(path, dryRun, r)
		if !dryRun {
			m.refreshCurrent()
		}
	})
}

func (m *MainWindow) showImportReport(path string, dryRun bool, r ImportReport) {
	heading := widget.NewLabel(r.Summary)
	heading.Wrapping = fyne.TextWrapWord
	heading.TextStyle.Bold = true
	intro := "Imported. A backup of the client book was made first."
	if dryRun {
		intro = "Nothing has been written yet. This is what importing " + filepath.Base(path) + " would do:"
	}
	lines := widget.NewList(func() int { return len(r.Lines) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(r.Lines) {
			o.(*widget.Label).SetText(r.Lines[id])
		}
	})
	var details fyne.CanvasObject = quiet("No warnings.")
	if len(r.Lines) > 0 {
		details = container.NewGridWrap(fyne.NewSize(700, 260), lines)
	}
	buttons := []fyne.CanvasObject{layout.NewSpacer()}
	if dryRun {
		buttons = append(buttons, widget.NewButton("Cancel", m.closeDialog))
		if r.Changes > 0 {
			ok := widget.NewButton("Import", func() {
				m.closeDialog()
				m.runImport(path, false)
			})
			ok.Importance = widget.HighImportance
			buttons = append(buttons, ok)
		}
	} else {
		ok := widget.NewButton("Done", m.closeDialog)
		ok.Importance = widget.HighImportance
		buttons = append(buttons, ok)
	}
	title := "Import " + filepath.Base(path)
	if !dryRun {
		title = fmt.Sprintf("%s imported", filepath.Base(path))
	}
	d := dialog.NewCustomWithoutButtons(title, container.NewBorder(
		container.NewVBox(quiet(intro), heading), container.NewHBox(buttons...), nil, nil, details), m.win)
	m.showDialogWidth(d, 740)
}
