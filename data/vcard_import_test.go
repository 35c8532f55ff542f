package data

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"
)

func openImportStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return s
}

func importCards() []Contact {
	return []Contact{
		{Given: "Anna", Family: "Keller", Nickname: "Annie", Organization: "Keller AG", Title: "Buyer",
			Birthday: Date{Month: 3, Day: 13}, Notes: "Prefers mornings", Photo: []byte("\x89PNG..."),
			ExtraVCard: "GENDER:F", Emails: []Email{{Address: "anna@example.com", Label: "home", Preferred: true}},
			Phones:    []Phone{{Number: "+41 79 123 45 67", Label: "mobile"}, {Number: "044 123 45 67"}},
			Addresses: []Address{{Street: "Bahnhofstrasse 1", Locality: "Zürich", PostalCode: "8001", Label: "work"}},
			URLs:      []URL{{URL: "https://keller.example", Label: "work"}},
			Tags:      []string{"VIP", "linen  natural", "vip"}},
		{DisplayName: "Bo", Tags: []string{"VIP"}, Birthday: Date{Year: 1990, Month: 2, Day: 28}},
		{Organization: "Atelier Nord", PhotoURL: "https://example.com/a.jpg"},
	}
}

// rows gives every live row of the contact tables, without ids and stamps,
// with contact ids replaced by the contact's display name.
func tableRows(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	names := map[string]string{}
	rows, err := s.db.QueryContext(ctx, "SELECT id, display_name FROM contact")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, n string
		rows.Scan(&id, &n)
		names[id] = n
	}
	rows.Close()
	out := map[string][]string{}
	err = s.write(ctx, func(tx *txn) error {
		for _, table := range []string{"contact", "contact_email", "contact_phone", "contact_address", "contact_url", "tag", "contact_tag", "important_date"} {
			ts := syncedTables[table]
			ids, err := tx.QueryContext(ctx, "SELECT id FROM "+table+" ORDER BY rowid")
			if err != nil {
				return err
			}
			var all []string
			for ids.Next() {
				var id string
				ids.Scan(&id)
				all = append(all, id)
			}
			ids.Close()
			for _, id := range all {
				cl, _, vals, _, err := tx.readRow(ts, id, ts.order)
				if err != nil {
					return err
				}
				for _, c := range []string{"contact_id", "tag_id"} {
					if v, ok := vals[c].(string); ok && names[v] != "" {
						vals[c] = names[v]
					}
				}
				if table == "contact_tag" {
					delete(vals, "tag_id")
				}
				delete(vals, "created")
				delete(vals, "updated")
				b, _ := json.Marshal(vals)
				out[table] = append(out[table], string(b)+" cl="+string(rune('0'+cl)))
			}
			sort.Strings(out[table]) // SaveContact adds tags in map order
		}
		return errDryRun
	})
	if err != errDryRun {
		t.Fatal(err)
	}
	return out
}

// TestFastCreateIsSaveContact: a contact created by an import holds the same
// rows as one created by SaveContact, and every row's insert operation holds
// the whole row, as put records it.
func TestFastCreateIsSaveContact(t *testing.T) {
	ctx := context.Background()
	slow, fast := openImportStore(t), openImportStore(t)
	if !covered() {
		t.Fatal("the fast insert does not cover the synced columns; update fastColumns and createContact")
	}
	var cards []ImportCard
	for _, c := range importCards() {
		c.Source = "vcard: test.vcf"
		cc := c
		if err := slow.SaveContact(ctx, &cc); err != nil {
			t.Fatal(err)
		}
		cards = append(cards, ImportCard{Contact: c})
	}
	res, err := fast.ImportContacts(ctx, cards, ImportOptions{Source: "vcard: test.vcf"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Action != ImportCreated {
			t.Fatalf("results %+v", res)
		}
	}
	if a, b := tableRows(t, slow), tableRows(t, fast); !reflect.DeepEqual(a, b) {
		t.Errorf("rows differ:\nSaveContact %v\nimport      %v", a, b)
	}
	for _, s := range []*Store{slow, fast} {
		checkInsertOps(t, s)
	}
	if got, err := fast.Search(ctx, "keller", 10); err != nil || len(got) != 1 {
		t.Errorf("search after the import: %v, %v", got, err)
	}
	// Importing the same cards again finds them all.
	again, err := fast.ImportContacts(ctx, cards, ImportOptions{Source: "vcard: test.vcf"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Action != ImportUnchanged {
			t.Errorf("again: %+v", r)
		}
	}
}

// checkInsertOps checks that the first operation of every row sets every
// synced column to what the row held when it was created.
func checkInsertOps(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, "SELECT tbl, row_id, cl, set_json FROM sync_outbox ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	type op struct {
		table, row string
		cl         int64
		set        string
	}
	var ops []op
	for rows.Next() {
		var o op
		rows.Scan(&o.table, &o.row, &o.cl, &o.set)
		ops = append(ops, o)
	}
	rows.Close()
	first := map[string]bool{}
	later := map[string]bool{}
	for _, o := range ops {
		k := o.table + " " + o.row
		if first[k] {
			later[k] = true
			continue
		}
		first[k] = true
		var set map[string]any
		if err := json.Unmarshal([]byte(o.set), &set); err != nil || o.cl != 1 || len(set) != len(syncedTables[o.table].order) {
			t.Errorf("%s: first operation cl %d set %s", k, o.cl, o.set)
		}
	}
	// Rows written once must hold exactly what their operation says.
	s.write(ctx, func(tx *txn) error {
		for _, o := range ops {
			k := o.table + " " + o.row
			if later[k] {
				continue
			}
			ts := syncedTables[o.table]
			_, _, vals, _, err := tx.readRow(ts, o.row, ts.order)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(vals)
			if string(b) != o.set {
				t.Errorf("%s: row %s, operation %s", k, b, o.set)
			}
		}
		return errDryRun
	})
}
