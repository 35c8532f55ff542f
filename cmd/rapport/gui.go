package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"rapport/assets"
	"rapport/data"
	"rapport/data/ics"
	"rapport/data/vcf"
	"rapport/ui"
)

// appID and appVersion are set from FyneApp.toml at build time
// (make build passes -X main.appID=... -X main.appVersion=...); the defaults
// keep a plain go build right.
var (
	appID      = "app.rapport.desktop"
	appVersion = "0.1.0"
)

// runGUI opens the main window on the store and returns when it is closed.
func (c *cli) runGUI() error {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	// The staff name saved in Settings stands unless RAPPORT_STAFF says otherwise.
	if c.store.Staff == "" {
		if v, ok, err := c.store.LocalSetting(c.ctx, ui.StaffSetting); err == nil && ok {
			c.store.Staff = v
		}
	}
	opts := ui.Options{
		Currency:     defaultCurrency(c.store.Region),
		Zone:         localZone(),
		Feed:         c.feed,
		Importer:     guiImporter{c},
		Exporter:     guiExporter{c},
		PreparePhoto: vcf.PreparePhoto,
	}
	if c.sync != nil {
		opts.Sync = c.sync
	}
	opts.Restorer = appRestorer{c: c, a: a}
	opts.StartNotice = c.startNotice
	if v, ok := os.LookupEnv("RAPPORT_BENCH_FIRST_FRAME"); ok {
		if err := c.benchFirstFrame(a, &opts, v); err != nil {
			return err
		}
	}
	m := ui.NewMainWindow(a, c.store, opts)
	frameWindow = m.Window()
	if tourRequested() {
		c.screenshotTour(a, m)
	}
	m.Window().ShowAndRun()
	return c.tourErr
}

// guiImporter imports files for the app's import dialog, as rapport import
// does: a backup first (unless it is a dry run), then each file in its own
// transaction.
type guiImporter struct{ c *cli }

func (g guiImporter) Import(ctx context.Context, paths []string, dryRun bool, progress func(done, total int)) (ui.ImportReport, error) {
	files, err := importFiles(paths)
	if err != nil {
		return ui.ImportReport{}, err
	}
	if len(files) == 0 {
		return ui.ImportReport{}, fmt.Errorf("%w: no .vcf or .ics file there", data.ErrInvalid)
	}
	if !dryRun {
		if _, err := g.c.store.Backup(ctx, data.BackupImport); err != nil {
			return ui.ImportReport{}, fmt.Errorf("backing up before the import (nothing was imported): %w", err)
		}
	}
	r := importInto(ctx, g.c.store, files, dryRun, false, progress)
	var out ui.ImportReport
	var lines bytes.Buffer
	printReport(&lines, r)
	all := strings.Split(strings.TrimSpace(lines.String()), "\n")
	out.Summary = all[len(all)-1] // printReport ends with the counts
	out.Lines = all[:len(all)-1]
	out.Changes = r.Created + r.Updated
	if len(r.Errors) == len(files) && out.Changes == 0 {
		return out, fmt.Errorf("%s", r.Errors[0].Message)
	}
	return out, nil
}

// processStart is when the process began, near enough: the first frame is
// timed from here.
var processStart = time.Now()

// frameWindow is the window benchFirstFrame captures.
var frameWindow fyne.Window

// benchFirstFrame sets the app up for the benchmark of its first frame
// (RAPPORT_BENCH_FIRST_FRAME=quit-after=DURATION): it opens on the clients
// list, says on stderr how long after start the list got its first clients
// and the window was up, and quits DURATION later, so that the peak memory
// of the process covers the start-up work that follows the frame.
func (c *cli) benchFirstFrame(a fyne.App, opts *ui.Options, spec string) error {
	quitAfter := 5 * time.Second
	if v, ok := strings.CutPrefix(spec, "quit-after="); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError{fmt.Sprintf("RAPPORT_BENCH_FIRST_FRAME: %v", err)}
		}
		quitAfter = d
	}
	opts.OpenOnClients = true
	opts.OnClientsShown = func() {
		// The list holds its first page of clients, drawn at the next frame;
		// Capture goes through the window's GL context, so the window is up.
		if frameWindow != nil {
			frameWindow.Canvas().Capture()
		}
		fmt.Fprintf(c.stderr, "rapport: first frame with clients %d ms after start\n", time.Since(processStart).Milliseconds())
		time.AfterFunc(quitAfter, func() { fyne.Do(a.Quit) })
	}
	return nil
}

// guiExporter writes the app's exports as export vcard -o and export ical -o do.
type guiExporter struct{ c *cli }

func (g guiExporter) ExportContacts(ctx context.Context, path string, v3 bool) (int, error) {
	entries, err := vcf.Load(ctx, g.c.store, "", nil)
	if err != nil {
		return 0, err
	}
	version := vcf.V4
	if v3 {
		version = vcf.V3
	}
	var b bytes.Buffer
	if err := vcf.Export(&b, entries, version); err != nil {
		return 0, err
	}
	return len(entries), writeFileAtomic(path, b.Bytes())
}

func (g guiExporter) ExportCalendar(ctx context.Context, path string) (string, error) {
	var b bytes.Buffer
	st, err := ics.Export(ctx, &b, g.c.store, optionsAll())
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d dates, %d appointments and %d tasks", st.Dates, st.Appointments, st.Tasks), nil
}
