package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The computed "what needs attention" views. All read the store's clock, so
// tests inject one; "today" is the calendar day of Store.Now in its location.

func (s *Store) today() Date { return DayOf(s.Now()) }

// UpcomingDate is one occurrence of an important date.
type UpcomingDate struct {
	DateID      string `json:"date_id"`
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Kind        string `json:"kind"`
	Label       string `json:"label,omitempty"`
	Date        Date   `json:"date"` // as recorded, the year may be absent
	On          Date   `json:"on"`   // the day it falls on
	DaysAway    int    `json:"days_away"`
	Years       int    `json:"years,omitempty"` // the age turned or years married; 0 when the year is unknown
	LeadDays    int    `json:"lead_days"`
}

// UpcomingDates lists the dates falling in the next `days` days (today
// included), and those further out whose lead time has begun, nearest first.
// A Feb 29 date falls on Feb 28 in other years.
func (s *Store) UpcomingDates(ctx context.Context, days int) ([]UpcomingDate, error) {
	today := s.today()
	var maxLead int
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(lead_days), 0) FROM important_date WHERE cl % 2 = 1").Scan(&maxLead); err != nil {
		return nil, err
	}
	window := max(days, maxLead)
	if window > 366 {
		window = 366
	}
	// Query month by month over the window, so the (month, day) index is used.
	type span struct{ month, from, to int }
	var spans []span
	end := DayOf(today.Time().AddDate(0, 0, window))
	for d := today; ; {
		last := daysIn(d.Year, d.Month)
		to := last
		if d.Year == end.Year && d.Month == end.Month {
			to = end.Day
		}
		if d.Month == time.February && to == 28 && last == 28 {
			to = 29 // a Feb 29 date falls on the 28th in common years
		}
		spans = append(spans, span{int(d.Month), d.Day, to})
		if d.Year == end.Year && d.Month == end.Month {
			break
		}
		d = DayOf(time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, time.UTC))
	}
	var out []UpcomingDate
	for _, sp := range spans {
		rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.contact_id, c.display_name, d.kind, d.label, d.year, d.month, d.day, d.yearly, d.lead_days
			FROM important_date d JOIN contact c ON c.id = d.contact_id
			WHERE d.month = ? AND d.day BETWEEN ? AND ? AND d.cl % 2 = 1 AND c.cl % 2 = 1`, sp.month, sp.from, sp.to)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var u UpcomingDate
			var month int
			var yearly bool
			if err := rows.Scan(&u.DateID, &u.ContactID, &u.DisplayName, &u.Kind, &u.Label, &u.Date.Year, &month, &u.Date.Day, &yearly, &u.LeadDays); err != nil {
				rows.Close()
				return nil, err
			}
			u.Date.Month = time.Month(month)
			u.On = nextOccurrence(u.Date, yearly, today)
			if u.On.IsZero() {
				continue
			}
			u.DaysAway = today.DaysUntil(u.On)
			if u.DaysAway > days && u.DaysAway > u.LeadDays {
				continue
			}
			if u.Date.Year > 0 && yearly {
				u.Years = u.On.Year - u.Date.Year
			}
			out = append(out, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DaysAway != out[j].DaysAway {
			return out[i].DaysAway < out[j].DaysAway
		}
		return out[i].DisplayName < out[j].DisplayName
	})
	return out, nil
}

// nextOccurrence is the first day on or after today that d falls on: this
// year's or next year's for a yearly date, the date itself for a one-off one
// (zero when it is past).
func nextOccurrence(d Date, yearly bool, today Date) Date {
	if !yearly {
		if d.Year == 0 || d.Time().Before(today.Time()) {
			return Date{}
		}
		return d
	}
	on := d.In(today.Year)
	if on.Time().Before(today.Time()) {
		on = d.In(today.Year + 1)
	}
	return on
}

// DueTask is an open task due within the window, or overdue.
type DueTask struct {
	Task
	DisplayName string `json:"display_name,omitempty"`
	Overdue     bool   `json:"overdue"`
}

// DueTasks lists open, unsnoozed tasks due by today+days, oldest first.
func (s *Store) DueTasks(ctx context.Context, days int) ([]DueTask, error) {
	today := s.today()
	until := DayOf(today.Time().AddDate(0, 0, days))
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, coalesce(t.contact_id, ''), t.title, t.due, t.done_at, t.snoozed_until, coalesce(c.display_name, '')
		FROM task t LEFT JOIN contact c ON c.id = t.contact_id
		WHERE t.cl % 2 = 1 AND t.done_at = '' AND t.due <= ? AND t.snoozed_until <= ? AND (c.id IS NULL OR c.cl % 2 = 1)
		ORDER BY t.due, t.id`, until.String(), today.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanDueTasks(rows, today)
}

