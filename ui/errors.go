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
	return what + ": " + plainReason(err) + "."
}

// plainReason is why err happened, in everyday words, without a full stop.
func plainReason(err error) string {
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
	return strings.TrimSuffix(why, ".")
}

// errorDialog says in plain words what failed, titled with what was not
// done ("The client was not saved") and the reason under it.
func errorDialog(w fyne.Window, what string, err error) dialog.Dialog {
	why := plainReason(err)
	if why != "" {
		why = strings.ToUpper(why[:1]) + why[1:] + "."
	}
	return dialog.NewInformation(what, why, w)
}
