package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CheckinTriggers are what a check-in rule follows up: each purchase or
// complaint (the task is due N days after it) or each birthday (N days before).
var CheckinTriggers = []string{"purchase", "complaint", "birthday"}

// CheckinRule makes follow-up tasks for the shop's check-in cadence.
type CheckinRule struct {
	Name    string `json:"name"`
	Trigger string `json:"trigger"`
	Days    int    `json:"days"`
	Title   string `json:"title,omitempty"` // how the tasks begin; a default per trigger when empty
	Tag     string `json:"tag,omitempty"`   // only clients with this tag
	Since   Date   `json:"since"`           // the day the rule was made: no task is due before it
}

func checkinRuleID(name string) string { return derivedID("checkin_rule", normalName(name)) }

// SaveCheckinRule saves (or changes) the rule called r.Name. A new rule
// starts today; a changed one keeps the day it started.
func (s *Store) SaveCheckinRule(ctx context.Context, r *CheckinRule) error {
	r.Name, r.Title, r.Tag = strings.TrimSpace(r.Name), strings.TrimSpace(r.Title), strings.TrimSpace(r.Tag)
	r.Trigger = strings.ToLower(strings.TrimSpace(r.Trigger))
	if r.Name == "" {
		return fmt.Errorf("%w check-in rule: a name is needed", ErrInvalid)
	}
	if !oneOf(r.Trigger, CheckinTriggers) {
		return fmt.Errorf("%w trigger %q: want one of %s", ErrInvalid, r.Trigger, strings.Join(CheckinTriggers, ", "))
	}
	if r.Days < 0 || r.Days > 366 {
		return fmt.Errorf("%w days %d: want 0 to 366", ErrInvalid, r.Days)
	}
	return s.write(ctx, func(t *txn) error {
		id := checkinRuleID(r.Name)
		var cl int64
		var since string
		err := t.QueryRowContext(t.ctx, "SELECT cl, since FROM checkin_rule WHERE id = ?", id).Scan(&cl, &since)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if cl%2 == 1 && since != "" {
			r.Since, _ = ParseDate(since)
		} else {
			r.Since = t.s.today()
		}
		if _, err := t.put("checkin_rule", id, fields{"name": r.Name, "trigger": r.Trigger, "days": r.Days,
			"title": r.Title, "tag": r.Tag, "since": r.Since.String()}); err != nil {
			return err
		}
		_, err = t.setAlive("checkin_rule", id, true)
		return err
	})
}

// DeleteCheckinRule removes a rule; the tasks it made stay.
func (s *Store) DeleteCheckinRule(ctx context.Context, name string) error {
	return s.write(ctx, func(t *txn) error {
		changed, err := t.setAlive("checkin_rule", checkinRuleID(name), false)
		if errors.Is(err, ErrNotFound) || err == nil && !changed {
			return fmt.Errorf("check-in rule %q: %w", name, ErrNotFound)
		}
		return err
	})
}

// CheckinRules lists the rules by name.
func (s *Store) CheckinRules(ctx context.Context) ([]CheckinRule, error) {
	return checkinRules(ctx, s.db)
}

func checkinRules(ctx context.Context, q querier) ([]CheckinRule, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, trigger, days, title, tag, since FROM checkin_rule WHERE cl % 2 = 1 ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CheckinRule{}
	for rows.Next() {
		var r CheckinRule
		var since string
		if err := rows.Scan(&r.Name, &r.Trigger, &r.Days, &r.Title, &r.Tag, &since); err != nil {
			return nil, err
		}
		r.Since, _ = ParseDate(since)
		out = append(out, r)
	}
	return out, rows.Err()
}

// checkinTask is a task a rule asks for.
type checkinTask struct {
	id, contact, title string
	due                Date
}

// ApplyCheckinRules makes the tasks the rules ask for that are due by
// through, at most a month from today (and not before each rule started),
// and returns how many it made. A task a rule made once is never made again,
// even when it was done or deleted; its id is derived from the rule and what
// it follows up, so every computer makes the same task and sync keeps one.
func (s *Store) ApplyCheckinRules(ctx context.Context, through Date) (int, error) {
	// A year ahead would make every birthday's task at once; a month is as
	// far as anyone plans a check-in, and the rest come as the days pass.
	if limit := DayOf(s.today().Time().AddDate(0, 0, checkinAheadDays)); limit.Time().Before(through.Time()) {
		through = limit
	}
	// Only tasks due from a month before the last run on are looked for, so
	// that a rule of some years does not read all those years each time; a
	// month covers what other computers bring in late.
	ran, _, err := s.LocalSetting(ctx, checkinRanSetting)
	if err != nil {
		return 0, err
	}
	var lookFrom Date
	if d, err := ParseDate(ran); err == nil && d.Year > 0 {
		lookFrom = DayOf(d.Time().AddDate(0, 0, -checkinLookBackDays))
	}
	today := s.today().String()
	// Find what is missing by reading first: on most days nothing is, and
	// then nothing is written (Today works on a read-only database too).
	missing, err := s.missingCheckinTasks(ctx, s.db, through, lookFrom)
	if err != nil {
		return 0, err
	}
	if len(missing) == 0 {
		if ran != today {
			// Only a shortcut for the next run: a read-only database still
			// shows Today, it looks further back next time.
			_ = s.SetLocalSetting(ctx, checkinRanSetting, today)
		}
		return 0, nil
	}
	made := 0
	err = s.write(ctx, func(t *txn) error {
		missing, err := s.missingCheckinTasks(t.ctx, t, through, lookFrom)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO sync_state(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, "setting:"+checkinRanSetting, today); err != nil {
			return err
		}
		for _, k := range missing {
			if _, err := t.put("task", k.id, fields{"contact_id": k.contact, "title": k.title, "due": k.due.String(),
				"done_at": "", "snoozed_until": ""}); err != nil {
				return err
			}
		}
		made = len(missing)
		return nil
	})
	return made, err
}

