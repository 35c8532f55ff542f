package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Preference is something a client likes, wears or avoids.
type Preference struct {
	ID        string `json:"id"`
	ContactID string `json:"contact_id"`
	Category  string `json:"category"` // size, brand, colour, style, fabric, dislike, allergy, other
	Subject   string `json:"subject"`  // "dress", "shoes"
	Value     string `json:"value"`    // "38 EU"
	Confirmed Date   `json:"confirmed"`
}

// PreferenceCategories are the kinds of preference Rapport knows.
var PreferenceCategories = []string{"size", "brand", "colour", "style", "fabric", "dislike", "allergy", "other"}

// Stale reports whether a size was last confirmed more than a year before today.
func (p Preference) Stale(today Date) bool {
	return p.Category == "size" && !p.Confirmed.IsZero() && p.Confirmed.Year > 0 && p.Confirmed.DaysUntil(today) > 365
}

// Channels are the ways a shop may reach a client.
var Channels = []string{"email", "sms", "phone", "post", "messaging"}

// Consent is what a client agreed to on one channel, with its history.
type Consent struct {
	ContactID   string         `json:"contact_id"`
	Channel     string         `json:"channel"`
	Status      string         `json:"status"`        // in, out or unknown
	MaxPerMonth int            `json:"max_per_month"` // 0: no limit
	Topics      string         `json:"topics,omitempty"`
	History     []ConsentEvent `json:"history,omitempty"`
}

// ConsentEvent is one entry of the append-only consent history.
type ConsentEvent struct {
	ID         string    `json:"id"`
	Channel    string    `json:"channel"`
	Status     string    `json:"status"`
	At         time.Time `json:"at"`
	RecordedBy string    `json:"recorded_by,omitempty"`
	Source     string    `json:"source,omitempty"` // how it was given: "in shop, signed form"
}

// InteractionKinds are the kinds of timeline entry.
var InteractionKinds = []string{"visit", "call", "message", "purchase", "complaint", "compliment", "referral", "checkin", "note"}

// Interaction is one entry of a client's timeline.
type Interaction struct {
	ID          string    `json:"id"`
	ContactID   string    `json:"contact_id"`
	Kind        string    `json:"kind"`
	At          time.Time `json:"at"`
	Staff       string    `json:"staff,omitempty"`
	Summary     string    `json:"summary,omitempty"`
	Body        string    `json:"body,omitempty"`
	AmountMinor int64     `json:"amount_minor,omitempty"` // purchases, in the currency's minor unit (cents; yen for JPY)
	Currency    string    `json:"currency,omitempty"`
	Category    string    `json:"category,omitempty"` // purchase category, or the channel of a message
	Items       string    `json:"items,omitempty"`
	Rating      int       `json:"rating,omitempty"`      // check-ins, 1-5
	ReferredID  string    `json:"referred_id,omitempty"` // referrals: the client who was referred
}

// AppointmentStatuses are the states of an appointment.
var AppointmentStatuses = []string{"booked", "confirmed", "done", "cancelled", "no-show"}

// Appointment is a booked time with a client, in a named time zone.
type Appointment struct {
	ID        string    `json:"id"`
	ContactID string    `json:"contact_id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	TZ        string    `json:"tz"`
	AllDay    bool      `json:"all_day"`
	Purpose   string    `json:"purpose"`
	Staff     string    `json:"staff,omitempty"`
	Status    string    `json:"status"`
}

// DateKinds are the kinds of important date.
var DateKinds = []string{"birthday", "anniversary", "custom"}

// ImportantDate is a date to remember about a client: yearly (a birthday) or
// once (a graduation), with its year when known.
type ImportantDate struct {
	ID        string `json:"id"`
	ContactID string `json:"contact_id"`
	Kind      string `json:"kind"`
	Label     string `json:"label,omitempty"`
	Date      Date   `json:"date"`
	Yearly    bool   `json:"yearly"`
	LeadDays  int    `json:"lead_days"`
}

// DefaultLeadDays is how many days ahead a date is shown when none is set.
const DefaultLeadDays = 7

// Task is a follow-up to do, for a client or for the shop.
type Task struct {
	ID           string    `json:"id"`
	ContactID    string    `json:"contact_id,omitempty"`
	Title        string    `json:"title"`
	Due          Date      `json:"due"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	SnoozedUntil Date      `json:"snoozed_until,omitzero"`
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// requireContact checks that a live contact has this id.
func (t *txn) requireContact(id string) error {
	var cl int64
	err := t.QueryRowContext(t.ctx, "SELECT cl FROM contact WHERE id = ?", id).Scan(&cl)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cl%2 == 0) {
		return fmt.Errorf("contact %s: %w", id, ErrNotFound)
	}
	return err
}

