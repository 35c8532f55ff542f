package data

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func checkStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if err := s.LoadDemo(ctx, 7, 200); err != nil {
		t.Fatal(err)
	}
	// A healthy book has deleted clients, and one deleted and restored.
	list, err := s.ListContacts(ctx, ListQuery{Limit: 3})
	if err != nil || len(list) != 3 {
		t.Fatal(list, err)
	}
	for _, c := range list {
		if err := s.DeleteContact(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RestoreContact(ctx, list[2].ID); err != nil {
		t.Fatal(err)
	}
	return s
}

// rawDB is a second connection that goes around the store, with foreign
// keys off, to damage the database the ways a bug or a crash of another
// program might.
func rawDB(t *testing.T, s *Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=foreign_keys(0)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		damage     string
		quick      bool
		area       string
		repairable bool
	}{
		{"healthy", "", false, "", true},
		{"healthy, quick", "", true, "", true},
		{"client missing from search", "DELETE FROM contact_doc WHERE rowid IN (SELECT rowid FROM contact_doc LIMIT 3)", true, areaSearch, true},
		{"deleted client still found", `INSERT INTO contact_search(rowid, name, other, digits)
			SELECT d.doc, 'ghost', '', '' FROM contact_doc d JOIN contact c ON c.id = d.contact_id WHERE c.cl % 2 = 0 LIMIT 1`, true, areaSearch, true},
		{"search document of nobody", "INSERT INTO contact_search(rowid, name, other, digits) VALUES (987654321, 'ghost', '', '')", true, areaSearch, true},
		{"figures drifted", "UPDATE contact_stats SET visits = visits + 5 WHERE contact_id IN (SELECT contact_id FROM contact_stats LIMIT 2)", false, areaFigures, true},
		{"figures missing", "DELETE FROM contact_stats WHERE contact_id IN (SELECT contact_id FROM contact_stats LIMIT 2)", true, areaFigures, true},
		{"phone of no client", "INSERT INTO contact_phone(id, cl, stamp, contact_id, number) VALUES ('0190aaaa-0000-7000-8000-000000000001', 1, '', 'nobody', '+41 79 000 00 00')", true, areaForeignKeys, false},
		{"change stamped after the clock", "UPDATE sync_outbox SET hlc = 'ffffffffffffffff' WHERE seq = (SELECT min(seq) FROM sync_outbox)", false, areaSync, false},
		{"row removed behind change capture", "DELETE FROM task WHERE rowid IN (SELECT rowid FROM task LIMIT 1)", false, areaSync, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := checkStore(t)
			if tc.damage != "" {
				if _, err := rawDB(t, s).Exec(tc.damage); err != nil {
					t.Fatal(err)
				}
			}
			r, err := s.Check(ctx, tc.quick, false)
			if err != nil {
				t.Fatal(err)
			}
			if tc.area == "" {
				if len(r.Problems) != 0 || !r.OK() {
					t.Fatalf("problems in a healthy database: %+v", r.Problems)
				}
				return
			}
			found := false
			for _, p := range r.Problems {
				found = found || p.Area == tc.area
			}
			if !found || r.OK() {
				t.Fatalf("no %s problem found: %+v", tc.area, r.Problems)
			}
			r, err = s.Check(ctx, tc.quick, true)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() != tc.repairable {
				t.Fatalf("after repair: OK %v, want %v: %+v", r.OK(), tc.repairable, r.Problems)
			}
			if tc.repairable {
				if again, _ := s.Check(ctx, false, false); !again.OK() || len(again.Problems) != 0 {
					t.Errorf("problems left after the repair: %+v", again.Problems)
				}
			}
		})
	}
}

// TestCheckDamagedFile: a file with damaged pages is reported, not a crash.
func TestCheckDamagedFile(t *testing.T) {
	ctx := context.Background()
	s := checkStore(t)
	path := s.Path()
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	for off := len(b) / 2 / page * page; off+page < len(b); off += 7 * page {
		copy(b[off+100:off+400], strings.Repeat("\xff", 300))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, path)
	if err != nil {
		// Damage where opening reads is reported by Open itself.
		t.Logf("open: %v", err)
		return
	}
	defer d.Close()
	done := make(chan CheckReport)
	go func() {
		r, err := d.Check(ctx, false, true)
		if err != nil {
			t.Errorf("check of a damaged file: %v, want a report", err)
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.OK() {
			t.Fatalf("damaged file reported healthy: %+v", r)
		}
		if r.Problems[0].Area != areaDatabase {
			t.Errorf("first problem %+v, want the database's own check", r.Problems[0])
		}
	case <-time.After(time.Minute):
		t.Fatal("check of a damaged file did not finish")
	}
}
