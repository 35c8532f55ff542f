-- The first schema of Rapport. Every synced table has a text UUIDv7 id (records are
-- created on several computers, so never an integer autoincrement) and a causal length
-- `cl`: odd means alive, even means deleted (a tombstone), as in the sync protocol.
-- Columns have defaults because sync may create a row before its first full operation arrives.
-- `stamp` is the sync stamp of the operation that created the row with all its fields;
-- a field written later has its own stamp in sync_field_stamp, which takes precedence.

CREATE TABLE contact (
	id            TEXT PRIMARY KEY,
	given         TEXT NOT NULL DEFAULT '',
	family        TEXT NOT NULL DEFAULT '',
	display_name  TEXT NOT NULL DEFAULT '',
	nickname      TEXT NOT NULL DEFAULT '',
	organization  TEXT NOT NULL DEFAULT '',
	title         TEXT NOT NULL DEFAULT '',
	bday_year     INTEGER NOT NULL DEFAULT 0,
	bday_month    INTEGER NOT NULL DEFAULT 0,
	bday_day      INTEGER NOT NULL DEFAULT 0,
	notes         TEXT NOT NULL DEFAULT '',
	photo         BLOB,
	photo_url     TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL DEFAULT '',
	extra_vcard   TEXT NOT NULL DEFAULT '',
	merged_into   TEXT NOT NULL DEFAULT '',
	created       TEXT NOT NULL DEFAULT '',
	updated       TEXT NOT NULL DEFAULT '',
	cl            INTEGER NOT NULL DEFAULT 0,
	stamp         TEXT NOT NULL DEFAULT ''
);

