package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// SaveContact creates the contact (when c.ID is empty, setting it) or saves
// the changes to it: fields, methods (matched by their ids; a method missing
// from c is deleted) and tags. Only what changed is written and synced.
func (s *Store) SaveContact(ctx context.Context, c *Contact) error {
	if err := s.prepareContact(c); err != nil {
		return err
	}
	return s.write(ctx, func(t *txn) error { return t.saveContact(c) })
}

// prepareContact validates c and fills what the store derives (display name, E.164).
func (s *Store) prepareContact(c *Contact) error {
	c.Given, c.Family = strings.TrimSpace(c.Given), strings.TrimSpace(c.Family)
	c.Nickname, c.Organization = strings.TrimSpace(c.Nickname), strings.TrimSpace(c.Organization)
	c.DisplayName = strings.TrimSpace(c.DisplayName)
	if c.DisplayName == "" {
		c.DisplayName = strings.TrimSpace(c.Given + " " + c.Family)
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Nickname
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Organization
	}
	if c.DisplayName == "" && len(c.Emails) > 0 {
		c.DisplayName = c.Emails[0].Address
	}
	if c.DisplayName == "" && len(c.Phones) > 0 {
		c.DisplayName = c.Phones[0].Number
	}
	if c.DisplayName == "" {
		return fmt.Errorf("%w contact: a name, organisation, e-mail or phone is needed", ErrInvalid)
	}
	if !c.Birthday.IsZero() && !c.Birthday.valid() {
		return fmt.Errorf("%w birthday %v", ErrInvalid, c.Birthday)
	}
	for i := range c.Emails {
		e := &c.Emails[i]
		e.Address = strings.TrimSpace(e.Address)
		if err := checkEmail(e.Address); err != nil {
			return err
		}
	}
	for i := range c.Phones {
		p := &c.Phones[i]
		p.Number = strings.TrimSpace(p.Number)
		if countDigits(p.Number) < 3 {
			return fmt.Errorf("%w phone %q: too few digits", ErrInvalid, p.Number)
		}
		p.E164 = NormalizePhone(p.Number, s.Region)
	}
	return nil
}

