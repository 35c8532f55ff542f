package data

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestSaveContactRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	c := &Contact{
		Given: "Chloé", Family: "Martin", Organization: "Atelier M",
		Birthday: Date{Month: 2, Day: 29},
		Emails:   []Email{{Address: "chloe@example.fr", Label: "home", Preferred: true}},
		Phones:   []Phone{{Number: "0176 1234 5678", Label: "mobile"}},
		Tags:     []string{"VIP", "vip ", "Bridal"},
	}
	if err := s.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Contact(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Chloé Martin" || got.Birthday != (Date{Month: 2, Day: 29}) {
		t.Errorf("got %+v", got)
	}
	if len(got.Phones) != 1 || got.Phones[0].E164 != "+4917612345678" || got.Phones[0].Number != "0176 1234 5678" {
		t.Errorf("phones = %+v, want the number as typed beside +4917612345678", got.Phones)
	}
	if !reflect.DeepEqual(got.Tags, []string{"Bridal", "VIP"}) {
		t.Errorf("tags = %v, want [Bridal VIP] (VIP and vip are one tag)", got.Tags)
	}

	// An edit writes only what changed.
	before := outboxLen(t, s)
	s.Now = func() time.Time { return time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC) }
	got.Title = "Owner"
	got.Tags = []string{"VIP"}
	if err := s.SaveContact(ctx, got); err != nil {
		t.Fatal(err)
	}
	ops := outboxSince(t, s, before)
	var contactFields []string
	for _, op := range ops {
		if op.Table == "contact" {
			contactFields = append(contactFields, keys(op.Set)...)
		}
	}
	if !reflect.DeepEqual(contactFields, []string{"title", "updated"}) {
		t.Errorf("contact fields in the outbox = %v, want [title updated]", contactFields)
	}
	again, _ := s.Contact(ctx, c.ID)
	if !reflect.DeepEqual(again.Tags, []string{"VIP"}) || again.Title != "Owner" {
		t.Errorf("after edit: %+v", again)
	}
	n := outboxLen(t, s)
	if err := s.SaveContact(ctx, again); err != nil {
		t.Fatal(err)
	}
	if outboxLen(t, s) != n {
		t.Errorf("saving an unchanged contact recorded operations")
	}
}

func TestSaveContactRejectsBadInput(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for _, c := range []*Contact{
		{},
		{Given: "A", Emails: []Email{{Address: "not an address"}}},
		{Given: "A", Phones: []Phone{{Number: "12"}}},
		{Given: "A", Birthday: Date{Month: 2, Day: 30}},
	} {
		if err := s.SaveContact(ctx, c); !errors.Is(err, ErrInvalid) {
			t.Errorf("SaveContact(%+v) = %v, want ErrInvalid", c, err)
		}
	}
	if n, _ := s.CountContacts(ctx, ""); n != 0 || outboxLen(t, s) != 0 {
		t.Errorf("rejected contacts left %d contacts, %d operations", n, outboxLen(t, s))
	}
}

func TestDeleteAndRestore(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	c := &Contact{Given: "Anna", Family: "Keller", Emails: []Email{{Address: "anna@example.ch"}}}
	if err := s.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Search(ctx, "anna", 10); len(r) != 0 {
		t.Errorf("deleted contact found by search: %v", r)
	}
	if l, _ := s.ListContacts(ctx, ListQuery{Deleted: true}); len(l) != 1 {
		t.Errorf("recently deleted = %v", l)
	}
	if err := s.DeleteContact(ctx, c.ID); !errors.Is(err, ErrConflict) {
		t.Errorf("second delete = %v, want ErrConflict", err)
	}
	if err := s.RestoreContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Contact(ctx, c.ID)
	if got.Deleted || len(got.Emails) != 1 {
		t.Errorf("restored contact = %+v", got)
	}
	var cl int64
	s.db.QueryRow("SELECT cl FROM contact WHERE id = ?", c.ID).Scan(&cl)
	if cl != 3 {
		t.Errorf("cl after delete and restore = %d, want 3", cl)
	}
}

func TestResolveID(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	c := &Contact{Given: "Anna"}
	s.SaveContact(ctx, c)
	got, err := s.ResolveID(ctx, "contact", c.ID[:8])
	if err != nil || got != c.ID {
		t.Errorf("ResolveID(prefix) = %q, %v", got, err)
	}
	if _, err := s.ResolveID(ctx, "contact", "ffffffff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown prefix: %v", err)
	}
	if _, err := s.ResolveID(ctx, "contact", "ab"); !errors.Is(err, ErrInvalid) {
		t.Errorf("short prefix: %v", err)
	}
}

func outboxLen(t testing.TB, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM sync_outbox").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func outboxSince(t testing.TB, s *Store, after int) []Op {
	t.Helper()
	ops, _, err := s.Outbox(context.Background(), int64(after), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}
