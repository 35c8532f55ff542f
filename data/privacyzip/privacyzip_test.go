package privacyzip

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"rapport/data"
)

func TestWriteFile(t *testing.T) {
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, time.March, 12, 10, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	anna := &data.Contact{Given: "Anna", Family: "Berg", Emails: []data.Email{{Address: "anna@berg.example"}}}
	if err := st.SaveContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if err := st.LogInteraction(ctx, &data.Interaction{ContactID: anna.ID, Kind: "purchase", At: now, AmountMinor: 12050, Currency: "EUR", Summary: "Linen dress"}); err != nil {
		t.Fatal(err)
	}
	rec, err := st.ClientRecord(ctx, anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "anna.zip")
	// A file already there, readable by all, is replaced whole.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, rec, now, time.UTC); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(b)
	}
	for _, tc := range []struct{ file, want string }{
		{"contact.vcf", "FN:Anna Berg"},
		{"contact.json", `"emails": [`},
		{"purchases.json", `"amount": "120.50"`},
		{"history.json", `"action": "created"`},
		{"README.txt", anna.ID},
	} {
		if got, ok := files[tc.file]; !ok || !strings.Contains(got, tc.want) {
			t.Errorf("%s lacks %q:\n%s", tc.file, tc.want, got)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".anna.zip.*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
