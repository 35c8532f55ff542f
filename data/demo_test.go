package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

var demoNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

func TestGenerateShopIsDeterministic(t *testing.T) {
	a := GenerateShop(7, 300, demoNow)
	b := GenerateShop(7, 300, demoNow)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two shops generated with the same seed differ")
	}
	c := GenerateShop(8, 300, demoNow)
	if reflect.DeepEqual(a.Contacts, c.Contacts) {
		t.Fatal("shops generated with different seeds are the same")
	}
}

// TestGenerateShopLooksReal checks the generated shop has what the brief of
// a demo asks for: names with accents in several languages, numbers typed many
// ways that still read as E.164, Feb 29 and year-less birthdays, about ten
// timeline entries per client, and so on.
func TestGenerateShopLooksReal(t *testing.T) {
	const n = 3000
	d := GenerateShop(1, n, demoNow)
	if len(d.Contacts) != n {
		t.Fatalf("%d contacts, want %d", len(d.Contacts), n)
	}
	s := &Store{Region: "DE"}
	var accented, phones, e164, feb29, noYear, photos int
	ids := map[string]bool{}
	emails := map[string]string{}
	countries := map[string]bool{}
	for i := range d.Contacts {
		c := &d.Contacts[i]
		if ids[c.ID] {
			t.Fatalf("contact id %s twice", c.ID)
		}
		ids[c.ID] = true
		// A shared address would make two clients one to an import's matching.
		for _, e := range c.Emails {
			if other, ok := emails[e.Address]; ok {
				t.Fatalf("%s is the address of clients %s and %s", e.Address, other, c.ID)
			}
			emails[e.Address] = c.ID
		}
		if err := s.prepareContact(c); err != nil {
			t.Fatalf("contact %d %+v: %v", i, c, err)
		}
		if strings.ContainsAny(c.DisplayName, "éèüöäßłńśżçğışñíóúàòùåøæōū") {
			accented++
		}
		for _, p := range c.Phones {
			phones++
			if p.E164 != "" {
				e164++
				countries[p.E164[:3]] = true
			}
		}
		if c.Birthday.Month == time.February && c.Birthday.Day == 29 {
			feb29++
		}
		if !c.Birthday.IsZero() && c.Birthday.Year == 0 {
			noYear++
		}
		if len(c.Photo) > 0 {
			photos++
			if len(c.Photo) > 2000 || string(c.Photo[1:4]) != "PNG" {
				t.Errorf("photo of %d bytes, want a small PNG", len(c.Photo))
			}
		}
	}
	perClient := float64(len(d.Interactions)) / n
	kinds := map[string]int{}
	currencies := map[string]int{}
	for _, in := range d.Interactions {
		kinds[in.Kind]++
		if in.Kind == "purchase" {
			currencies[in.Currency]++
		}
		if in.At.After(demoNow) {
			t.Fatalf("interaction in the future: %+v", in)
		}
	}
	var upcoming int
	zones := map[string]bool{}
	for _, a := range d.Appointments {
		zones[a.TZ] = true
		if a.Start.After(demoNow) {
			upcoming++
		}
	}
	t.Logf("%d contacts: %d accented, %d/%d phones read as E.164 from %d countries, %d Feb 29 and %d year-less birthdays, %d photos; "+
		"%.1f interactions per client %v; currencies %v; %d appointments (%d coming) in %d zones; %d preferences, %d consents, %d dates, %d tasks",
		n, accented, e164, phones, len(countries), feb29, noYear, photos, perClient, kinds, currencies, len(d.Appointments), upcoming,
		len(zones), len(d.Preferences), len(d.Consents), len(d.Dates), len(d.Tasks))
	switch {
	case accented < n/5:
		t.Errorf("only %d of %d names have accents", accented, n)
	case e164 < phones*95/100:
		t.Errorf("only %d of %d phones read as E.164", e164, phones)
	case len(countries) < 8:
		t.Errorf("phones from %d countries", len(countries))
	case feb29 == 0 || noYear < n/20:
		t.Errorf("%d Feb 29 and %d year-less birthdays", feb29, noYear)
	case photos == 0:
		t.Error("no photos")
	case perClient < 8 || perClient > 12:
		t.Errorf("%.1f interactions per client, want about 10", perClient)
	case len(kinds) != len(InteractionKinds):
		t.Errorf("interaction kinds %v, want all of %v", kinds, InteractionKinds)
	case currencies["EUR"] < len(d.Interactions)/5:
		t.Errorf("currencies %v: EUR should dominate", currencies)
	case upcoming == 0 || len(zones) < 2:
		t.Errorf("%d upcoming appointments in zones %v", upcoming, zones)
	}
}

