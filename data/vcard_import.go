package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Import of contacts read from address-book files. The reader (package
// data/vcf) maps each card to an ImportCard; ImportContacts matches every card
// against the book and writes the whole file in one transaction, so a file is
// imported all-or-nothing while a card that cannot be saved is rejected on its
// own (each card runs under a savepoint).

// ImportCard is one card of a file in Rapport's model.
type ImportCard struct {
	Contact     Contact
	UID         string          // the card's UID, kept so that re-imports update
	Dates       []ImportantDate // anniversaries and other dates; the birthday is Contact.Birthday
	Preferences []Preference
	Consents    []Consent
}

// ImportResult says what became of one card.
type ImportResult struct {
	Action    string   `json:"action"` // created, updated, unchanged or rejected
	ContactID string   `json:"contact_id,omitempty"`
	MatchedBy string   `json:"matched_by,omitempty"` // uid, email, phone, name and birthday, or name and file
	Changed   []string `json:"changed,omitempty"`    // the fields an update changed
	Err       error    `json:"-"`
}

// Import actions.
const (
	ImportCreated   = "created"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
	ImportRejected  = "rejected"
)

// ImportOptions control ImportContacts.
type ImportOptions struct {
	DryRun bool   // compute the results, write nothing
	Source string // recorded on the contacts created ("vcard: phone.vcf")
}

// errDryRun ends a dry run's transaction, which is then rolled back.
var errDryRun = errors.New("dry run")

// ImportContacts matches each card (by UID, then e-mail, then phone, then same
// name and birthday, and for a card with none of these the contact of the same
// name that the same file made) and creates or updates the contact, field by field
// and only with what the card holds: nothing the card does not mention is
// erased. Results are in the order of cards. An error means nothing was written.
func (s *Store) ImportContacts(ctx context.Context, cards []ImportCard, opt ImportOptions) ([]ImportResult, error) {
	results := make([]ImportResult, len(cards))
	err := s.write(ctx, func(t *txn) (err error) {
		// A bug met by a strange card must not leave the transaction open
		// (it holds the database's write lock): it fails the file instead.
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("internal error: %v", p)
			}
		}()
		if len(cards) >= bigImport {
			restore, err := t.bigCache()
			if err != nil {
				return err
			}
			defer func() {
				if rerr := restore(); err == nil {
					err = rerr
				}
			}()
		}
		run := &importRun{stmts: stmtCache{}}
		if covered() {
			run.rows = newRowInserter(t)
			defer run.rows.close()
			existing, err := run.loadKeys(t, len(cards))
			if err != nil {
				return err
			}
			if run.db != nil && len(cards) >= bigImport && existing < len(cards) {
				if run.indexes, err = t.deferIndexes(); err != nil {
					return err
				}
			}
		}
		defer run.stmts.close()
		for i := range cards {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := t.importCard(&cards[i], opt, run)
			if err != nil {
				return err
			}
			results[i] = r
		}
		if err := run.flush(); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		if err := t.refreshImported(); err != nil {
			return err
		}
		return run.indexes.restore(t)
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import: %w", err)
	}
	return results, nil
}

// bigImport is the number of cards from which an import runs with the bulk
// load's page cache: with SQLite's default of 2 MiB, the transaction of a
// large file spends much of its time writing pages out and reading them back.
const bigImport = 2000

// bigCache gives the transaction's connection the bulk load's page cache and
// returns the function that puts the old size back, so that the connection
// goes back to the pool as it came.
func (t *txn) bigCache() (func() error, error) {
	var old int64
	if err := t.QueryRowContext(t.ctx, "PRAGMA cache_size").Scan(&old); err != nil {
		return nil, err
	}
	if _, err := t.ExecContext(t.ctx, fmt.Sprintf("PRAGMA cache_size = %d", -bulkCacheKiB)); err != nil {
		return nil, err
	}
	return func() error {
		_, err := t.ExecContext(context.WithoutCancel(t.ctx), fmt.Sprintf("PRAGMA cache_size = %d", old))
		return err
	}, nil
}

// refreshImported brings search and figures up to date. For a large file
// into a small book one rebuild of everything is much faster than refreshing
// each contact the import touched.
func (t *txn) refreshImported() error {
	if len(t.touched) < 500 {
		return nil // write refreshes them
	}
	var total int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM contact").Scan(&total); err != nil {
		return err
	}
	if len(t.touched)*3 < total {
		return nil
	}
	if err := t.rebuildDerived(); err != nil {
		return err
	}
	t.touched = map[string]bool{}
	return nil
}

// importCard writes one card under a savepoint: a card that fails validation
// is rolled back alone and reported; any other error is fatal for the file.
func (t *txn) importCard(card *ImportCard, opt ImportOptions, run *importRun) (ImportResult, error) {
	check := card.Contact
	check.Emails = append([]Email(nil), card.Contact.Emails...)
	check.Phones = append([]Phone(nil), card.Contact.Phones...)
	if err := t.s.prepareContact(&check); err != nil {
		return ImportResult{Action: ImportRejected, Err: err}, nil
	}
	check.Source = opt.Source
	id, by, err := t.matchContact(card, check, run)
	if err != nil {
		return ImportResult{}, err
	}
	if id == "" && run.rows != nil && bufferImports && simpleExtras(card) {
		// A new contact with nothing beside its rows: buffered, and written
		// with the others in multi-row inserts.
		ok, err := run.rows.bufferable(&check)
		if err != nil {
			return ImportResult{}, err
		}
		if ok {
			return run.buffer(t, check, card)
		}
	}
	// Anything else goes the ordinary way, which must see the buffered rows.
	if err := run.flush(); err != nil {
		return ImportResult{}, err
	}
	if run.rows != nil {
		run.rows.tags = nil // the ordinary way may create or revive tags
	}
	if _, err := t.ExecContext(t.ctx, "SAVEPOINT import_card"); err != nil {
		return ImportResult{}, err
	}
	r, err := t.importMatched(card, check, id, by, opt, run)
	if err != nil {
		if _, rerr := t.ExecContext(t.ctx, "ROLLBACK TO import_card"); rerr != nil {
			return ImportResult{}, rerr
		}
		if _, rerr := t.ExecContext(t.ctx, "RELEASE import_card"); rerr != nil {
			return ImportResult{}, rerr
		}
		if errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
			return ImportResult{Action: ImportRejected, Err: err}, nil
		}
		return ImportResult{}, err
	}
	if _, err := t.ExecContext(t.ctx, "RELEASE import_card"); err != nil {
		return ImportResult{}, err
	}
	return r, nil
}

