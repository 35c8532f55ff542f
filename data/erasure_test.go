package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Words that only Zofia's records hold, in lower case: none may be left
// anywhere in the database once she is erased.
var zofiaMarkers = []string{"zofia", "quellenberg", "5550199", "nickel", "photoquell", "quell-"}

// addZofia gives the store a client with a record of every kind, each
// holding one of zofiaMarkers.
func addZofia(t *testing.T, s *Store) *Contact {
	t.Helper()
	ctx := context.Background()
	c := &Contact{Given: "Zofia", Family: "Quellenberg", Nickname: "Zo", Organization: "Quell-Atelier",
		Birthday: Date{Year: 1986, Month: 3, Day: 13}, Notes: "allergic to nickel", Photo: []byte("PHOTOQUELL-bytes"),
		PhotoURL: "https://example.com/quell-photo.jpg",
		Emails:   []Email{{Address: "zofia.q@example.com"}}, Phones: []Phone{{Number: "+49 176 5550199"}},
		Addresses: []Address{{Street: "Quell-Strasse 5", Locality: "Quell-Stadt", Country: "DE"}},
		URLs:      []URL{{URL: "https://quell-blog.example"}}, Tags: []string{"VIP"}}
	must(t, s.SaveContact(ctx, c))
	must(t, s.SetPreference(ctx, &Preference{ContactID: c.ID, Category: "size", Subject: "dress", Value: "38 quell-fit"}))
	must(t, s.SetConsent(ctx, c.ID, "email", "in", 2, "quell-form signed"))
	must(t, s.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "visit", Summary: "quell-visit", Body: "talked about nickel"}))
	must(t, s.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "purchase", AmountMinor: 12000, Currency: "EUR", Items: "quell-dress"}))
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	must(t, s.AddAppointment(ctx, &Appointment{ContactID: c.ID, Start: at, End: at.Add(time.Hour), Purpose: "quell-fitting"}))
	must(t, s.AddImportantDate(ctx, &ImportantDate{ContactID: c.ID, Kind: "custom", Label: "quell-wedding", Date: Date{Year: 2027, Month: 6, Day: 5}, LeadDays: 7}))
	must(t, s.AddTask(ctx, &Task{ContactID: c.ID, Title: "quell-hem call", Due: Date{Year: 2026, Month: 3, Day: 20}}))
	return c
}

