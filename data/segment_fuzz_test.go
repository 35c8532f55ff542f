package data

import (
	"context"
	"errors"
	"testing"
)

// FuzzSegmentFilter: a saved filter comes from another computer as text;
// however damaged, it is used or refused with ErrInvalid or ErrNotFound
// (an unknown tier), and an outreach to it never includes a client who
// opted out.
func FuzzSegmentFilter(f *testing.F) {
	ctx := context.Background()
	s := openTest(f)
	if err := s.SaveLoyaltyProgramme(ctx, boutiqueProgramme); err != nil {
		f.Fatal(err)
	}
	anna := &Contact{Given: "Anna", Tags: []string{"VIP"}, Emails: []Email{{Address: "anna@example.com"}},
		Addresses: []Address{{Street: "Torstraße 1", Locality: "Berlin"}}}
	if err := s.SaveContact(ctx, anna); err != nil {
		f.Fatal(err)
	}
	if err := s.SetConsent(ctx, anna.ID, "email", "out", 0, "asked in shop"); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{}`, `{"tags":["VIP"],"city":"berlin"}`, `{"tier":"Gold"}`, `{"tier":"Platinum"}`,
		`{"min_spend_minor":-5,"max_spend_minor":-1}`, `{"preferences":[{"value":"%_\\"}]}`,
		`{"kinds":["party"]}`, `{"birthday_month":13}`, `{"language":"de"}`, `{"tags":null}`, `[`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var filter SegmentFilter
		if err := decodeFilter(text, &filter); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("decode %q: %v", text, err)
			}
			return
		}
		a, err := s.FilterAudience(ctx, filter, "email")
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("audience of %q: %v", text, err)
			}
			return
		}
		for _, r := range a.Included {
			if r.ContactID == anna.ID {
				t.Fatalf("filter %q includes a client who opted out", text)
			}
		}
	})
}
