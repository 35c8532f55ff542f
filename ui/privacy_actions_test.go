package ui

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestPrivacyMenuOffersExportAndErase(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	b := findButton(w.Content(), "Privacy")
	if b == nil {
		t.Fatal("the client page has no Privacy button")
	}
	test.Tap(b)
	texts := dialogTexts(w)
	for _, want := range []string{"Export personal data…", "Erase personal data…"} {
		if !contains(texts, want) {
			t.Errorf("the Privacy menu lacks %q; it shows %q", want, texts)
		}
	}
}

func TestErasePersonalData(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.show(screenToday) // erasing goes to the clients list from wherever the page was opened
	m.openClient(shop.anna)
	m.client.onErasePersonalData()
	requireDialog(t, w, "Erase Anna Berg's personal data for good?", "This cannot be undone", "every computer it syncs with")

	t.Run("CancelKeepsTheClient", func(t *testing.T) {
		test.Tap(findButtonIn(t, w, "Cancel"))
		if m.client == nil || m.client.id != shop.anna {
			t.Fatal("cancelling left the client's page")
		}
		if _, err := shop.store.Contact(m.ctx, shop.anna); err != nil {
			t.Errorf("cancelling erased the client: %v", err)
		}
	})

	m.client.onErasePersonalData()
	test.Tap(findButtonIn(t, w, "Erase for good"))
	if m.client != nil || m.current != screenClients {
		t.Errorf("after the erasure the window shows %q (client page open: %v), want the clients list", m.current, m.client != nil)
	}
	requireShown(t, w, "2 clients", "Chidi Okafor", "Anna Berg's personal data was erased")
	for _, text := range textsOf(w.Content()) {
		if text == "Anna Berg" {
			t.Errorf("the clients list still shows Anna Berg")
		}
	}
	if _, erased, err := shop.store.ErasureOf(m.ctx, shop.anna); err != nil || !erased {
		t.Errorf("the store has no erasure of Anna (erased %v, err %v)", erased, err)
	}
}

func TestExportPersonalData(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	path := filepath.Join(t.TempDir(), exportFileName("Anna Berg"))
	m.client.exportPersonalData(path)
	requireShown(t, w, "Everything Rapport holds about Anna Berg is in Anna Berg - personal data.zip")

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the export's mode is %v, want 0600", fi.Mode().Perm())
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var card string
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name != "contact.vcf" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		card = string(b)
	}
	if !strings.Contains(card, "FN:Anna Berg") || !strings.Contains(card, "anna@berg.example") {
		t.Errorf("contact.vcf is not Anna's card: %q; the zip holds %v", card, names)
	}
	for _, want := range []string{"timeline.json", "consent.json", "history.json"} {
		if !contains(names, want) {
			t.Errorf("the zip lacks %s; it holds %v", want, names)
		}
	}

	t.Run("AFailureIsSaid", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "gone", "anna.zip") // a folder that does not exist
		m.client.exportPersonalData(target)
		if !contains(dialogTexts(w), "Anna Berg's personal data was not exported") {
			t.Errorf("no error said; dialogs show %q", dialogTexts(w))
		}
	})

	t.Run("OpensASaveDialog", func(t *testing.T) {
		m.closeDialog()
		m.client.onExportPersonalData()
		if m.dialog == nil {
			t.Fatal("no save dialog opened")
		}
	})
}

func TestExportFileName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Anna Berg", "Anna Berg - personal data.zip"},
		{"A/B: \"C\"", "A-B- -C- - personal data.zip"},
		{"  ", "client - personal data.zip"},
	} {
		if got := exportFileName(tc.name); got != tc.want {
			t.Errorf("exportFileName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// requireDialog fails unless the open dialogs show every text of wants.
func requireDialog(t *testing.T, w fyne.Window, wants ...string) {
	t.Helper()
	texts := dialogTexts(w)
	for _, want := range wants {
		if !contains(texts, want) {
			t.Errorf("no dialog shows %q; they show %q", want, texts)
		}
	}
}

// findButtonIn is the button of the top dialog with this text.
func findButtonIn(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is open to tap %q in", text)
	}
	b := findButton(top, text)
	if b == nil {
		t.Fatalf("the dialog has no %q button; it shows %q", text, textsOf(top))
	}
	return b
}