// scanDueTasks reads rows of taskCols followed by the client's display name.
func scanDueTasks(rows *sql.Rows, today Date) ([]DueTask, error) {
	var out []DueTask
	for rows.Next() {
		var d DueTask
		var due, doneAt, snoozed string
		if err := rows.Scan(&d.ID, &d.ContactID, &d.Title, &due, &doneAt, &snoozed, &d.DisplayName); err != nil {
			return nil, err
		}
		d.Due, _ = ParseDate(due)
		d.DoneAt = parseTS(doneAt)
		d.SnoozedUntil, _ = ParseDate(snoozed)
		d.Overdue = d.DoneAt.IsZero() && d.Due.Time().Before(today.Time())
		out = append(out, d)
	}
	return out, rows.Err()
}

// Lapsed is a client who has not come in for a while.
type Lapsed struct {
	ContactID   string    `json:"contact_id"`
	DisplayName string    `json:"display_name"`
	LastVisit   time.Time `json:"last_visit"`
	DaysAway    int       `json:"days_since"`
}

// NotSeen lists clients who have visited before but not in the last `days`
// days, the most recently lapsed first.
func (s *Store) NotSeen(ctx context.Context, days, limit int) ([]Lapsed, error) {
	if limit <= 0 {
		limit = -1
	}
	cutoff := formatTS(s.today().Time().AddDate(0, 0, -days))
	rows, err := s.db.QueryContext(ctx, `SELECT st.contact_id, c.display_name, st.last_visit FROM contact_stats st
		JOIN contact c ON c.id = st.contact_id
		WHERE st.last_visit <> '' AND st.last_visit < ? AND c.cl % 2 = 1
		ORDER BY st.last_visit DESC LIMIT ?`, cutoff, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lapsed
	now := s.now()
	for rows.Next() {
		var l Lapsed
		var last string
		if err := rows.Scan(&l.ContactID, &l.DisplayName, &last); err != nil {
			return nil, err
		}
		l.LastVisit = parseTS(last)
		l.DaysAway = int(now.Sub(l.LastVisit).Hours() / 24)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Repurchase is a client whose usual interval between purchases has run out.
type Repurchase struct {
	ContactID    string    `json:"contact_id"`
	DisplayName  string    `json:"display_name"`
	LastPurchase time.Time `json:"last_purchase"`
	IntervalDays int       `json:"interval_days"`
	Due          Date      `json:"due"`
}

// RepurchaseDue lists clients with at least two purchases whose next purchase,
// at their own average interval, falls by today+days, but not those overdue by
// more than two intervals or by more than a year (they are lapsed, not due).
// Soonest due first.
func (s *Store) RepurchaseDue(ctx context.Context, days, limit int) ([]Repurchase, error) {
	if limit <= 0 {
		limit = -1
	}
	today := formatTS(s.today().Time())
	rows, err := s.db.QueryContext(ctx, `SELECT st.contact_id, c.display_name, st.last_purchase,
			(julianday(st.last_purchase) - julianday(st.first_purchase)) / (st.purchases - 1) AS interval
		FROM contact_stats st INDEXED BY contact_stats_repurchase JOIN contact c ON c.id = st.contact_id
		WHERE st.repurchase_due IS NOT NULL AND st.repurchase_due BETWEEN julianday(?) - 365 AND julianday(?) + ?
			AND c.cl % 2 = 1
			AND st.repurchase_due + 2 * ((julianday(st.last_purchase) - julianday(st.first_purchase)) / (st.purchases - 1)) >= julianday(?)
		ORDER BY st.repurchase_due LIMIT ?`, today, today, days, today, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Repurchase
	for rows.Next() {
		var r Repurchase
		var last string
		var interval float64
		if err := rows.Scan(&r.ContactID, &r.DisplayName, &last, &interval); err != nil {
			return nil, err
		}
		r.LastPurchase = parseTS(last)
		r.IntervalDays = int(interval + 0.5)
		r.Due = DayOf(r.LastPurchase.Add(time.Duration(interval * 24 * float64(time.Hour))))
		out = append(out, r)
	}
	return out, rows.Err()
}

// Summary is a client's figures at a glance.
type Summary struct {
	Visits            int       `json:"visits"`
	LastVisit         time.Time `json:"last_visit,omitzero"`
	LastContact       time.Time `json:"last_contact,omitzero"`
	Purchases         int       `json:"purchases"`
	TotalSpendMinor   int64     `json:"total_spend_minor"`
	AverageSpendMinor int64     `json:"average_spend_minor"`
	Currency          string    `json:"currency,omitempty"`
	UsualIntervalDays int       `json:"usual_interval_days"` // between purchases; 0 with fewer than two
}

// ClientSummary gives one client's figures.
func (s *Store) ClientSummary(ctx context.Context, contactID string) (Summary, error) {
	var sum Summary
	var lastVisit, lastContact, first, last string
	err := s.db.QueryRowContext(ctx, `SELECT visits, last_visit, last_contact, purchases, first_purchase, last_purchase, spend_minor, spend_currency
		FROM contact_stats WHERE contact_id = ?`, contactID).Scan(&sum.Visits, &lastVisit, &lastContact, &sum.Purchases, &first, &last, &sum.TotalSpendMinor, &sum.Currency)
	if err != nil {
		if _, cerr := s.Contact(ctx, contactID); cerr != nil {
			return sum, cerr
		}
		return sum, nil // no figures yet
	}
	sum.LastVisit, sum.LastContact = parseTS(lastVisit), parseTS(lastContact)
	if sum.Purchases > 0 {
		var n int64
		// INDEXED BY: without statistics SQLite picks the (kind, at) index and
		// walks every purchase of the shop, 1.5 s at 100,000 clients, where
		// the client's own rows are a handful.
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM interaction INDEXED BY interaction_contact
			WHERE contact_id = ? AND cl % 2 = 1 AND kind = 'purchase' AND currency = ?`,
			contactID, sum.Currency).Scan(&n); err == nil && n > 0 {
			sum.AverageSpendMinor = (sum.TotalSpendMinor + n/2) / n
		}
	}
	if sum.Purchases >= 2 {
		span := parseTS(last).Sub(parseTS(first)).Hours() / 24
		sum.UsualIntervalDays = int(span/float64(sum.Purchases-1) + 0.5)
	}
	return sum, nil
}

// MonthFigures are the shop's figures for one calendar month (UTC).
type MonthFigures struct {
	Month      string           `json:"month"` // YYYY-MM
	Visits     int              `json:"visits"`
	Purchases  int              `json:"purchases"`
	Revenue    map[string]int64 `json:"revenue_minor"` // per currency
	NewClients int              `json:"new_clients"`
	Complaints int              `json:"complaints"`
	AvgRating  float64          `json:"avg_rating,omitempty"`
}

// MonthlyFigures gives the shop's figures for the months from..to inclusive.
func (s *Store) MonthlyFigures(ctx context.Context, from, to Date) ([]MonthFigures, error) {
	start := time.Date(from.Year, from.Month, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year, to.Month+1, 1, 0, 0, 0, 0, time.UTC)
	byMonth := map[string]*MonthFigures{}
	var months []string
	for m := start; m.Before(end); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		byMonth[k] = &MonthFigures{Month: k, Revenue: map[string]int64{}}
		months = append(months, k)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT substr(i.at, 1, 7), i.kind, i.currency, count(*), sum(i.amount_minor), sum(i.rating)
		FROM interaction i JOIN contact c ON c.id = i.contact_id
		WHERE i.cl % 2 = 1 AND c.cl % 2 = 1 AND i.at >= ? AND i.at < ?
		GROUP BY 1, 2, 3`, formatTS(start), formatTS(end))
	if err != nil {
		return nil, err
	}
	ratings := map[string][2]int{}
	for rows.Next() {
		var month, kind, currency string
		var n int
		var amount, rating int64
		if err := rows.Scan(&month, &kind, &currency, &n, &amount, &rating); err != nil {
			rows.Close()
			return nil, err
		}
		f := byMonth[month]
		if f == nil {
			continue
		}
		switch kind {
		case "visit":
			f.Visits += n
		case "purchase":
			f.Purchases += n
			f.Revenue[currency] += amount
		case "complaint":
			f.Complaints += n
		case "checkin":
			r := ratings[month]
			ratings[month] = [2]int{r[0] + int(rating), r[1] + n}
		}
	}
	rows.Close()
	for m, r := range ratings {
		if r[1] > 0 {
			byMonth[m].AvgRating = float64(r[0]) / float64(r[1])
		}
	}
	rows, err = s.db.QueryContext(ctx, `SELECT substr(created, 1, 7), count(*) FROM contact
		WHERE cl % 2 = 1 AND created >= ? AND created < ? GROUP BY 1`, formatTS(start), formatTS(end))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var month string
		var n int
		if err := rows.Scan(&month, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if f := byMonth[month]; f != nil {
			f.NewClients = n
		}
	}
	rows.Close()
	out := make([]MonthFigures, 0, len(months))
	for _, m := range months {
		out = append(out, *byMonth[m])
	}
	return out, nil
}

// Reachable is a client who may be contacted on a channel, with the address to use.
type Reachable struct {
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Address     string `json:"address"` // e-mail, number or postal address
}

// Unreachable is a client who may not be contacted now, and why.
type Unreachable struct {
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Reason      string `json:"reason"`
}

// Audience splits clients into those who may be contacted on a channel now
// and those who may not.
type Audience struct {
	Channel  string        `json:"channel"`
	Included []Reachable   `json:"included"`
	Excluded []Unreachable `json:"excluded"`
}

// Contactable decides, for every live client, whether the shop may contact
// them on channel now: consent given on that channel, the monthly limit not
// reached by messages on that channel in the last 30 days, and an address.
func (s *Store) Contactable(ctx context.Context, channel string) (Audience, error) {
	return s.contactable(ctx, s.db, channel, nil)
}

// contactable is Contactable read through q (a transaction that is about to
// send, so that what it decides is what it records), over only the clients
// of members when that is not nil.
func (s *Store) contactable(ctx context.Context, q querier, channel string, members []string) (Audience, error) {
	if !oneOf(channel, Channels) {
		return Audience{}, fmt.Errorf("%w channel %q: want one of %s", ErrInvalid, channel, strings.Join(Channels, ", "))
	}
	address := map[string]string{
		"email":     "(SELECT address FROM contact_email WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1)",
		"sms":       "(SELECT coalesce(nullif(e164, ''), number) FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY label = 'mobile' DESC, pref DESC, rowid LIMIT 1)",
		"phone":     "(SELECT coalesce(nullif(e164, ''), number) FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1)",
		"messaging": "(SELECT coalesce(nullif(e164, ''), number) FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY label = 'mobile' DESC, pref DESC, rowid LIMIT 1)",
		"post":      "(SELECT street || ', ' || postal_code || ' ' || locality FROM contact_address WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1)",
	}[channel]
	since := formatTS(s.now().AddDate(0, 0, -30))
	// The messages of each client are counted from the (contact, at) index:
	// SQLite would otherwise read every message of the month for each client.
	only, args := "", []any{since, channel, channel}
	if members != nil {
		list, err := json.Marshal(members)
		if err != nil {
			return Audience{}, err
		}
		only, args = " AND c.id IN (SELECT value FROM json_each(?))", append(args, string(list))
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.display_name, coalesce(k.status, 'unknown'), coalesce(k.max_per_month, 0),
			coalesce(`+address+`, ''),
			(SELECT count(*) FROM interaction INDEXED BY interaction_contact WHERE contact_id = c.id AND at >= ? AND cl % 2 = 1 AND kind = 'message' AND category = ?)
		FROM contact c LEFT JOIN consent k ON k.contact_id = c.id AND k.channel = ? AND k.cl % 2 = 1
		WHERE c.cl % 2 = 1`+only+` ORDER BY c.sort_name, c.id`, args...)
	if err != nil {
		return Audience{}, err
	}
	defer rows.Close()
	a := Audience{Channel: channel, Included: []Reachable{}, Excluded: []Unreachable{}}
	for rows.Next() {
		var id, name, status, addr string
		var maxPerMonth, sent int
		if err := rows.Scan(&id, &name, &status, &maxPerMonth, &addr, &sent); err != nil {
			return Audience{}, err
		}
		reason := ""
		switch {
		case status == "out":
			reason = "opted out"
		case status != "in":
			reason = "no consent given"
		case addr == "":
			reason = "no " + channelAddressName(channel)
		case maxPerMonth > 0 && sent >= maxPerMonth:
			reason = fmt.Sprintf("monthly limit reached (%d of %d in the last 30 days)", sent, maxPerMonth)
		}
		if reason != "" {
			a.Excluded = append(a.Excluded, Unreachable{ContactID: id, DisplayName: name, Reason: reason})
		} else {
			a.Included = append(a.Included, Reachable{ContactID: id, DisplayName: name, Address: addr})
		}
	}
	return a, rows.Err()
}

func channelAddressName(channel string) string {
	switch channel {
	case "email":
		return "e-mail address"
	case "post":
		return "postal address"
	}
	return "phone number"
}

// ShopStats are the shop's totals and its last twelve months.
type ShopStats struct {
	Clients        int            `json:"clients"`
	Deleted        int            `json:"deleted"`
	Interactions   int            `json:"interactions"`
	Appointments   int            `json:"appointments"`
	OpenTasks      int            `json:"open_tasks"`
	ImportantDates int            `json:"important_dates"`
	Tags           map[string]int `json:"tags"`
	Months         []MonthFigures `json:"months"`
}

// ShopStats counts what the store holds.
func (s *Store) ShopStats(ctx context.Context) (ShopStats, error) {
	st := ShopStats{Tags: map[string]int{}}
	for _, q := range []struct {
		dest *int
		sql  string
	}{
		{&st.Clients, "SELECT count(*) FROM contact WHERE cl % 2 = 1"},
		{&st.Deleted, "SELECT count(*) FROM contact WHERE cl > 0 AND cl % 2 = 0 AND merged_into = ''"},
		{&st.Interactions, "SELECT count(*) FROM interaction WHERE cl % 2 = 1"},
		{&st.Appointments, "SELECT count(*) FROM appointment WHERE cl % 2 = 1"},
		{&st.OpenTasks, "SELECT count(*) FROM task WHERE cl % 2 = 1 AND done_at = ''"},
		{&st.ImportantDates, "SELECT count(*) FROM important_date WHERE cl % 2 = 1"},
	} {
		if err := s.db.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			return st, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT t.name, count(*) FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
		JOIN contact c ON c.id = ct.contact_id WHERE ct.cl % 2 = 1 AND t.cl % 2 = 1 AND c.cl % 2 = 1 GROUP BY t.id`)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			rows.Close()
			return st, err
		}
		st.Tags[name] = n
	}
	rows.Close()
	today := s.today()
	from := DayOf(time.Date(today.Year, today.Month-11, 1, 0, 0, 0, 0, time.UTC))
	st.Months, err = s.MonthlyFigures(ctx, from, today)
	return st, err
}

// Tasks lists every live task, open ones (snoozed included) by due day, and,
// with done set, the done ones after them, newest first.
func (s *Store) Tasks(ctx context.Context, done bool) ([]DueTask, error) {
	today := s.today()
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, coalesce(t.contact_id, ''), t.title, t.due, t.done_at, t.snoozed_until, coalesce(c.display_name, '')
		FROM task t LEFT JOIN contact c ON c.id = t.contact_id
		WHERE t.cl % 2 = 1 AND (t.done_at = '' OR ?) AND (c.id IS NULL OR c.cl % 2 = 1)
		ORDER BY t.done_at <> '', CASE WHEN t.done_at = '' THEN t.due END, t.done_at DESC, t.id`, done)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanDueTasks(rows, today)
}
