package data

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
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

// TestBufferedImportIsOrdinary: new contacts buffered and written in bulk give
// the same results, rows and operations as contacts created one by one, and
// later cards of the file still match the contacts earlier ones created.
func TestBufferedImportIsOrdinary(t *testing.T) {
	ctx := context.Background()
	extras := func(c ImportCard) ImportCard {
		c.Dates = []ImportantDate{{Kind: "anniversary", Label: "wedding", Date: Date{Year: 2010, Month: 6, Day: 1}, LeadDays: 14},
			{Kind: "birthday", LeadDays: DefaultLeadDays}}
		c.Preferences = []Preference{{Category: "size", Subject: "shoes", Value: "39"}, {Category: "Brand", Value: "Nord",
			Confirmed: Date{Year: 2025, Month: 1, Day: 2}}}
		c.Consents = []Consent{{Channel: "email", Status: "in", MaxPerMonth: 2}, {Channel: "SMS", Status: "out"}}
		return c
	}
	cards := []ImportCard{
		extras(ImportCard{UID: "u-1", Contact: Contact{Given: "Anna", Family: "Keller", Birthday: Date{Month: 3, Day: 13},
			Emails: []Email{{Address: "anna@example.com"}}, Tags: []string{"VIP"}}}),
		{UID: "u-1", Contact: Contact{Given: "Anna", Title: "Buyer"}},
		{Contact: Contact{Given: "Bo", Phones: []Phone{{Number: "+41 79 555 00 00"}}, Tags: []string{"VIP", "new"}}},
		{Contact: Contact{Given: "Bob", Phones: []Phone{{Number: "+41 79 555 00 00", Label: "mobile"}}}},
		{Contact: Contact{Given: "Cem", Family: "Yilmaz", Birthday: Date{Year: 1980, Month: 5, Day: 5}}},
		{Contact: Contact{Given: "cem", Family: "YILMAZ", Birthday: Date{Month: 5, Day: 5}, Notes: "Second card"}},
		{Contact: Contact{DisplayName: "Dora"}},
		{Contact: Contact{DisplayName: "Dora", Organization: "Dahl"}},
		{Contact: Contact{}}, // rejected
		{Contact: Contact{Given: "Anne", Emails: []Email{{Address: "ANNA@example.com"}}}},
		extras(ImportCard{Contact: Contact{Given: "Eve", Emails: []Email{{Address: "eve@example.com"}}}}),
		{Contact: Contact{DisplayName: "Fynn", Emails: []Email{{Address: "fynn@example.com"}}}},
		{Contact: Contact{Given: "Gil", Birthday: Date{Month: 7, Day: 9}}, Dates: []ImportantDate{{Kind: "birthday", LeadDays: 3}}},
	}
	// Enough more to take the large file's way (one rebuild at the end) and
	// to write the buffer twice while the next contacts are prepared.
	const more = 2*pendContacts + 100
	for i := 0; i < more; i++ {
		cards = append(cards, ImportCard{Contact: Contact{Given: "Client", Family: strconv.Itoa(i),
			Emails: []Email{{Address: "client" + strconv.Itoa(i%(more-10)) + "@example.com"}}, Tags: []string{"regular"}}})
	}
	run := func(buffer bool) (*Store, []ImportResult) {
		defer func(old bool) { bufferImports = old }(bufferImports)
		bufferImports = buffer
		s := openImportStore(t)
		if err := s.SaveContact(ctx, &Contact{Given: "Fynn", Emails: []Email{{Address: "other@example.com"}}}); err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportContacts(ctx, cards, ImportOptions{Source: "vcard: test.vcf"})
		if err != nil {
			t.Fatal(err)
		}
		return s, res
	}
	slow, want := run(false)
	fast, got := run(true)
	same := func(a, b []ImportResult) bool {
		ids := map[string]string{}
		for i := range a {
			x, y := a[i], b[i]
			if x.Action != y.Action || x.MatchedBy != y.MatchedBy || !reflect.DeepEqual(x.Changed, y.Changed) {
				return false
			}
			if prev, ok := ids[x.ContactID]; ok && prev != y.ContactID {
				return false
			}
			ids[x.ContactID] = y.ContactID
		}
		return true
	}
	if !same(want, got) {
		t.Errorf("results differ:\none by one %+v\nbuffered  %+v", want, got)
	}
	if want[1].Action != ImportUpdated || want[3].MatchedBy != "phone" || want[5].MatchedBy != "name and birthday" ||
		want[7].MatchedBy != "name and file" || want[8].Action != ImportRejected || want[9].MatchedBy != "email" {
		t.Errorf("unexpected results %+v", want)
	}
	if a, b := tableRows(t, slow), tableRows(t, fast); !reflect.DeepEqual(a, b) {
		t.Errorf("rows differ:\none by one %v\nbuffered  %v", a, b)
	}
	summary := func(s *Store) []string {
		var out []string
		for _, q := range []string{
			"SELECT tbl || ' ' || cl || ' ' || count(*) FROM sync_outbox GROUP BY tbl, cl ORDER BY 1",
			"SELECT 'pref ' || category || ' ' || subject || ' ' || value || ' ' || confirmed FROM preference ORDER BY 1",
			"SELECT 'consent ' || channel || ' ' || status || ' ' || max_per_month FROM consent ORDER BY 1",
			"SELECT 'event ' || channel || ' ' || status || ' ' || source FROM consent_event ORDER BY 1",
			"SELECT 'sort ' || sort_name FROM contact ORDER BY 1",
		} {
			rows, err := s.db.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				rows.Scan(&v)
				out = append(out, v)
			}
			rows.Close()
		}
		return out
	}
	if a, b := summary(slow), summary(fast); !reflect.DeepEqual(a, b) {
		t.Errorf("operations or extras differ:\none by one %v\nbuffered  %v", a, b)
	}
	checkInsertOps(t, fast)
	for _, q := range []string{"keller", "eve", "dora"} {
		a, _ := slow.Search(ctx, q, 10)
		b, err := fast.Search(ctx, q, 10)
		if err != nil || len(a) != len(b) || len(b) == 0 {
			t.Errorf("search %q: %d one by one, %d buffered (%v)", q, len(a), len(b), err)
		}
	}
}

