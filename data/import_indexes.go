package data

import (
	"fmt"
	"strings"
)

// A large file into a book smaller than itself spends most of its writing
// time keeping indexes whose keys arrive in no useful order (names, e-mail
// addresses, numbers). Building such an index once at the end sorts its keys
// instead, several times faster. These are the indexes an import may put off:
// none of them is used while the file's contacts are written, except by
// matching a card against the database, which puts them back first. The
// indexes by contact id stay, because updating a matched contact reads by
// them, and their keys arrive in order anyway.
var deferrableIndexes = []string{
	"contact_sort", "contact_alive_by_name", "contact_family_given", "contact_uid",
	"contact_email_address", "contact_phone_e164", "contact_phone_number",
	"contact_tag_tag", "important_date_md",
}

// deferredIndexes are the definitions of the indexes an import dropped, to
// be created again, in the same transaction, before it commits.
type deferredIndexes struct {
	defs []string
}

// deferIndexes drops the deferrable indexes that exist, keeping their
// definitions. Dropping is part of the import's transaction, so a failed or
// dry-run import rolls it back with the rest.
func (t *txn) deferIndexes() (*deferredIndexes, error) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(deferrableIndexes)), ", ")
	args := make([]any, len(deferrableIndexes))
	for i, n := range deferrableIndexes {
		args[i] = n
	}
	rows, err := t.QueryContext(t.ctx, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND name IN ("+marks+")", args...)
	if err != nil {
		return nil, err
	}
	var names []string
	d := &deferredIndexes{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, name)
		d.defs = append(d.defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := t.ExecContext(t.ctx, `DROP INDEX "`+n+`"`); err != nil {
			return nil, fmt.Errorf("deferring index %s: %w", n, err)
		}
	}
	return d, nil
}

// restore creates the dropped indexes again; it does nothing the second time.
func (d *deferredIndexes) restore(t *txn) error {
	if d == nil {
		return nil
	}
	for _, def := range d.defs {
		if _, err := t.ExecContext(t.ctx, def); err != nil {
			return fmt.Errorf("rebuilding an index: %w", err)
		}
	}
	d.defs = nil
	return nil
}
