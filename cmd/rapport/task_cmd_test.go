package main

import (
	"strings"
	"testing"
)

type taskOut struct {
	ID           string `json:"id"`
	ContactID    string `json:"contact_id"`
	DisplayName  string `json:"display_name"`
	Title        string `json:"title"`
	Due          string `json:"due"`
	Done         bool   `json:"done"`
	SnoozedUntil string `json:"snoozed_until"`
	Overdue      bool   `json:"overdue"`
}

func TestTasks(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	var call taskOut
	s.json(&call, "task", "add", anna, "--title", "call about the hem", "--due", "2026-03-09")
	if call.ContactID != anna || call.DisplayName != "Anna Keller" || call.Due != "2026-03-09" || !call.Overdue || call.Done {
		t.Errorf("task add --json %+v", call)
	}
	stock := s.id("task", "add", "--title", "order linen", "--due", "2026-03-20")
	later := s.id("task", "add", "--due", "2027-01-05", "--title", "inventory", anna)

	list := func() []string {
		var l []taskOut
		s.json(&l, "task", "list")
		out := []string{}
		for _, k := range l {
			out = append(out, k.Title)
		}
		return out
	}
	steps := []struct {
		name string
		args []string
		want []string
	}{
		{"all open, oldest due first", nil, []string{"call about the hem", "order linen", "inventory"}},
		{"done leaves the list", []string{"task", "done", call.ID}, []string{"order linen", "inventory"}},
		{"done twice is fine", []string{"task", "done", call.ID}, []string{"order linen", "inventory"}},
		{"snoozed stays listed, marked", []string{"task", "snooze", stock[:30], "--until", "2026-04-01"}, []string{"order linen", "inventory"}},
		{"snoozed until today shows", []string{"task", "snooze", stock, "--until", "2026-03-10"}, []string{"order linen", "inventory"}},
	}
	for _, st := range steps {
		if st.args != nil {
			s.ok(st.args...)
		}
		if got := list(); strings.Join(got, "|") != strings.Join(st.want, "|") {
			t.Errorf("%s: task list %v, want %v", st.name, got, st.want)
		}
	}

	s.ok("task", "snooze", stock, "--until", "2026-04-01")
	if out := s.ok("task", "list"); !strings.Contains(out, "snoozed until 2026-04-01") {
		t.Errorf("a snoozed task is not marked:\n%s", out)
	}
	var all []taskOut
	s.json(&all, "task", "list", "--done", "--json")
	if len(all) != 3 || all[2].Title != "call about the hem" {
		t.Errorf("task list --done = %+v, want the done task last", all)
	}
	s.ok("task", "snooze", stock, "--until", "2026-03-10")

	out := s.ok("task", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "2026-03-20  open  (shop)       order linen  "+stock) ||
		!strings.HasPrefix(lines[1], "2027-01-05  open  Anna Keller  inventory    "+later) {
		t.Errorf("task list:\n%s", out)
	}

	// The client's page keeps done tasks.
	tasks := s.show(anna)["tasks"].([]any)
	if len(tasks) != 2 {
		t.Fatalf("tasks on the client's page %v", tasks)
	}
	if k := tasks[1].(map[string]any); k["title"] != "call about the hem" || k["done"] != true || k["done_at"] == nil {
		t.Errorf("done task %v", k)
	}

	if r := s.run("task", "add", "--title", "x"); r.code != 2 {
		t.Errorf("task add without --due: exit %d", r.code)
	}
	if r := s.run("task", "snooze", stock); r.code != 2 {
		t.Errorf("snooze without --until: exit %d", r.code)
	}
	if r := newShop(t).run("task", "list"); r.code != 0 || r.out != "" {
		t.Errorf("empty task list: %+v", r)
	}
}

func TestDateAdd(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want dateOut
	}{
		{"anniversary with year", []string{"--kind", "anniversary", "--date", "2001-06-20", "--label", "wedding"},
			dateOut{Kind: "anniversary", Date: "2001-06-20", Label: "wedding", Yearly: true, LeadDays: 7}},
		{"year-less date as next argument", []string{"--kind", "custom", "--date", "--09-01", "--label", "name day", "--lead-days", "3"},
			dateOut{Kind: "custom", Date: "--09-01", Label: "name day", Yearly: true, LeadDays: 3}},
		{"year-less date after =", []string{"--kind", "custom", "--date=--09-01"},
			dateOut{Kind: "custom", Date: "--09-01", Yearly: true, LeadDays: 7}},
		{"one-off", []string{"--kind", "custom", "--date", "2026-06-15", "--label", "son's graduation", "--once", "--lead-days", "14"},
			dateOut{Kind: "custom", Date: "2026-06-15", Label: "son's graduation", LeadDays: 14}},
		{"birthday sets the contact's", []string{"--kind", "birthday", "--date", "--03-15"},
			dateOut{Kind: "birthday", Date: "--03-15", Yearly: true, LeadDays: 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			anna := s.anna()
			var got dateOut
			s.json(&got, append([]string{"date", "add", anna}, tc.args...)...)
			tc.want.ID = got.ID
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			var c contactOut
			s.json(&c, "contact", "show", anna)
			if tc.want.Kind == "birthday" && c.Birthday != tc.want.Date {
				t.Errorf("contact's birthday %q", c.Birthday)
			}
			dates := s.show(anna)["dates"].([]any)
			if len(dates) != 1 || dates[0].(map[string]any)["id"] != got.ID {
				t.Errorf("dates on the client's page %v", dates)
			}
		})
	}
}

type dateOut struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Date     string `json:"date"`
	Label    string `json:"label"`
	Yearly   bool   `json:"yearly"`
	LeadDays int    `json:"lead_days"`
}
