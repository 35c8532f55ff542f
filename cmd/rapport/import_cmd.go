package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"rapport/data"
	"rapport/data/ics"
	"rapport/data/vcf"
)

func init() {
	register("import", "rapport import FILE|DIR... [--dry-run] [--json] [--unlinked]   (vCard .vcf/.vcard and iCalendar .ics files, and folders of them)", importCmd)
}

// importCmd imports vCard and iCalendar files, each in one transaction, and
// ends with the report. It fails (exit 1) when a file could not be imported at all; cards
// rejected inside a file are reported without failing the run.
func importCmd(c *cli, args []string) error {
	fs := c.flags("import")
	dryRun := fs.Bool("dry-run", false, "show what would happen without writing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	unlinked := fs.Bool("unlinked", false, "iCalendar: also import events linked to no client")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"a file or folder to import is needed"}
	}
	files, err := importFiles(pos)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if !*dryRun {
		// The way back from an import that was not what the owner meant.
		if _, err := c.store.Backup(c.ctx, data.BackupImport); err != nil {
			return fmt.Errorf("backing up before the import (nothing was imported): %w", err)
		}
	}
	progress := isTerminal(c.stderr) && len(files) > 1
	r := importInto(c.ctx, c.store, files, *dryRun, *unlinked, func(done, total int) {
		if progress && done < total {
			fmt.Fprintf(c.stderr, "\rimporting %d of %d files", done+1, total)
		}
	})
	if progress {
		fmt.Fprintln(c.stderr)
	}
	if *asJSON {
		if err := c.printJSON(r); err != nil {
			return err
		}
	} else {
		printReport(c.stdout, r)
	}
	if len(r.Errors) > 0 {
		if len(r.Errors) == 1 {
			return fmt.Errorf("%s: %s", r.Errors[0].File, r.Errors[0].Message)
		}
		return fmt.Errorf("%d of %d files were not imported", len(r.Errors), r.Files)
	}
	return nil
}

// importInto imports each file (vCard, or iCalendar by its extension) in its
// own transaction, telling progress before each file and once at the end,
// and gives the report; a file that failed is in its Errors. A cancelled ctx
// stops before the next file.
func importInto(ctx context.Context, store *data.Store, files []string, dryRun, unlinked bool, progress func(done, total int)) *vcf.Report {
	im := &vcf.Importer{Store: store, DryRun: dryRun}
	cal := &ics.Importer{Store: store, DryRun: dryRun, Unlinked: unlinked}
	r := vcf.NewReport(dryRun)
	for i, f := range files {
		progress(i, len(files))
		if ctx.Err() != nil {
			r.Errors = append(r.Errors, vcf.FileError{File: f, Message: "the import was stopped before this file"})
			continue
		}
		if strings.EqualFold(filepath.Ext(f), ".ics") || strings.EqualFold(filepath.Ext(f), ".ical") {
			if st, err := os.Stat(f); err == nil {
				if err := data.CheckImportSize(st.Size()); err != nil {
					r.Files++
					r.Errors = append(r.Errors, vcf.FileError{File: f, Message: err.Error()})
					continue
				}
			}
			cal.ImportFile(ctx, f, r) // the error is in the report
			continue
		}
		im.ImportFile(ctx, f, r) // the error is in the report
	}
	progress(len(files), len(files))
	return r
}

// importFiles expands folders into the vCard and iCalendar files they hold,
// in name order.
func importFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".vcf", ".vcard", ".ics", ".ical":
				if !d.IsDir() {
					found = append(found, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func printReport(w io.Writer, r *vcf.Report) {
	for _, cr := range r.Cards {
		if cr.Action == "rejected" {
			fmt.Fprintf(w, "%s:%d: card %q rejected: %s\n", cr.File, cr.Line, cr.Name, cr.Reason)
		}
	}
	for _, wn := range r.Warnings {
		fmt.Fprintln(w, wn.String())
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "%s: not imported: %s\n", e.File, e.Message)
	}
	what := "imported"
	if r.DryRun {
		what = "dry run, nothing written"
	}
	fmt.Fprintf(w, "%s: %d files, %d cards read: %d created, %d updated, %d unchanged, %d rejected; %d warnings\n",
		what, r.Files, r.CardsRead, r.Created, r.Updated, r.Unchanged, r.Rejected, len(r.Warnings))
}

// isTerminal reports whether w is a terminal, where progress may be shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
