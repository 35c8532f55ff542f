package data

import (
	"context"
	"fmt"
)

// ClientRecord is everything Rapport holds about one client, for a copy to
// give them (a subject access request) before or instead of an erasure.
type ClientRecord struct {
	Contact      *Contact
	UID          string // the UID the vCard export gives the client
	Timeline     []Interaction
	Purchases    []Interaction // the purchases of the timeline
	Preferences  []Preference
	Consents     []Consent // each with its whole history
	Dates        []ImportantDate
	Appointments []Appointment
	Tasks        []Task
	History      []HistoryEntry
}

// ClientRecord gathers everything about the client with the loaders the
// client's page uses. They read one after another rather than in one
// transaction; a change that lands between two of them is one the copy
// could have been made a moment earlier or later without.
func (s *Store) ClientRecord(ctx context.Context, id string) (ClientRecord, error) {
	var r ClientRecord
	var err error
	wrap := func(err error) (ClientRecord, error) {
		return ClientRecord{}, fmt.Errorf("record of client %s: %w", id, err)
	}
	if r.Contact, err = s.Contact(ctx, id); err != nil {
		return wrap(err)
	}
	if r.UID, err = s.ContactUID(ctx, id); err != nil {
		return wrap(err)
	}
	if r.Timeline, err = s.Interactions(ctx, id, 0); err != nil {
		return wrap(err)
	}
	for _, in := range r.Timeline {
		if in.Kind == "purchase" {
			r.Purchases = append(r.Purchases, in)
		}
	}
	if r.Preferences, err = s.Preferences(ctx, id); err != nil {
		return wrap(err)
	}
	if r.Consents, err = s.Consents(ctx, id); err != nil {
		return wrap(err)
	}
	if r.Dates, err = s.ImportantDates(ctx, id); err != nil {
		return wrap(err)
	}
	if r.Appointments, err = s.ContactAppointments(ctx, id); err != nil {
		return wrap(err)
	}
	if r.Tasks, err = s.ContactTasks(ctx, id); err != nil {
		return wrap(err)
	}
	if r.History, err = s.History(ctx, id); err != nil {
		return wrap(err)
	}
	return r, nil
}
