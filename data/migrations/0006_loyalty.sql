-- Loyalty and outreach. Every table here syncs, with the id, cl and stamp
-- columns of 0001 and defaults on every column (sync may create a row before
-- its first full operation arrives).

-- The shop's programme is one row (its id is derived from a fixed name, so
-- every computer edits the same row and each setting merges on its own).
-- Points are earned per whole unit of one currency (1 point per euro); spend
-- in other currencies earns nothing and counts towards no tier.
CREATE TABLE loyalty_programme (
	id                  TEXT PRIMARY KEY,
	currency            TEXT NOT NULL DEFAULT '',
	points_per_unit     INTEGER NOT NULL DEFAULT 0,
	points_per_referral INTEGER NOT NULL DEFAULT 0,
	cl                  INTEGER NOT NULL DEFAULT 0,
	stamp               TEXT NOT NULL DEFAULT ''
);

-- Tiers and rewards are rows of their own, their ids derived from their
-- names, so two computers adding different tiers keep both, and adding "Gold"
-- on both makes one. A tier is reached by spend over the last 12 months, in
-- minor units of the programme's currency.
CREATE TABLE loyalty_tier (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL DEFAULT '',
	threshold_minor INTEGER NOT NULL DEFAULT 0,
	cl              INTEGER NOT NULL DEFAULT 0,
	stamp           TEXT NOT NULL DEFAULT ''
);
CREATE TABLE loyalty_reward (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL DEFAULT '',
	cost_points INTEGER NOT NULL DEFAULT 0,
	cl          INTEGER NOT NULL DEFAULT 0,
	stamp       TEXT NOT NULL DEFAULT ''
);

-- The points ledger is insert-only: a balance is the sum of live entries, so
-- entries made on two computers never conflict, they add up. An entry earned
-- from a purchase or a referral has an id derived from that interaction, so it
-- exists once however often it is computed, and is tombstoned with it.
CREATE TABLE loyalty_entry (
	id         TEXT PRIMARY KEY,
	contact_id TEXT REFERENCES contact(id),
	kind       TEXT NOT NULL DEFAULT '', -- purchase, referral, redeem, adjust
	points     INTEGER NOT NULL DEFAULT 0, -- signed: redemptions are negative
	at         TEXT NOT NULL DEFAULT '',
	source_id  TEXT NOT NULL DEFAULT '', -- the interaction it was earned from
	reward     TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT '',
	staff      TEXT NOT NULL DEFAULT '',
	cl         INTEGER NOT NULL DEFAULT 0,
	stamp      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX loyalty_entry_contact ON loyalty_entry(contact_id, at);

-- A segment is a saved filter over the client book ("dress size 38 in
-- Berlin"); its id is derived from its name, and the filter is one JSON text
-- that an edit replaces whole (two edits of one segment: the later one wins).
CREATE TABLE segment (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL DEFAULT '',
	filter TEXT NOT NULL DEFAULT '',
	cl     INTEGER NOT NULL DEFAULT 0,
	stamp  TEXT NOT NULL DEFAULT ''
);

-- A check-in rule makes follow-up tasks: N days after each purchase or
-- complaint, or N days before each birthday, optionally only for clients with
-- a tag. Its id is derived from its name; the tasks it makes have ids derived
-- from the rule and what they follow up, so two computers applying the same
-- rule make the same tasks, once. `since` (YYYY-MM-DD) is the day the rule was
-- made: no task is due before it, so a new rule does not bring back years of
-- purchases.
CREATE TABLE checkin_rule (
	id      TEXT PRIMARY KEY,
	name    TEXT NOT NULL DEFAULT '',
	trigger TEXT NOT NULL DEFAULT '', -- purchase, complaint, birthday
	days    INTEGER NOT NULL DEFAULT 0,
	title   TEXT NOT NULL DEFAULT '',
	tag     TEXT NOT NULL DEFAULT '',
	since   TEXT NOT NULL DEFAULT '',
	cl      INTEGER NOT NULL DEFAULT 0,
	stamp   TEXT NOT NULL DEFAULT ''
);
