package data

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TodayItem is one thing that needs attention, with the client's key context.
type TodayItem struct {
	Kind        string `json:"kind"`             // birthday, anniversary, date, appointment, task, checkin, repurchase, tier, reward, not-seen
	RefID       string `json:"ref_id,omitempty"` // the date, appointment or task it is about
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Date        Date   `json:"date"`
	Detail      string `json:"detail"`            // "turns 40 on Friday 13 March"
	Context     string `json:"context,omitempty"` // "dress 38 · dislikes wool · last visit 3 months ago · SMS ok"
	Overdue     bool   `json:"overdue,omitempty"`
}

// How many lapsed and due-to-repurchase clients Today shows; the full lists
// are NotSeen and RepurchaseDue.
const (
	todayListLimit = 20
	// NotSeenDays is how long without a visit makes a regular client lapsed,
	// unless this computer's CheckInSetting says otherwise.
	NotSeenDays = 90
	// CheckInSetting is the local setting of how many days without a visit
	// put a client on Today to be checked in with.
	CheckInSetting = "check-in days"
	// complaintFollowUpDays is how long a complaint without a check-in after it
	// stays on Today.
	complaintFollowUpDays = 30
)

// Today gathers everything that needs attention now and in the next `days`
// days: important dates within their lead time, appointments, tasks due and
// overdue, complaints awaiting a check-in, clients due to repurchase and
// clients not seen for a while. Items come in date order within each kind.
func (s *Store) Today(ctx context.Context, days int) ([]TodayItem, error) {
	if days < 0 {
		return nil, fmt.Errorf("%w days %d", ErrInvalid, days)
	}
	today := s.today()
	var items []TodayItem

	dates, err := s.UpcomingDates(ctx, days)
	if err != nil {
		return nil, err
	}
	for _, d := range dates {
		kind := d.Kind
		if kind == "custom" {
			kind = "date"
		}
		items = append(items, TodayItem{Kind: kind, RefID: d.DateID, ContactID: d.ContactID, DisplayName: d.DisplayName,
			Date: d.On, Detail: describeDate(d, today)})
	}

	from := today.Time().Add(-time.Duration(offsetOf(s.Now())) * time.Second)
	appts, err := s.Appointments(ctx, from, from.AddDate(0, 0, days+1))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, a := range appts {
		if a.Status == "cancelled" || a.Status == "done" || a.Status == "no-show" {
			continue
		}
		name, err := s.displayName(ctx, a.ContactID, names)
		if err != nil {
			return nil, err
		}
		what := a.Purpose
		if what == "" {
			what = "appointment"
		}
		local := a.Start.In(s.Now().Location())
		items = append(items, TodayItem{Kind: "appointment", RefID: a.ID, ContactID: a.ContactID, DisplayName: name,
			Date: DayOf(local), Detail: fmt.Sprintf("%s %s, %s", dayWord(DayOf(local), today), local.Format("15:04"), what)})
	}

	tasks, err := s.DueTasks(ctx, days)
	if err != nil {
		return nil, err
	}
	for _, k := range tasks {
		detail := k.Title + ", due " + dayWord(k.Due, today)
		if k.Overdue {
			detail = fmt.Sprintf("%s, overdue since %s", k.Title, k.Due.Time().Format("Mon 2 Jan"))
		}
		items = append(items, TodayItem{Kind: "task", RefID: k.ID, ContactID: k.ContactID, DisplayName: k.DisplayName,
			Date: k.Due, Detail: detail, Overdue: k.Overdue})
	}

	checkins, err := s.complaintsAwaitingCheckin(ctx)
	if err != nil {
		return nil, err
	}
	items = append(items, checkins...)

	rep, err := s.RepurchaseDue(ctx, days, todayListLimit)
	if err != nil {
		return nil, err
	}
	for _, r := range rep {
		items = append(items, TodayItem{Kind: "repurchase", ContactID: r.ContactID, DisplayName: r.DisplayName, Date: r.Due,
			Detail:  fmt.Sprintf("usually buys every %d days; last purchase %s", r.IntervalDays, Ago(r.LastPurchase, s.now())),
			Overdue: r.Due.Time().Before(today.Time())})
	}

	loyalty, err := s.loyaltyToday(ctx)
	if err != nil {
		return nil, err
	}
	items = append(items, loyalty...)

	notSeen, err := s.CheckInDays(ctx)
	if err != nil {
		return nil, err
	}
	lapsed, err := s.NotSeen(ctx, notSeen, todayListLimit)
	if err != nil {
		return nil, err
	}
	for _, l := range lapsed {
		items = append(items, TodayItem{Kind: "not-seen", ContactID: l.ContactID, DisplayName: l.DisplayName, Date: today,
			Detail: "last visit " + Ago(l.LastVisit, s.now())})
	}

	var ids []string
	for _, it := range items {
		if it.ContactID != "" {
			ids = append(ids, it.ContactID)
		}
	}
	contexts, err := s.clientContexts(ctx, ids, today)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Context = contexts[items[i].ContactID]
	}
	return items, nil
}

