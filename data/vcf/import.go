package vcf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"rapport/data"
)

// Warning is one field that the import dropped or changed, or a line it could
// not read, with where it is.
type Warning struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	s := fmt.Sprintf("%s:%d", w.File, w.Line)
	if w.Field != "" {
		s += ": " + w.Field
	}
	return s + ": " + w.Message
}

// CardResult is what became of one card.
type CardResult struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Name      string   `json:"name"`
	Action    string   `json:"action"` // created, updated, unchanged or rejected
	ContactID string   `json:"contact_id,omitempty"`
	MatchedBy string   `json:"matched_by,omitempty"`
	Changed   []string `json:"changed,omitempty"`
	Reason    string   `json:"reason,omitempty"` // why a card was rejected
}

// FileError is a file that could not be imported at all; nothing of it was written.
type FileError struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

// Report is the account of an import: one per run, over all its files.
type Report struct {
	DryRun    bool         `json:"dry_run"`
	Files     int          `json:"files"`
	CardsRead int          `json:"cards_read"`
	Created   int          `json:"created"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Rejected  int          `json:"rejected"`
	Cards     []CardResult `json:"cards"`
	Warnings  []Warning    `json:"warnings"`
	Errors    []FileError  `json:"errors"`
}

// NewReport starts an empty report.
func NewReport(dryRun bool) *Report {
	return &Report{DryRun: dryRun, Cards: []CardResult{}, Warnings: []Warning{}, Errors: []FileError{}}
}

// Importer reads vCard files into a store.
type Importer struct {
	Store  *data.Store
	DryRun bool
}

// ImportFile imports one file into the store and adds the outcome to r. An
// error means the file was not imported (nothing of it was written); it is in
// r.Errors as well.
func (im *Importer) ImportFile(ctx context.Context, path string, r *Report) error {
	st, err := os.Stat(path)
	if err == nil {
		err = data.CheckImportSize(st.Size())
	}
	if err != nil {
		r.Files++
		r.Errors = append(r.Errors, FileError{File: path, Message: err.Error()})
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		r.Files++
		r.Errors = append(r.Errors, FileError{File: path, Message: err.Error()})
		return err
	}
	return im.Import(ctx, path, b, r)
}

// ErrNotVCard is returned for a file that holds no cards at all.
// maxCards is data.MaxImportItems; tests lower it.
var maxCards = data.MaxImportItems

var ErrNotVCard = errors.New("not a vCard file")

// Import imports the cards of one file, named name in the report. The file is
// written in one transaction: all of it or, on an error, nothing.
func (im *Importer) Import(ctx context.Context, name string, b []byte, r *Report) (err error) {
	r.Files++
	fail := func(e error) error {
		r.Errors = append(r.Errors, FileError{File: name, Message: e.Error()})
		return e
	}
	if err := data.CheckImportSize(int64(len(b))); err != nil {
		return fail(err)
	}
	cards, ds, warnings, perr := read(b)
	if perr != nil {
		return fail(perr)
	}
	if len(cards) > maxCards {
		return fail(fmt.Errorf("%w: the file holds %d cards; Rapport imports up to %d from one file (split it)", data.ErrTooLarge, len(cards), maxCards))
	}
	for i := range warnings {
		warnings[i].File = name
	}
	first := len(r.Warnings) // this file's warnings, put in line order at the end
	defer func() {
		sort.SliceStable(r.Warnings[first:], func(i, j int) bool {
			return r.Warnings[first+i].Line < r.Warnings[first+j].Line
		})
	}()
	r.Warnings = append(r.Warnings, warnings...)
	if len(cards) == 0 {
		if strings.Contains(strings.ToUpper(string(b[:min(len(b), 4096)])), "BEGIN:VCALENDAR") {
			return fail(fmt.Errorf("%w: the file holds iCalendar data; name it .ics to import its events", ErrNotVCard))
		}
		return fail(fmt.Errorf("%w: no BEGIN:VCARD found", ErrNotVCard))
	}
	r.CardsRead += len(cards)
	in := make([]data.ImportCard, len(ds))
	for i := range ds {
		in[i] = ds[i].card
	}
	source := "vcard: " + filepath.Base(name)
	results, err := im.Store.ImportContacts(ctx, in, data.ImportOptions{DryRun: im.DryRun, Source: source})
	if err != nil {
		return fail(err)
	}
	for i, res := range results {
		cr := CardResult{File: name, Line: cards[i].Line, Name: ds[i].name, Action: res.Action,
			ContactID: res.ContactID, MatchedBy: res.MatchedBy, Changed: res.Changed}
		if im.DryRun && res.Action == data.ImportCreated {
			cr.ContactID = "" // the contact it would be is rolled back with the dry run
		}
		for _, w := range ds[i].warnings {
			w.File = name
			r.Warnings = append(r.Warnings, w)
		}
		switch res.Action {
		case data.ImportCreated:
			r.Created++
		case data.ImportUpdated:
			r.Updated++
		case data.ImportUnchanged:
			r.Unchanged++
		case data.ImportRejected:
			r.Rejected++
			cr.Reason = rejectReason(res.Err)
		}
		r.Cards = append(r.Cards, cr)
	}
	return nil
}

// read parses and maps every card of a file; a panic in either is turned into
// an error for the file, so that one bad file never takes the import down.
func read(b []byte) (cards []Card, ds []decoded, warnings []Warning, err error) {
	defer func() {
		if p := recover(); p != nil {
			cards, ds, warnings = nil, nil, nil
			err = fmt.Errorf("vcf: the file could not be read (internal error: %v)", p)
		}
	}()
	f := parse(b)
	ds, err = decodeAll(f.cards)
	if err != nil {
		return nil, nil, nil, err
	}
	return f.cards, ds, f.warnings, nil
}

// decodeAll maps every card, the cards of a large file on every core: each
// card's mapping (charsets, dates, photos) stands alone. Once mapped, a card
// keeps only its line; the properties of 100k cards would otherwise stay in
// memory through the whole import.
func decodeAll(cards []Card) ([]decoded, error) {
	ds := make([]decoded, len(cards))
	decodeRange := func(from, to int) {
		for i := from; i < to; i++ {
			ds[i] = decodeCard(&cards[i])
			cards[i].Props = nil
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 8, len(cards)/parallelDecodeFrom)
	if workers < 2 {
		decodeRange(0, len(cards))
		return ds, nil
	}
	var wg sync.WaitGroup
	panics := make(chan any, workers)
	per := (len(cards) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		from, to := w*per, min((w+1)*per, len(cards))
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A panic in a goroutine would take the program down: it is
			// handed back as the file's error, as read does with its own.
			defer func() {
				if p := recover(); p != nil {
					panics <- p
				}
			}()
			decodeRange(from, to)
		}()
	}
	wg.Wait()
	close(panics)
	if p, ok := <-panics; ok {
		return nil, fmt.Errorf("vcf: the file could not be read (internal error: %v)", p)
	}
	return ds, nil
}

// parallelDecodeFrom is how many cards each extra core must have to be worth
// starting.
var parallelDecodeFrom = 500

// Decode reads every card of a vCard file into Rapport's model without a
// store, for previews and tests. Warnings have no file name.
func Decode(b []byte) ([]data.ImportCard, []Warning, error) {
	_, ds, warnings, err := read(b)
	if err != nil {
		return nil, nil, err
	}
	out := make([]data.ImportCard, len(ds))
	for i := range ds {
		out[i] = ds[i].card
		warnings = append(warnings, ds[i].warnings...)
	}
	return out, warnings, nil
}

// rejectReason turns a store error into a sentence for the report.
func rejectReason(err error) string {
	if err == nil {
		return "rejected"
	}
	s := err.Error()
	s = strings.TrimPrefix(s, data.ErrInvalid.Error()+" ")
	if strings.HasPrefix(s, "contact: a name") {
		return "the card has no name, organisation, e-mail or phone"
	}
	return s
}
