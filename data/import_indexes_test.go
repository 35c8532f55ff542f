package data

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// indexDefs is every index of the database with its definition.
func indexDefs(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.db.Query("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	defs := map[string]string{}
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			t.Fatal(err)
		}
		defs[n] = d
	}
	return defs
}

// TestLargeImportKeepsIndexes: the indexes a large import puts off are all
// there afterwards, whether the file ends, fails, is a dry run, or has to
// ask the database halfway through (a card matching one written before).
func TestLargeImportKeepsIndexes(t *testing.T) {
	ctx := context.Background()
	cards := func(n int, dupOf int) []ImportCard {
		out := make([]ImportCard, n)
		for i := range out {
			k := i
			if dupOf >= 0 && i == n-1 {
				k = dupOf // the same person again, at the end of the file
			}
			out[i] = ImportCard{Contact: Contact{Given: "Client", Family: fmt.Sprintf("N%05d", k),
				Emails: []Email{{Address: fmt.Sprintf("c%d@example.com", k)}}}}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		cards   []ImportCard
		dryRun  bool
		created int
		updated int
	}{
		{"whole file", cards(bigImport+10, -1), false, bigImport + 10, 0},
		{"match after the buffer was written", cards(pendContacts+500, 3), false, pendContacts + 499, 1},
		{"dry run", cards(bigImport, -1), true, bigImport, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openImportStore(t)
			want := indexDefs(t, s)
			for _, n := range deferrableIndexes {
				if want[n] == "" {
					t.Fatalf("index %s is not in the schema: deferrableIndexes is out of date", n)
				}
			}
			res, err := s.ImportContacts(ctx, tc.cards, ImportOptions{DryRun: tc.dryRun, Source: "test"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range res {
				got[r.Action]++
			}
			if got[ImportCreated] != tc.created || got[ImportUpdated]+got[ImportUnchanged] != tc.updated {
				t.Errorf("results %v, want %d created and %d matched", got, tc.created, tc.updated)
			}
			if have := indexDefs(t, s); !reflect.DeepEqual(have, want) {
				t.Errorf("indexes after the import:\n%v\nwant\n%v", have, want)
			}
			n, err := s.CountContacts(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if wantN := tc.created; tc.dryRun && n != 0 || !tc.dryRun && n != wantN {
				t.Errorf("%d contacts in the book", n)
			}
			var integrity string
			if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
				t.Fatalf("integrity check: %q %v", integrity, err)
			}
		})
	}
}
