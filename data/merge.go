package data

import (
	"context"
	"fmt"
	"strings"
)

// MergeContacts moves everything of other onto keep and retires other: its
// methods (those keep already has are dropped as duplicates), tags,
// preferences, consent, timeline, appointments, dates and tasks; fields keep
// leaves empty are filled from other, and notes are joined. Other is deleted
// with merged_into set, so it cannot be restored on its own. Every change is
// an ordinary edit and syncs like one.
//
// Consent is merged to the safer side: a channel either contact opted out of
// stays opted out.
func (s *Store) MergeContacts(ctx context.Context, keepID, otherID string) error {
	if keepID == otherID {
		return fmt.Errorf("%w: cannot merge a contact with itself", ErrInvalid)
	}
	keep, err := s.Contact(ctx, keepID)
	if err != nil {
		return err
	}
	other, err := s.Contact(ctx, otherID)
	if err != nil {
		return err
	}
	if keep.Deleted || other.Deleted {
		return fmt.Errorf("%w: only live contacts can be merged", ErrConflict)
	}
	return s.write(ctx, func(t *txn) error {
		f := fields{}
		fill := func(col, k, o string) {
			if strings.TrimSpace(k) == "" && o != "" {
				f[col] = o
			}
		}
		fill("given", keep.Given, other.Given)
		fill("family", keep.Family, other.Family)
		fill("nickname", keep.Nickname, other.Nickname)
		fill("organization", keep.Organization, other.Organization)
		fill("title", keep.Title, other.Title)
		fill("photo_url", keep.PhotoURL, other.PhotoURL)
		if len(keep.Photo) == 0 && len(other.Photo) > 0 {
			f["photo"] = other.Photo
		}
		if other.Notes != "" && !strings.Contains(keep.Notes, other.Notes) {
			f["notes"] = strings.TrimSpace(keep.Notes + "\n\n" + other.Notes)
		}
		if keep.Birthday.IsZero() && !other.Birthday.IsZero() {
			f["bday_year"], f["bday_month"], f["bday_day"] = other.Birthday.Year, int(other.Birthday.Month), other.Birthday.Day
			if err := t.syncBirthday(keepID, other.Birthday); err != nil {
				return err
			}
		}
		f["updated"] = formatTS(t.s.now())
		if _, err := t.put("contact", keepID, f); err != nil {
			return err
		}
		if err := t.syncBirthday(otherID, Date{}); err != nil {
			return err
		}

		// Methods: move, unless keep has the same one already.
		have := map[string]bool{}
		for _, e := range keep.Emails {
			have["e:"+strings.ToLower(e.Address)] = true
		}
		for _, p := range keep.Phones {
			have["p:"+phoneKey(p)] = true
		}
		for _, a := range keep.Addresses {
			have["a:"+normalName(a.Street+"|"+a.PostalCode)] = true
		}
		for _, u := range keep.URLs {
			have["u:"+strings.ToLower(u.URL)] = true
		}
		move := func(table, id, key string) error {
			if have[key] {
				_, err := t.setAlive(table, id, false)
				return err
			}
			have[key] = true
			_, err := t.put(table, id, fields{"contact_id": keepID})
			return err
		}
		for _, e := range other.Emails {
			if err := move("contact_email", e.ID, "e:"+strings.ToLower(e.Address)); err != nil {
				return err
			}
		}
		for _, p := range other.Phones {
			if err := move("contact_phone", p.ID, "p:"+phoneKey(p)); err != nil {
				return err
			}
		}
		for _, a := range other.Addresses {
			if err := move("contact_address", a.ID, "a:"+normalName(a.Street+"|"+a.PostalCode)); err != nil {
				return err
			}
		}
		for _, u := range other.URLs {
			if err := move("contact_url", u.ID, "u:"+strings.ToLower(u.URL)); err != nil {
				return err
			}
		}

		for _, name := range other.Tags {
			if err := t.addTag(keepID, tagID(name), name); err != nil {
				return err
			}
		}
		if _, err := t.setTags(otherID, nil); err != nil {
			return err
		}

		if err := t.mergePreferences(keepID, otherID); err != nil {
			return err
		}
		if err := t.mergeConsent(keepID, otherID); err != nil {
			return err
		}
		// Records that belong to the client's history move as they are.
		for _, table := range []string{"consent_event", "interaction", "appointment", "important_date", "task", "loyalty_entry"} {
			ids, err := t.idsWhere("SELECT id FROM "+table+" WHERE contact_id = ? AND cl > 0", otherID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if id == birthdayDateID(otherID) {
					continue
				}
				if _, err := t.put(table, id, fields{"contact_id": keepID}); err != nil {
					return err
				}
			}
		}
		ids, err := t.idsWhere("SELECT id FROM interaction WHERE referred_id = ? AND cl > 0", otherID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := t.put("interaction", id, fields{"referred_id": keepID}); err != nil {
				return err
			}
		}
		if _, err := t.put("contact", otherID, fields{"merged_into": keepID, "updated": formatTS(t.s.now())}); err != nil {
			return err
		}
		_, err = t.setAlive("contact", otherID, false)
		return err
	})
}

