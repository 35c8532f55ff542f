package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Import of appointments read from calendar files (package data/ics). Like
// ImportContacts, a file is written in one transaction, all or nothing, while
// an event that cannot be saved is rejected on its own.

// ImportEvent is one calendar event in Rapport's model. Appointment.ID is the
// id the reader derived from the event's UID and RECURRENCE-ID, so importing
// the same file again updates instead of duplicating; Appointment.ContactID
// may be set by the reader (a Rapport link in the file) and is checked.
type ImportEvent struct {
	Appointment Appointment
	Emails      []string // attendee and organiser e-mail addresses
	Summary     string   // the event's summary, searched for a client's name

	// Task, when set, makes the item a to-do: the task is created or updated
	// (by its id, derived from the to-do's UID) and Appointment is not used.
	Task *Task
	// CancelOnly marks an occurrence the calendar took out of a series
	// (EXDATE, or a cancelled RECURRENCE-ID): an appointment already imported
	// for it is cancelled, and none is created.
	CancelOnly bool

	nameFound string // the client name found in the summary
}

// EventResult says what became of one event.
type EventResult struct {
	Action        string `json:"action"` // created, updated, unchanged, rejected or unlinked
	AppointmentID string `json:"appointment_id,omitempty"`
	ContactID     string `json:"contact_id,omitempty"`
	MatchedBy     string `json:"matched_by,omitempty"` // link, email or name
	Err           error  `json:"-"`
}

// ImportExcluded is the action of a CancelOnly event with no appointment to
// cancel: nothing was written.
const ImportExcluded = "excluded"

// ImportUnlinked is the action of an event no client was found for, left out
// unless EventImportOptions.Unlinked is set.
const ImportUnlinked = "unlinked"

// EventImportOptions control ImportAppointments.
type EventImportOptions struct {
	DryRun   bool // compute the results, write nothing
	Unlinked bool // import events no client was found for, without a client
}

// ImportAppointments links each event to a client (the Rapport link the file
// carries, then a unique client with an attendee or organiser e-mail, then the
// unique client whose name the summary contains) and creates or updates its
// appointment. Results are in the order of events. An error means nothing was
// written.
func (s *Store) ImportAppointments(ctx context.Context, events []ImportEvent, opt EventImportOptions) ([]EventResult, error) {
	results := make([]EventResult, len(events))
	err := s.write(ctx, func(t *txn) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("internal error: %v", p)
			}
		}()
		lc := &linkCache{byEmail: map[string][]string{}, display: map[string]string{}}
		for i := range events {
			if err := ctx.Err(); err != nil {
				return err
			}
			ev := &events[i]
			if ev.CancelOnly {
				action, err := t.cancelImportedAppointment(ev.Appointment.ID)
				if err != nil {
					return err
				}
				results[i] = EventResult{Action: action, AppointmentID: ev.Appointment.ID}
				continue
			}
			if ev.Task != nil {
				if results[i], err = t.importTask(ev, lc, opt); err != nil {
					return err
				}
				continue
			}
			a := ev.Appointment
			if err := s.checkImportedAppointment(&a); err != nil {
				results[i] = EventResult{Action: ImportRejected, Err: err}
				continue
			}
			contact, by, err := t.linkEvent(ev, lc)
			if err != nil {
				return err
			}
			a.ContactID = contact
			if contact == "" && !opt.Unlinked {
				results[i] = EventResult{Action: ImportUnlinked, AppointmentID: a.ID}
				continue
			}
			if contact != "" {
				name := ev.nameFound
				if by != "name" {
					if name, err = lc.displayName(t, contact); err != nil {
						return err
					}
				}
				a.Purpose = stripName(a.Purpose, name)
			}
			action, err := t.putImportedAppointment(&a)
			if err != nil {
				return err
			}
			results[i] = EventResult{Action: action, AppointmentID: a.ID, ContactID: contact, MatchedBy: by}
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import: %w", err)
	}
	return results, nil
}

// checkImportedAppointment applies AddAppointment's rules.
func (s *Store) checkImportedAppointment(a *Appointment) error {
	if a.ID == "" {
		return fmt.Errorf("%w appointment: no id", ErrInvalid)
	}
	return checkAppointment(a)
}

type clientName struct{ id, name, display string }

// linkCache keeps, for one file, what linking its events has read: the
// clients' names, the clients of each e-mail address and display names.
type linkCache struct {
	names   []clientName
	loaded  bool
	byEmail map[string][]string // lower-case address -> live clients
	display map[string]string
}

