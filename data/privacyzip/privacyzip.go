// Package privacyzip packs everything Rapport holds about one client into
// one zip file, the copy a client who asks for their data receives (a
// subject access request): the card as any address book reads it
// (contact.vcf) and a JSON file per kind of record. The command line and the
// app write it through this package so that both give the same file.
package privacyzip

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rapport/data"
	"rapport/data/vcf"
)

// Build packs a client's record, exported at now, with times in loc.
func Build(rec data.ClientRecord, now time.Time, loc *time.Location) ([]byte, error) {
	var card bytes.Buffer
	entry := vcf.Entry{Contact: rec.Contact, UID: rec.UID, Dates: rec.Dates, Preferences: rec.Preferences, Consents: rec.Consents}
	if err := vcf.Export(&card, []vcf.Entry{entry}, vcf.V4); err != nil {
		return nil, err
	}
	day := data.DayOf(now)
	name := rec.Contact.DisplayName
	timeline := []Interaction{}
	for _, in := range rec.Timeline {
		timeline = append(timeline, InteractionForm(in, loc))
	}
	purchases := []Interaction{}
	for _, in := range rec.Purchases {
		purchases = append(purchases, InteractionForm(in, loc))
	}
	prefs := []Preference{}
	for _, p := range rec.Preferences {
		prefs = append(prefs, PreferenceForm(p, day))
	}
	consents := []data.Consent{}
	for _, cs := range rec.Consents {
		if cs.History == nil {
			cs.History = []data.ConsentEvent{}
		}
		consents = append(consents, cs)
	}
	dates := []Date{}
	for _, d := range rec.Dates {
		dates = append(dates, DateForm(d))
	}
	appts := []Appointment{}
	for _, a := range rec.Appointments {
		appts = append(appts, AppointmentForm(a, name))
	}
	tasks := []Task{}
	for _, k := range rec.Tasks {
		tasks = append(tasks, TaskForm(k, name, day))
	}
	history := rec.History
	if history == nil {
		history = []data.HistoryEntry{}
	}
	files := []struct {
		name string
		v    any
	}{
		{"contact.json", ContactForm(rec.Contact)},
		{"timeline.json", timeline},
		{"purchases.json", purchases},
		{"preferences.json", prefs},
		{"consent.json", consents},
		{"dates.json", dates},
		{"appointments.json", appts},
		{"tasks.json", tasks},
		{"history.json", history},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	readme := fmt.Sprintf("Everything Rapport holds about %s (client %s), exported %s.\r\n\r\n"+
		"contact.vcf is the client's card, for any address book. The JSON files hold the timeline\r\n"+
		"(visits, calls, messages, purchases, complaints and the rest), the purchases alone,\r\n"+
		"preferences, consent per channel with its history, important dates, appointments, tasks\r\n"+
		"and the history of every change made to the client's records.\r\n",
		name, rec.Contact.ID, now.Format(time.RFC3339))
	if err := add("README.txt", []byte(readme)); err != nil {
		return nil, err
	}
	if err := add("contact.vcf", card.Bytes()); err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := json.MarshalIndent(f.v, "", "  ")
		if err != nil {
			return nil, err
		}
		if err := add(f.name, append(b, '\n')); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes the zip of a client's record to path, readable by the
// user only: it holds everything about a person. It goes through a temporary
// file beside path (created with mode 0600), synced and then renamed, so a
// failure leaves no half-written zip and an existing file at path is
// replaced whole, its looser mode with it.
func WriteFile(path string, rec data.ClientRecord, now time.Time, loc *time.Location) error {
	b, err := Build(rec, now, loc)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
