package data

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// outreachShop is segmentShop with an e-mail address for each client, Anna
// agreeing to two e-mails a month, Ben opted out of e-mail after agreeing
// (SMS agreed), and Chloé never asked; Dora is deleted.
func outreachShop(t *testing.T) (*Store, map[string]string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	s, names := segmentShop(t)
	ids := map[string]string{}
	for id, name := range names {
		ids[name] = id
		c, err := s.Contact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Deleted {
			continue
		}
		c.Emails = append(c.Emails, Email{Address: strings.ToLower(name[:1]) + "@example.com"})
		c.Phones = append(c.Phones, Phone{Number: "+49 176 123456" + string(rune('0'+len(ids))), Label: "mobile"})
		if err := s.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []struct {
		who, channel, status string
		max                  int
	}{
		{"Anna", "email", "in", 2}, {"Ben", "email", "in", 0}, {"Ben", "email", "out", 0}, {"Ben", "sms", "in", 0},
	} {
		if err := s.SetConsent(ctx, ids[k.who], k.channel, k.status, k.max, "in shop"); err != nil {
			t.Fatal(err)
		}
	}
	return s, names, ids
}

// everySegment is a filter of each kind, alone and together, plus none.
var everySegment = []SegmentFilter{
	{}, {Tags: []string{"VIP"}}, {Preferences: []PreferenceFilter{{Subject: "dress"}}},
	{Preferences: []PreferenceFilter{{Value: "40"}}}, {Tier: "Silver"}, {Tier: "Gold"},
	{MinSpendMinor: ptr(0)}, {MaxSpendMinor: ptr(30000)}, {NotSeenDays: 90}, {SeenWithinDays: 400},
	{BirthdayMonth: 6}, {Kinds: []string{"purchase"}}, {City: "München"},
	{Tags: []string{"vip"}, City: "münchen", Tier: "Silver", BirthdayMonth: 6, Kinds: []string{"purchase"}},
}

func TestOutreachNeverIncludesAnOptedOutClient(t *testing.T) {
	ctx := context.Background()
	s, names, ids := outreachShop(t)
	bensSegments := 0
	for _, f := range everySegment {
		a, err := s.FilterAudience(ctx, f, "email")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range a.Included {
			if r.ContactID == ids["Ben"] || r.ContactID == ids["Dora"] {
				t.Errorf("filter %+v: %s is in the audience", f, names[r.ContactID])
			}
		}
		for _, u := range a.Excluded {
			if u.ContactID == ids["Ben"] {
				bensSegments++
				if u.Reason != "opted out" {
					t.Errorf("filter %+v: Ben excluded for %q, want opted out", f, u.Reason)
				}
			}
		}
	}
	if bensSegments < len(everySegment)-2 {
		t.Errorf("Ben was excluded from %d segments; the filters should pick him in most", bensSegments)
	}
	// On a channel he agreed to, he is in.
	a, err := s.FilterAudience(ctx, SegmentFilter{Tags: []string{"VIP"}}, "sms")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Included) != 1 || a.Included[0].ContactID != ids["Ben"] || a.Included[0].Address == "" {
		t.Errorf("sms audience %+v, want Ben", a.Included)
	}
	// Sending never reaches him either, and records nothing on his timeline.
	if err := s.SaveSegment(ctx, "everyone", SegmentFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendOutreach(ctx, "everyone", "email", "spring collection"); err != nil {
		t.Fatal(err)
	}
	ins, _ := s.Interactions(ctx, ids["Ben"], 0)
	for _, in := range ins {
		if in.Kind == "message" {
			t.Errorf("a message was recorded for Ben: %+v", in)
		}
	}
}

func TestOutreachSendRecordsMessagesThatCountTowardsTheLimit(t *testing.T) {
	ctx := context.Background()
	s, names, ids := outreachShop(t)
	if err := s.SaveSegment(ctx, "VIP or not", SegmentFilter{}); err != nil {
		t.Fatal(err)
	}
	reasons := func(a Audience) string {
		var out []string
		for _, r := range a.Included {
			out = append(out, names[r.ContactID]+" <"+r.Address+">")
		}
		for _, u := range a.Excluded {
			out = append(out, names[u.ContactID]+": "+u.Reason)
		}
		return strings.Join(out, "; ")
	}
	preview, err := s.OutreachAudience(ctx, "vip or NOT", "email")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := reasons(preview), "Anna <a@example.com>; Ben: opted out; Chloé: no consent given"; got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	for range 2 {
		sent, err := s.SendOutreach(ctx, "VIP or not", "email", "")
		if err != nil {
			t.Fatal(err)
		}
		if reasons(sent) != reasons(preview) {
			t.Errorf("sent to %q, previewed %q", reasons(sent), reasons(preview))
		}
	}
	ins, _ := s.Interactions(ctx, ids["Anna"], 0)
	messages := 0
	for _, in := range ins {
		if in.Kind == "message" {
			messages++
			if in.Category != "email" || in.Summary != "Outreach to VIP or not" {
				t.Errorf("recorded %+v", in)
			}
		}
	}
	if messages != 2 {
		t.Errorf("%d messages recorded for Anna, want 2", messages)
	}
	after, err := s.OutreachAudience(ctx, "VIP or not", "email")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := reasons(after), "Anna: monthly limit reached (2 of 2 in the last 30 days); Ben: opted out; Chloé: no consent given"; got != want {
		t.Errorf("after two sends %q, want %q", got, want)
	}
	// A segment that picks no one reaches no one (not everyone).
	if err := s.SaveSegment(ctx, "brides in Oslo", SegmentFilter{City: "Oslo", Tags: []string{"Bridal"}}); err != nil {
		t.Fatal(err)
	}
	if a, err := s.SendOutreach(ctx, "brides in Oslo", "email", ""); err != nil || len(a.Included) != 0 || len(a.Excluded) != 0 {
		t.Errorf("an empty segment's audience %+v %v", a, err)
	}
	if _, err := s.SendOutreach(ctx, "nobody", "email", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown segment: %v", err)
	}
	if _, err := s.OutreachAudience(ctx, "VIP or not", "pigeon"); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown channel: %v", err)
	}
}