func (lc *linkCache) displayName(t *txn, id string) (string, error) {
	if n, ok := lc.display[id]; ok {
		return n, nil
	}
	n, err := t.displayName(id)
	if err == nil {
		lc.display[id] = n
	}
	return n, err
}

// emailClients gives the live clients with the address.
func (lc *linkCache) emailClients(t *txn, address string) ([]string, error) {
	key := strings.ToLower(strings.TrimSpace(address))
	if ids, ok := lc.byEmail[key]; ok {
		return ids, nil
	}
	st, err := t.prepared(`SELECT DISTINCT e.contact_id FROM contact_email e JOIN contact c ON c.id = e.contact_id
			WHERE e.address = ? COLLATE NOCASE AND e.cl % 2 = 1 AND c.cl % 2 = 1`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(t.ctx, strings.TrimSpace(address))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lc.byEmail[key] = ids
	return ids, nil
}

// linkEvent finds the event's client.
func (t *txn) linkEvent(ev *ImportEvent, lc *linkCache) (string, string, error) {
	names := &lc.names
	if id := ev.Appointment.ContactID; id != "" {
		err := t.requireContact(id)
		if err == nil {
			return id, "link", nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", "", err
		}
	}
	found := map[string]bool{}
	for _, e := range ev.Emails {
		ids, err := lc.emailClients(t, e)
		if err != nil {
			return "", "", err
		}
		for _, id := range ids {
			found[id] = true
		}
	}
	if len(found) == 1 {
		for id := range found {
			return id, "email", nil
		}
	}
	if len(found) > 1 {
		return "", "", nil // ambiguous: better unlinked than wrong
	}
	if !lc.loaded {
		lc.loaded = true
		rows, err := t.QueryContext(t.ctx, "SELECT id, display_name, given, family FROM contact WHERE cl % 2 = 1")
		if err != nil {
			return "", "", err
		}
		*names = []clientName{}
		for rows.Next() {
			var id, display, given, family string
			if err := rows.Scan(&id, &display, &given, &family); err != nil {
				rows.Close()
				return "", "", err
			}
			if display == "" {
				display = strings.TrimSpace(given + " " + family)
			}
			if n := normalName(display); len([]rune(n)) >= 3 {
				*names = append(*names, clientName{id, n, display})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", "", err
		}
	}
	summary := " " + normalName(ev.Summary) + " "
	var match *clientName
	for i := range *names {
		k := &(*names)[i]
		if containsWord(summary, k.name) {
			if match != nil && match.id != k.id {
				return "", "", nil // two clients: ambiguous
			}
			match = k
		}
	}
	if match == nil {
		return "", "", nil
	}
	ev.nameFound = match.display
	return match.id, "name", nil
}

// containsWord reports whether name occurs in s not inside another word.
func containsWord(s, name string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		j += i
		before, after := j == 0 || !isWordByte(s[j-1]), j+len(name) >= len(s) || !isWordByte(s[j+len(name)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// stripName removes "Name — " (the export's form) from the front of a purpose.
func stripName(purpose, name string) string {
	if name == "" {
		return purpose
	}
	for _, sep := range []string{" — ", " - ", ": "} {
		if p := name + sep; len(purpose) > len(p) && strings.EqualFold(purpose[:len(p)], p) {
			return strings.TrimSpace(purpose[len(p):])
		}
	}
	return purpose
}

// putImportedAppointment creates or updates the appointment.
func (t *txn) putImportedAppointment(a *Appointment) (string, error) {
	cur, err := t.importedAppointment(a.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if exists && a.Status == "confirmed" && (cur.Status == "done" || cur.Status == "no-show") {
		// iCalendar has no word for these (the export writes CONFIRMED):
		// a CONFIRMED event does not undo them.
		a.Status = cur.Status
	}
	if exists && cur.Purpose == "" && a.Purpose == "Appointment" {
		a.Purpose = "" // what the export writes for no purpose
	}
	f := fields{"contact_id": a.ContactID, "start_utc": formatTS(a.Start), "end_utc": formatTS(a.End), "tz": a.TZ,
		"all_day": a.AllDay, "purpose": a.Purpose, "status": a.Status}
	if !exists {
		staff := a.Staff
		if staff == "" {
			staff = t.s.staff()
		}
		f["staff"] = staff
	}
	changed, err := t.put("appointment", a.ID, f)
	if err != nil {
		return "", err
	}
	switch {
	case !exists:
		return ImportCreated, nil
	case changed:
		return ImportUpdated, nil
	}
	return ImportUnchanged, nil
}

// displayName is the name a contact is shown by.
func (t *txn) displayName(id string) (string, error) {
	var display, given, family string
	err := t.QueryRowContext(t.ctx, "SELECT display_name, given, family FROM contact WHERE id = ?", id).Scan(&display, &given, &family)
	if err != nil {
		return "", err
	}
	if display == "" {
		display = strings.TrimSpace(given + " " + family)
	}
	return display, nil
}

// cancelImportedAppointment cancels the appointment of an occurrence taken
// out of a series, if it was imported before.
func (t *txn) cancelImportedAppointment(id string) (string, error) {
	cur, err := t.appointment(id)
	if errors.Is(err, ErrNotFound) {
		return ImportExcluded, nil
	}
	if err != nil {
		return "", err
	}
	if cur.Status == "cancelled" {
		return ImportUnchanged, nil
	}
	if _, err := t.put("appointment", id, fields{"status": "cancelled"}); err != nil {
		return "", err
	}
	return ImportUpdated, nil
}

// importTask links a to-do to a client like an event and creates or updates
// its task. A task done in Rapport stays done when the file says nothing of
// it; its snooze is Rapport's own and never touched.
func (t *txn) importTask(ev *ImportEvent, lc *linkCache, opt EventImportOptions) (EventResult, error) {
	k := *ev.Task
	k.Title = strings.TrimSpace(k.Title)
	switch {
	case k.ID == "":
		return EventResult{Action: ImportRejected, Err: fmt.Errorf("%w task: no id", ErrInvalid)}, nil
	case k.Title == "":
		return EventResult{Action: ImportRejected, Err: fmt.Errorf("%w task: a title is needed", ErrInvalid)}, nil
	case k.Due.IsZero() || k.Due.Year == 0 || !k.Due.valid():
		return EventResult{Action: ImportRejected, Err: fmt.Errorf("%w task: no due date", ErrInvalid)}, nil
	}
	ev.Appointment.ContactID = k.ContactID
	contact, by, err := t.linkEvent(ev, lc)
	if err != nil {
		return EventResult{}, err
	}
	if contact == "" && !opt.Unlinked {
		return EventResult{Action: ImportUnlinked}, nil
	}
	if contact != "" {
		name := ev.nameFound
		if by != "name" {
			if name, err = lc.displayName(t, contact); err != nil {
				return EventResult{}, err
			}
		}
		k.Title = stripName(k.Title, name)
		if sfx := " — " + name; name != "" && len(k.Title) > len(sfx) && strings.HasSuffix(k.Title, sfx) {
			k.Title = k.Title[:len(k.Title)-len(sfx)] // the export's "Title — Name"
		}
	}
	var cur Task
	var exists bool
	cur, err = scanTask(t.QueryRowContext(t.ctx, "SELECT "+taskCols+" FROM task WHERE id = ? AND cl % 2 = 1", k.ID))
	switch {
	case err == nil:
		exists = true
	case !errors.Is(err, sql.ErrNoRows):
		return EventResult{}, err
	}
	f := fields{"contact_id": contact, "title": k.Title, "due": k.Due.String()}
	switch {
	case !exists:
		f["done_at"], f["snoozed_until"] = formatTS(k.DoneAt), ""
	case !k.DoneAt.IsZero() && cur.DoneAt.IsZero():
		f["done_at"] = formatTS(k.DoneAt)
	}
	changed, err := t.put("task", k.ID, f)
	if err != nil {
		return EventResult{}, err
	}
	action := ImportUnchanged
	switch {
	case !exists:
		action = ImportCreated
	case changed:
		action = ImportUpdated
	}
	return EventResult{Action: action, ContactID: contact, MatchedBy: by}, nil
}

// importedAppointment is t.appointment through a statement prepared once per
// import.
func (t *txn) importedAppointment(id string) (Appointment, error) {
	st, err := t.prepared("SELECT " + appointmentCols + " FROM appointment WHERE id = ? AND cl % 2 = 1")
	if err != nil {
		return Appointment{}, err
	}
	a, err := scanAppointment(st.QueryRowContext(t.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("appointment %s: %w", id, ErrNotFound)
	}
	return a, err
}
