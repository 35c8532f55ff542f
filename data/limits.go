package data

import "fmt"

// Limits on what Rapport reads from outside, so that a wrong or hostile file
// gets a clear error instead of taking all the memory. They are far above
// anything a shop's address book or calendar holds: 500,000 cards of a
// phone export with photos are some 100 MB.
const (
	MaxImportFileBytes = 256 << 20 // one vCard or iCalendar file
	MaxImportItems     = 500_000   // cards or events in one file
	MaxPropertyBytes   = 16 << 20  // one property, unfolded (a photo, a long note)
)

// ErrTooLarge is a file or item beyond the limits above.
var ErrTooLarge = fmt.Errorf("beyond Rapport's import limits")

// CheckImportSize says why a file of size bytes is not imported, if it is
// too large.
func CheckImportSize(size int64) error {
	if size > MaxImportFileBytes {
		return fmt.Errorf("%w: the file is %d MB; Rapport imports files of up to %d MB (split it into smaller files)",
			ErrTooLarge, size>>20, MaxImportFileBytes>>20)
	}
	return nil
}