func checkEmail(a string) error {
	at := strings.LastIndexByte(a, '@')
	if at < 1 || at == len(a)-1 || strings.ContainsAny(a, " \t\r\n<>,;") {
		return fmt.Errorf("%w e-mail %q", ErrInvalid, a)
	}
	return nil
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// NormalizePhone gives the E.164 form of a number as typed ("+4917612345678"),
// reading numbers without a country prefix as numbers of region; "" when the
// number cannot be read.
func NormalizePhone(number, region string) string {
	n, err := phonenumbers.Parse(number, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}

func (t *txn) saveContact(c *Contact) error {
	now := formatTS(t.s.now())
	f := fields{
		"given": c.Given, "family": c.Family, "display_name": c.DisplayName, "nickname": c.Nickname,
		"organization": c.Organization, "title": c.Title, "bday_year": c.Birthday.Year,
		"bday_month": int(c.Birthday.Month), "bday_day": c.Birthday.Day, "notes": c.Notes,
		"photo": c.Photo, "photo_url": c.PhotoURL, "source": c.Source, "extra_vcard": c.ExtraVCard,
	}
	if c.ID == "" {
		c.ID = newID()
		f["created"] = now
	} else {
		var cl int64
		err := t.QueryRowContext(t.ctx, "SELECT cl FROM contact WHERE id = ?", c.ID).Scan(&cl)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && cl%2 == 0) {
			return fmt.Errorf("contact %s: %w", c.ID, ErrNotFound)
		}
		if err != nil {
			return err
		}
	}
	changed, err := t.put("contact", c.ID, f)
	if err != nil {
		return err
	}
	children := []struct {
		table string
		rows  []childRow
	}{
		{"contact_email", emailRows(c.Emails)},
		{"contact_phone", phoneRows(c.Phones)},
		{"contact_address", addressRows(c.Addresses)},
		{"contact_url", urlRows(c.URLs)},
	}
	for _, ch := range children {
		n, err := t.syncChildren(ch.table, c.ID, ch.rows)
		if err != nil {
			return err
		}
		changed = changed || n
	}
	n, err := t.setTags(c.ID, c.Tags)
	if err != nil {
		return err
	}
	if err := t.syncBirthday(c.ID, c.Birthday); err != nil {
		return err
	}
	if changed || n {
		if _, err := t.put("contact", c.ID, fields{"updated": now}); err != nil {
			return err
		}
	}
	// Give the caller back the ids the children were saved under.
	for i := range children[0].rows {
		c.Emails[i].ID = children[0].rows[i].id
	}
	for i := range children[1].rows {
		c.Phones[i].ID = children[1].rows[i].id
	}
	for i := range children[2].rows {
		c.Addresses[i].ID = children[2].rows[i].id
	}
	for i := range children[3].rows {
		c.URLs[i].ID = children[3].rows[i].id
	}
	return nil
}

type childRow struct {
	id string
	f  fields
}

func emailRows(es []Email) []childRow {
	out := make([]childRow, len(es))
	for i, e := range es {
		out[i] = childRow{e.ID, fields{"address": e.Address, "label": e.Label, "pref": e.Preferred}}
	}
	return out
}

func phoneRows(ps []Phone) []childRow {
	out := make([]childRow, len(ps))
	for i, p := range ps {
		out[i] = childRow{p.ID, fields{"number": p.Number, "e164": p.E164, "label": p.Label, "pref": p.Preferred}}
	}
	return out
}

func addressRows(as []Address) []childRow {
	out := make([]childRow, len(as))
	for i, a := range as {
		out[i] = childRow{a.ID, fields{"street": a.Street, "locality": a.Locality, "region": a.Region,
			"postal_code": a.PostalCode, "country": a.Country, "label": a.Label, "pref": a.Preferred}}
	}
	return out
}

func urlRows(us []URL) []childRow {
	out := make([]childRow, len(us))
	for i, u := range us {
		out[i] = childRow{u.ID, fields{"url": u.URL, "label": u.Label}}
	}
	return out
}

// syncChildren makes the alive child rows of contact in table exactly rows:
// rows with an id are updated, rows without one created (their id set), and
// alive rows not listed are deleted.
func (t *txn) syncChildren(table, contact string, rows []childRow) (bool, error) {
	existing, err := t.childIDs(table, contact)
	if err != nil {
		return false, err
	}
	changed := false
	keep := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		if r.id == "" {
			r.id = newID()
		} else if !existing[r.id] {
			return false, fmt.Errorf("%s %s of contact %s: %w", table, r.id, contact, ErrNotFound)
		}
		keep[r.id] = true
		r.f["contact_id"] = contact
		n, err := t.put(table, r.id, r.f)
		if err != nil {
			return false, err
		}
		changed = changed || n
	}
	for id := range existing {
		if !keep[id] {
			if _, err := t.setAlive(table, id, false); err != nil {
				return false, err
			}
			changed = true
		}
	}
	return changed, nil
}

func (t *txn) childIDs(table, contact string) (map[string]bool, error) {
	rows, err := t.QueryContext(t.ctx, "SELECT id FROM "+table+" WHERE contact_id = ? AND cl % 2 = 1", contact)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// setTags makes the contact's tags exactly names (compared case-insensitively).
func (t *txn) setTags(contact string, names []string) (bool, error) {
	want := map[string]string{} // tag id -> name as given
	for _, n := range names {
		n = strings.Join(strings.Fields(n), " ")
		if n == "" {
			continue
		}
		if _, dup := want[tagID(n)]; !dup {
			want[tagID(n)] = n
		}
	}
	rows, err := t.QueryContext(t.ctx, "SELECT tag_id FROM contact_tag WHERE contact_id = ? AND cl % 2 = 1", contact)
	if err != nil {
		return false, err
	}
	have := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		have[id] = true
	}
	rows.Close()
	changed := false
	for id, name := range want {
		if have[id] {
			continue
		}
		if err := t.addTag(contact, id, name); err != nil {
			return false, err
		}
		changed = true
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			if _, err := t.setAlive("contact_tag", contactTagID(contact, id), false); err != nil {
				return false, err
			}
			changed = true
		}
	}
	return changed, nil
}