func offsetOf(t time.Time) int { _, off := t.Zone(); return off }

func (s *Store) displayName(ctx context.Context, id string, cache map[string]string) (string, error) {
	if id == "" {
		return "", nil
	}
	if n, ok := cache[id]; ok {
		return n, nil
	}
	var n string
	if err := s.db.QueryRowContext(ctx, "SELECT display_name FROM contact WHERE id = ?", id).Scan(&n); err != nil {
		return "", err
	}
	cache[id] = n
	return n, nil
}

// complaintsAwaitingCheckin lists recent complaints with no check-in,
// compliment or call logged for the client after them.
func (s *Store) complaintsAwaitingCheckin(ctx context.Context) ([]TodayItem, error) {
	since := formatTS(s.now().AddDate(0, 0, -complaintFollowUpDays))
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.contact_id, c.display_name, i.at, i.summary FROM interaction i
		JOIN contact c ON c.id = i.contact_id
		WHERE i.kind = 'complaint' AND i.at >= ? AND i.cl % 2 = 1 AND c.cl % 2 = 1
		AND NOT EXISTS (SELECT 1 FROM interaction f WHERE f.contact_id = i.contact_id AND f.cl % 2 = 1
			AND f.kind IN ('checkin', 'compliment', 'call') AND f.at > i.at)
		ORDER BY i.at`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TodayItem
	for rows.Next() {
		var id, contact, name, at, summary string
		if err := rows.Scan(&id, &contact, &name, &at, &summary); err != nil {
			return nil, err
		}
		when := parseTS(at)
		detail := "complained " + Ago(when, s.now()) + "; check in"
		if summary != "" {
			detail = fmt.Sprintf("complained %s (%s); check in", Ago(when, s.now()), summary)
		}
		out = append(out, TodayItem{Kind: "checkin", RefID: id, ContactID: contact, DisplayName: name,
			Date: s.today(), Detail: detail})
	}
	return out, rows.Err()
}

// clientContexts gives, for each client, the line that tells staff who they
// are at a glance: allergies, sizes and dislikes, the last visit, and the
// channels they may be reached on. Three queries serve any number of clients,
// since Today can list thousands at 100,000 clients.
func (s *Store) clientContexts(ctx context.Context, ids []string, today Date) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	var unique []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	list, err := json.Marshal(unique)
	if err != nil {
		return nil, err
	}
	prefs := map[string][]Preference{}
	rows, err := s.db.QueryContext(ctx, `SELECT contact_id, category, subject, value, confirmed FROM preference
		WHERE contact_id IN (SELECT value FROM json_each(?)) AND cl % 2 = 1 ORDER BY contact_id, category, subject, rowid`, string(list))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p Preference
		var confirmed string
		if err := rows.Scan(&p.ContactID, &p.Category, &p.Subject, &p.Value, &confirmed); err != nil {
			rows.Close()
			return nil, err
		}
		p.Confirmed, _ = ParseDate(confirmed)
		prefs[p.ContactID] = append(prefs[p.ContactID], p)
	}
	rows.Close()
	lastVisit := map[string]string{}
	rows, err = s.db.QueryContext(ctx, `SELECT contact_id, last_visit FROM contact_stats
		WHERE contact_id IN (SELECT value FROM json_each(?)) AND last_visit <> ''`, string(list))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return nil, err
		}
		lastVisit[id] = v
	}
	rows.Close()
	channels := map[string][]string{}
	rows, err = s.db.QueryContext(ctx, `SELECT contact_id, channel FROM consent
		WHERE contact_id IN (SELECT value FROM json_each(?)) AND cl % 2 = 1 AND status = 'in' ORDER BY contact_id, channel`, string(list))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, ch string
		if err := rows.Scan(&id, &ch); err != nil {
			rows.Close()
			return nil, err
		}
		channels[id] = append(channels[id], channelName(ch))
	}
	rows.Close()
	for _, id := range unique {
		out[id] = contextLine(prefs[id], lastVisit[id], channels[id], today, s.now())
	}
	return out, nil
}

func contextLine(prefs []Preference, lastVisit string, channels []string, today Date, now time.Time) string {
	var parts []string
	sort.SliceStable(prefs, func(i, j int) bool { return prefRank(prefs[i].Category) < prefRank(prefs[j].Category) })
	for i, p := range prefs {
		if i == 3 {
			break
		}
		text := strings.TrimSpace(p.Subject + " " + p.Value)
		switch p.Category {
		case "dislike":
			text = "dislikes " + p.Value
		case "allergy":
			text = "allergic to " + p.Value
		}
		if p.Stale(today) {
			text += " (unconfirmed for over a year)"
		}
		parts = append(parts, text)
	}
	if lastVisit != "" {
		parts = append(parts, "last visit "+Ago(parseTS(lastVisit), now))
	}
	if len(channels) > 0 {
		parts = append(parts, strings.Join(channels, ", ")+" ok")
	}
	return strings.Join(parts, " · ")
}

func prefRank(category string) int {
	switch category {
	case "allergy":
		return 0
	case "size":
		return 1
	case "dislike":
		return 2
	}
	return 3
}

func channelName(ch string) string {
	switch ch {
	case "sms":
		return "SMS"
	case "email":
		return "e-mail"
	}
	return ch
}

// describeDate says what a date occurrence is, in words a person uses.
func describeDate(d UpcomingDate, today Date) string {
	when := dayWord(d.On, today)
	switch d.Kind {
	case "birthday":
		if d.Years > 0 {
			if d.DaysAway == 0 {
				return fmt.Sprintf("turns %d today", d.Years)
			}
			return fmt.Sprintf("turns %d %s", d.Years, when)
		}
		return "birthday " + when
	case "anniversary":
		label := "anniversary"
		if d.Label != "" {
			label = d.Label
		}
		if d.Years > 0 {
			return fmt.Sprintf("%s (%d years) %s", label, d.Years, when)
		}
		return label + " " + when
	}
	label := d.Label
	if label == "" {
		label = "important date"
	}
	return label + " " + when
}

// dayWord names a day relative to today: "today", "tomorrow", "on Friday
// 13 March", "in 12 days (Mon 23 Mar)".
func dayWord(d, today Date) string {
	n := today.DaysUntil(d)
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n == -1:
		return "yesterday"
	case n > 1 && n < 7:
		return "on " + d.Time().Format("Monday 2 January")
	case n >= 7:
		return fmt.Sprintf("in %d days (%s)", n, d.Time().Format("Mon 2 Jan"))
	}
	return d.Time().Format("Mon 2 Jan 2006")
}

// Ago says how long ago t was, roughly: "3 days ago", "2 months ago".
func Ago(t, now time.Time) string {
	days := int(now.Sub(t).Hours() / 24)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 14:
		return fmt.Sprintf("%d days ago", days)
	case days < 60:
		return fmt.Sprintf("%d weeks ago", days/7)
	case days < 730:
		return fmt.Sprintf("%d months ago", days/30)
	}
	return fmt.Sprintf("%d years ago", days/365)
}

// CheckInDays is how many days without a visit put a client on Today: the
// local setting CheckInSetting, or NotSeenDays.
func (s *Store) CheckInDays(ctx context.Context) (int, error) {
	v, ok, err := s.LocalSetting(ctx, CheckInSetting)
	if err != nil || !ok {
		return NotSeenDays, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return NotSeenDays, nil // a setting this version cannot read: the default
	}
	return n, nil
}