// SetPreference saves a preference. Without an id, a live preference of the
// client with the same category and subject is updated rather than a second
// one made. Confirmed defaults to today.
func (s *Store) SetPreference(ctx context.Context, p *Preference) error {
	p.Category = strings.ToLower(strings.TrimSpace(p.Category))
	p.Subject, p.Value = strings.TrimSpace(p.Subject), strings.TrimSpace(p.Value)
	if !oneOf(p.Category, PreferenceCategories) {
		return fmt.Errorf("%w preference category %q: want one of %s", ErrInvalid, p.Category, strings.Join(PreferenceCategories, ", "))
	}
	if p.Value == "" {
		return fmt.Errorf("%w preference: a value is needed", ErrInvalid)
	}
	if p.Confirmed.IsZero() {
		p.Confirmed = DayOf(s.Now())
	}
	return s.write(ctx, func(t *txn) error {
		if err := t.requireContact(p.ContactID); err != nil {
			return err
		}
		if p.ID == "" {
			err := t.QueryRowContext(t.ctx, `SELECT id FROM preference WHERE contact_id = ? AND category = ? AND subject = ? COLLATE NOCASE AND cl % 2 = 1`,
				p.ContactID, p.Category, p.Subject).Scan(&p.ID)
			if errors.Is(err, sql.ErrNoRows) {
				p.ID = newID()
			} else if err != nil {
				return err
			}
		}
		_, err := t.put("preference", p.ID, fields{"contact_id": p.ContactID, "category": p.Category,
			"subject": p.Subject, "value": p.Value, "confirmed": p.Confirmed.String()})
		return err
	})
}

// DeletePreference removes a preference.
func (s *Store) DeletePreference(ctx context.Context, id string) error {
	return s.write(ctx, func(t *txn) error { _, err := t.setAlive("preference", id, false); return err })
}

// Preferences lists a client's live preferences by category and subject.
func (s *Store) Preferences(ctx context.Context, contactID string) ([]Preference, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, category, subject, value, confirmed FROM preference
		WHERE contact_id = ? AND cl % 2 = 1 ORDER BY category, subject, rowid`, contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Preference
	for rows.Next() {
		p := Preference{ContactID: contactID}
		var confirmed string
		if err := rows.Scan(&p.ID, &p.Category, &p.Subject, &p.Value, &confirmed); err != nil {
			return nil, err
		}
		p.Confirmed, _ = ParseDate(confirmed)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetConsent records what a client agreed to on a channel: the current state
// changes and an event is appended to the history (never rewritten).
func (s *Store) SetConsent(ctx context.Context, contactID, channel, status string, maxPerMonth int, source string) error {
	channel, status = strings.ToLower(channel), strings.ToLower(status)
	if !oneOf(channel, Channels) {
		return fmt.Errorf("%w channel %q: want one of %s", ErrInvalid, channel, strings.Join(Channels, ", "))
	}
	if !oneOf(status, []string{"in", "out", "unknown"}) {
		return fmt.Errorf("%w consent status %q: want in or out", ErrInvalid, status)
	}
	if maxPerMonth < 0 {
		return fmt.Errorf("%w max per month %d: must not be negative", ErrInvalid, maxPerMonth)
	}
	return s.write(ctx, func(t *txn) error {
		if err := t.requireContact(contactID); err != nil {
			return err
		}
		if _, err := t.put("consent", derivedID("consent", contactID, channel), fields{"contact_id": contactID,
			"channel": channel, "status": status, "max_per_month": maxPerMonth}); err != nil {
			return err
		}
		_, err := t.put("consent_event", newID(), fields{"contact_id": contactID, "channel": channel, "status": status,
			"at": formatTS(t.s.now()), "recorded_by": t.s.staff(), "source": source})
		return err
	})
}

// Consents gives a client's consent on every channel that has any, with history.
func (s *Store) Consents(ctx context.Context, contactID string) ([]Consent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, status, max_per_month, topics FROM consent
		WHERE contact_id = ? AND cl % 2 = 1 ORDER BY channel`, contactID)
	if err != nil {
		return nil, err
	}
	var out []Consent
	for rows.Next() {
		c := Consent{ContactID: contactID}
		if err := rows.Scan(&c.Channel, &c.Status, &c.MaxPerMonth, &c.Topics); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	for i := range out {
		ev, err := s.db.QueryContext(ctx, `SELECT id, status, at, recorded_by, source FROM consent_event
			WHERE contact_id = ? AND channel = ? AND cl % 2 = 1 ORDER BY at, id`, contactID, out[i].Channel)
		if err != nil {
			return nil, err
		}
		for ev.Next() {
			e := ConsentEvent{Channel: out[i].Channel}
			var at string
			if err := ev.Scan(&e.ID, &e.Status, &at, &e.RecordedBy, &e.Source); err != nil {
				ev.Close()
				return nil, err
			}
			e.At = parseTS(at)
			out[i].History = append(out[i].History, e)
		}
		ev.Close()
	}
	return out, nil
}

