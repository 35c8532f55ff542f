package data

import (
	"context"
	"database/sql"
	"fmt"
)

// ContactBundle is a contact with everything about it that an address-book
// export carries.
type ContactBundle struct {
	Contact     *Contact
	UID         string // ExportUID of the contact
	Dates       []ImportantDate
	Preferences []Preference
	Consents    []Consent // current state only, no history
}

// ExportContacts loads every live contact (with the tag, when tag is not
// empty) in name order, each as Contact, ImportantDates, Preferences and
// Consents give it, but with one query per table instead of several per
// contact, in one read transaction so that the copy is consistent.
func (s *Store) ExportContacts(ctx context.Context, tag string) ([]ContactBundle, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	where, args := "c.cl % 2 = 1 AND c.merged_into = ''", []any{}
	if tag != "" {
		where += " AND EXISTS (SELECT 1 FROM contact_tag ct WHERE ct.contact_id = c.id AND ct.tag_id = ? AND ct.cl % 2 = 1)"
		args = append(args, tagID(tag))
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.given, c.family, c.display_name, c.nickname, c.organization, c.title,
		c.bday_year, c.bday_month, c.bday_day, c.notes, c.photo, c.photo_url, c.source, c.extra_vcard, c.created, c.updated,
		c.merged_into, c.uid FROM contact c WHERE `+where+` ORDER BY c.sort_name, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var out []ContactBundle
	index := map[string]int{}
	for rows.Next() {
		c := &Contact{}
		var month int
		var created, updated, uid string
		if err := rows.Scan(&c.ID, &c.Given, &c.Family, &c.DisplayName, &c.Nickname, &c.Organization, &c.Title,
			&c.Birthday.Year, &month, &c.Birthday.Day, &c.Notes, &c.Photo, &c.PhotoURL, &c.Source, &c.ExtraVCard,
			&created, &updated, &c.MergedInto, &uid); err != nil {
			rows.Close()
			return nil, err
		}
		c.Birthday.Month = monthOf(month)
		c.Created, c.Updated = parseTS(created), parseTS(updated)
		index[c.ID] = len(out)
		out = append(out, ContactBundle{Contact: c, UID: ExportUID(c.ID, uid)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Each child query keeps the order the one-contact loaders use.
	each := func(q string, scan func(r *sql.Rows, owner *string, b *ContactBundle) error) error {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var owner string
			var b ContactBundle
			if err := scan(rows, &owner, &b); err != nil {
				return err
			}
			if i, ok := index[owner]; ok {
				appendBundle(&out[i], &b)
			}
		}
		return rows.Err()
	}
	steps := []struct {
		q    string
		scan func(r *sql.Rows, owner *string, b *ContactBundle) error
	}{
		{`SELECT contact_id, id, address, label, pref FROM contact_email WHERE cl % 2 = 1 ORDER BY contact_id, pref DESC, rowid`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var e Email
				b.Contact = &Contact{}
				err := r.Scan(owner, &e.ID, &e.Address, &e.Label, &e.Preferred)
				b.Contact.Emails = []Email{e}
				return err
			}},
		{`SELECT contact_id, id, number, e164, label, pref FROM contact_phone WHERE cl % 2 = 1 ORDER BY contact_id, pref DESC, rowid`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var p Phone
				b.Contact = &Contact{}
				err := r.Scan(owner, &p.ID, &p.Number, &p.E164, &p.Label, &p.Preferred)
				b.Contact.Phones = []Phone{p}
				return err
			}},
		{`SELECT contact_id, id, street, locality, region, postal_code, country, label, pref FROM contact_address WHERE cl % 2 = 1 ORDER BY contact_id, pref DESC, rowid`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var a Address
				b.Contact = &Contact{}
				err := r.Scan(owner, &a.ID, &a.Street, &a.Locality, &a.Region, &a.PostalCode, &a.Country, &a.Label, &a.Preferred)
				b.Contact.Addresses = []Address{a}
				return err
			}},
		{`SELECT contact_id, id, url, label FROM contact_url WHERE cl % 2 = 1 ORDER BY contact_id, rowid`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var u URL
				b.Contact = &Contact{}
				err := r.Scan(owner, &u.ID, &u.URL, &u.Label)
				b.Contact.URLs = []URL{u}
				return err
			}},
		{`SELECT contact_tag.contact_id, tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id
			WHERE contact_tag.cl % 2 = 1 AND tag.cl % 2 = 1 ORDER BY contact_tag.contact_id, tag.name COLLATE NOCASE`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var n string
				b.Contact = &Contact{}
				err := r.Scan(owner, &n)
				b.Contact.Tags = []string{n}
				return err
			}},
		{`SELECT contact_id, id, kind, label, year, month, day, yearly, lead_days FROM important_date
			WHERE cl % 2 = 1 ORDER BY contact_id, month, day, id`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var d ImportantDate
				var month int
				err := r.Scan(owner, &d.ID, &d.Kind, &d.Label, &d.Date.Year, &month, &d.Date.Day, &d.Yearly, &d.LeadDays)
				d.ContactID, d.Date.Month = *owner, monthOf(month)
				b.Dates = []ImportantDate{d}
				return err
			}},
		{`SELECT contact_id, id, category, subject, value, confirmed FROM preference
			WHERE cl % 2 = 1 ORDER BY contact_id, category, subject, rowid`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var p Preference
				var confirmed string
				err := r.Scan(owner, &p.ID, &p.Category, &p.Subject, &p.Value, &confirmed)
				p.ContactID = *owner
				p.Confirmed, _ = ParseDate(confirmed)
				b.Preferences = []Preference{p}
				return err
			}},
		{`SELECT contact_id, channel, status, max_per_month, topics FROM consent
			WHERE cl % 2 = 1 ORDER BY contact_id, channel`,
			func(r *sql.Rows, owner *string, b *ContactBundle) error {
				var c Consent
				err := r.Scan(owner, &c.Channel, &c.Status, &c.MaxPerMonth, &c.Topics)
				c.ContactID = *owner
				b.Consents = []Consent{c}
				return err
			}},
	}
	for _, st := range steps {
		if err := each(st.q, st.scan); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendBundle appends the rows one child query read for a contact.
func appendBundle(dst, src *ContactBundle) {
	if src.Contact != nil {
		c := dst.Contact
		c.Emails = append(c.Emails, src.Contact.Emails...)
		c.Phones = append(c.Phones, src.Contact.Phones...)
		c.Addresses = append(c.Addresses, src.Contact.Addresses...)
		c.URLs = append(c.URLs, src.Contact.URLs...)
		c.Tags = append(c.Tags, src.Contact.Tags...)
	}
	dst.Dates = append(dst.Dates, src.Dates...)
	dst.Preferences = append(dst.Preferences, src.Preferences...)
	dst.Consents = append(dst.Consents, src.Consents...)
}