// addTag links contact to the tag (creating the tag, or bringing the link
// back to life: its id is derived, so it may exist as a tombstone).
func (t *txn) addTag(contact, tag, name string) error {
	var cl int64
	err := t.QueryRowContext(t.ctx, "SELECT cl FROM tag WHERE id = ?", tag).Scan(&cl)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := t.put("tag", tag, fields{"name": name}); err != nil {
			return err
		}
	case err != nil:
		return err
	case cl == 0: // a placeholder that sync made before the tag's own operation
		if _, err := t.put("tag", tag, fields{"name": name}); err != nil {
			return err
		}
	case cl%2 == 0:
		if _, err := t.setAlive("tag", tag, true); err != nil {
			return err
		}
	}
	link := contactTagID(contact, tag)
	err = t.QueryRowContext(t.ctx, "SELECT cl FROM contact_tag WHERE id = ?", link).Scan(&cl)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = t.put("contact_tag", link, fields{"contact_id": contact, "tag_id": tag})
		return err
	case err != nil:
		return err
	case cl == 0:
		_, err = t.put("contact_tag", link, fields{"contact_id": contact, "tag_id": tag})
		return err
	case cl%2 == 0:
		_, err = t.setAlive("contact_tag", link, true)
		return err
	}
	return nil
}

