package main

import (
	"strings"
	"testing"
)

type appointmentOut struct {
	ID          string `json:"id"`
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Start       string `json:"start"`
	End         string `json:"end"`
	TZ          string `json:"tz"`
	AllDay      bool   `json:"all_day"`
	Purpose     string `json:"purpose"`
	Status      string `json:"status"`
}

func TestApptAdd(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		start, end string
		tz         string
	}{
		{"local zone by default", []string{"--start", "2026-03-12 14:00", "--end", "2026-03-12 15:00"},
			"2026-03-12T14:00:00+01:00", "2026-03-12T15:00:00+01:00", "Europe/Berlin"},
		{"T form and end as a clock time", []string{"--start", "2026-03-12T09:30", "--end", "10:15"},
			"2026-03-12T09:30:00+01:00", "2026-03-12T10:15:00+01:00", "Europe/Berlin"},
		{"another zone", []string{"--start", "2026-03-12 14:00", "--end", "15:00", "--tz", "America/New_York"},
			"2026-03-12T14:00:00-04:00", "2026-03-12T15:00:00-04:00", "America/New_York"},
		{"RFC 3339 shown in the zone", []string{"--start", "2026-03-12T13:00:00Z", "--end", "2026-03-12T14:00:00Z", "--tz", "Europe/Paris"},
			"2026-03-12T14:00:00+01:00", "2026-03-12T15:00:00+01:00", "Europe/Paris"},
		{"across summer time", []string{"--start", "2026-03-28 23:00", "--end", "2026-03-29 04:00"},
			"2026-03-28T23:00:00+01:00", "2026-03-29T04:00:00+02:00", "Europe/Berlin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			anna := s.anna()
			var a appointmentOut
			s.json(&a, append([]string{"appt", "add", anna, "--purpose", "fitting"}, tc.args...)...)
			want := appointmentOut{ID: a.ID, ContactID: anna, DisplayName: "Anna Keller", Start: tc.start, End: tc.end, TZ: tc.tz,
				Purpose: "fitting", Status: "booked"}
			if a != want {
				t.Errorf("got  %+v\nwant %+v", a, want)
			}
			var list []appointmentOut
			s.json(&list, "appt", "list", "--from", "2026-03-01")
			if len(list) != 1 || list[0] != want {
				t.Errorf("appt list %+v", list)
			}
		})
	}
}

func TestApptListAndStatus(t *testing.T) {
	s := newShop(t)
	anna := s.anna()
	past := s.id("appt", "add", anna, "--start", "2026-03-09 11:00", "--end", "12:00", "--purpose", "alterations")
	soon := s.id("appt", "add", anna, "--start", "2026-03-12 14:00", "--end", "15:00", "--purpose", "fitting")
	later := s.id("appt", "add", "--start", "2026-04-02 09:00", "--end", "17:00", "--purpose", "stocktaking")
	ids := func(args ...string) []string {
		var list []appointmentOut
		s.json(&list, append([]string{"appt", "list"}, args...)...)
		out := []string{}
		for _, a := range list {
			out = append(out, a.ID)
		}
		return out
	}
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{soon, later}}, // from today on
		{[]string{"--from", "2026-03-01"}, []string{past, soon, later}},
		{[]string{"--from", "2026-03-01", "--to", "2026-03-12"}, []string{past, soon}}, // --to is included
		{[]string{"--to", "2026-03-11"}, []string{}},
		{[]string{"--from", "2026-04-02", "--to", "2026-04-02"}, []string{later}},
	}
	for _, tc := range tests {
		if got := ids(tc.args...); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("appt list %v = %v, want %v", tc.args, got, tc.want)
		}
	}
	var list []appointmentOut
	s.json(&list, "appt", "list")
	if list[1].ContactID != "" || list[1].DisplayName != "" {
		t.Errorf("an appointment for no client: %+v", list[1])
	}

	// Human output: the time, zone, client, purpose, status and id, aligned.
	out := s.ok("appt", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Thu 2026-03-12 14:00-15:00  Europe/Berlin  Anna Keller  fitting      booked  "+soon) ||
		!strings.HasPrefix(lines[1], "Thu 2026-04-02 09:00-17:00  Europe/Berlin  -            stocktaking  booked  "+later) {
		t.Errorf("appt list:\n%s", out)
	}

	s.ok("appt", "done", past)
	s.ok("appt", "cancel", soon[:30])
	s.json(&list, "appt", "list", "--from", "2026-03-01")
	if list[0].Status != "done" || list[1].Status != "cancelled" || list[2].Status != "booked" {
		t.Errorf("statuses %+v", list)
	}
	// Done logs the visit on the client's timeline.
	ins := s.show(anna)["interactions"].([]any)
	if len(ins) != 1 {
		t.Fatalf("timeline %v, want the visit", ins)
	}
	if v := ins[0].(map[string]any); v["kind"] != "visit" || v["summary"] != "alterations" || v["at"] != "2026-03-09T11:00:00+01:00" {
		t.Errorf("visit %v", v)
	}
	if r := s.run("appt", "list", "--from", "2026-03-12", "--to", "2026-03-01"); r.code != 1 {
		t.Errorf("--to before --from: exit %d", r.code)
	}
	if r := s.run("appt", "add", anna, "--start", "2026-03-12 14:00"); r.code != 2 {
		t.Errorf("appt add without --end: exit %d", r.code)
	}
}
