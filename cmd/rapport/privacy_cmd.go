package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/data"
	"rapport/data/vcf"
)

func init() {
	register("privacy export", "rapport privacy export ID -o FILE.zip   (everything Rapport holds about a client, in one file to give them)", privacyExport)
	register("privacy erase", "rapport privacy erase ID [--yes]   (erase a client's personal data here and, through sync, on every computer)", privacyErase)
}

// privacyErase erases a client for good, after asking unless --yes.
func privacyErase(c *cli, args []string) error {
	fs := c.flags("privacy erase")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.resolve("contact", pos[0])
	if err != nil {
		return err
	}
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprintf(c.stdout, "Erase %s (%s) for good: every record, the timeline, the photo and the history,\n"+
			"here and on every computer this one syncs with? Only the fact that an erasure happened is kept.\n"+
			"Backups made before keep their copy until they are rotated out. Type yes to go on: ", ct.DisplayName, id)
		answer, _ := bufio.NewReader(c.stdin()).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			return errors.New("erasure cancelled; nothing was changed")
		}
	}
	e, err := c.store.EraseContact(c.ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "erased client %s at %s; the erasure reaches the other computers with the next sync\n", e.ContactID, whenText(e.At, localLoc()))
	return nil
}

// privacyExport writes one zip with the client's vCard and JSON of the rest:
// what a client who asks for their data receives.
func privacyExport(c *cli, args []string) error {
	fs := c.flags("privacy export")
	out := fs.String("o", "", "the zip file to write")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"-o FILE.zip is needed"}
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.resolve("contact", pos[0])
	if err != nil {
		return err
	}
	rec, err := c.store.ClientRecord(c.ctx, id)
	if err != nil {
		return err
	}
	b, err := clientZip(rec, clock())
	if err != nil {
		return err
	}
	// writeFileAtomic's temporary file is created readable by the user only,
	// and the zip keeps that mode when it takes its name.
	if err := writeFileAtomic(*out, b); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote everything about %s to %s\n", rec.Contact.DisplayName, *out)
	return nil
}

// clientZip packs a client's record: the vCard as an address book reads it,
// and each kind of record as its own JSON file, in the forms --json prints.
func clientZip(rec data.ClientRecord, now time.Time) ([]byte, error) {
	var card bytes.Buffer
	entry := vcf.Entry{Contact: rec.Contact, UID: rec.UID, Dates: rec.Dates, Preferences: rec.Preferences, Consents: rec.Consents}
	if err := vcf.Export(&card, []vcf.Entry{entry}, vcf.V4); err != nil {
		return nil, err
	}
	loc, day := localLoc(), data.DayOf(now)
	name := rec.Contact.DisplayName
	timeline := []interactionJSON{}
	for _, in := range rec.Timeline {
		timeline = append(timeline, interactionView(in, loc))
	}
	purchases := []interactionJSON{}
	for _, in := range rec.Purchases {
		purchases = append(purchases, interactionView(in, loc))
	}
	prefs := []preferenceJSON{}
	for _, p := range rec.Preferences {
		prefs = append(prefs, preferenceView(p, day))
	}
	consents := []data.Consent{}
	for _, cs := range rec.Consents {
		if cs.History == nil {
			cs.History = []data.ConsentEvent{}
		}
		consents = append(consents, cs)
	}
	dates := []dateJSON{}
	for _, d := range rec.Dates {
		dates = append(dates, dateView(d))
	}
	appts := []appointmentJSON{}
	for _, a := range rec.Appointments {
		appts = append(appts, appointmentView(a, name))
	}
	tasks := []taskJSON{}
	for _, k := range rec.Tasks {
		tasks = append(tasks, taskView(k, name, day))
	}
	history := rec.History
	if history == nil {
		history = []data.HistoryEntry{}
	}
	files := []struct {
		name string
		v    any
	}{
		{"contact.json", contactView(rec.Contact)},
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
