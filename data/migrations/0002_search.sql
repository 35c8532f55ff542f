-- Search and the derived per-client figures. Both are local caches that the store
-- rebuilds from the synced tables, so they are never synced themselves.

-- One document per contact. `digits` holds every suffix (3+ long) of every phone's
-- digits, so that a prefix query on it finds any run of digits whatever the formatting.
-- remove_diacritics 2 makes "chloe" find "Chloé"; prefix indexes keep broad prefixes cheap.
-- The document number of each contact in the index: a rowid of our own, because SQLite
-- may renumber the implicit rowids of a table with a text key on VACUUM.
CREATE TABLE contact_doc (
	doc        INTEGER PRIMARY KEY,
	contact_id TEXT NOT NULL UNIQUE REFERENCES contact(id)
);
CREATE VIRTUAL TABLE contact_search USING fts5(
	name, other, digits,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '1 2 3'
);

-- Folded, lower-cased display name used to order lists and broad search results.
ALTER TABLE contact ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_sort ON contact(cl, sort_name);

-- Per-client figures kept up to date on every timeline write, so that views over
-- 100,000 clients do not aggregate a million interactions each time.
CREATE TABLE contact_stats (
	contact_id      TEXT PRIMARY KEY REFERENCES contact(id),
	visits          INTEGER NOT NULL DEFAULT 0,
	last_visit      TEXT NOT NULL DEFAULT '',
	last_contact    TEXT NOT NULL DEFAULT '',
	purchases       INTEGER NOT NULL DEFAULT 0,
	first_purchase  TEXT NOT NULL DEFAULT '',
	last_purchase   TEXT NOT NULL DEFAULT '',
	spend_minor     INTEGER NOT NULL DEFAULT 0,
	spend_currency  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX contact_stats_last_visit ON contact_stats(last_visit);