func (t *txn) importMatched(card *ImportCard, prepared Contact, id, by string, opt ImportOptions, run *importRun) (ImportResult, error) {
	if id == "" {
		c := prepared
		c.ID, c.Source = "", opt.Source
		if run.rows != nil {
			if err := run.rows.createContact(&c, card.UID, birthdayLead(card)); err != nil {
				return ImportResult{}, err
			}
			run.written(c.ID, &c, card.UID)
			rest := *card
			rest.UID = "" // written with the contact
			if _, err := t.importExtras(c.ID, &rest); err != nil {
				return ImportResult{}, err
			}
			return ImportResult{Action: ImportCreated, ContactID: c.ID}, nil
		}
		if card.UID != "" {
			// Insert the row with its UID, so that sync sees one operation
			// with every field; saveContact then finds the fields as they
			// are and adds the methods and tags.
			now := formatTS(t.s.now())
			c.ID = newID()
			if _, err := t.put("contact", c.ID, fields{
				"given": c.Given, "family": c.Family, "display_name": c.DisplayName, "nickname": c.Nickname,
				"organization": c.Organization, "title": c.Title, "bday_year": c.Birthday.Year,
				"bday_month": int(c.Birthday.Month), "bday_day": c.Birthday.Day, "notes": c.Notes,
				"photo": c.Photo, "photo_url": c.PhotoURL, "source": c.Source, "extra_vcard": c.ExtraVCard,
				"created": now, "updated": now, "uid": card.UID,
			}); err != nil {
				return ImportResult{}, err
			}
		}
		if err := t.saveContact(&c); err != nil {
			return ImportResult{}, err
		}
		run.written(c.ID, &c, card.UID)
		if _, err := t.importExtras(c.ID, card); err != nil {
			return ImportResult{}, err
		}
		return ImportResult{Action: ImportCreated, ContactID: c.ID}, nil
	}
	cur, err := t.loadContact(id)
	if err != nil {
		return ImportResult{}, err
	}
	merged, changed := mergeCard(cur, &card.Contact, t.s.Region)
	run.written(id, merged, card.UID)
	if len(changed) > 0 {
		if err := t.s.prepareContact(merged); err != nil {
			return ImportResult{}, err
		}
		run.written(id, merged, card.UID)
		if err := t.saveContact(merged); err != nil {
			return ImportResult{}, err
		}
	}
	more, err := t.importExtras(id, card)
	if err != nil {
		return ImportResult{}, err
	}
	if len(changed) == 0 && len(more) > 0 {
		// Only dates, preferences or consent changed: the contact was still edited.
		if _, err := t.put("contact", id, fields{"updated": formatTS(t.s.now())}); err != nil {
			return ImportResult{}, err
		}
	}
	changed = append(changed, more...)
	r := ImportResult{Action: ImportUnchanged, ContactID: id, MatchedBy: by}
	if len(changed) > 0 {
		r.Action, r.Changed = ImportUpdated, changed
	}
	return r, nil
}

// importExtras writes what a card holds beside the contact row: its UID, dates,
// preferences and consent. It returns the names of what changed.
func (t *txn) importExtras(id string, card *ImportCard) ([]string, error) {
	var changed []string
	if card.UID != "" {
		var uid string
		if err := t.QueryRowContext(t.ctx, "SELECT uid FROM contact WHERE id = ?", id).Scan(&uid); err != nil {
			return nil, err
		}
		if uid == "" && card.UID != ExportUID(id, "") {
			if _, err := t.put("contact", id, fields{"uid": card.UID}); err != nil {
				return nil, err
			}
			changed = append(changed, "uid")
		}
	}
	n, err := t.importDates(id, card.Dates)
	if err != nil {
		return nil, err
	}
	if n {
		changed = append(changed, "dates")
	}
	if n, err = t.importPreferences(id, card.Preferences); err != nil {
		return nil, err
	}
	if n {
		changed = append(changed, "preferences")
	}
	if n, err = t.importConsents(id, card.Consents); err != nil {
		return nil, err
	}
	if n {
		changed = append(changed, "consent")
	}
	return changed, nil
}

// importRun is what one file's import keeps from card to card.
type importRun struct {
	stmts stmtCache
	rows  *rowInserter // nil: create contacts with saveContact

	// db holds, when not nil, a key for everything of the database a card
	// could match by (see matchKeys): a way of matching whose key is not in
	// it finds nothing there and is not asked. It may hold more.
	db map[string]bool

	// The new contacts this file buffered in rows, written or not, in
	// order, indexed the way matchContact matches: the first of each key.
	pend    []pendContact
	held    int // of pend, how many are not handed to the writer yet
	byID    map[string]int
	byUID   map[string]int
	byEmail map[string]int
	byPhone map[string]int
	byName  map[string][]int
	dflt    map[string]map[string]any // schema defaults per table

	// indexes, when not nil, are the indexes put off until the end of a
	// large file (see deferrableIndexes).
	indexes *deferredIndexes
}

