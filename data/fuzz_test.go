package data

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseDate: any text either parses to a real day that prints back to a
// form ParseDate reads the same way, or is rejected with ErrInvalid.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-10", "--02-29", "--0229", "1900-02-29", "2000-02-29", "", "--13-01", "2026-3-1", "１９８６-03-13"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseDate(%q) error %v is not ErrInvalid", s, err)
			}
			return
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		if !d.valid() {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
		again, err := ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, again, err)
		}
	})
}

// FuzzSearch: whatever a person types into the search box, Search answers
// without an error.
func FuzzSearch(f *testing.F) {
	s := openTest(f)
	ctx := context.Background()
	s.SaveContact(ctx, &Contact{Given: "Chloé", Family: "Dubois", Phones: []Phone{{Number: "+33 6 12 34 56 78"}}})
	for _, q := range []string{"chlo", `"`, "*", "a OR b", "NEAR(a b)", "-x", "name:x", "^", "0612", "Dubois AND", "( ) \" *"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.Search(ctx, q, 10); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}

// FuzzApplyRemoteJSON: an operation read from a shared folder, however
// damaged, is applied or rejected with ErrInvalid; it never crashes the store.
func FuzzApplyRemoteJSON(f *testing.F) {
	s := openTest(f)
	ctx := context.Background()
	f.Add(`{"op":"0190e0c0-0000-7000-8000-000000000001","hlc":"0000018f00000000","dev":"0123456789abcdef0123456789abcdef","table":"contact","row":"0190e0c0-0000-7000-8000-0000000000aa","cl":1,"set":{"given":"Anna","bday_year":1986}}`)
	f.Add(`{"op":"0190e0c0-0000-7000-8000-000000000002","hlc":"0000018f00000001","dev":"0123456789abcdef0123456789abcdef","table":"contact_email","row":"0190e0c0-0000-7000-8000-0000000000bb","cl":2,"set":{"contact_id":"0190e0c0-0000-7000-8000-0000000000aa","address":"a@b.c"}}`)
	f.Add(`{"op":"x","table":"contact","set":{"photo":"!!"}}`)
	// An erasure of the client above, and an edit of her that comes after it.
	f.Add(`{"op":"0190e0c0-0000-7000-8000-000000000003","hlc":"0000018f00000002","dev":"0123456789abcdef0123456789abcdef","table":"erasure","row":"0190e0c0-0000-7000-8000-0000000000aa","cl":1,"set":{"at":"2026-03-10T09:30:00.000Z","device":"0123456789abcdef0123456789abcdef"}}`)
	f.Add(`{"op":"0190e0c0-0000-7000-8000-000000000004","hlc":"0000018f00000003","dev":"0123456789abcdef0123456789abcdef","table":"contact","row":"0190e0c0-0000-7000-8000-0000000000aa","cl":1,"set":{"given":"Anna","merged_into":"0190e0c0-0000-7000-8000-0000000000aa"},"by":"Mia"}`)
	f.Fuzz(func(t *testing.T, line string) {
		var op Op
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if dec.Decode(&op) != nil {
			return
		}
		if _, err := s.ApplyRemote(ctx, []Op{op}); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("ApplyRemote(%s): %v", line, err)
		}
	})
}