// checkinRanSetting is this computer's last day of applying the rules;
// checkinLookBackDays is how far before it the next run looks for tasks not
// made yet, and checkinAheadDays how far ahead of today tasks are made.
const (
	checkinRanSetting   = "checkin-rules-ran"
	checkinLookBackDays = 31
	checkinAheadDays    = 31
)

// missingCheckinTasks are the tasks the rules ask for, due from the later
// of each rule's start and lookFrom to through, that do not exist yet.
func (s *Store) missingCheckinTasks(ctx context.Context, q querier, through, lookFrom Date) ([]checkinTask, error) {
	rules, err := checkinRules(ctx, q)
	if err != nil {
		return nil, err
	}
	loc := s.Now().Location()
	var out []checkinTask
	for _, r := range rules {
		if r.Since.IsZero() {
			continue
		}
		from := r.Since
		if from.Time().Before(lookFrom.Time()) {
			from = lookFrom
		}
		if through.Time().Before(from.Time()) {
			continue
		}
		var tasks []checkinTask
		if r.Trigger == "birthday" {
			tasks, err = birthdayTasks(ctx, q, r, from, through)
		} else {
			tasks, err = interactionTasks(ctx, q, r, from, through, loc)
		}
		if err != nil {
			return nil, fmt.Errorf("check-in rule %s: %w", r.Name, err)
		}
		for _, k := range tasks {
			var one int
			err := q.QueryRowContext(ctx, "SELECT 1 FROM task WHERE id = ?", k.id).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				out = append(out, k)
			} else if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// tagCondition limits a rule to clients with its tag; the contact is c.
func tagCondition(tag string) (string, []any) {
	if tag == "" {
		return "", nil
	}
	return ` AND EXISTS (SELECT 1 FROM contact_tag ct JOIN tag g ON g.id = ct.tag_id
		WHERE ct.contact_id = c.id AND ct.cl % 2 = 1 AND g.cl % 2 = 1 AND g.id = ?)`, []any{tagID(tag)}
}

// interactionTasks are the follow-ups of purchases or complaints whose task
// falls due from `from` to through.
func interactionTasks(ctx context.Context, q querier, r CheckinRule, from, through Date, loc *time.Location) ([]checkinTask, error) {
	// A day either side of the window in UTC: the day of an interaction is
	// its day here, checked exactly below.
	start := from.Time().AddDate(0, 0, -r.Days-1)
	end := through.Time().AddDate(0, 0, -r.Days+2)
	cond, args := tagCondition(r.Tag)
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.contact_id, i.at, i.summary FROM interaction i JOIN contact c ON c.id = i.contact_id
		WHERE i.kind = ? AND i.at >= ? AND i.at < ? AND i.cl % 2 = 1 AND c.cl % 2 = 1 AND c.merged_into = ''`+cond+`
		ORDER BY i.at, i.id`, append([]any{r.Trigger, formatTS(start), formatTS(end)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prefix := r.Title
	if prefix == "" {
		prefix = map[string]string{"purchase": "Check in", "complaint": "Follow up"}[r.Trigger]
	}
	var out []checkinTask
	for rows.Next() {
		var id, contact, at, summary string
		if err := rows.Scan(&id, &contact, &at, &summary); err != nil {
			return nil, err
		}
		day := DayOf(parseTS(at).In(loc))
		due := DayOf(day.Time().AddDate(0, 0, r.Days))
		if due.Time().Before(from.Time()) || due.Time().After(through.Time()) {
			continue
		}
		title := fmt.Sprintf("%s: %s of %s", prefix, r.Trigger, day.Time().Format("2 Jan"))
		if summary != "" {
			title += " (" + summary + ")"
		}
		out = append(out, checkinTask{id: derivedID("checkin", checkinRuleID(r.Name), id), contact: contact, title: title, due: due})
	}
	return out, rows.Err()
}

// birthdayTasks are the notes to send before birthdays whose task falls due
// from `from` to through.
func birthdayTasks(ctx context.Context, q querier, r CheckinRule, from, through Date) ([]checkinTask, error) {
	cond, args := tagCondition(r.Tag)
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.bday_month, c.bday_day FROM contact c
		WHERE c.bday_month > 0 AND c.cl % 2 = 1 AND c.merged_into = ''`+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prefix := r.Title
	if prefix == "" {
		prefix = "Send a birthday note"
	}
	var out []checkinTask
	for rows.Next() {
		var id string
		var month, day int
		if err := rows.Scan(&id, &month, &day); err != nil {
			return nil, err
		}
		for year := from.Year; year <= through.Year+1; year++ {
			on := Date{Month: time.Month(month), Day: day}.In(year)
			due := DayOf(on.Time().AddDate(0, 0, -r.Days))
			if due.Time().Before(from.Time()) || due.Time().After(through.Time()) {
				continue
			}
			out = append(out, checkinTask{id: derivedID("checkin", checkinRuleID(r.Name), id, fmt.Sprint(year)), contact: id,
				title: fmt.Sprintf("%s: birthday on %s", prefix, on.Time().Format("Mon 2 Jan")), due: due})
		}
	}
	return out, rows.Err()
}
