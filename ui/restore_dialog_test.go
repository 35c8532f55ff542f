package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rapport/data"
)

// restoreRecorder is the app's side of a restore, recorded: it checks the
// file as the app does and keeps what it was asked.
type restoreRecorder struct {
	store     *data.Store
	asked     string
	restarted bool
}

func (r *restoreRecorder) Backups() ([]data.Backup, error) { return data.Backups(r.store.Path()) }
func (r *restoreRecorder) RestoreOnRestart(ctx context.Context, path string) (data.BackupInfo, error) {
	info, err := data.ValidateBackup(ctx, path)
	if err == nil {
		r.asked = path
	}
	return info, err
}
func (r *restoreRecorder) Restart() { r.restarted = true }

// TestRestoreFromSettings: Settings lists the backups beside the book, says
// what the chosen one holds, and only after a second yes asks for the restore
// and closes the app to make it.
func TestRestoreFromSettings(t *testing.T) {
	shop := newTestShop(t)
	b, err := shop.store.Backup(context.Background(), data.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	rec := &restoreRecorder{store: shop.store}
	a := test.NewTempApp(t)
	m := NewMainWindow(a, shop.store, Options{Currency: "EUR", Zone: "UTC", Now: func() time.Time { return testNow },
		Restorer: rec, run: func(f func()) { f() }})
	w := m.Window()
	w.Resize(fyne.NewSize(1200, 800))
	t.Cleanup(w.Close)
	m.show(screenSettings)

	test.Tap(findButton(w.Content(), "Restore…"))
	if !contains(dialogTexts(w), "made by hand") {
		t.Fatalf("the restore dialog does not list the backup: %q", dialogTexts(w))
	}
	test.Tap(findButtonIn(t, w, "Restore…"))
	if !contains(dialogTexts(w), "with 3 clients") {
		t.Fatalf("the confirmation does not say what the backup holds: %q", dialogTexts(w))
	}
	if rec.asked != "" || rec.restarted {
		t.Fatal("the restore was asked for before the second yes")
	}
	test.Tap(findButtonIn(t, w, "Yes"))
	if rec.asked != b.Path || !rec.restarted {
		t.Fatalf("asked to restore %q (restart %v), want %q and a restart", rec.asked, rec.restarted, b.Path)
	}
}