-- Child rows point at their contact; the reference may be NULL only on a placeholder row
-- that sync created for an operation that arrived before the row's insert.
CREATE TABLE contact_email (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	address    TEXT NOT NULL DEFAULT '',
	label      TEXT NOT NULL DEFAULT '',
	pref       INTEGER NOT NULL DEFAULT 0,
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_email_contact ON contact_email(contact_id);
CREATE INDEX contact_email_address ON contact_email(address COLLATE NOCASE);

CREATE TABLE contact_phone (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	number     TEXT NOT NULL DEFAULT '',
	e164       TEXT NOT NULL DEFAULT '',
	label      TEXT NOT NULL DEFAULT '',
	pref       INTEGER NOT NULL DEFAULT 0,
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_phone_contact ON contact_phone(contact_id);
CREATE INDEX contact_phone_e164 ON contact_phone(e164);

CREATE TABLE contact_address (
	id          TEXT PRIMARY KEY,
	contact_id  TEXT REFERENCES contact(id),
	street      TEXT NOT NULL DEFAULT '',
	locality    TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	country     TEXT NOT NULL DEFAULT '',
	label       TEXT NOT NULL DEFAULT '',
	pref        INTEGER NOT NULL DEFAULT 0,
	cl          INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_address_contact ON contact_address(contact_id);

CREATE TABLE contact_url (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	url        TEXT NOT NULL DEFAULT '',
	label      TEXT NOT NULL DEFAULT '',
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_url_contact ON contact_url(contact_id);

-- A tag's id is derived from its normalised name so that two computers creating "VIP"
-- make one tag; a link's id is derived from both ids and its cl says tagged or not.
CREATE TABLE tag (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	cl   INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE TABLE contact_tag (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	tag_id     TEXT REFERENCES tag(id),
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_tag_contact ON contact_tag(contact_id);
CREATE INDEX contact_tag_tag ON contact_tag(tag_id);

CREATE TABLE preference (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	category   TEXT NOT NULL DEFAULT '',
	subject    TEXT NOT NULL DEFAULT '',
	value      TEXT NOT NULL DEFAULT '',
	confirmed  TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, the day the client last confirmed it
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX preference_contact ON preference(contact_id);

-- The current consent per channel (id derived from contact and channel, so one row per
-- pair everywhere) and its append-only history, each event its own record.
CREATE TABLE consent (
	id            TEXT PRIMARY KEY,
	contact_id    TEXT REFERENCES contact(id),
	channel       TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'unknown',
	max_per_month INTEGER NOT NULL DEFAULT 0, -- 0 means no cap
	topics        TEXT NOT NULL DEFAULT '',
	cl            INTEGER NOT NULL DEFAULT 0,
	stamp         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_contact ON consent(contact_id);
CREATE TABLE consent_event (
	id          TEXT PRIMARY KEY,
	contact_id  TEXT REFERENCES contact(id),
	channel     TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL DEFAULT '',
	cl          INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_event_contact ON consent_event(contact_id, at);

-- The timeline. Amounts are integer minor units (cents) so sums are exact.
CREATE TABLE interaction (
	id           TEXT PRIMARY KEY,
	contact_id   TEXT REFERENCES contact(id),
	kind         TEXT NOT NULL DEFAULT 'note',
	at           TEXT NOT NULL DEFAULT '', -- RFC 3339 UTC
	staff        TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL DEFAULT '',
	amount_minor INTEGER NOT NULL DEFAULT 0,
	currency     TEXT NOT NULL DEFAULT '',
	category     TEXT NOT NULL DEFAULT '',
	items        TEXT NOT NULL DEFAULT '',
	rating       INTEGER NOT NULL DEFAULT 0,
	referred_id  TEXT NOT NULL DEFAULT '',
	cl           INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX interaction_contact ON interaction(contact_id, at);
CREATE INDEX interaction_at ON interaction(at);

CREATE TABLE appointment (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	start_utc  TEXT NOT NULL DEFAULT '',
	end_utc    TEXT NOT NULL DEFAULT '',
	tz         TEXT NOT NULL DEFAULT 'UTC',
	all_day    INTEGER NOT NULL DEFAULT 0,
	purpose    TEXT NOT NULL DEFAULT '',
	staff      TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT 'booked',
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_start ON appointment(start_utc);
CREATE INDEX appointment_contact ON appointment(contact_id);

CREATE TABLE important_date (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	kind       TEXT NOT NULL DEFAULT 'custom',
	label      TEXT NOT NULL DEFAULT '',
	year       INTEGER NOT NULL DEFAULT 0, -- 0 when the year is not known
	month      INTEGER NOT NULL DEFAULT 0,
	day        INTEGER NOT NULL DEFAULT 0,
	yearly     INTEGER NOT NULL DEFAULT 1,
	lead_days  INTEGER NOT NULL DEFAULT 7,
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX important_date_md ON important_date(month, day);
CREATE INDEX important_date_contact ON important_date(contact_id);

CREATE TABLE task (
	id            TEXT PRIMARY KEY,
	contact_id    TEXT REFERENCES contact(id),
	title         TEXT NOT NULL DEFAULT '',
	due           TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
	done_at       TEXT NOT NULL DEFAULT '',
	snoozed_until TEXT NOT NULL DEFAULT '',
	cl            INTEGER NOT NULL DEFAULT 0,
	stamp         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_due ON task(due);

-- Sync bookkeeping, local to this computer and never synced itself.
-- The outbox holds every local operation in the same transaction as the edit it describes.
CREATE TABLE sync_outbox (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	op_id     TEXT NOT NULL UNIQUE,
	hlc       TEXT NOT NULL,
	tbl       TEXT NOT NULL,
	row_id    TEXT NOT NULL,
	cl        INTEGER NOT NULL,
	set_json  TEXT NOT NULL DEFAULT '',
	published INTEGER NOT NULL DEFAULT 0
);
-- The stamp of the operation that last wrote each field: hlc, device and op id joined
-- in fixed-width form so that comparing the strings compares the stamps.
CREATE TABLE sync_field_stamp (
	tbl    TEXT NOT NULL,
	row_id TEXT NOT NULL,
	field  TEXT NOT NULL,
	stamp  TEXT NOT NULL,
	PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;
CREATE TABLE sync_state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