// LogInteraction adds an entry to a client's timeline. At defaults to now and
// Staff to the store's staff name.
func (s *Store) LogInteraction(ctx context.Context, in *Interaction) error {
	if err := s.checkInteraction(in); err != nil {
		return err
	}
	return s.write(ctx, func(t *txn) error {
		if err := t.requireContact(in.ContactID); err != nil {
			return err
		}
		if in.ReferredID != "" {
			if err := t.requireContact(in.ReferredID); err != nil {
				return fmt.Errorf("referred client: %w", err)
			}
		}
		return t.logInteraction(in)
	})
}

func (s *Store) checkInteraction(in *Interaction) error {
	in.Kind = strings.ToLower(strings.TrimSpace(in.Kind))
	if !oneOf(in.Kind, InteractionKinds) {
		return fmt.Errorf("%w kind %q: want one of %s", ErrInvalid, in.Kind, strings.Join(InteractionKinds, ", "))
	}
	if in.AmountMinor < 0 {
		return fmt.Errorf("%w amount: must not be negative", ErrInvalid)
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.AmountMinor > 0 || in.Currency != "" {
		if len(in.Currency) != 3 || strings.Trim(in.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return fmt.Errorf("%w currency %q: want a three-letter code such as EUR", ErrInvalid, in.Currency)
		}
	}
	if in.Kind == "purchase" && in.Currency == "" {
		return fmt.Errorf("%w purchase: an amount and currency are needed", ErrInvalid)
	}
	if in.Kind == "checkin" && (in.Rating < 1 || in.Rating > 5) {
		return fmt.Errorf("%w check-in rating %d: want 1 to 5", ErrInvalid, in.Rating)
	}
	if in.Kind != "checkin" && in.Rating != 0 {
		return fmt.Errorf("%w rating: only check-ins have one", ErrInvalid)
	}
	if in.Kind == "referral" && in.ReferredID == "" {
		return fmt.Errorf("%w referral: the referred client is needed", ErrInvalid)
	}
	if in.Kind != "referral" && in.ReferredID != "" {
		return fmt.Errorf("%w referred client: only referrals have one", ErrInvalid)
	}
	if in.At.IsZero() {
		in.At = s.now()
	}
	if in.Staff == "" {
		in.Staff = s.staff()
	}
	return nil
}

func (t *txn) logInteraction(in *Interaction) error {
	if in.ID == "" {
		in.ID = newID()
	}
	_, err := t.put("interaction", in.ID, fields{"contact_id": in.ContactID, "kind": in.Kind, "at": formatTS(in.At),
		"staff": in.Staff, "summary": in.Summary, "body": in.Body, "amount_minor": in.AmountMinor,
		"currency": in.Currency, "category": in.Category, "items": in.Items, "rating": in.Rating, "referred_id": in.ReferredID})
	if err != nil {
		return err
	}
	return t.earnPoints(in)
}

// Interactions gives a client's timeline, newest first (limit 0: all).
func (s *Store) Interactions(ctx context.Context, contactID string, limit int) ([]Interaction, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, at, staff, summary, body, amount_minor, currency, category, items, rating, referred_id
		FROM interaction WHERE contact_id = ? AND cl % 2 = 1 ORDER BY at DESC, id DESC LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Interaction
	for rows.Next() {
		in := Interaction{ContactID: contactID}
		var at string
		if err := rows.Scan(&in.ID, &in.Kind, &at, &in.Staff, &in.Summary, &in.Body, &in.AmountMinor,
			&in.Currency, &in.Category, &in.Items, &in.Rating, &in.ReferredID); err != nil {
			return nil, err
		}
		in.At = parseTS(at)
		out = append(out, in)
	}
	return out, rows.Err()
}

// DeleteInteraction removes a timeline entry.
func (s *Store) DeleteInteraction(ctx context.Context, id string) error {
	return s.write(ctx, func(t *txn) error {
		changed, err := t.setAlive("interaction", id, false)
		if err != nil || !changed {
			return err
		}
		return t.forgetEarned(id)
	})
}

// AddAppointment books an appointment; ContactID may be empty for time not
// linked to a client. TZ defaults to UTC and must be an IANA zone.
func (s *Store) AddAppointment(ctx context.Context, a *Appointment) error {
	if err := checkAppointment(a); err != nil {
		return err
	}
	if a.Staff == "" {
		a.Staff = s.staff()
	}
	return s.write(ctx, func(t *txn) error {
		if a.ContactID != "" {
			if err := t.requireContact(a.ContactID); err != nil {
				return err
			}
		}
		if a.ID == "" {
			a.ID = newID()
		}
		_, err := t.put("appointment", a.ID, fields{"contact_id": a.ContactID, "start_utc": formatTS(a.Start),
			"end_utc": formatTS(a.End), "tz": a.TZ, "all_day": a.AllDay, "purpose": a.Purpose, "staff": a.Staff, "status": a.Status})
		return err
	})
}

// checkAppointment validates a and fills its defaults (zone UTC, status
// booked), giving its times in its own zone. AddAppointment and the calendar
// import share it.
func checkAppointment(a *Appointment) error {
	if a.TZ == "" {
		a.TZ = "UTC"
	}
	loc, err := loadZone(a.TZ)
	if err != nil {
		return fmt.Errorf("%w time zone %q: want a name such as Europe/Paris", ErrInvalid, a.TZ)
	}
	if a.Start.IsZero() || a.End.IsZero() {
		return fmt.Errorf("%w appointment: start and end are needed", ErrInvalid)
	}
	if !a.End.After(a.Start) {
		return fmt.Errorf("%w appointment: the end must be after the start", ErrInvalid)
	}
	if a.Status == "" {
		a.Status = "booked"
	}
	if !oneOf(a.Status, AppointmentStatuses) {
		return fmt.Errorf("%w status %q: want one of %s", ErrInvalid, a.Status, strings.Join(AppointmentStatuses, ", "))
	}
	a.Start, a.End = a.Start.In(loc), a.End.In(loc)
	return nil
}

// SetAppointmentStatus changes an appointment's status; marking it done logs
// a visit on the client's timeline.
func (s *Store) SetAppointmentStatus(ctx context.Context, id, status string) error {
	if !oneOf(status, AppointmentStatuses) {
		return fmt.Errorf("%w status %q: want one of %s", ErrInvalid, status, strings.Join(AppointmentStatuses, ", "))
	}
	return s.write(ctx, func(t *txn) error {
		a, err := t.appointment(id)
		if err != nil {
			return err
		}
		if a.Status == status {
			return nil
		}
		if _, err := t.put("appointment", id, fields{"status": status}); err != nil {
			return err
		}
		if status == "done" && a.ContactID != "" {
			at := a.Start
			if now := t.s.now(); at.After(now) {
				at = now
			}
			summary := "Appointment"
			if a.Purpose != "" {
				summary = a.Purpose
			}
			return t.logInteraction(&Interaction{ContactID: a.ContactID, Kind: "visit", At: at, Staff: firstNonEmpty(t.s.staff(), a.Staff), Summary: summary})
		}
		return nil
	})
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

const appointmentCols = "id, coalesce(contact_id, ''), start_utc, end_utc, tz, all_day, purpose, staff, status"

type scanner interface{ Scan(dest ...any) error }

func scanAppointment(r scanner) (Appointment, error) {
	var a Appointment
	var start, end string
	if err := r.Scan(&a.ID, &a.ContactID, &start, &end, &a.TZ, &a.AllDay, &a.Purpose, &a.Staff, &a.Status); err != nil {
		return a, err
	}
	loc, err := loadZone(a.TZ)
	if err != nil {
		loc = time.UTC
	}
	a.Start, a.End = parseTS(start).In(loc), parseTS(end).In(loc)
	return a, nil
}

func (t *txn) appointment(id string) (Appointment, error) {
	a, err := scanAppointment(t.QueryRowContext(t.ctx, "SELECT "+appointmentCols+" FROM appointment WHERE id = ? AND cl % 2 = 1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("appointment %s: %w", id, ErrNotFound)
	}
	return a, err
}

// Appointments lists live appointments starting in [from, to), in start order.
func (s *Store) Appointments(ctx context.Context, from, to time.Time) ([]Appointment, error) {
	return s.appointmentsWhere(ctx, "start_utc >= ? AND start_utc < ?", formatTS(from), formatTS(to))
}

// ContactAppointments lists a client's appointments, newest first.
func (s *Store) ContactAppointments(ctx context.Context, contactID string) ([]Appointment, error) {
	return s.appointmentsWhere(ctx, "contact_id = ? ORDER BY start_utc DESC --", contactID)
}

func (s *Store) appointmentsWhere(ctx context.Context, where string, args ...any) ([]Appointment, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+appointmentCols+" FROM appointment WHERE cl % 2 = 1 AND "+where+" ORDER BY start_utc, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// birthdayDateID is the id of the important date that mirrors a contact's
// birthday, so that views read all dates from one table.
func birthdayDateID(contact string) string { return derivedID("birthday", contact) }

// AddImportantDate saves a date to remember. A birthday is the contact's own
// birthday (there is one), so adding one sets it.
func (s *Store) AddImportantDate(ctx context.Context, d *ImportantDate) error {
	if !oneOf(d.Kind, DateKinds) {
		return fmt.Errorf("%w date kind %q: want one of %s", ErrInvalid, d.Kind, strings.Join(DateKinds, ", "))
	}
	if d.Date.IsZero() || !d.Date.valid() {
		return fmt.Errorf("%w date %v", ErrInvalid, d.Date)
	}
	if !d.Yearly && d.Date.Year == 0 {
		return fmt.Errorf("%w date %v: a one-off date needs its year", ErrInvalid, d.Date)
	}
	if d.LeadDays < 0 || d.LeadDays > 366 {
		return fmt.Errorf("%w lead days %d: want 0 to 366", ErrInvalid, d.LeadDays)
	}
	return s.write(ctx, func(t *txn) error {
		if err := t.requireContact(d.ContactID); err != nil {
			return err
		}
		if d.Kind == "birthday" {
			d.ID, d.Yearly = birthdayDateID(d.ContactID), true
			if _, err := t.put("contact", d.ContactID, fields{"bday_year": d.Date.Year, "bday_month": int(d.Date.Month),
				"bday_day": d.Date.Day, "updated": formatTS(t.s.now())}); err != nil {
				return err
			}
		}
		if d.ID == "" {
			d.ID = newID()
		}
		return t.putDate(d)
	})
}

func (t *txn) putDate(d *ImportantDate) error {
	var cl int64
	err := t.QueryRowContext(t.ctx, "SELECT cl FROM important_date WHERE id = ?", d.ID).Scan(&cl)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := t.put("important_date", d.ID, fields{"contact_id": d.ContactID, "kind": d.Kind, "label": d.Label,
		"year": d.Date.Year, "month": int(d.Date.Month), "day": d.Date.Day, "yearly": d.Yearly, "lead_days": d.LeadDays}); err != nil {
		return err
	}
	if cl > 0 && cl%2 == 0 {
		_, err := t.setAlive("important_date", d.ID, true)
		return err
	}
	return nil
}

// syncBirthday keeps the birthday's important date in step with the contact's
// birthday field, keeping a lead time set earlier.
func (t *txn) syncBirthday(contact string, b Date) error {
	id := birthdayDateID(contact)
	var cl int64
	lead := DefaultLeadDays
	err := t.QueryRowContext(t.ctx, "SELECT cl, lead_days FROM important_date WHERE id = ?", id).Scan(&cl, &lead)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if b.IsZero() {
		if cl%2 == 1 {
			_, err := t.setAlive("important_date", id, false)
			return err
		}
		return nil
	}
	return t.putDate(&ImportantDate{ID: id, ContactID: contact, Kind: "birthday", Date: b, Yearly: true, LeadDays: lead})
}

// ImportantDates lists a client's live dates.
func (s *Store) ImportantDates(ctx context.Context, contactID string) ([]ImportantDate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, label, year, month, day, yearly, lead_days FROM important_date
		WHERE contact_id = ? AND cl % 2 = 1 ORDER BY month, day, id`, contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportantDate
	for rows.Next() {
		d := ImportantDate{ContactID: contactID}
		var month int
		if err := rows.Scan(&d.ID, &d.Kind, &d.Label, &d.Date.Year, &month, &d.Date.Day, &d.Yearly, &d.LeadDays); err != nil {
			return nil, err
		}
		d.Date.Month = time.Month(month)
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddTask saves a new follow-up; ContactID may be empty for a shop task.
func (s *Store) AddTask(ctx context.Context, k *Task) error {
	k.Title = strings.TrimSpace(k.Title)
	if k.Title == "" {
		return fmt.Errorf("%w task: a title is needed", ErrInvalid)
	}
	if k.Due.IsZero() || k.Due.Year == 0 {
		return fmt.Errorf("%w task due date: want YYYY-MM-DD", ErrInvalid)
	}
	return s.write(ctx, func(t *txn) error {
		if k.ContactID != "" {
			if err := t.requireContact(k.ContactID); err != nil {
				return err
			}
		}
		if k.ID == "" {
			k.ID = newID()
		}
		_, err := t.put("task", k.ID, fields{"contact_id": k.ContactID, "title": k.Title, "due": k.Due.String(),
			"done_at": formatTS(k.DoneAt), "snoozed_until": k.SnoozedUntil.String()})
		return err
	})
}

// CompleteTask marks a task done now.
func (s *Store) CompleteTask(ctx context.Context, id string) error {
	return s.updateTask(ctx, id, func(k *Task) fields {
		if !k.DoneAt.IsZero() {
			return nil
		}
		return fields{"done_at": formatTS(s.now())}
	})
}

// SnoozeTask hides a task from the due lists until the given day.
func (s *Store) SnoozeTask(ctx context.Context, id string, until Date) error {
	if until.IsZero() || until.Year == 0 {
		return fmt.Errorf("%w snooze date: want YYYY-MM-DD", ErrInvalid)
	}
	return s.updateTask(ctx, id, func(*Task) fields { return fields{"snoozed_until": until.String()} })
}

func (s *Store) updateTask(ctx context.Context, id string, change func(*Task) fields) error {
	return s.write(ctx, func(t *txn) error {
		k, err := scanTask(t.QueryRowContext(t.ctx, "SELECT "+taskCols+" FROM task WHERE id = ? AND cl % 2 = 1", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("task %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if f := change(&k); f != nil {
			_, err = t.put("task", id, f)
		}
		return err
	})
}

const taskCols = "id, coalesce(contact_id, ''), title, due, done_at, snoozed_until"

func scanTask(r scanner) (Task, error) {
	var k Task
	var due, done, snoozed string
	if err := r.Scan(&k.ID, &k.ContactID, &k.Title, &due, &done, &snoozed); err != nil {
		return k, err
	}
	k.Due, _ = ParseDate(due)
	k.DoneAt = parseTS(done)
	k.SnoozedUntil, _ = ParseDate(snoozed)
	return k, nil
}

// ContactTasks lists a client's tasks, open ones first.
func (s *Store) ContactTasks(ctx context.Context, contactID string) ([]Task, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+taskCols+" FROM task WHERE contact_id = ? AND cl % 2 = 1 ORDER BY done_at <> '', due, id", contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		k, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// zones caches loaded locations: loading one parses its zone data, which
// showed in imports of many appointments.
var zones sync.Map // name -> *time.Location

func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}