// TestSetJSONIsMarshal: the buffered operations hold what json.Marshal gives.
func TestSetJSONIsMarshal(t *testing.T) {
	ts := syncedTables["contact"]
	w := &rowInserter{}
	for _, f := range []fields{
		{"given": "Zoë <&> \"q\" \\ \n\t\u2028", "bday_year": 1990, "photo": []byte("\x89PNG\x00"), "notes": ""},
		{"given": "a\xffb", "photo": []byte{}, "family": "\x01"},
		{"photo": nil, "bday_day": -3},
	} {
		all, err := ts.normalise(f)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(all)
		got, err := w.setJSON(ts, all)
		if err != nil || string(got) != string(want) {
			t.Errorf("%q, want %q (%v)", got, want, err)
		}
	}
}

// TestNamesakesWithTheirOwnUIDs: a large client book holds people of the same
// name and birthday, and couples sharing a landline or an address; cards whose UIDs differ stay two clients, in one file, in
// a file imported again, and in a file imported in parts. A card without a UID
// still matches its namesake.
func TestNamesakesWithTheirOwnUIDs(t *testing.T) {
	ctx := context.Background()
	anna := func(uid, note string) ImportCard {
		return ImportCard{UID: uid, Contact: Contact{Given: "Anna", Family: "Keller", Birthday: Date{Month: 3, Day: 13}, Notes: note}}
	}
	couple := func(uid, given string) ImportCard {
		return ImportCard{UID: uid, Contact: Contact{Given: given, Family: "Keller", Phones: []Phone{{Number: "+49 30 1234567", Label: "home"}}}}
	}
	tests := []struct {
		name   string
		first  []ImportCard // imported before, from the same file
		cards  []ImportCard
		wantBy []string // MatchedBy per card, "" for created
	}{
		{"one file", nil, []ImportCard{anna("u-1", ""), anna("u-2", "")}, []string{"", ""}},
		{"again", []ImportCard{anna("u-1", ""), anna("u-2", "")}, []ImportCard{anna("u-1", ""), anna("u-2", "")}, []string{"uid", "uid"}},
		{"in parts", []ImportCard{anna("u-1", "")}, []ImportCard{anna("u-2", "")}, []string{""}},
		{"no uid", []ImportCard{anna("u-1", "")}, []ImportCard{anna("", "from the phone")}, []string{"name and birthday"}},
		{"no uid, same file", nil, []ImportCard{anna("u-1", ""), anna("", "")}, []string{"", "name and birthday"}},
		{"shared landline", nil, []ImportCard{couple("u-1", "Anna"), couple("u-2", "Ben")}, []string{"", ""}},
		{"shared landline, in parts", []ImportCard{couple("u-1", "Anna")}, []ImportCard{couple("u-2", "Ben")}, []string{""}},
		{"landline, no uid", []ImportCard{couple("u-1", "Anna")}, []ImportCard{couple("", "Anna K.")}, []string{"phone"}},
		{"shared address", nil, []ImportCard{
			{UID: "u-1", Contact: Contact{Given: "Anna", Emails: []Email{{Address: "kellers@example.com"}}}},
			{UID: "u-2", Contact: Contact{Given: "Ben", Emails: []Email{{Address: "kellers@example.com"}}}},
		}, []string{"", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openImportStore(t)
			opts := ImportOptions{Source: "vcard: clients.vcf"}
			if tc.first != nil {
				if _, err := s.ImportContacts(ctx, tc.first, opts); err != nil {
					t.Fatal(err)
				}
			}
			res, err := s.ImportContacts(ctx, tc.cards, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.MatchedBy != tc.wantBy[i] {
					t.Errorf("card %d matched by %q (%s), want %q", i, r.MatchedBy, r.Action, tc.wantBy[i])
				}
			}
		})
	}
}