// personalDataLeft lists every value in every table of the database (the
// search index's own tables, the outbox, the log of applied operations and
// the derived tables included) that holds one of the markers.
func personalDataLeft(t *testing.T, s *Store, markers []string) []string {
	t.Helper()
	_, tables := queryAll(t, s.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
	var found []string
	for _, tr := range tables {
		table := tr[0].(string)
		_, rows := queryAll(t, s.db, "SELECT * FROM "+table)
		for _, r := range rows {
			for _, v := range r {
				var text string
				switch x := v.(type) {
				case string:
					text = x
				case []byte:
					text = string(x)
				default:
					continue
				}
				low := strings.ToLower(text)
				for _, m := range markers {
					if strings.Contains(low, m) {
						found = append(found, fmt.Sprintf("%s: %q", table, text))
					}
				}
			}
		}
	}
	return found
}

// checkFileHasNoTrace reads the database's files as bytes: the erased values
// must not linger in free space or in the write-ahead log either.
func checkFileHasNoTrace(t *testing.T, s *Store) {
	t.Helper()
	for _, p := range []string{s.Path(), s.Path() + "-wal"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		must(t, err)
		b = bytes.ToLower(b)
		for _, m := range []string{"quellenberg", "zofia.q@example.com", "photoquell", "allergic to nickel"} {
			if bytes.Contains(b, []byte(m)) {
				t.Errorf("%s still holds %q", p, m)
			}
		}
	}
}

func TestPrivacyEraseRemovesEverything(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.Staff = "Mia"
	zofia := addZofia(t, s)
	bea := &Contact{Given: "Bea", Family: "Roth", Emails: []Email{{Address: "bea@example.com"}}, Tags: []string{"VIP"}}
	must(t, s.SaveContact(ctx, bea))
	if left := personalDataLeft(t, s, zofiaMarkers); len(left) == 0 {
		t.Fatal("the markers are not found even before the erasure: the check proves nothing")
	}

	e, err := s.EraseContact(ctx, zofia.ID)
	must(t, err)
	if e.ContactID != zofia.ID || e.Device != s.DeviceID() || e.At.IsZero() {
		t.Errorf("erasure record %+v", e)
	}
	t.Run("NoValueLeftInAnyTable", func(t *testing.T) {
		for _, l := range personalDataLeft(t, s, zofiaMarkers) {
			t.Error(l)
		}
	})
	t.Run("SearchIndex", func(t *testing.T) {
		for _, q := range []string{"Zofia", "Quellenberg", "5550199", "zofia.q", "nickel", "quell"} {
			res, err := s.Search(ctx, q, 10)
			must(t, err)
			if len(res) != 0 {
				t.Errorf("search %q finds %+v", q, res)
			}
			var n int
			must(t, s.db.QueryRowContext(ctx, "SELECT count(*) FROM contact_search WHERE contact_search MATCH ?", `"`+q+`"*`).Scan(&n))
			if n != 0 {
				t.Errorf("the index still matches %q %d times", q, n)
			}
		}
		if res, err := s.Search(ctx, "Roth", 10); err != nil || len(res) != 1 {
			t.Errorf("another client is no longer found: %v, %v", res, err)
		}
	})
	t.Run("DatabaseFileOnDisk", func(t *testing.T) { checkFileHasNoTrace(t, s) })
	t.Run("NotListedAnywhere", func(t *testing.T) {
		if _, err := s.Contact(ctx, zofia.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Contact of the erased client: %v", err)
		}
		for _, q := range []ListQuery{{}, {Deleted: true}, {Tag: "VIP"}} {
			list, err := s.ListContacts(ctx, q)
			must(t, err)
			for _, c := range list {
				if c.ID == zofia.ID {
					t.Errorf("%+v lists the erased client", q)
				}
			}
		}
		if _, err := s.ResolveID(ctx, "contact", zofia.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the erased client's id still resolves: %v", err)
		}
		up, err := s.UpcomingDates(ctx, 366)
		must(t, err)
		for _, u := range up {
			if u.ContactID == zofia.ID {
				t.Errorf("upcoming %+v", u)
			}
		}
	})
	t.Run("OnlyTheRecordIsLeft", func(t *testing.T) {
		got, ok, err := s.ErasureOf(ctx, zofia.ID)
		must(t, err)
		if !ok || got.Device != s.DeviceID() || !got.At.Equal(e.At) {
			t.Errorf("ErasureOf = %+v, %v", got, ok)
		}
		hist, err := s.History(ctx, zofia.ID)
		must(t, err)
		if len(hist) != 1 || hist[0].Action != "erased" {
			t.Errorf("history of the erased client: %+v", hist)
		}
		ops, _, err := s.Outbox(ctx, 0, 1<<20)
		must(t, err)
		last := ops[len(ops)-1]
		if last.Table != "erasure" || last.Row != zofia.ID || last.Set["device"] != s.DeviceID() || len(last.Set) != 2 || last.Staff != "" {
			t.Errorf("the erasure's operation: %+v", last)
		}
	})
	t.Run("OtherClientUntouched", func(t *testing.T) {
		got, err := s.Contact(ctx, bea.ID)
		must(t, err)
		if got.DisplayName != "Bea Roth" || len(got.Emails) != 1 || len(got.Tags) != 1 {
			t.Errorf("Bea after Zofia's erasure: %+v", got)
		}
	})
	t.Run("ErrConflictTwice", func(t *testing.T) {
		if _, err := s.EraseContact(ctx, zofia.ID); !errors.Is(err, ErrConflict) {
			t.Errorf("erasing twice: %v", err)
		}
	})
	t.Run("NoWriteToTheErased", func(t *testing.T) {
		if err := s.LogInteraction(ctx, &Interaction{ContactID: zofia.ID, Kind: "note", Summary: "quell-again"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("logging on the erased client: %v", err)
		}
	})
	t.Run("CheckFindsNoProblem", func(t *testing.T) {
		r, err := s.Check(ctx, false, false)
		must(t, err)
		if !r.OK() {
			t.Errorf("check after an erasure: %+v", r.Problems)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.EraseContact(ctx, "0190e0c0-0000-7000-8000-00000000dead"); !errors.Is(err, ErrNotFound) {
			t.Errorf("erasing no one: %v", err)
		}
	})
}

func TestPrivacyErasePropagatesAndWins(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	zofia := addZofia(t, a)
	var seqA, seqB int64
	syncAll(t, a, b, &seqA)
	if left := personalDataLeft(t, b, zofiaMarkers); len(left) == 0 {
		t.Fatal("B did not get Zofia")
	}

	// B edits Zofia an hour later by its clock, before the erasure reaches
	// it: a later stamp than the erasure's, which must not matter.
	b.Now = func() time.Time { return time.Date(2026, 3, 10, 10, 30, 0, 0, time.UTC) }
	bz, err := b.Contact(ctx, zofia.ID)
	must(t, err)
	bz.Notes = "quell-late note"
	bz.Phones = append(bz.Phones, Phone{Number: "+49 30 5550199"})
	must(t, b.SaveContact(ctx, bz))
	prefs, err := b.Preferences(ctx, zofia.ID)
	must(t, err)
	prefs[0].Value = "40 quell-fit"
	must(t, b.SetPreference(ctx, &prefs[0]))
	must(t, b.AddTask(ctx, &Task{ContactID: zofia.ID, Title: "quell-late task", Due: Date{Year: 2026, Month: 4, Day: 1}}))
	lateEdits, lastB, err := b.Outbox(ctx, seqB, 1<<20)
	must(t, err)
	seqB = lastB

	_, err = a.EraseContact(ctx, zofia.ID)
	must(t, err)
	syncAll(t, a, b, &seqA)
	t.Run("ErasedOnB", func(t *testing.T) {
		for _, l := range personalDataLeft(t, b, zofiaMarkers) {
			t.Error(l)
		}
		if _, ok, err := b.ErasureOf(ctx, zofia.ID); err != nil || !ok {
			t.Errorf("B has no erasure record: %v", err)
		}
		if res, err := b.Search(ctx, "Quellenberg", 10); err != nil || len(res) != 0 {
			t.Errorf("B still finds her: %v %v", res, err)
		}
		checkFileHasNoTrace(t, b)
	})
	t.Run("LateEditsDoNotResurrect", func(t *testing.T) {
		// The edits B made before the erasure reached it, as they were
		// published then, arrive on A after the erasure; applied twice and
		// in reverse order too.
		if _, err := a.ApplyRemote(ctx, lateEdits); err != nil {
			t.Fatal(err)
		}
		reversed := make([]Op, len(lateEdits))
		for i, op := range lateEdits {
			reversed[len(lateEdits)-1-i] = op
		}
		if _, err := a.ApplyRemote(ctx, reversed); err != nil {
			t.Fatal(err)
		}
		for _, l := range personalDataLeft(t, a, zofiaMarkers) {
			t.Error(l)
		}
		if _, err := a.Contact(ctx, zofia.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Zofia is back on A: %v", err)
		}
		tasks, err := a.Tasks(ctx, false)
		must(t, err)
		for _, k := range tasks {
			if k.ContactID == zofia.ID {
				t.Errorf("a task of the erased client: %+v", k)
			}
		}
	})
	t.Run("WhatBStillSendsIsEmpty", func(t *testing.T) {
		// B's own outbox lost its values with the erasure.
		ops, _, err := b.Outbox(ctx, 0, 1<<20)
		must(t, err)
		for _, op := range ops {
			for f, v := range op.Set {
				if s, ok := v.(string); ok && strings.Contains(strings.ToLower(s), "quell") {
					t.Errorf("B's outbox %s %s.%s = %q", op.ID, op.Table, f, s)
				}
			}
		}
		syncAll(t, b, a, &seqB)
		for _, l := range personalDataLeft(t, a, zofiaMarkers) {
			t.Error(l)
		}
	})
	t.Run("ErasureBeforeTheClientArrives", func(t *testing.T) {
		// A third computer gets the erasure first and Zofia's records after.
		c := openTest(t)
		all, _, err := a.Outbox(ctx, 0, 1<<20)
		must(t, err)
		erasure := all[len(all)-1]
		if _, err := c.ApplyRemote(ctx, []Op{erasure}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ApplyRemote(ctx, lateEdits); err != nil {
			t.Fatal(err)
		}
		// An edit that does not name its client (B's change of the size)
		// cannot be told apart until the row's own insert arrives, which
		// A still sends without values but with the client's id.
		if _, err := c.ApplyRemote(ctx, all); err != nil {
			t.Fatal(err)
		}
		for _, l := range personalDataLeft(t, c, zofiaMarkers) {
			t.Error(l)
		}
		checkFileHasNoTrace(t, c)
		b, err := os.ReadFile(c.Path())
		must(t, err)
		if bytes.Contains(b, []byte("40 quell-fit")) {
			t.Error("the size B sent before the client's records arrived is still in the file")
		}
	})
}

// TestPrivacyEraseConvergesWhateverTheOrder: the operations of a client's
// life, edits made elsewhere before and after the erasure, and the erasure
// itself give the same database in any order of arrival (SYNC.md, I6).
func TestPrivacyEraseConvergesWhateverTheOrder(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	zofia := addZofia(t, a)
	bea := &Contact{Given: "Bea", Family: "Roth", Tags: []string{"VIP"}}
	must(t, a.SaveContact(ctx, bea))
	var seqA, seqB int64
	syncAll(t, a, b, &seqA)
	bz, err := b.Contact(ctx, zofia.ID)
	must(t, err)
	bz.Notes = "quell-late note"
	must(t, b.SaveContact(ctx, bz))
	prefs, err := b.Preferences(ctx, zofia.ID)
	must(t, err)
	prefs[0].Value = "40 quell-fit"
	must(t, b.SetPreference(ctx, &prefs[0]))
	must(t, b.SetPreference(ctx, &Preference{ContactID: bea.ID, Category: "colour", Value: "green"}))
	_, err = a.EraseContact(ctx, zofia.ID)
	must(t, err)
	fromA, _, err := a.Outbox(ctx, 0, 1<<20)
	must(t, err)
	fromB, _, err := b.Outbox(ctx, seqB, 1<<20)
	must(t, err)
	all := append(append([]Op{}, fromA...), fromB...)

	var want storeDump
	rng := rand.New(rand.NewPCG(7, 11))
	for round := 0; round < 6; round++ {
		ops := append([]Op{}, all...)
		switch round {
		case 0: // as published
		case 1:
			slices.Reverse(ops)
		default:
			rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		}
		s := openTest(t)
		// In batches of a few operations, as segments arrive.
		for len(ops) > 0 {
			n := min(len(ops), 1+rng.IntN(7))
			if _, err := s.ApplyRemote(ctx, ops[:n]); err != nil {
				t.Fatal(err)
			}
			ops = ops[n:]
		}
		for _, l := range personalDataLeft(t, s, zofiaMarkers) {
			t.Errorf("round %d: %s", round, l)
		}
		got := dumpStore(t, s)
		if round == 0 {
			want = got
			continue
		}
		sameDump(t, fmt.Sprintf("round %d against the published order", round), want, got)
	}
}

func TestPrivacyCheckFindsValuesLeftAfterAnErasure(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	zofia := addZofia(t, s)
	_, err := s.EraseContact(ctx, zofia.ID)
	must(t, err)
	// As a database edited by other means might have it.
	for _, q := range []string{
		"UPDATE contact SET given = 'Zofia' WHERE id = '" + zofia.ID + "'",
		"UPDATE preference SET cl = 1, value = 'quell-back' WHERE contact_id = '" + zofia.ID + "'",
		`UPDATE sync_outbox SET set_json = '{"notes":"quell-back"}' WHERE row_id = '` + zofia.ID + `' AND tbl = 'contact'`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Check(ctx, false, false)
	must(t, err)
	var found []string
	for _, p := range r.Problems {
		if p.Area == "erasure" {
			found = append(found, p.Detail)
		}
	}
	if len(found) != 2 || r.OK() {
		t.Fatalf("check found %v (ok %v), want the records and the changes", found, r.OK())
	}
	r, err = s.Check(ctx, false, true)
	must(t, err)
	if !r.OK() {
		t.Errorf("check --repair left %+v", r.Problems)
	}
	for _, l := range personalDataLeft(t, s, zofiaMarkers) {
		t.Error(l)
	}
	r, err = s.Check(ctx, false, false)
	must(t, err)
	if len(r.Problems) != 0 {
		t.Errorf("after the repair: %+v", r.Problems)
	}
}

// TestPrivacyErasePurgesLaterWhenTheFileIsInUse: with a reader holding the
// old pages (the app reading while a command erases), the values stay in the
// file until the purge can finish, which PurgeIfPending does.
func TestPrivacyErasePurgesLaterWhenTheFileIsInUse(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	zofia := addZofia(t, s)
	reader, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	must(t, err)
	var n int
	must(t, reader.QueryRowContext(ctx, "SELECT count(*) FROM contact").Scan(&n))
	_, err = s.EraseContact(ctx, zofia.ID)
	must(t, err)
	for _, l := range personalDataLeft(t, s, zofiaMarkers) {
		t.Error(l)
	}
	pending, _, err := s.PurgeIfPending(ctx)
	must(t, err)
	if !pending {
		t.Fatal("no purge pending while a reader held the old pages")
	}
	must(t, reader.Rollback())
	pending, done, err := s.PurgeIfPending(ctx)
	must(t, err)
	if !pending || !done {
		t.Fatalf("PurgeIfPending once the reader is gone: pending %v, done %v", pending, done)
	}
	checkFileHasNoTrace(t, s)
	if pending, _, err := s.PurgeIfPending(ctx); err != nil || pending {
		t.Errorf("a purge still pending after it was done: %v, %v", pending, err)
	}
}

// TestPrivacyEraseTakesMergedContacts: a contact merged into the client is
// the same person and goes with the erasure, whether the merge was made
// before it here or elsewhere and arrives after it.
func TestPrivacyEraseTakesMergedContacts(t *testing.T) {
	ctx := context.Background()
	t.Run("MergedHere", func(t *testing.T) {
		s := openTest(t)
		zofia := addZofia(t, s)
		dup := &Contact{Given: "Zofia", Family: "Quellenberg-Nowak", Emails: []Email{{Address: "zofia.nowak@example.com"}}, Notes: "second record, nickel"}
		must(t, s.SaveContact(ctx, dup))
		must(t, s.MergeContacts(ctx, zofia.ID, dup.ID))
		_, err := s.EraseContact(ctx, zofia.ID)
		must(t, err)
		for _, l := range personalDataLeft(t, s, append(zofiaMarkers, "nowak")) {
			t.Error(l)
		}
		if _, err := s.Contact(ctx, dup.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the merged record is still there: %v", err)
		}
	})
	t.Run("MergedElsewhereArrivesLater", func(t *testing.T) {
		a, b := openTest(t), openTest(t)
		zofia := addZofia(t, a)
		dup := &Contact{Given: "Zofia", Family: "Quellenberg-Nowak", Emails: []Email{{Address: "zofia.nowak@example.com"}}}
		must(t, a.SaveContact(ctx, dup))
		var seqA, seqB int64
		syncAll(t, a, b, &seqA)
		must(t, b.MergeContacts(ctx, zofia.ID, dup.ID)) // on B, before the erasure reaches it
		_, err := a.EraseContact(ctx, zofia.ID)
		must(t, err)
		syncAll(t, b, a, &seqB)
		for _, l := range personalDataLeft(t, a, append(zofiaMarkers, "nowak")) {
			t.Error(l)
		}
		syncAll(t, a, b, &seqA)
		for _, l := range personalDataLeft(t, b, append(zofiaMarkers, "nowak")) {
			t.Errorf("B: %s", l)
		}
	})
}