// pendContact is what matching needs of a buffered contact, as stored.
type pendContact struct {
	id, uid, display, source string
	bday                     Date
}

// sameFileStranger tells whether a buffered contact and a card are two people
// by the file's own word: both carry a UID and the UIDs differ. Names and
// birthdays repeat in a large client book, a couple shares a landline or an
// address; an address book's UIDs do not repeat. (Two cards of one person in
// one file are for the merge of duplicates, where the owner decides.)
func (p pendContact) sameFileStranger(uid string) bool {
	return uid != "" && p.uid != "" && p.uid != uid
}

func nameKey(family, given string) string {
	return "nm:" + bulkNoCase(family) + "\x00" + bulkNoCase(given)
}

// nameBirthdayKey is the key of db under which a contact can match by name
// and birthday (the year may be missing on either side), and nameFileKey
// the one under which it can match by name and file: a client's name alone
// is shared by many in a large book, and every key found sends a card to
// the database.
func nameBirthdayKey(family, given string, b Date) string {
	return "nb:" + nameKey(family, given) + "\x00" + strconv.Itoa(int(b.Month)) + "-" + strconv.Itoa(b.Day)
}

func nameFileKey(family, given, display, source string) string {
	return "nf:" + nameKey(family, given) + "\x00" + display + "\x00" + source
}

// matchKeys are the keys of db for a contact as stored.
func matchKeys(id string, c *Contact, uid string) []string {
	v := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	keys := []string{"id:" + id, nameFileKey(v(c.Family), v(c.Given), v(c.DisplayName), v(c.Source))}
	if !c.Birthday.IsZero() {
		keys = append(keys, nameBirthdayKey(v(c.Family), v(c.Given), c.Birthday))
	}
	if uid != "" {
		keys = append(keys, "uid:"+v(uid))
	}
	for _, e := range c.Emails {
		keys = append(keys, "em:"+bulkNoCase(v(e.Address)))
	}
	for _, p := range c.Phones {
		keys = append(keys, "pe:"+v(p.E164), "pn:"+v(p.Number))
	}
	return keys
}

