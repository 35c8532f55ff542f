package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type audienceOut struct {
	Included []struct {
		ContactID string `json:"contact_id"`
		Address   string `json:"address"`
	} `json:"included"`
	Excluded []struct {
		ContactID string `json:"contact_id"`
		Reason    string `json:"reason"`
	} `json:"excluded"`
}

func TestOutreachCommands(t *testing.T) {
	s, anna, ben, chloe := segmentShop(t)
	s.ok("contact", "edit", ben, "--email", "ben@example.com")
	s.ok("consent", "set", anna, "--channel", "email", "--status", "in", "--max-per-month", "1")
	s.ok("consent", "set", ben, "--channel", "email", "--status", "in")
	s.ok("segment", "save", "vip", "--tag", "VIP")
	s.ok("segment", "save", "all")

	var a audienceOut
	s.json(&a, "outreach", "preview", "vip", "--channel", "email")
	if len(a.Included) != 2 || a.Included[0].ContactID != anna || a.Included[0].Address != "anna@example.com" ||
		a.Included[1].ContactID != ben || len(a.Excluded) != 0 {
		t.Fatalf("preview %+v", a)
	}
	// Ben opts out at the counter: from then on he is in no audience.
	s.ok("consent", "set", ben, "--channel", "email", "--status", "out", "--source", "asked in shop")
	for _, seg := range []string{"vip", "all"} {
		s.json(&a, "outreach", "preview", seg, "--channel", "email")
		for _, r := range a.Included {
			if r.ContactID == ben {
				t.Errorf("segment %s: the opted-out client is included", seg)
			}
		}
	}
	s.json(&a, "outreach", "preview", "all", "--channel", "email")
	reasons := map[string]string{}
	for _, u := range a.Excluded {
		reasons[u.ContactID] = u.Reason
	}
	if len(a.Included) != 1 || reasons[ben] != "opted out" || reasons[chloe] != "no consent given" {
		t.Errorf("preview of all: %+v", a)
	}

	if out := s.ok("outreach", "preview", "all", "--channel", "email", "--format", "bcc"); out != "anna@example.com\n" {
		t.Errorf("bcc %q", out)
	}
	if out := s.ok("outreach", "preview", "all", "--channel", "email", "--format", "mailto"); out != "mailto:?bcc=anna%40example.com&subject=all\n" {
		t.Errorf("mailto %q", out)
	}
	if out := s.ok("outreach", "preview", "all", "--channel", "email", "--format", "csv"); out != "contact_id,name,address\n"+anna+",Anna Keller,anna@example.com\n" {
		t.Errorf("csv %q", out)
	}
	if out := s.ok("outreach", "preview", "all", "--channel", "email", "--format", "vcard"); !strings.Contains(out, "FN:Anna Keller") || strings.Contains(out, "Ben") {
		t.Errorf("vcard %q", out)
	}
	list := s.ok("outreach", "preview", "all", "--channel", "email")
	if !strings.Contains(list, "include  "+anna) || !strings.Contains(list, "opted out") {
		t.Errorf("list:\n%s", list)
	}

	file := filepath.Join(t.TempDir(), "spring.csv")
	r := s.run("outreach", "send", "all", "--channel", "email", "--note", "spring collection", "--format", "csv", "-o", file)
	if r.code != 0 || !strings.Contains(r.err, "recorded a message on email for 1 client; 2 excluded") {
		t.Fatalf("send: exit %d %q", r.code, r.err)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "anna@example.com") {
		t.Errorf("audience file %q %v", b, err)
	}
	var timeline []map[string]any
	for _, in := range s.show(anna)["interactions"].([]any) {
		timeline = append(timeline, in.(map[string]any))
	}
	if len(timeline) == 0 || timeline[0]["kind"] != "message" || timeline[0]["summary"] != "spring collection" {
		t.Errorf("Anna's timeline after send: %v", timeline)
	}
	// Her limit is one a month: the next preview leaves her out.
	s.json(&a, "outreach", "preview", "all", "--channel", "email")
	if len(a.Included) != 0 {
		t.Errorf("after the send, included %+v", a.Included)
	}
	for _, bad := range [][]string{
		{"outreach", "preview", "all"},
		{"outreach", "preview", "all", "--channel", "sms", "--format", "bcc"},
		{"outreach", "send", "all", "--channel", "email", "--format", "pdf"},
	} {
		if r := s.run(bad...); r.code != 2 {
			t.Errorf("%v: exit %d %q", bad, r.code, r.err)
		}
	}
	if r := s.run("outreach", "send", "nobody", "--channel", "email"); r.code != 1 {
		t.Errorf("unknown segment: exit %d %q", r.code, r.err)
	}
}
