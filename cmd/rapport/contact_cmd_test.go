package main

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"rapport/data"
)

// contactOut is the part of a contact's JSON the tests look at.
type contactOut struct {
	ID           string   `json:"id"`
	DisplayName  string   `json:"display_name"`
	Given        string   `json:"given"`
	Family       string   `json:"family"`
	Nickname     string   `json:"nickname"`
	Organization string   `json:"organization"`
	Title        string   `json:"title"`
	Birthday     string   `json:"birthday"`
	Notes        string   `json:"notes"`
	Tags         []string `json:"tags"`
	Deleted      bool     `json:"deleted"`
	Emails       []struct {
		Address string `json:"address"`
	} `json:"emails"`
	Phones []struct {
		Number string `json:"number"`
		E164   string `json:"e164"`
	} `json:"phones"`
}

func (c contactOut) emails() []string {
	out := []string{}
	for _, e := range c.Emails {
		out = append(out, e.Address)
	}
	return out
}

func (c contactOut) phones() []string {
	out := []string{}
	for _, p := range c.Phones {
		out = append(out, p.Number)
	}
	return out
}

func TestContactAdd(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want contactOut
	}{
		{"names only", []string{"--given", "Anna", "--family", "Keller"},
			contactOut{DisplayName: "Anna Keller", Given: "Anna", Family: "Keller", Tags: []string{}}},
		{"everything", []string{"--given", "Anna", "--family", "Keller", "--nickname", "Annie", "--org", "Keller AG", "--title", "buyer",
			"--email", "anna@example.com", "--email", "a.keller@work.example", "--phone", "0176 1234567", "--phone", "+41 44 123 45 67",
			"--birthday", "1986-03-13", "--tag", "VIP", "--tag", "linen", "--note", "prefers mornings"},
			contactOut{DisplayName: "Anna Keller", Given: "Anna", Family: "Keller", Nickname: "Annie", Organization: "Keller AG",
				Title: "buyer", Birthday: "1986-03-13", Notes: "prefers mornings", Tags: []string{"linen", "VIP"}}},
		{"year-less birthday as next argument", []string{"--given", "Bo", "--birthday", "--03-15"},
			contactOut{DisplayName: "Bo", Given: "Bo", Birthday: "--03-15", Tags: []string{}}},
		{"year-less birthday after =", []string{"--given", "Bo", "--birthday=--03-15"},
			contactOut{DisplayName: "Bo", Given: "Bo", Birthday: "--03-15", Tags: []string{}}},
		{"year-less birthday, single dash flag", []string{"-given", "Bo", "-birthday", "--0315"},
			contactOut{DisplayName: "Bo", Given: "Bo", Birthday: "--03-15", Tags: []string{}}},
		{"organisation only", []string{"--org", "Atelier Nord"},
			contactOut{DisplayName: "Atelier Nord", Organization: "Atelier Nord", Tags: []string{}}},
		{"spaces trimmed", []string{"--given", "  Cem ", "--family", "Yilmaz  "},
			contactOut{DisplayName: "Cem Yilmaz", Given: "Cem", Family: "Yilmaz", Tags: []string{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			id := s.id(append([]string{"contact", "add"}, tc.args...)...)
			var got contactOut
			s.json(&got, "contact", "show", id)
			if got.ID != id {
				t.Errorf("id %q, want %q", got.ID, id)
			}
			got.ID, got.Emails, got.Phones = "", nil, nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestContactAddJSONAndMethods(t *testing.T) {
	s := newShop(t)
	var c contactOut
	s.json(&c, "contact", "add", "--given", "Anna", "--email", "anna@example.com", "--phone", "0176 1234567")
	if len(c.ID) != 36 || c.DisplayName != "Anna" {
		t.Fatalf("contact add --json: %+v", c)
	}
	if got := c.emails(); !reflect.DeepEqual(got, []string{"anna@example.com"}) {
		t.Errorf("emails %v", got)
	}
	if len(c.Phones) != 1 || c.Phones[0].E164 != "+491761234567" {
		t.Errorf("phones %+v, want the number read in region DE", c.Phones)
	}
}

func TestContactEdit(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		check  func(c contactOut) bool
		expect string
	}{
		{"only the flags given change", []string{"--nickname", "Annie"}, func(c contactOut) bool {
			return c.Nickname == "Annie" && c.Given == "Anna" && c.Family == "Keller" && len(c.Emails) == 1 && len(c.Phones) == 1 &&
				reflect.DeepEqual(c.Tags, []string{"VIP"})
		}, "nickname set, the rest kept"},
		{"names change the display name", []string{"--family", "Berg"}, func(c contactOut) bool {
			return c.DisplayName == "Anna Berg"
		}, "display name Anna Berg"},
		{"emails replace the list", []string{"--email", "new@example.com", "--email", "other@example.com"}, func(c contactOut) bool {
			return reflect.DeepEqual(c.emails(), []string{"new@example.com", "other@example.com"}) && len(c.Phones) == 1
		}, "two new e-mails, phone kept"},
		{"phones replace the list", []string{"--phone", "+41 44 123 45 67"}, func(c contactOut) bool {
			return reflect.DeepEqual(c.phones(), []string{"+41 44 123 45 67"})
		}, "one new phone"},
		{"an empty list value clears it", []string{"--email", ""}, func(c contactOut) bool {
			return len(c.Emails) == 0
		}, "no e-mails"},
		{"tags replace the list", []string{"--tag", "linen", "--tag", "regular"}, func(c contactOut) bool {
			return reflect.DeepEqual(c.Tags, []string{"linen", "regular"})
		}, "tags linen, regular"},
		{"add and remove tags", []string{"--add-tag", "linen", "--remove-tag", "vip"}, func(c contactOut) bool {
			return reflect.DeepEqual(c.Tags, []string{"linen"})
		}, "tag linen only (removal ignores case)"},
		{"adding a tag it has changes nothing", []string{"--add-tag", "vip"}, func(c contactOut) bool {
			return reflect.DeepEqual(c.Tags, []string{"VIP"})
		}, "tag VIP once"},
		{"birthday without year", []string{"--birthday", "--07-01"}, func(c contactOut) bool {
			return c.Birthday == "--07-01"
		}, "birthday --07-01"},
		{"birthday cleared", []string{"--birthday", ""}, func(c contactOut) bool {
			return c.Birthday == ""
		}, "no birthday"},
		{"note replaced", []string{"--note", "size 38"}, func(c contactOut) bool {
			return c.Notes == "size 38"
		}, "notes size 38"},
		{"id prefix and flags before it", []string{"--title", "Dr"}, func(c contactOut) bool {
			return c.Title == "Dr"
		}, "title Dr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			id := s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--email", "anna@example.com",
				"--phone", "0176 1234567", "--tag", "VIP", "--birthday", "1986-03-13", "--note", "likes linen")
			args := append([]string{"contact", "edit"}, tc.args...)
			args = append(args, id[:30]) // the ID after the flags, shortened
			if out := s.ok(args...); out != "" {
				t.Errorf("edit printed %q", out)
			}
			var c contactOut
			s.json(&c, "contact", "show", id)
			if !tc.check(c) {
				t.Errorf("got %+v, want %s", c, tc.expect)
			}
		})
	}
}

// Replacing the e-mails keeps the row of an address that stays, so that sync
// sees an edit rather than a delete and an insert.
func TestContactEditKeepsMethodIDs(t *testing.T) {
	s := newShop(t)
	id := s.anna()
	emailIDs := func() []string {
		st, err := data.Open(context.Background(), s.db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		c, err := st.Contact(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range c.Emails {
			ids = append(ids, e.ID)
		}
		return ids
	}
	before := emailIDs()
	s.ok("contact", "edit", id, "--email", "ANNA@example.com", "--email", "more@example.com")
	after := emailIDs()
	if len(after) != 2 || after[0] != before[0] || after[1] == before[0] {
		t.Errorf("e-mail ids %v, then %v: want the first kept", before, after)
	}
}

func TestContactDeleteRestoreList(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	ben := s.id("contact", "add", "--given", "Ben", "--family", "Roth", "--tag", "regular")
	names := func(args ...string) []string {
		var list []contactOut
		s.json(&list, append([]string{"contact", "list"}, args...)...)
		out := []string{}
		for _, c := range list {
			out = append(out, c.DisplayName)
		}
		return out
	}
	if got := names(); !reflect.DeepEqual(got, []string{"Anna Keller", "Ben Roth"}) {
		t.Fatalf("list %v", got)
	}
	if got := names("--tag", "vip"); !reflect.DeepEqual(got, []string{"Anna Keller"}) {
		t.Errorf("list --tag vip %v", got)
	}
	out := s.ok("contact", "delete", anna)
	if !strings.Contains(out, "Deleted Anna Keller") || !strings.Contains(out, "contact restore "+anna) {
		t.Errorf("delete printed %q", out)
	}
	if got := names(); !reflect.DeepEqual(got, []string{"Ben Roth"}) {
		t.Errorf("list after delete %v", got)
	}
	if got := names("--deleted"); !reflect.DeepEqual(got, []string{"Anna Keller"}) {
		t.Errorf("list --deleted %v", got)
	}
	var c contactOut
	s.json(&c, "contact", "show", anna)
	if !c.Deleted {
		t.Errorf("show of a deleted contact: deleted = false")
	}
	if r := s.run("contact", "delete", anna); r.code != 1 || !strings.Contains(r.err, "already deleted") {
		t.Errorf("deleting twice: exit %d, %q", r.code, r.err)
	}
	s.ok("contact", "restore", anna)
	if got := names(); !reflect.DeepEqual(got, []string{"Anna Keller", "Ben Roth"}) {
		t.Errorf("list after restore %v", got)
	}

	// Human output: one aligned line per client, the id first.
	lines := strings.Split(strings.TrimRight(s.ok("contact", "list"), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], anna+"  Anna Keller") || !strings.HasPrefix(lines[1], ben+"  Ben Roth") {
		t.Errorf("contact list:\n%s", strings.Join(lines, "\n"))
	}
	if i, j := strings.Index(lines[0], "anna@example.com"), strings.Index(lines[1], "regular"); i < 0 || j < 0 {
		t.Errorf("contact list misses the e-mail or tags:\n%s", strings.Join(lines, "\n"))
	}
	if r := newShop(t).run("contact", "list"); r.code != 0 || r.out != "" {
		t.Errorf("empty list: %+v", r)
	}
	if got := s.ok("contact", "list", "--tag", "nobody", "--json"); strings.TrimSpace(got) != "[]" {
		t.Errorf("empty JSON list %q, want []", got)
	}
}

func TestContactSearch(t *testing.T) {
	s := newShop(t)
	s.anna()
	s.id("contact", "add", "--given", "Ben", "--family", "Roth", "--phone", "+41 44 123 45 67", "--org", "Annex GmbH")
	s.id("contact", "add", "--given", "Élodie", "--family", "Martin")
	tests := []struct {
		query []string
		want  []string
	}{
		{[]string{"kel"}, []string{"Anna Keller"}},
		{[]string{"anna", "keller"}, []string{"Anna Keller"}},
		{[]string{"1234567"}, []string{"Anna Keller", "Ben Roth"}},
		{[]string{"elodie"}, []string{"Élodie Martin"}},
		{[]string{"vip"}, []string{"Anna Keller"}},
		{[]string{"nobody"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.query, " "), func(t *testing.T) {
			var list []contactOut
			s.json(&list, append([]string{"contact", "search"}, tc.query...)...)
			got := []string{}
			for _, c := range list {
				got = append(got, c.DisplayName)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("found %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("found %v, want %v", got, tc.want)
				}
			}
		})
	}
	var one []contactOut
	s.json(&one, "contact", "search", "an", "--limit", "1")
	if len(one) != 1 {
		t.Errorf("--limit 1 gave %d results", len(one))
	}
	if out := s.ok("contact", "search", "keller"); !strings.Contains(out, "Anna Keller") {
		t.Errorf("search output %q", out)
	}
}

func TestContactMerge(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	dup := s.id("contact", "add", "--given", "Anna", "--family", "Keller", "--email", "anna.k@example.com", "--birthday", "--03-13", "--tag", "linen")
	s.ok("log", dup, "--kind", "visit", "--summary", "first visit")
	out := s.ok("contact", "merge", anna[:30], dup)
	if !strings.Contains(out, "Merged Anna Keller into Anna Keller") {
		t.Errorf("merge printed %q", out)
	}
	m := s.show(anna)
	var c contactOut
	s.json(&c, "contact", "show", anna)
	if !reflect.DeepEqual(c.emails(), []string{"anna@example.com", "anna.k@example.com"}) || c.Birthday != "--03-13" ||
		!reflect.DeepEqual(c.Tags, []string{"linen", "VIP"}) {
		t.Errorf("kept contact after merge: %+v", c)
	}
	if ins := m["interactions"].([]any); len(ins) != 1 {
		t.Errorf("timeline after merge %v", ins)
	}
	var list []contactOut
	s.json(&list, "contact", "list")
	if len(list) != 1 {
		t.Errorf("%d contacts after merge, want 1", len(list))
	}
	if r := s.run("contact", "restore", dup); r.code != 1 || !strings.Contains(r.err, "merged into") {
		t.Errorf("restoring a merged contact: exit %d %q", r.code, r.err)
	}
	if r := s.run("contact", "merge", anna); r.code != 2 {
		t.Errorf("merge with one id: exit %d", r.code)
	}
}

func TestContactShowHuman(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	s.ok("contact", "edit", anna, "--birthday", "1986-03-13", "--note", "likes linen")
	s.ok("pref", "set", anna, "--category", "size", "--subject", "dress", "--value", "38 EU")
	s.ok("consent", "set", anna, "--channel", "sms", "--status", "in", "--max-per-month", "2", "--source", "signed form")
	s.ok("log", anna, "--kind", "purchase", "--amount", "120", "--currency", "EUR", "--summary", "linen dress", "--at", "2026-03-01 15:30")
	s.ok("appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00", "--purpose", "fitting")
	s.ok("task", "add", anna, "--title", "call about the hem", "--due", "2026-03-11")
	out := s.ok("contact", "show", anna)
	for _, want := range []string{
		"Anna Keller\n", "  id        " + anna, "  e-mail    anna@example.com", "  birthday  1986-03-13", "  tags      VIP",
		"1 purchase, 120.00 EUR in all",
		"\nDates\n  1986-03-13  birthday", "\nPreferences\n  size  dress  38 EU  confirmed 2026-03-10",
		"\nConsent\n  sms  opted in  at most 2 a month  since 2026-03-10 (signed form)",
		"\nAppointments\n  Thu 2026-03-12 14:00-15:00  Europe/Berlin  fitting  booked",
		"\nTasks\n  2026-03-11  call about the hem  open",
		"\nTimeline\n  2026-03-01 15:30  purchase  linen dress · 120.00 EUR · (Mia)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("contact show lacks %q:\n%s", want, out)
		}
	}
}

func TestContactShowJSON(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	ben := s.id("contact", "add", "--given", "Ben")
	s.ok("date", "add", anna, "--kind", "anniversary", "--date", "2001-06-20", "--label", "wedding")
	s.ok("pref", "set", anna, "--category", "dislike", "--subject", "fabric", "--value", "wool")
	s.ok("consent", "set", anna, "--channel", "email", "--status", "out")
	s.ok("log", anna, "--kind", "purchase", "--amount", "12.50", "--currency", "eur", "--at", "2026-02-01")
	s.ok("log", anna, "--kind", "referral", "--referred", ben)
	s.ok("appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00")
	s.ok("task", "add", anna, "--title", "call", "--due", "2026-03-11")
	m := s.show(anna)
	for _, k := range []string{"id", "display_name", "given", "family", "organization", "emails", "phones", "tags", "birthday",
		"dates", "preferences", "consent", "interactions", "appointments", "tasks", "summary"} {
		if _, ok := m[k]; !ok {
			t.Errorf("contact show --json lacks %q", k)
		}
	}
	dates := m["dates"].([]any)
	if len(dates) != 1 {
		t.Fatalf("dates %v", dates)
	}
	if d := dates[0].(map[string]any); d["kind"] != "anniversary" || d["date"] != "2001-06-20" || d["label"] != "wedding" {
		t.Errorf("date %v", d)
	}
	if p := m["preferences"].([]any)[0].(map[string]any); p["category"] != "dislike" || p["value"] != "wool" {
		t.Errorf("preference %v", p)
	}
	if k := m["consent"].([]any)[0].(map[string]any); k["channel"] != "email" || k["status"] != "out" {
		t.Errorf("consent %v", k)
	}
	ins := m["interactions"].([]any)
	if len(ins) != 2 {
		t.Fatalf("interactions %v", ins)
	}
	ref, buy := ins[0].(map[string]any), ins[1].(map[string]any)
	if ref["kind"] != "referral" || ref["referred_id"] != ben || ref["referred_name"] != "Ben" {
		t.Errorf("referral %v", ref)
	}
	if buy["amount_minor"] != 1250.0 || buy["amount"] != "12.50" || buy["currency"] != "EUR" || buy["at"] != "2026-02-01T12:00:00+01:00" {
		t.Errorf("purchase %v", buy)
	}
	if sum := m["summary"].(map[string]any); sum["purchases"] != 1.0 || sum["total_spend_minor"] != 1250.0 || sum["total_spend"] != "12.50" {
		t.Errorf("summary %v", sum)
	}
	if a := m["appointments"].([]any)[0].(map[string]any); a["start"] != "2026-03-12T14:00:00+01:00" {
		t.Errorf("appointment %v", a)
	}
	if k := m["tasks"].([]any)[0].(map[string]any); k["due"] != "2026-03-11" || k["done"] != false {
		t.Errorf("task %v", k)
	}
	// A client with nothing yet has empty lists, not nulls.
	m = s.show(ben)
	for _, k := range []string{"emails", "phones", "tags", "dates", "preferences", "consent", "interactions", "appointments", "tasks"} {
		if l, ok := m[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %v, want []", k, m[k])
		}
	}
}

func TestIDPrefixes(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	ben := s.id("contact", "add", "--given", "Ben")
	common := 0
	for common < len(anna) && anna[common] == ben[common] {
		common++
	}
	// The shortest prefix that tells them apart works, in any case.
	var c contactOut
	s.json(&c, "contact", "show", strings.ToUpper(anna[:max(common+1, 4)]))
	if c.ID != anna {
		t.Errorf("prefix resolved to %q", c.ID)
	}
	if common >= 4 {
		r := s.run("contact", "show", anna[:common])
		if r.code != 1 || !strings.Contains(r.err, "several") {
			t.Errorf("ambiguous prefix: exit %d %q", r.code, r.err)
		}
	}
}
