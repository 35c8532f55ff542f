-- The UID a contact had in the address book it was imported from (vCard UID),
-- so that importing the same file again updates the contact instead of making
-- a second one, and export gives the same UID back. Empty for contacts made in
-- Rapport: their export UID is derived from the contact's own id.
ALTER TABLE contact ADD COLUMN uid TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_uid ON contact(uid) WHERE uid <> '';

-- Import matches a card by name (with its birthday, or with the file it came
-- from) and by a phone number that has no E.164 form; without these indexes
-- every card of a large file would scan the whole book.
CREATE INDEX contact_family_given ON contact(family COLLATE NOCASE, given COLLATE NOCASE);
CREATE INDEX contact_phone_number ON contact_phone(number) WHERE e164 = '';