// A batch that fails on the writer goroutine fails its file: nothing of the
// file stays, and the error reaches the caller, whether the failing batch is
// written while later cards are mapped or as the file's last.
func TestFailedBatchWriteLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		at   int // index of the card the database refuses
	}{
		{"batch written while the next is mapped", 10},
		{"last batch", pendContacts + 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openImportStore(t)
			if err := s.SaveContact(ctx, &Contact{Given: "Kept", Family: "Before"}); err != nil {
				t.Fatal(err)
			}
			// The database itself refuses one row, as a full disk or a
			// broken constraint would, deep inside a multi-row insert.
			if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON contact
				WHEN NEW.family = 'Refused' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
				t.Fatal(err)
			}
			var cards []ImportCard
			for i := 0; i < pendContacts+50; i++ {
				family := strconv.Itoa(i)
				if i == tc.at {
					family = "Refused"
				}
				cards = append(cards, ImportCard{Contact: Contact{Given: "Client", Family: family,
					Emails: []Email{{Address: "client" + strconv.Itoa(i) + "@example.com"}}, Tags: []string{"regular"}}})
			}
			_, err := s.ImportContacts(ctx, cards, ImportOptions{Source: "vcard: test.vcf"})
			if err == nil || !strings.Contains(err.Error(), "refused by the test") {
				t.Fatalf("import error: %v", err)
			}
			if n, err := s.CountContacts(ctx, ""); err != nil || n != 1 {
				t.Fatalf("contacts after the failed file: %d, %v", n, err)
			}
			// The store is usable afterwards.
			if err := s.SaveContact(ctx, &Contact{Given: "After"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