// Contact loads one contact with its methods and tags; a deleted contact is
// returned with Deleted set.
func (s *Store) Contact(ctx context.Context, id string) (*Contact, error) {
	c := &Contact{ID: id}
	var cl int64
	var created, updated string
	var month int
	err := s.db.QueryRowContext(ctx, `SELECT given, family, display_name, nickname, organization, title,
		bday_year, bday_month, bday_day, notes, photo, photo_url, source, extra_vcard, created, updated, cl, merged_into
		FROM contact WHERE id = ? AND cl > 0`, id).Scan(&c.Given, &c.Family, &c.DisplayName, &c.Nickname,
		&c.Organization, &c.Title, &c.Birthday.Year, &month, &c.Birthday.Day, &c.Notes, &c.Photo,
		&c.PhotoURL, &c.Source, &c.ExtraVCard, &created, &updated, &cl, &c.MergedInto)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("contact %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	c.Birthday.Month = monthOf(month)
	c.Created, c.Updated, c.Deleted = parseTS(created), parseTS(updated), cl%2 == 0
	if err := s.loadMethods(ctx, c); err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	return c, nil
}

func (s *Store) loadMethods(ctx context.Context, c *Contact) error {
	rows, err := s.db.QueryContext(ctx, "SELECT id, address, label, pref FROM contact_email WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var e Email
		if err := rows.Scan(&e.ID, &e.Address, &e.Label, &e.Preferred); err != nil {
			rows.Close()
			return err
		}
		c.Emails = append(c.Emails, e)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, "SELECT id, number, e164, label, pref FROM contact_phone WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p Phone
		if err := rows.Scan(&p.ID, &p.Number, &p.E164, &p.Label, &p.Preferred); err != nil {
			rows.Close()
			return err
		}
		c.Phones = append(c.Phones, p)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, "SELECT id, street, locality, region, postal_code, country, label, pref FROM contact_address WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a Address
		if err := rows.Scan(&a.ID, &a.Street, &a.Locality, &a.Region, &a.PostalCode, &a.Country, &a.Label, &a.Preferred); err != nil {
			rows.Close()
			return err
		}
		c.Addresses = append(c.Addresses, a)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, "SELECT id, url, label FROM contact_url WHERE contact_id = ? AND cl % 2 = 1 ORDER BY rowid", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u URL
		if err := rows.Scan(&u.ID, &u.URL, &u.Label); err != nil {
			rows.Close()
			return err
		}
		c.URLs = append(c.URLs, u)
	}
	rows.Close()
	c.Tags, err = s.tagsOf(ctx, c.ID)
	return err
}

func (s *Store) tagsOf(ctx context.Context, contact string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id
		WHERE contact_tag.contact_id = ? AND contact_tag.cl % 2 = 1 AND tag.cl % 2 = 1 ORDER BY tag.name COLLATE NOCASE`, contact)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func monthOf(m int) time.Month { return time.Month(m) }

// DeleteContact moves the contact to "Recently deleted"; RestoreContact brings
// it back with everything it had.
func (s *Store) DeleteContact(ctx context.Context, id string) error {
	return s.setContactAlive(ctx, id, false)
}

// RestoreContact undoes DeleteContact.
func (s *Store) RestoreContact(ctx context.Context, id string) error {
	return s.setContactAlive(ctx, id, true)
}

func (s *Store) setContactAlive(ctx context.Context, id string, alive bool) error {
	return s.write(ctx, func(t *txn) error {
		var cl int64
		var merged string
		err := t.QueryRowContext(t.ctx, "SELECT cl, merged_into FROM contact WHERE id = ? AND cl > 0", id).Scan(&cl, &merged)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("contact %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if alive && merged != "" {
			return fmt.Errorf("%w: contact %s was merged into %s", ErrConflict, id, merged)
		}
		if (cl%2 == 1) == alive {
			state := "deleted"
			if alive {
				state = "alive"
			}
			return fmt.Errorf("%w: contact %s is already %s", ErrConflict, id, state)
		}
		if _, err := t.setAlive("contact", id, alive); err != nil {
			return err
		}
		_, err = t.put("contact", id, fields{"updated": formatTS(t.s.now())})
		return err
	})
}

// ListQuery selects a page of the client list, ordered by name.
type ListQuery struct {
	Tag     string // only clients with this tag
	Deleted bool   // the "Recently deleted" list instead of the live one
	Offset  int
	Limit   int // 0: all
}

// ListContacts gives a page of clients in name order.
func (s *Store) ListContacts(ctx context.Context, q ListQuery) ([]ContactSummary, error) {
	alive := 1
	if q.Deleted {
		alive = 0
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	var rows *sql.Rows
	var err error
	switch {
	case q.Tag == "" && !q.Deleted:
		// Written to match the partial index contact_alive_by_name.
		rows, err = s.db.QueryContext(ctx, `SELECT id FROM contact INDEXED BY contact_alive_by_name
			WHERE cl % 2 = 1 AND merged_into = '' ORDER BY sort_name, id LIMIT ? OFFSET ?`, limit, q.Offset)
	case q.Tag == "":
		rows, err = s.db.QueryContext(ctx, `SELECT id FROM contact WHERE cl % 2 = 0 AND cl > 0 AND merged_into = ''
			ORDER BY sort_name, id LIMIT ? OFFSET ?`, limit, q.Offset)
	default:
		rows, err = s.db.QueryContext(ctx, `SELECT c.id FROM contact c JOIN contact_tag ct ON ct.contact_id = c.id AND ct.cl % 2 = 1
			WHERE ct.tag_id = ? AND c.cl % 2 = ? AND c.cl > 0 AND c.merged_into = ''
			ORDER BY c.sort_name, c.id LIMIT ? OFFSET ?`, tagID(q.Tag), alive, limit, q.Offset)
	}
	if err != nil {
		return nil, err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, err
	}
	out, err := s.summaries(ctx, ids)
	if err == nil && q.Deleted {
		err = s.markEditedAfterDeletion(ctx, out)
	}
	return out, err
}

// markEditedAfterDeletion sets EditedAfterDeletion on the deleted clients
// that another computer edited after the deletion it had not seen yet: the
// delete wins, and the edit waits inside the deleted client for a restore
// (SYNC.md), so "Recently deleted" says so. The deletion is the operation
// that gave the client its present causal length; an edit after it is a
// field stamped later.
func (s *Store) markEditedAfterDeletion(ctx context.Context, list []ContactSummary) error {
	for i := range list {
		var deleted, edited sql.NullString
		err := s.db.QueryRowContext(ctx, `SELECT
			(SELECT max(hlc) FROM (SELECT hlc FROM sync_outbox WHERE row_id = ?1 AND tbl = 'contact' AND cl = c.cl
				UNION ALL SELECT hlc FROM sync_remote_log WHERE row_id = ?1 AND tbl = 'contact' AND cl = c.cl)),
			(SELECT max(substr(stamp, 1, 16)) FROM sync_field_stamp WHERE tbl = 'contact' AND row_id = ?1)
			FROM contact c WHERE c.id = ?1 AND c.cl % 2 = 0`, list[i].ID).Scan(&deleted, &edited)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if !deleted.Valid || !edited.Valid || edited.String <= deleted.String {
			continue
		}
		if v, err := parseHLC(edited.String); err == nil {
			list[i].EditedAfterDeletion = time.UnixMilli(int64(v >> 16)).UTC()
		}
	}
	return nil
}

// CountContacts counts the live clients, with the tag when tag is not empty.
func (s *Store) CountContacts(ctx context.Context, tag string) (int, error) {
	var n int
	var err error
	if tag == "" {
		err = s.db.QueryRowContext(ctx, "SELECT count(*) FROM contact WHERE cl % 2 = 1").Scan(&n)
	} else {
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM contact_tag ct JOIN contact c ON c.id = ct.contact_id
			WHERE ct.tag_id = ? AND ct.cl % 2 = 1 AND c.cl % 2 = 1`, tagID(tag)).Scan(&n)
	}
	return n, err
}