// loadKeys fills db when the book is not much larger than the file: reading
// every key once then costs less than asking for each card.
// It returns the number of contacts in the book.
func (run *importRun) loadKeys(t *txn, cards int) (int, error) {
	var total int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM contact").Scan(&total); err != nil {
		return 0, err
	}
	if total > 4*cards+1000 {
		return total, nil
	}
	db := map[string]bool{}
	rows, err := t.QueryContext(t.ctx, "SELECT id, uid, family, given, display_name, source, bday_month, bday_day FROM contact")
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c Contact
		var uid string
		var month int
		if err := rows.Scan(&c.ID, &uid, &c.Family, &c.Given, &c.DisplayName, &c.Source, &month, &c.Birthday.Day); err != nil {
			rows.Close()
			return 0, err
		}
		c.Birthday.Month = time.Month(month)
		for _, k := range matchKeys(c.ID, &c, uid) {
			db[k] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, q := range []struct {
		sql  string
		keys func(a, b, c string) []string
	}{
		{"SELECT address, '', '' FROM contact_email", func(a, _, _ string) []string { return []string{"em:" + bulkNoCase(a)} }},
		{"SELECT number, e164, '' FROM contact_phone", func(n, e, _ string) []string { return []string{"pn:" + n, "pe:" + e} }},
	} {
		rows, err := t.QueryContext(t.ctx, q.sql)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var a, b, c sql.NullString
			if err := rows.Scan(&a, &b, &c); err != nil {
				rows.Close()
				return 0, err
			}
			for _, k := range q.keys(a.String, b.String, c.String) {
				db[k] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	run.db = db
	return total, nil
}

// written notes a contact written the ordinary way, as it now is.
func (run *importRun) written(id string, c *Contact, uid string) {
	if run.db == nil {
		return
	}
	for _, k := range matchKeys(id, c, uid) {
		run.db[k] = true
	}
}

// buffer creates the new contact c in the buffer.
func (run *importRun) buffer(t *txn, c Contact, card *ImportCard) (ImportResult, error) {
	uid := card.UID
	w := run.rows
	at := w.mark()
	w.buffer = true
	err := w.createContact(&c, uid, birthdayLead(card))
	if err == nil {
		err = run.bufferExtras(t, c.ID, card)
	}
	w.buffer = false
	if err != nil {
		w.undo(at)
		if errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
			return ImportResult{Action: ImportRejected, Err: err}, nil
		}
		return ImportResult{}, err
	}
	if run.byID == nil {
		run.byID, run.byUID, run.byEmail, run.byPhone = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
		run.byName = map[string][]int{}
	}
	// The values as stored (see tableSpec.normalise).
	v := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	i := len(run.pend)
	run.pend = append(run.pend, pendContact{id: c.ID, uid: v(uid), display: v(c.DisplayName), source: v(c.Source), bday: c.Birthday})
	first := func(m map[string]int, k string) {
		if _, ok := m[k]; !ok {
			m[k] = i
		}
	}
	first(run.byID, c.ID)
	if uid != "" {
		first(run.byUID, v(uid))
	}
	for _, e := range c.Emails {
		first(run.byEmail, bulkNoCase(v(e.Address)))
	}
	for _, p := range c.Phones {
		if p.E164 == "" {
			first(run.byPhone, "pn:"+v(p.Number))
		} else {
			first(run.byPhone, "pe:"+v(p.E164))
		}
	}
	k := nameKey(v(c.Family), v(c.Given))
	run.byName[k] = append(run.byName[k], i)
	if run.held++; run.held >= pendContacts {
		run.held = 0
		if err := run.rows.flushAsync(); err != nil {
			return ImportResult{}, err
		}
	}
	return ImportResult{Action: ImportCreated, ContactID: c.ID}, nil
}

// birthdayLead is how many days ahead the card asks to be reminded of the
// birthday: the last valid lead time of its birthday entries, as
// importExtras would set it one after the other, or the default.
func birthdayLead(card *ImportCard) int {
	lead := DefaultLeadDays
	for _, d := range card.Dates {
		if d.Kind == "birthday" && d.LeadDays >= 0 && d.LeadDays <= 366 {
			lead = d.LeadDays
		}
	}
	return lead
}

// simpleExtras reports whether what the card holds beside the contact would,
// for a new contact, only create rows (see importExtras): no preference or
// consent given twice. The birthday's lead time is written with the contact.
func simpleExtras(card *ImportCard) bool {
	type pk struct{ category, subject string }
	prefs := map[pk]bool{}
	for _, p := range card.Preferences {
		k := pk{strings.ToLower(strings.TrimSpace(p.Category)), bulkNoCase(strings.TrimSpace(p.Subject))}
		if prefs[k] {
			return false
		}
		prefs[k] = true
	}
	channels := map[string]bool{}
	for _, x := range card.Consents {
		ch := strings.ToLower(x.Channel)
		if channels[ch] {
			return false
		}
		channels[ch] = true
	}
	return true
}

// bufferExtras buffers what importExtras writes for a new contact (its UID
// is written with the contact), checked by simpleExtras.
func (run *importRun) bufferExtras(t *txn, id string, card *ImportCard) error {
	w := run.rows
	for _, d := range card.Dates {
		if d.Kind == "birthday" {
			continue // written with the contact (birthdayLead)
		}
		if !oneOf(d.Kind, DateKinds) || d.Date.IsZero() || !d.Date.valid() {
			continue
		}
		if d.LeadDays < 0 || d.LeadDays > 366 {
			d.LeadDays = DefaultLeadDays
		}
		if !d.Yearly && d.Date.Year == 0 {
			d.Yearly = true
		}
		if err := w.insert("important_date", newID(), fields{"contact_id": id, "kind": d.Kind, "label": d.Label,
			"year": d.Date.Year, "month": int(d.Date.Month), "day": d.Date.Day, "yearly": d.Yearly, "lead_days": d.LeadDays}); err != nil {
			return err
		}
	}
	for _, p := range card.Preferences {
		p.Category = strings.ToLower(strings.TrimSpace(p.Category))
		p.Subject, p.Value = strings.TrimSpace(p.Subject), strings.TrimSpace(p.Value)
		if !oneOf(p.Category, PreferenceCategories) || p.Value == "" {
			continue
		}
		f := fields{"contact_id": id, "category": p.Category, "subject": p.Subject, "value": p.Value}
		if !p.Confirmed.IsZero() {
			f["confirmed"] = p.Confirmed.String()
		} else {
			// As the row reads back when put leaves the column out.
			d, err := run.defaults(t, "preference")
			if err != nil {
				return err
			}
			f["confirmed"] = d["confirmed"]
		}
		if err := w.insert("preference", newID(), f); err != nil {
			return err
		}
	}
	for _, c := range card.Consents {
		c.Channel, c.Status = strings.ToLower(c.Channel), strings.ToLower(c.Status)
		if !oneOf(c.Channel, Channels) || !oneOf(c.Status, []string{"in", "out", "unknown"}) || c.MaxPerMonth < 0 {
			continue
		}
		if err := w.insert("consent", derivedID("consent", id, c.Channel), fields{"contact_id": id, "channel": c.Channel,
			"status": c.Status, "max_per_month": c.MaxPerMonth, "topics": c.Topics}); err != nil {
			return err
		}
		// A new contact has no consent yet: every status is a change.
		if err := w.insert("consent_event", newID(), fields{"contact_id": id, "channel": c.Channel, "status": c.Status,
			"at": formatTS(t.s.now()), "recorded_by": t.s.staff(), "source": "vCard import"}); err != nil {
			return err
		}
	}
	return nil
}

// defaults are the schema's defaults of a table's synced columns.
func (run *importRun) defaults(t *txn, table string) (map[string]any, error) {
	if d, ok := run.dflt[table]; ok {
		return d, nil
	}
	d, err := t.bulkDefaults(syncedTables[table])
	if err != nil {
		return nil, err
	}
	if run.dflt == nil {
		run.dflt = map[string]map[string]any{}
	}
	run.dflt[table] = d
	return d, nil
}

// bufferImports turns the buffering of new contacts on; tests compare with
// the contacts created one by one.
var bufferImports = true

// pendContacts is how many new contacts are buffered at most.
const pendContacts = 4096

// flush writes the buffered contacts. They stay in the buffer's indexes:
// later cards of the file match them there, so that the database is not
// asked (and the indexes put off, rebuilt) for a name many clients share.
func (run *importRun) flush() error {
	if run.rows == nil {
		return nil
	}
	if !run.rows.pending() {
		return run.rows.t.await()
	}
	run.held = 0
	return run.rows.flush()
}

// stmtCache keeps the statements an import runs for every card prepared
// once for the file.
type stmtCache map[string]*sql.Stmt

func (c stmtCache) get(t *txn, q string) (*sql.Stmt, error) {
	if err := t.await(); err != nil {
		return nil, err
	}
	if st, ok := c[q]; ok {
		return st, nil
	}
	st, err := t.PrepareContext(t.ctx, q)
	if err != nil {
		return nil, err
	}
	c[q] = st
	return st, nil
}

func (c stmtCache) close() {
	for _, st := range c {
		st.Close()
	}
}

// matchContact finds the live contact a card describes.
func (t *txn) matchContact(card *ImportCard, c Contact, run *importRun) (id, by string, err error) {
	// Each way of matching asks the database, then the contacts buffered
	// for writing, which come after every row of the database. The database
	// is not asked when no row of it can match (see importRun.db).
	key := ""
	one := func(q string, args ...any) (string, error) {
		if run.db != nil && !run.db[key] {
			return "", nil
		}
		// The database may hold a match: ask it with its indexes.
		if err := run.indexes.restore(t); err != nil {
			return "", err
		}
		st, err := run.stmts.get(t, q)
		if err != nil {
			return "", err
		}
		var id string
		err = st.QueryRowContext(t.ctx, args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return id, err
	}
	// found takes a match in the buffer: it is written first, so that the
	// ordinary update finds it.
	found := func(i int, by string) (string, string, error) {
		id := run.pend[i].id
		return id, by, run.flush()
	}
	if uid := card.UID; uid != "" {
		if own, ok := strings.CutPrefix(uid, "urn:uuid:"); ok {
			key = "id:" + own
			if id, err = one("SELECT id FROM contact WHERE id = ? AND cl % 2 = 1 AND merged_into = ''", own); err != nil || id != "" {
				return id, "uid", err
			}
			if i, ok := run.byID[own]; ok {
				return found(i, "uid")
			}
		}
		key = "uid:" + uid
		if id, err = one("SELECT id FROM contact WHERE uid = ? AND uid <> '' AND cl % 2 = 1 AND merged_into = '' ORDER BY rowid LIMIT 1", uid); err != nil || id != "" {
			return id, "uid", err
		}
		if i, ok := run.byUID[uid]; ok {
			return found(i, "uid")
		}
		// A contact merged away hands its UID on to the one it was merged into.
		if id, err = one(`SELECT m.id FROM contact c JOIN contact m ON m.id = c.merged_into
			WHERE c.uid = ? AND c.uid <> '' AND m.cl % 2 = 1 AND m.merged_into = '' LIMIT 1`, uid); err != nil || id != "" {
			return id, "uid", err
		}
	}
	for _, e := range c.Emails {
		key = "em:" + bulkNoCase(e.Address)
		if id, err = one(`SELECT c.id FROM contact_email e JOIN contact c ON c.id = e.contact_id
			WHERE e.address = ? COLLATE NOCASE AND e.cl % 2 = 1 AND c.cl % 2 = 1 AND c.merged_into = ''
			AND NOT (? <> '' AND c.uid <> '' AND c.uid <> ? AND c.source = ?)
			ORDER BY c.rowid LIMIT 1`, e.Address, card.UID, card.UID, c.Source); err != nil || id != "" {
			return id, "email", err
		}
		if i, ok := run.byEmail[bulkNoCase(e.Address)]; ok && !run.pend[i].sameFileStranger(card.UID) {
			return found(i, "email")
		}
	}
	for _, p := range c.Phones {
		if p.E164 == "" {
			// Not readable as E.164 (no country prefix, no region): the same number as typed.
			key = "pn:" + p.Number
			if id, err = one(`SELECT c.id FROM contact_phone p JOIN contact c ON c.id = p.contact_id
				WHERE p.e164 = '' AND p.number = ? AND p.cl % 2 = 1 AND c.cl % 2 = 1 AND c.merged_into = ''
				AND NOT (? <> '' AND c.uid <> '' AND c.uid <> ? AND c.source = ?)
				ORDER BY c.rowid LIMIT 1`, p.Number, card.UID, card.UID, c.Source); err != nil || id != "" {
				return id, "phone", err
			}
			if i, ok := run.byPhone[key]; ok && !run.pend[i].sameFileStranger(card.UID) {
				return found(i, "phone")
			}
			continue
		}
		key = "pe:" + p.E164
		if id, err = one(`SELECT c.id FROM contact_phone p JOIN contact c ON c.id = p.contact_id
			WHERE p.e164 = ? AND p.cl % 2 = 1 AND c.cl % 2 = 1 AND c.merged_into = ''
			AND NOT (? <> '' AND c.uid <> '' AND c.uid <> ? AND c.source = ?)
			ORDER BY c.rowid LIMIT 1`, p.E164, card.UID, card.UID, c.Source); err != nil || id != "" {
			return id, "phone", err
		}
		if i, ok := run.byPhone[key]; ok && !run.pend[i].sameFileStranger(card.UID) {
			return found(i, "phone")
		}
	}
	names := nameKey(c.Family, c.Given)
	key = nameBirthdayKey(c.Family, c.Given, c.Birthday)
	if !c.Birthday.IsZero() && (c.Given != "" || c.Family != "") {
		id, err = one(`SELECT id FROM contact WHERE family = ? COLLATE NOCASE AND given = ? COLLATE NOCASE
			AND bday_month = ? AND bday_day = ? AND (bday_year = ? OR bday_year = 0 OR ? = 0)
			AND NOT (? <> '' AND uid <> '' AND uid <> ? AND source = ?)
			AND cl % 2 = 1 AND merged_into = '' ORDER BY rowid LIMIT 1`,
			c.Family, c.Given, int(c.Birthday.Month), c.Birthday.Day, c.Birthday.Year, c.Birthday.Year,
			card.UID, card.UID, c.Source)
		if err != nil || id != "" {
			return id, "name and birthday", err
		}
		b := c.Birthday
		for _, i := range run.byName[names] {
			p := run.pend[i]
			if p.sameFileStranger(card.UID) {
				continue
			}
			if p.bday.Month == b.Month && p.bday.Day == b.Day && (p.bday.Year == b.Year || p.bday.Year == 0 || b.Year == 0) {
				return found(i, "name and birthday")
			}
		}
	}
	// A card with nothing else to go by is the contact of the same name that
	// the same file made before, so importing a file again never duplicates.
	// A card with a UID has something to go by: importing again matches it by
	// UID, and a namesake from the same file is somebody else.
	if c.Source != "" && card.UID == "" {
		key = nameFileKey(c.Family, c.Given, c.DisplayName, c.Source)
		id, err = one(`SELECT id FROM contact WHERE family = ? COLLATE NOCASE AND given = ? COLLATE NOCASE
			AND display_name = ? AND source = ? AND (bday_month = 0 OR ? = 0 OR (bday_month = ? AND bday_day = ?))
			AND cl % 2 = 1 AND merged_into = '' ORDER BY rowid LIMIT 1`,
			c.Family, c.Given, c.DisplayName, c.Source, int(c.Birthday.Month), int(c.Birthday.Month), c.Birthday.Day)
		if err != nil || id != "" {
			return id, "name and file", err
		}
		b := c.Birthday
		for _, i := range run.byName[names] {
			p := run.pend[i]
			if p.display == c.DisplayName && p.source == c.Source &&
				(p.bday.Month == 0 || b.Month == 0 || (p.bday.Month == b.Month && p.bday.Day == b.Day)) {
				return found(i, "name and file")
			}
		}
	}
	return "", "", nil
}

// mergeCard applies what the card holds to cur: a field the card gives
// replaces the contact's, methods and tags the card adds are added, and
// nothing the card leaves out is removed. It returns the names of the fields
// that changed.
func mergeCard(cur *Contact, card *Contact, region string) (*Contact, []string) {
	var changed []string
	set := func(name string, dst *string, v string) {
		v = strings.TrimSpace(v)
		if v != "" && v != *dst {
			*dst = v
			changed = append(changed, name)
		}
	}
	set("given", &cur.Given, card.Given)
	set("family", &cur.Family, card.Family)
	set("display_name", &cur.DisplayName, card.DisplayName)
	set("nickname", &cur.Nickname, card.Nickname)
	set("organization", &cur.Organization, card.Organization)
	set("title", &cur.Title, card.Title)
	set("photo_url", &cur.PhotoURL, card.PhotoURL)
	if b := card.Birthday; !b.IsZero() && b != cur.Birthday {
		// A year-less birthday does not take away a year the contact has.
		if !(b.Year == 0 && b.Month == cur.Birthday.Month && b.Day == cur.Birthday.Day) {
			cur.Birthday = b
			changed = append(changed, "birthday")
		}
	}
	if n := strings.TrimSpace(card.Notes); n != "" && !strings.Contains(cur.Notes, n) {
		if strings.TrimSpace(cur.Notes) == "" {
			cur.Notes = n
		} else {
			cur.Notes = strings.TrimRight(cur.Notes, "\n") + "\n\n" + n
		}
		changed = append(changed, "notes")
	}
	if len(card.Photo) > 0 && !bytes.Equal(card.Photo, cur.Photo) {
		cur.Photo = card.Photo
		changed = append(changed, "photo")
	}
	if extra := mergeLines(cur.ExtraVCard, card.ExtraVCard); extra != cur.ExtraVCard {
		cur.ExtraVCard = extra
		changed = append(changed, "extra_vcard")
	}
	n := len(changed)
	for _, e := range card.Emails {
		i := indexOf(len(cur.Emails), func(i int) bool { return strings.EqualFold(cur.Emails[i].Address, strings.TrimSpace(e.Address)) })
		if i < 0 {
			e.ID = ""
			cur.Emails = append(cur.Emails, e)
			continue
		}
		have := &cur.Emails[i]
		if e.Label != "" && e.Label != have.Label {
			have.Label = e.Label
			changed = append(changed, "email label")
		}
		if e.Preferred && !have.Preferred {
			have.Preferred = true
			changed = append(changed, "email preferred")
		}
	}
	if len(cur.Emails) > countIDs(cur.Emails, func(e Email) string { return e.ID }) {
		changed = append(changed, "emails")
	}
	for _, p := range card.Phones {
		e164 := NormalizePhone(strings.TrimSpace(p.Number), region)
		i := indexOf(len(cur.Phones), func(i int) bool {
			h := cur.Phones[i]
			if e164 != "" && h.E164 != "" {
				return e164 == h.E164
			}
			return digits(h.Number) == digits(p.Number)
		})
		if i < 0 {
			p.ID = ""
			cur.Phones = append(cur.Phones, p)
			continue
		}
		have := &cur.Phones[i]
		if p.Label != "" && p.Label != have.Label {
			have.Label = p.Label
			changed = append(changed, "phone label")
		}
		if p.Preferred && !have.Preferred {
			have.Preferred = true
			changed = append(changed, "phone preferred")
		}
	}
	if len(cur.Phones) > countIDs(cur.Phones, func(p Phone) string { return p.ID }) {
		changed = append(changed, "phones")
	}
	for _, a := range card.Addresses {
		i := indexOf(len(cur.Addresses), func(i int) bool {
			h := cur.Addresses[i]
			return strings.EqualFold(h.Street, a.Street) && strings.EqualFold(h.Locality, a.Locality) &&
				strings.EqualFold(h.PostalCode, a.PostalCode)
		})
		if i < 0 {
			a.ID = ""
			cur.Addresses = append(cur.Addresses, a)
			changed = append(changed, "addresses")
			continue
		}
		have := &cur.Addresses[i]
		before := *have
		set := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		set(&have.Region, a.Region)
		set(&have.Country, a.Country)
		set(&have.Label, a.Label)
		have.Preferred = have.Preferred || a.Preferred
		if *have != before {
			changed = append(changed, "address")
		}
	}
	for _, u := range card.URLs {
		i := indexOf(len(cur.URLs), func(i int) bool { return cur.URLs[i].URL == strings.TrimSpace(u.URL) })
		if i < 0 {
			u.ID = ""
			cur.URLs = append(cur.URLs, u)
			changed = append(changed, "urls")
		} else if u.Label != "" && cur.URLs[i].Label != u.Label {
			cur.URLs[i].Label = u.Label
			changed = append(changed, "url label")
		}
	}
	for _, tag := range card.Tags {
		if strings.TrimSpace(tag) == "" {
			continue
		}
		if indexOf(len(cur.Tags), func(i int) bool { return normalName(cur.Tags[i]) == normalName(tag) }) < 0 {
			cur.Tags = append(cur.Tags, tag)
			changed = append(changed, "tags")
		}
	}
	return cur, dedupe(changed[:n], changed[n:])
}

func dedupe(head, tail []string) []string {
	out := head
	seen := map[string]bool{}
	for _, s := range tail {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func indexOf(n int, match func(i int) bool) int {
	for i := 0; i < n; i++ {
		if match(i) {
			return i
		}
	}
	return -1
}

func countIDs[T any](xs []T, id func(T) string) int {
	n := 0
	for _, x := range xs {
		if id(x) != "" {
			n++
		}
	}
	return n
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mergeLines adds the lines of add that have is missing, in order.
func mergeLines(have, add string) string {
	if add == "" || have == add {
		return have
	}
	if have == "" {
		return add
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(have, "\n") {
		seen[l] = true
	}
	out := strings.TrimRight(have, "\n")
	for _, l := range strings.Split(add, "\n") {
		if l != "" && !seen[l] {
			seen[l] = true
			out += "\n" + l
		}
	}
	return out
}

// importDates adds the card's dates the contact lacks; a date of the same kind
// and label is moved to the card's day.
func (t *txn) importDates(contact string, dates []ImportantDate) (bool, error) {
	if len(dates) == 0 {
		return false, nil
	}
	rows, err := t.QueryContext(t.ctx, `SELECT id, kind, label, year, month, day, yearly, lead_days FROM important_date
		WHERE contact_id = ? AND cl % 2 = 1 AND kind <> 'birthday' ORDER BY rowid`, contact)
	if err != nil {
		return false, err
	}
	var have []ImportantDate
	for rows.Next() {
		var d ImportantDate
		var month int
		if err := rows.Scan(&d.ID, &d.Kind, &d.Label, &d.Date.Year, &month, &d.Date.Day, &d.Yearly, &d.LeadDays); err != nil {
			rows.Close()
			return false, err
		}
		d.Date.Month = monthOf(month)
		have = append(have, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	changed := false
	used := map[string]bool{}
	for _, d := range dates {
		if d.Kind == "birthday" {
			// Only the reminder lead time: the day is the contact's birthday.
			var cl int64
			var lead int
			id := birthdayDateID(contact)
			err := t.QueryRowContext(t.ctx, "SELECT cl, lead_days FROM important_date WHERE id = ?", id).Scan(&cl, &lead)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return false, err
			}
			if cl%2 == 1 && lead != d.LeadDays && d.LeadDays >= 0 && d.LeadDays <= 366 {
				if _, err := t.put("important_date", id, fields{"lead_days": d.LeadDays}); err != nil {
					return false, err
				}
				changed = true
			}
			continue
		}
		if !oneOf(d.Kind, DateKinds) || d.Date.IsZero() || !d.Date.valid() {
			continue
		}
		if d.LeadDays < 0 || d.LeadDays > 366 {
			d.LeadDays = DefaultLeadDays
		}
		if !d.Yearly && d.Date.Year == 0 {
			d.Yearly = true
		}
		d.ContactID = contact
		same := indexOf(len(have), func(i int) bool {
			h := have[i]
			return !used[h.ID] && h.Kind == d.Kind && strings.EqualFold(h.Label, d.Label) && h.Date == d.Date
		})
		if same >= 0 {
			used[have[same].ID] = true
			continue
		}
		kin := indexOf(len(have), func(i int) bool {
			h := have[i]
			return !used[h.ID] && h.Kind == d.Kind && strings.EqualFold(h.Label, d.Label)
		})
		if kin >= 0 {
			d.ID, d.LeadDays = have[kin].ID, have[kin].LeadDays
			used[d.ID] = true
		} else {
			d.ID = newID()
		}
		if err := t.putDate(&d); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// importPreferences saves the card's preferences, one per category and subject.
func (t *txn) importPreferences(contact string, prefs []Preference) (bool, error) {
	changed := false
	for _, p := range prefs {
		p.Category = strings.ToLower(strings.TrimSpace(p.Category))
		p.Subject, p.Value = strings.TrimSpace(p.Subject), strings.TrimSpace(p.Value)
		if !oneOf(p.Category, PreferenceCategories) || p.Value == "" {
			continue
		}
		var id string
		err := t.QueryRowContext(t.ctx, `SELECT id FROM preference WHERE contact_id = ? AND category = ? AND subject = ? COLLATE NOCASE AND cl % 2 = 1`,
			contact, p.Category, p.Subject).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id = newID()
		} else if err != nil {
			return false, err
		}
		f := fields{"contact_id": contact, "category": p.Category, "subject": p.Subject, "value": p.Value}
		if !p.Confirmed.IsZero() {
			f["confirmed"] = p.Confirmed.String()
		}
		n, err := t.put("preference", id, f)
		if err != nil {
			return false, err
		}
		changed = changed || n
	}
	return changed, nil
}

// importConsents sets the consent the card records, appending to the history
// only when the state changes. An opt-out is never undone by an import.
func (t *txn) importConsents(contact string, consents []Consent) (bool, error) {
	changed := false
	for _, c := range consents {
		c.Channel, c.Status = strings.ToLower(c.Channel), strings.ToLower(c.Status)
		if !oneOf(c.Channel, Channels) || !oneOf(c.Status, []string{"in", "out", "unknown"}) || c.MaxPerMonth < 0 {
			continue
		}
		id := derivedID("consent", contact, c.Channel)
		var status string
		err := t.QueryRowContext(t.ctx, "SELECT status FROM consent WHERE id = ? AND cl % 2 = 1", id).Scan(&status)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		if status == "out" && c.Status != "out" {
			// An opt-out stands until the client says otherwise in the shop;
			// an old file saying "in" does not undo it.
			continue
		}
		n, err := t.put("consent", id, fields{"contact_id": contact, "channel": c.Channel, "status": c.Status,
			"max_per_month": c.MaxPerMonth, "topics": c.Topics})
		if err != nil {
			return false, err
		}
		if status != c.Status {
			if _, err := t.put("consent_event", newID(), fields{"contact_id": contact, "channel": c.Channel, "status": c.Status,
				"at": formatTS(t.s.now()), "recorded_by": t.s.staff(), "source": "vCard import"}); err != nil {
				return false, err
			}
		}
		changed = changed || n
	}
	return changed, nil
}

// loadContact reads a contact inside the transaction, so that a card sees the
// contacts that earlier cards of the same file created.
func (t *txn) loadContact(id string) (*Contact, error) {
	c := &Contact{ID: id}
	var month int
	var created, updated string
	err := t.QueryRowContext(t.ctx, `SELECT given, family, display_name, nickname, organization, title,
		bday_year, bday_month, bday_day, notes, photo, photo_url, source, extra_vcard, created, updated
		FROM contact WHERE id = ?`, id).Scan(&c.Given, &c.Family, &c.DisplayName, &c.Nickname,
		&c.Organization, &c.Title, &c.Birthday.Year, &month, &c.Birthday.Day, &c.Notes, &c.Photo,
		&c.PhotoURL, &c.Source, &c.ExtraVCard, &created, &updated)
	if err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	c.Birthday.Month = monthOf(month)
	c.Created, c.Updated = parseTS(created), parseTS(updated)
	scan := func(q string, each func(*sql.Rows) error) error {
		rows, err := t.QueryContext(t.ctx, q, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if err := scan("SELECT id, address, label, pref FROM contact_email WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", func(r *sql.Rows) error {
		var e Email
		c.Emails = append(c.Emails, e)
		x := &c.Emails[len(c.Emails)-1]
		return r.Scan(&x.ID, &x.Address, &x.Label, &x.Preferred)
	}); err != nil {
		return nil, err
	}
	if err := scan("SELECT id, number, e164, label, pref FROM contact_phone WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", func(r *sql.Rows) error {
		c.Phones = append(c.Phones, Phone{})
		x := &c.Phones[len(c.Phones)-1]
		return r.Scan(&x.ID, &x.Number, &x.E164, &x.Label, &x.Preferred)
	}); err != nil {
		return nil, err
	}
	if err := scan("SELECT id, street, locality, region, postal_code, country, label, pref FROM contact_address WHERE contact_id = ? AND cl % 2 = 1 ORDER BY pref DESC, rowid", func(r *sql.Rows) error {
		c.Addresses = append(c.Addresses, Address{})
		x := &c.Addresses[len(c.Addresses)-1]
		return r.Scan(&x.ID, &x.Street, &x.Locality, &x.Region, &x.PostalCode, &x.Country, &x.Label, &x.Preferred)
	}); err != nil {
		return nil, err
	}
	if err := scan("SELECT id, url, label FROM contact_url WHERE contact_id = ? AND cl % 2 = 1 ORDER BY rowid", func(r *sql.Rows) error {
		c.URLs = append(c.URLs, URL{})
		x := &c.URLs[len(c.URLs)-1]
		return r.Scan(&x.ID, &x.URL, &x.Label)
	}); err != nil {
		return nil, err
	}
	if err := scan(`SELECT tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id
		WHERE contact_tag.contact_id = ? AND contact_tag.cl % 2 = 1 AND tag.cl % 2 = 1 ORDER BY tag.name COLLATE NOCASE`, func(r *sql.Rows) error {
		var n string
		if err := r.Scan(&n); err != nil {
			return err
		}
		c.Tags = append(c.Tags, n)
		return nil
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// ExportUID is the vCard UID of a contact: the UID it was imported with, else
// one derived from its id, which never changes.
func ExportUID(id, imported string) string {
	if imported != "" {
		return imported
	}
	return "urn:uuid:" + id
}

// ContactUID gives the UID to write for a contact in a vCard.
func (s *Store) ContactUID(ctx context.Context, id string) (string, error) {
	var uid string
	err := s.db.QueryRowContext(ctx, "SELECT uid FROM contact WHERE id = ?", id).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("contact %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	return ExportUID(id, uid), nil
}