// TestBulkLoadMatchesAPI loads one generated shop through the ordinary
// methods and through BulkLoad, with the same ids, and compares the stores:
// every synced row, the search documents, the figures, and the outbox (the
// ordinary path records several operations per row, BulkLoad one full-row
// insert, which must be what txn.insert records).
func TestBulkLoadMatchesAPI(t *testing.T) {
	ctx := context.Background()
	viaAPI, viaBulk := GenerateShop(3, 40, demoNow), GenerateShop(3, 40, demoNow)
	addEdgeCases(viaAPI)
	addEdgeCases(viaBulk)

	a := openTest(t)
	ids := map[string]string{} // the generator's contact ids to those SaveContact gave
	for i := range viaAPI.Contacts {
		c := &viaAPI.Contacts[i]
		gen := c.ID
		c.ID = ""
		for j := range c.Emails {
			c.Emails[j].ID = ""
		}
		for j := range c.Phones {
			c.Phones[j].ID = ""
		}
		for j := range c.Addresses {
			c.Addresses[j].ID = ""
		}
		for j := range c.URLs {
			c.URLs[j].ID = ""
		}
		at(a, c.Created)
		if err := a.SaveContact(ctx, c); err != nil {
			t.Fatalf("contact %d: %v", i, err)
		}
		ids[gen] = c.ID
	}
	remapContacts(viaAPI, ids)
	updated := map[string]time.Time{}
	for _, c := range viaAPI.Contacts {
		updated[c.ID] = c.Updated
	}
	for i := range viaAPI.Preferences {
		if err := a.SetPreference(ctx, &viaAPI.Preferences[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range viaAPI.Consents {
		for _, e := range c.History {
			at(a, e.At)
			a.Staff = e.RecordedBy
			if err := a.SetConsent(ctx, c.ContactID, c.Channel, e.Status, c.MaxPerMonth, e.Source); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.Staff = ""
	at(a, demoNow)
	for i := range viaAPI.Interactions {
		if err := a.LogInteraction(ctx, &viaAPI.Interactions[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range viaAPI.Appointments {
		if err := a.AddAppointment(ctx, &viaAPI.Appointments[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range viaAPI.Dates {
		d := &viaAPI.Dates[i]
		at(a, updated[d.ContactID]) // a birthday date sets the contact's updated
		if err := a.AddImportantDate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	at(a, demoNow)
	for i := range viaAPI.Tasks {
		if err := a.AddTask(ctx, &viaAPI.Tasks[i]); err != nil {
			t.Fatal(err)
		}
	}

	// The same ids for the bulk load: those the methods gave.
	for i := range viaBulk.Contacts {
		c, ac := &viaBulk.Contacts[i], &viaAPI.Contacts[i]
		c.ID = ac.ID
		for j := range c.Emails {
			c.Emails[j].ID = ac.Emails[j].ID
		}
		for j := range c.Phones {
			c.Phones[j].ID = ac.Phones[j].ID
		}
		for j := range c.Addresses {
			c.Addresses[j].ID = ac.Addresses[j].ID
		}
		for j := range c.URLs {
			c.URLs[j].ID = ac.URLs[j].ID
		}
	}
	remapContacts(viaBulk, ids)
	for i := range viaBulk.Preferences {
		viaBulk.Preferences[i].ID = viaAPI.Preferences[i].ID
	}
	events := queryStrings(t, a.db, "SELECT id FROM consent_event ORDER BY rowid")
	for i := range viaBulk.Consents {
		for j := range viaBulk.Consents[i].History {
			viaBulk.Consents[i].History[j].ID, events = events[0], events[1:]
		}
	}
	b := openTest(t)
	if err := b.BulkLoad(ctx, viaBulk); err != nil {
		t.Fatal(err)
	}

	for _, table := range bulkDumpTables() {
		want, got := dumpTable(t, a, table), dumpTable(t, b, table)
		// The demo shop has no web links, erased no one, and has no loyalty
		// programme, saved segments or check-in rules yet, so nothing of
		// those is loaded either way.
		if len(want) == 0 && table != "contact_url" && table != "erasure" && !strings.HasPrefix(table, "loyalty_") && table != "segment" && table != "checkin_rule" {
			t.Errorf("%s: nothing loaded", table)
		}
		if d := firstDifference(want, got); d != "" {
			t.Errorf("%s through the methods and through BulkLoad differ: %s", table, d)
		}
	}
	// The words of the search documents in order: SaveContact adds tags in
	// no particular order, and group_concat lists them in the order added.
	docs := "SELECT d.contact_id, s.name, s.other, s.digits FROM contact_search s JOIN contact_doc d ON d.doc = s.rowid ORDER BY d.contact_id"
	if d := firstDifference(sortedWords(queryRows(t, a.db, docs)), sortedWords(queryRows(t, b.db, docs))); d != "" {
		t.Errorf("search documents differ: %s", d)
	}
	stats := "SELECT * FROM contact_stats ORDER BY contact_id"
	if d := firstDifference(queryRows(t, a.db, stats), queryRows(t, b.db, stats)); d != "" {
		t.Errorf("figures differ: %s", d)
	}
	if want, got := foldOutbox(t, a), foldOutbox(t, b); !reflect.DeepEqual(want, got) {
		t.Errorf("the outboxes describe different rows (%d and %d rows)", len(want), len(got))
		for k, w := range want {
			if g := got[k]; !reflect.DeepEqual(w, g) {
				t.Errorf("%s: methods %v, bulk %v", k, w, g)
				break
			}
		}
	}
	checkBulkOutbox(t, b)

	// The result is searchable and listed like any other.
	c := viaBulk.Contacts[0]
	found, err := b.Search(ctx, c.Family, 50)
	if err != nil {
		t.Fatal(err)
	}
	if !containsID(found, c.ID) {
		t.Errorf("search for %q does not find %s", c.Family, c.DisplayName)
	}
	if n, _ := b.CountContacts(ctx, ""); n != len(viaBulk.Contacts) {
		t.Errorf("%d contacts, want %d", n, len(viaBulk.Contacts))
	}
}

// addEdgeCases adds a client whose data is awkward for a writer: text that is
// not UTF-8, characters JSON escapes, an empty photo, one tag spelt twice,
// and one preference set twice.
func addEdgeCases(d *ShopData) {
	id := "0190e0c0-0000-7000-8000-00000000edge"
	d.Contacts = append(d.Contacts, Contact{ID: id, Given: "Zo\xffé", Family: "O'Brien <&>", Notes: "line\u2028sep\x01\t\"quoted\"\\",
		Photo: []byte{}, Tags: []string{"VIP", "vip ", "  Late   Bloomer "}, Created: demoNow.Add(-time.Hour), Updated: demoNow.Add(-time.Hour),
		Emails: []Email{{Address: "zoe@example.com"}}, Phones: []Phone{{Number: "+33 6 12 34 56 78"}, {Number: "030 1234567", Label: "work"}},
		URLs: []URL{{URL: "https://example.com/zoé", Label: "web"}}})
	d.Preferences = append(d.Preferences,
		Preference{ContactID: id, Category: "Size", Subject: "Dress", Value: "38", Confirmed: Date{2025, 1, 2}},
		Preference{ContactID: id, Category: "size", Subject: "dress ", Value: "40", Confirmed: Date{2026, 1, 2}})
	d.Interactions = append(d.Interactions, Interaction{ID: "0190e0c0-0000-7000-8000-0000000000e1", ContactID: id, Kind: "Purchase",
		At: demoNow.Add(-time.Minute), AmountMinor: 1995, Currency: "eur", Summary: "tab\there", Body: "\x00nul"})
}

func remapContacts(d *ShopData, ids map[string]string) {
	m := func(id string) string {
		if n, ok := ids[id]; ok {
			return n
		}
		return id
	}
	for i := range d.Preferences {
		d.Preferences[i].ContactID = m(d.Preferences[i].ContactID)
	}
	for i := range d.Consents {
		d.Consents[i].ContactID = m(d.Consents[i].ContactID)
	}
	for i := range d.Interactions {
		d.Interactions[i].ContactID = m(d.Interactions[i].ContactID)
		d.Interactions[i].ReferredID = m(d.Interactions[i].ReferredID)
	}
	for i := range d.Appointments {
		d.Appointments[i].ContactID = m(d.Appointments[i].ContactID)
	}
	for i := range d.Dates {
		d.Dates[i].ContactID = m(d.Dates[i].ContactID)
	}
	for i := range d.Tasks {
		d.Tasks[i].ContactID = m(d.Tasks[i].ContactID)
	}
}

func bulkDumpTables() []string {
	var out []string
	for name := range syncedTables {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// dumpTable is every row of a table, every column but the stamp, by id.
func dumpTable(t *testing.T, s *Store, table string) [][]any {
	t.Helper()
	cols := queryStrings(t, s.db, "SELECT name FROM pragma_table_info(?) WHERE name <> 'stamp' ORDER BY cid", table)
	return queryRows(t, s.db, "SELECT "+strings.Join(cols, ", ")+" FROM "+table+" ORDER BY id")
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func queryRows(t *testing.T, db *sql.DB, q string, args ...any) [][]any {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(cols))
		for i, v := range vals {
			row[i] = fmt.Sprintf("%#v", v)
		}
		out = append(out, row)
	}
	return out
}

func firstDifference(want, got [][]any) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if !reflect.DeepEqual(want[i], got[i]) {
			return fmt.Sprintf("row %d:\n\tmethods %v\n\tbulk    %v", i, want[i], got[i])
		}
	}
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows through the methods, %d through BulkLoad", len(want), len(got))
	}
	return ""
}

// foldOutbox replays the outbox into the state it describes: for each row,
// its causal length and the last value sent for each field.
func foldOutbox(t *testing.T, s *Store) map[string]map[string]any {
	t.Helper()
	ops, _, err := s.Outbox(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, op := range ops {
		k := op.Table + " " + op.Row
		if out[k] == nil {
			out[k] = map[string]any{}
		}
		for c, v := range op.Set {
			out[k][c] = fmt.Sprint(v)
		}
		out[k]["cl"] = op.CL
	}
	return out
}

// checkBulkOutbox checks that every row BulkLoad wrote has one operation: an
// insert with every field, byte for byte what txn.insert records, whose stamp
// is the row's.
func checkBulkOutbox(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rt := &txn{Tx: tx, ctx: ctx, s: s}
	rows, err := tx.Query("SELECT op_id, hlc, tbl, row_id, cl, set_json FROM sync_outbox ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	type op struct {
		id, hlc, tbl, row, set string
		cl                     int64
	}
	var ops []op
	for rows.Next() {
		var o op
		if err := rows.Scan(&o.id, &o.hlc, &o.tbl, &o.row, &o.cl, &o.set); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, o)
	}
	rows.Close()
	seen := map[string]bool{}
	last := ""
	for _, o := range ops {
		if o.hlc <= last {
			t.Fatalf("hlc %s after %s", o.hlc, last)
		}
		last = o.hlc
		if seen[o.tbl+o.row] {
			t.Fatalf("%s %s has two operations", o.tbl, o.row)
		}
		seen[o.tbl+o.row] = true
		ts := syncedTables[o.tbl]
		cl, rowStamp, all, ok, err := rt.readRow(ts, o.row, ts.order)
		if err != nil || !ok {
			t.Fatalf("%s %s: %v %v", o.tbl, o.row, ok, err)
		}
		want, _ := json.Marshal(all)
		if o.set != string(want) {
			t.Fatalf("%s %s: operation\n\t%s\nwant\n\t%s", o.tbl, o.row, o.set, want)
		}
		if o.cl != 1 || cl != 1 || rowStamp != stamp(o.hlc, s.DeviceID(), o.id) {
			t.Fatalf("%s %s: cl %d/%d, stamp %q for op %s %s", o.tbl, o.row, o.cl, cl, rowStamp, o.hlc, o.id)
		}
	}
	for _, ts := range syncedTables {
		var n int
		tx.QueryRow("SELECT count(*) FROM " + ts.name).Scan(&n)
		var m int
		tx.QueryRow("SELECT count(*) FROM sync_outbox WHERE tbl = ?", ts.name).Scan(&m)
		if n != m {
			t.Errorf("%s: %d rows, %d operations", ts.name, n, m)
		}
	}
	var stamps int
	tx.QueryRow("SELECT count(*) FROM sync_field_stamp").Scan(&stamps)
	if stamps != 0 {
		t.Errorf("%d field stamps after a bulk load of new rows", stamps)
	}
}

func sortedWords(rows [][]any) [][]any {
	for _, r := range rows {
		for i, v := range r {
			w := strings.Fields(v.(string))
			sort.Strings(w)
			r[i] = strings.Join(w, " ")
		}
	}
	return rows
}

func containsID(list []ContactSummary, id string) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

func TestBulkLoadRefusesBadRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	good := func() *ShopData {
		return &ShopData{Contacts: []Contact{{ID: "0190e0c0-0000-7000-8000-000000000001", Given: "Anna"}}}
	}
	owner := "0190e0c0-0000-7000-8000-000000000001"
	for name, change := range map[string]func(d *ShopData){
		"bad e-mail":     func(d *ShopData) { d.Contacts[0].Emails = []Email{{Address: "anna at home"}} },
		"no name":        func(d *ShopData) { d.Contacts = append(d.Contacts, Contact{}) },
		"contact twice":  func(d *ShopData) { d.Contacts = append(d.Contacts, d.Contacts[0]) },
		"unknown client": func(d *ShopData) { d.Interactions = []Interaction{{ContactID: newID(), Kind: "visit"}} },
		"unknown referred": func(d *ShopData) {
			d.Interactions = []Interaction{{ContactID: owner, Kind: "referral", ReferredID: newID()}}
		},
		"bad kind":          func(d *ShopData) { d.Interactions = []Interaction{{ContactID: owner, Kind: "gossip"}} },
		"purchase, no cash": func(d *ShopData) { d.Interactions = []Interaction{{ContactID: owner, Kind: "purchase"}} },
		"bad zone": func(d *ShopData) {
			d.Appointments = []Appointment{{ContactID: owner, TZ: "Mars/Olympus", Start: demoNow, End: demoNow.Add(time.Hour)}}
		},
		"end before start": func(d *ShopData) { d.Appointments = []Appointment{{ContactID: owner, Start: demoNow, End: demoNow}} },
		"one-off, no year": func(d *ShopData) { d.Dates = []ImportantDate{{ContactID: owner, Kind: "custom", Date: Date{0, 5, 1}}} },
		"task, no title":   func(d *ShopData) { d.Tasks = []Task{{ContactID: owner, Due: Date{2026, 5, 1}}} },
		"bad channel":      func(d *ShopData) { d.Consents = []Consent{{ContactID: owner, Channel: "pigeon", Status: "in"}} },
		"bad preference":   func(d *ShopData) { d.Preferences = []Preference{{ContactID: owner, Category: "mood", Value: "x"}} },
		"foreign preference": func(d *ShopData) {
			d.Preferences = []Preference{{ContactID: newID(), Category: "size", Value: "38"}}
		},
	} {
		d := good()
		change(d)
		if err := s.BulkLoad(ctx, d); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrInvalid or ErrNotFound", name, err)
		}
	}
	if n := outboxLen(t, s); n != 0 {
		t.Fatalf("refused loads left %d operations", n)
	}
	var contacts int
	s.db.QueryRow("SELECT count(*) FROM contact").Scan(&contacts)
	if contacts != 0 {
		t.Fatalf("refused loads left %d contacts", contacts)
	}
	// A contact that exists cannot be loaded again: the transaction fails whole.
	d := good()
	d.Interactions = []Interaction{{ContactID: owner, Kind: "visit"}}
	if err := s.BulkLoad(ctx, d); err != nil {
		t.Fatal(err)
	}
	n := outboxLen(t, s)
	if err := s.BulkLoad(ctx, good()); err == nil {
		t.Fatal("loading a contact that exists succeeded")
	}
	if outboxLen(t, s) != n {
		t.Fatal("a failed load left operations")
	}
	if err := s.SaveContact(ctx, &Contact{Given: "Still", Family: "Writable"}); err != nil {
		t.Fatalf("after a failed load: %v", err)
	}
}

// TestBulkLoadIntoUsedStore loads into a store that has clients, tags (one
// deleted) and figures already: timeline rows may concern the existing
// clients, a deleted tag comes back, and the derived data covers everyone.
func TestBulkLoadIntoUsedStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	old := &Contact{Given: "Ingrid", Family: "Åberg", Tags: []string{"Bridal"}}
	if err := s.SaveContact(ctx, old); err != nil {
		t.Fatal(err)
	}
	other := &Contact{Given: "Sven", Tags: []string{"VIP"}}
	if err := s.SaveContact(ctx, other); err != nil {
		t.Fatal(err)
	}
	other.Tags = nil
	if err := s.SaveContact(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx, func(t *txn) error { _, err := t.setAlive("tag", tagID("VIP"), false); return err }); err != nil {
		t.Fatal(err)
	}
	d := &ShopData{
		Contacts:     []Contact{{Given: "Łucja", Family: "Wiśniewska", Tags: []string{"vip", "Bridal"}, Birthday: Date{0, 2, 29}}},
		Interactions: []Interaction{{ContactID: old.ID, Kind: "purchase", AmountMinor: 12000, Currency: "EUR", At: demoNow.Add(-time.Hour)}},
		Dates:        []ImportantDate{{ContactID: old.ID, Kind: "anniversary", Date: Date{2001, 6, 2}, Yearly: true, LeadDays: 7}},
	}
	if err := s.BulkLoad(ctx, d); err != nil {
		t.Fatal(err)
	}
	c, err := s.Contact(ctx, d.Contacts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Tags, []string{"Bridal", "VIP"}) {
		t.Errorf("tags %v, want [Bridal VIP]: the deleted VIP tag back, with its name", c.Tags)
	}
	var spend int64
	s.db.QueryRow("SELECT spend_minor FROM contact_stats WHERE contact_id = ?", old.ID).Scan(&spend)
	if spend != 12000 {
		t.Errorf("spend of the existing client = %d, want 12000", spend)
	}
	for _, q := range []string{"ingrid", "łuc", "wisn"} {
		if r, _ := s.Search(ctx, q, 10); len(r) != 1 {
			t.Errorf("search %q = %v", q, r)
		}
	}
	dates, _ := s.ImportantDates(ctx, d.Contacts[0].ID)
	if len(dates) != 1 || dates[0].ID != birthdayDateID(d.Contacts[0].ID) || dates[0].Date != (Date{0, 2, 29}) {
		t.Errorf("dates %+v, want the birthday mirrored", dates)
	}
	var bad int
	s.db.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&bad)
	if bad != 0 {
		t.Errorf("%d rows break a foreign key", bad)
	}
	var fk int
	s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Error("foreign keys left off")
	}
}

// TestStatsAllMatchesStatsSelect checks that the one-pass figures of a rebuild
// are those computed client by client.
func TestStatsAllMatchesStatsSelect(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := GenerateShop(5, 150, demoNow)
	// Ties and odd rows: two currencies bought as often, a deleted purchase.
	id := d.Contacts[0].ID
	d.Interactions = append(d.Interactions,
		Interaction{ContactID: id, Kind: "purchase", AmountMinor: 500, Currency: "CHF", At: demoNow.Add(-48 * time.Hour)},
		Interaction{ContactID: id, Kind: "purchase", AmountMinor: 700, Currency: "CHF", At: demoNow.Add(-47 * time.Hour)})
	if err := s.BulkLoad(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInteraction(ctx, d.Interactions[len(d.Interactions)-1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact(ctx, d.Contacts[1].ID); err != nil {
		t.Fatal(err)
	}
	each := queryRows(t, s.db, statsSelect+" WHERE c.cl > 0 ORDER BY 1")
	all := queryRows(t, s.db, "SELECT * FROM ("+statsAll+") ORDER BY 1")
	if len(each) != len(d.Contacts) {
		t.Fatalf("%d rows of figures for %d clients", len(each), len(d.Contacts))
	}
	if diff := firstDifference(each, all); diff != "" {
		t.Fatal(diff)
	}
}

func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	var cases []string
	for b := 0; b < 256; b++ {
		cases = append(cases, "a"+string(rune(b))+"z", "a"+string([]byte{byte(b)})+"z")
	}
	cases = append(cases, "", "Chloé Müller", "\u2028\u2029", "<script>&amp;</script>", "日本語", "\xed\xa0\x80", "a\xc3", "\U0001F600")
	for _, c := range cases {
		want, _ := json.Marshal(c)
		if got := appendJSONString(nil, c); string(got) != string(want) {
			t.Errorf("%q: %s, want %s", c, got, want)
		}
	}
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.LoadDemo(ctx, 42, 200); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountContacts(ctx, ""); n != 200 {
		t.Fatalf("%d clients, want 200", n)
	}
	d := GenerateShop(42, 200, s.Now())
	for _, c := range d.Contacts[:20] {
		if c.Family == "" {
			continue
		}
		q := c.Given + " " + c.Family
		r, err := s.Search(ctx, q, 50)
		if err != nil || !containsID(r, c.ID) {
			t.Errorf("search %q: %v %v", q, r, err)
		}
	}
	items, err := s.Today(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Error("nothing to do today in the demo shop")
	}
}

// TestSearchBroadInNameOrder checks every way searchBroad finds the first
// clients by name against sorting every match: after a bulk load (numbers in
// name order), with clients added, renamed, deleted and restored since, and
// with numbers in no order (a database indexed before the ranges), where it
// walks the name index (matches spread over the alphabet) or sorts when the
// walk runs out of steps (matches all late).
func TestSearchBroadInNameOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := &ShopData{}
	for i := 0; i < 3100; i++ { // more than broadUnordered, to walk
		d.Contacts = append(d.Contacts,
			Contact{Given: fmt.Sprintf("Anna%04d", i), Family: "Zimmer"},
			Contact{Given: "Zoé", Family: fmt.Sprintf("Adler%04d", i%1000)}) // names given twice: ties
	}
	if err := s.BulkLoad(ctx, d); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 24; i += 2 {
		if err := s.DeleteContact(ctx, d.Contacts[i].ID); err != nil { // Anna0000..Anna0011, the first by name
			t.Fatal(err)
		}
	}
	for i := 0; i < 24; i += 6 {
		if err := s.RestoreContact(ctx, d.Contacts[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*Contact{&d.Contacts[40], &d.Contacts[41]} { // an early and a late name, swapped
		c.Given, c.DisplayName = strings.Replace(c.Given, "Anna", "Zoé", 1)+"x", ""
		if c.Family == "Zimmer" {
			c.Given = "Zoé"
		} else {
			c.Given = "Anna0000"
		}
		if err := s.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"Anna", "Aaron", "Zoé"} { // new clients
		if err := s.SaveContact(ctx, &Contact{Given: n, Family: "Zimmermann"}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(state string) {
		t.Helper()
		for _, q := range []string{"zim", "zoe", "ann", "z"} {
			for _, limit := range []int{10, 50} {
				want := queryStrings(t, s.db, `SELECT c.display_name FROM contact c JOIN contact_doc d ON d.contact_id = c.id
					WHERE c.cl % 2 = 1 AND d.doc IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)
					ORDER BY c.sort_name, c.id LIMIT ?`, ftsQuery(q), limit)
				got, err := s.Search(ctx, q, limit)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, c := range got {
					names = append(names, c.DisplayName)
				}
				if strings.Join(names, ", ") != strings.Join(want, ", ") {
					t.Errorf("%s: search %q, %d: %s\nwant %s", state, q, limit, strings.Join(names, ", "), strings.Join(want, ", "))
				}
			}
		}
	}
	check("numbered in name order")
	// Renumber everything below the ranges, as before them.
	err := s.write(ctx, func(t *txn) error {
		for _, q := range []string{"UPDATE contact_search SET rowid = -rowid", "UPDATE contact_doc SET doc = -doc"} {
			if _, err := t.ExecContext(t.ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := queryStrings(t, s.db, "SELECT count(*) FROM contact_doc WHERE doc >= ?", docSorted); n[0] != "0" {
		t.Fatalf("%s numbers left in the ranges", n[0])
	}
	check("numbered in no order")
	if err := s.RebuildDerived(ctx); err != nil {
		t.Fatal(err)
	}
	if n := queryStrings(t, s.db, "SELECT count(*) FROM contact_doc WHERE doc < ? OR doc >= ?", docSorted, docFresh); n[0] != "0" {
		t.Fatalf("%s numbers out of the name-ordered range after a rebuild", n[0])
	}
	check("rebuilt")
	// The batched summaries are the ordinary ones.
	ids := queryStrings(t, s.db, "SELECT id FROM contact WHERE cl % 2 = 1 LIMIT 30")
	a, err := s.summaries(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.searchSummaries(ctx, ids)
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("searchSummaries = %v, %v\nwant %v", b, err, a)
	}
}

func TestFTSQueryPhrases(t *testing.T) {
	for q, want := range map[string]string{
		"chloe":               `"chloe"*`,
		"dubois chl":          `"dubois"* "chl"*`,
		"hannah.kuhn@web.de":  `"hannah kuhn web de"*`,
		"Anne-Kathrin Müller": `"Anne Kathrin"* "Müller"*`,
		"vip,bridal":          `"vip"* "bridal"*`,
		"O'Brien":             `"O Brien"*`,
		"0176 123-45":         `digits:"017612345"*`,
		"--":                  ``,
	} {
		if got := ftsQuery(q); got != want {
			t.Errorf("ftsQuery(%q) = %s, want %s", q, got, want)
		}
	}
}