func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// summaries loads the list form of the contacts, in the order of ids.
func (s *Store) summaries(ctx context.Context, ids []string) ([]ContactSummary, error) {
	out := make([]ContactSummary, 0, len(ids))
	for _, id := range ids {
		c := ContactSummary{ID: id}
		err := s.db.QueryRowContext(ctx, `SELECT display_name, organization,
			coalesce((SELECT address FROM contact_email WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1), ''),
			coalesce((SELECT number FROM contact_phone WHERE contact_id = c.id AND cl % 2 = 1 ORDER BY pref DESC, rowid LIMIT 1), '')
			FROM contact c WHERE id = ?`, id).Scan(&c.DisplayName, &c.Organization, &c.Email, &c.Phone)
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		if c.Tags, err = s.tagsOf(ctx, id); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ResolveID finds the one id in table that starts with prefix (so that people
// can type the first characters of an id), live or deleted.
func (s *Store) ResolveID(ctx context.Context, table, prefix string) (string, error) {
	if _, ok := syncedTables[table]; !ok {
		return "", fmt.Errorf("%w table %q", ErrInvalid, table)
	}
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) < 4 || strings.Trim(prefix, "0123456789abcdef-") != "" {
		return "", fmt.Errorf("%w id %q: give at least 4 characters of an id", ErrInvalid, prefix)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM "+table+" WHERE id >= ? AND id < ? AND cl > 0 LIMIT 2", prefix, prefix+"\U0010FFFF")
	if err != nil {
		return "", err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("no %s with id %s: %w", strings.ReplaceAll(table, "_", " "), prefix, ErrNotFound)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%w: id %s is the start of several %s ids; give more characters", ErrInvalid, prefix, strings.ReplaceAll(table, "_", " "))
}

// sortKey folds a name for ordering: accents removed, case folded, so that
// "Élodie" sorts with "Elodie".
func sortKey(name string) string {
	if isASCII(name) { // most names: nothing to remove, and no transformer to allocate
		return folder.String(name)
	}
	t := accentStrippers.Get().(transform.Transformer)
	s, _, err := transform.String(t, name)
	accentStrippers.Put(t)
	if err != nil {
		s = name
	}
	return folder.String(s)
}

// accentStrippers hold the transformers sortKey uses: each allocates some 10 KB
// of buffers, too much to make afresh for every name of a large import.
var accentStrippers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
