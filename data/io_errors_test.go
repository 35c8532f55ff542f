package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFullDiskAndReadOnly: a write the disk refuses says why, and loses
// nothing saved before; a large import is refused whole.
func TestFullDiskAndReadOnly(t *testing.T) {
	ctx := context.Background()
	cards := make([]ImportCard, 3000)
	for i := range cards {
		cards[i] = ImportCard{Contact: Contact{Given: "Client", Family: fmt.Sprintf("N%05d", i),
			Notes: strings.Repeat("likes linen ", 20), Emails: []Email{{Address: fmt.Sprintf("c%d@example.com", i)}}}}
	}
	for _, tc := range []struct {
		name   string
		refuse string // what makes the database refuse writes, on its one connection
		want   error
	}{
		// SQLite reports a database that reached its page limit exactly as a full disk.
		{"full disk", "PRAGMA max_page_count = %d", ErrDiskFull},
		{"read-only", "PRAGMA query_only = 1", ErrReadOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openImportStore(t)
			addClients(t, s, "Anna", "Bea")
			s.db.SetMaxOpenConns(1)
			var pages int
			if err := s.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
				t.Fatal(err)
			}
			q := tc.refuse
			if strings.Contains(q, "%d") {
				q = fmt.Sprintf(q, pages+5)
			}
			if _, err := s.db.Exec(q); err != nil {
				t.Fatal(err)
			}
			_, err := s.ImportContacts(ctx, cards, ImportOptions{Source: "test"})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "everything saved before is kept") {
				t.Fatalf("import: %v, want %v", err, tc.want)
			}
			err = s.SaveContact(ctx, &Contact{Given: "Chloé", Notes: strings.Repeat("x", 64<<10)})
			if !errors.Is(err, tc.want) {
				t.Fatalf("save: %v, want %v", err, tc.want)
			}
			if n, _ := s.CountContacts(ctx, ""); n != 2 {
				t.Errorf("%d clients after the refused writes, want the 2 saved before", n)
			}
		})
	}
}

// TestReadOnlyFolder: a database in a folder the user may not write is
// refused with a clear error. (Root may write anywhere, so it is skipped there.)
func TestReadOnlyFolder(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a user that folder permissions apply to")
	}
	dir := filepath.Join(t.TempDir(), "shop")
	os.Mkdir(dir, 0o700)
	path := filepath.Join(dir, "rapport.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	addClients(t, s, "Anna")
	s.Close()
	os.Chmod(path, 0o400)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	s, err = Open(context.Background(), path)
	if err == nil {
		err = s.SaveContact(context.Background(), &Contact{Given: "Bea"})
		defer s.Close()
	}
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("writing in a read-only folder: %v, want ErrReadOnly", err)
	}
}