func phoneKey(p Phone) string {
	if p.E164 != "" {
		return p.E164
	}
	var d strings.Builder
	for _, r := range p.Number {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	return d.String()
}

func (t *txn) idsWhere(query string, args ...any) ([]string, error) {
	rows, err := t.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// mergePreferences moves other's preferences; where both have one for the
// same category and subject, the more recently confirmed one stays.
func (t *txn) mergePreferences(keepID, otherID string) error {
	rows, err := t.QueryContext(t.ctx, `SELECT o.id, k.id, o.confirmed > k.confirmed FROM preference o
		LEFT JOIN preference k ON k.contact_id = ? AND k.category = o.category AND k.subject = o.subject COLLATE NOCASE AND k.cl % 2 = 1
		WHERE o.contact_id = ? AND o.cl % 2 = 1`, keepID, otherID)
	if err != nil {
		return err
	}
	type pair struct {
		other, keep string
		newer       bool
	}
	var pairs []pair
	for rows.Next() {
		var p pair
		var k *string
		var newer *bool
		if err := rows.Scan(&p.other, &k, &newer); err != nil {
			rows.Close()
			return err
		}
		if k != nil {
			p.keep = *k
		}
		p.newer = newer != nil && *newer
		pairs = append(pairs, p)
	}
	rows.Close()
	for _, p := range pairs {
		switch {
		case p.keep == "":
			_, err = t.put("preference", p.other, fields{"contact_id": keepID})
		case p.newer:
			if _, err = t.setAlive("preference", p.keep, false); err == nil {
				_, err = t.put("preference", p.other, fields{"contact_id": keepID})
			}
		default:
			_, err = t.setAlive("preference", p.other, false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// mergeConsent gives keep, per channel, the consent of other where keep has
// none, and an opt-out where either opted out.
func (t *txn) mergeConsent(keepID, otherID string) error {
	rows, err := t.QueryContext(t.ctx, `SELECT o.channel, o.status, o.max_per_month, o.topics, coalesce(k.status, '')
		FROM consent o LEFT JOIN consent k ON k.contact_id = ? AND k.channel = o.channel AND k.cl % 2 = 1
		WHERE o.contact_id = ? AND o.cl % 2 = 1`, keepID, otherID)
	if err != nil {
		return err
	}
	type row struct {
		channel, status, topics, keepStatus string
		maxPerMonth                         int
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.channel, &r.status, &r.maxPerMonth, &r.topics, &r.keepStatus); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	for _, r := range all {
		var f fields
		switch {
		case r.keepStatus == "" || r.keepStatus == "unknown":
			f = fields{"contact_id": keepID, "channel": r.channel, "status": r.status, "max_per_month": r.maxPerMonth, "topics": r.topics}
		case r.status == "out" && r.keepStatus != "out":
			f = fields{"status": "out"}
		default:
			continue
		}
		if _, err := t.put("consent", derivedID("consent", keepID, r.channel), f); err != nil {
			return err
		}
	}
	return nil
}
