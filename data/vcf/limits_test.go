package vcf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rapport/data"
)

func TestImportLimits(t *testing.T) {
	ctx := context.Background()
	card := func(name, extra string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\nN:" + name + ";;;;\r\n" + extra + "END:VCARD\r\n"
	}

	t.Run("a property beyond the limit", func(t *testing.T) {
		s := openStore(t)
		huge := "NOTE:" + strings.Repeat("a", data.MaxPropertyBytes) + "\r\n"
		in := card("Keller", huge) + card("Roth", "")
		r := NewReport(false)
		if err := (&Importer{Store: s}).Import(ctx, "big-note.vcf", []byte(in), r); err != nil {
			t.Fatal(err)
		}
		if r.Created != 2 {
			t.Fatalf("created %d, want both cards", r.Created)
		}
		found := false
		for _, w := range r.Warnings {
			found = found || w.Field == "NOTE" && w.Line == 5 && strings.Contains(w.Message, "dropped")
		}
		if !found {
			t.Errorf("no warning naming NOTE at line 5: %+v", r.Warnings)
		}
	})

	t.Run("too many cards", func(t *testing.T) {
		defer func(n int) { maxCards = n }(maxCards)
		maxCards = 3
		s := openStore(t)
		in := strings.Repeat(card("Same", ""), 4)
		r := NewReport(false)
		err := (&Importer{Store: s}).Import(ctx, "many.vcf", []byte(in), r)
		if !errors.Is(err, data.ErrTooLarge) || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "4 cards") {
			t.Fatalf("import of too many cards: %v, %+v", err, r.Errors)
		}
		if n, _ := s.CountContacts(ctx, ""); n != 0 {
			t.Errorf("%d contacts imported from a refused file", n)
		}
	})

	t.Run("a file beyond the limit is not read", func(t *testing.T) {
		s := openStore(t)
		path := filepath.Join(t.TempDir(), "huge.vcf")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		// A sparse file: its size is what is checked, before anything is read.
		if err := os.Truncate(path, data.MaxImportFileBytes+1); err != nil {
			t.Skip("cannot make a sparse file here:", err)
		}
		r := NewReport(false)
		err = (&Importer{Store: s}).ImportFile(ctx, path, r)
		if !errors.Is(err, data.ErrTooLarge) || len(r.Errors) != 1 || r.Errors[0].File != path || r.Files != 1 {
			t.Fatalf("import of a huge file: %v, %+v", err, r)
		}
	})
}
