package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"rapport/data"
)

// plainError turns a store error into a sentence for the shop: what could not
// be done, and why in everyday words. The store's errors name what was wrong
// after the sentinel ("invalid contact: a name ... is needed"); that part is
// kept and the jargon in front of it dropped.
func plainError(what string, err error) string {
	why := err.Error()
	switch {
	case errors.Is(err, data.ErrDiskFull), errors.Is(err, data.ErrReadOnly):
		// Already written for people, and they say nothing saved is lost.
	case errors.Is(err, data.ErrNotFound):
		why = "it is no longer there; it may have been deleted, here or on another computer"
	case errors.Is(err, data.ErrInvalid):
		if _, after, ok := strings.Cut(why, ": "); ok {
			why = after
		}
	case errors.Is(err, data.ErrConflict):
		if _, after, ok := strings.Cut(why, ": "); ok {
			why = after
		}
	case errors.Is(err, context.Canceled):
		why = "it was stopped"
	case strings.Contains(why, "database is locked"), strings.Contains(why, "SQLITE_BUSY"):
		why = "the client book is busy with other work; try again in a moment"
	}
	why = strings.TrimSuffix(why, ".")
	return what + ": " + why + "."
}

// showError opens a dialog that says in plain words what failed.
func showError(w fyne.Window, what string, err error) {
	dialog.ShowInformation("Something went wrong", plainError(what, err), w)
}
