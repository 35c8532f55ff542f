// Package vcf reads and writes vCard (2.1; RFC 2426, 3.0; RFC 6350, 4.0) for
// Rapport: a tolerant import with a report, and an export that address books
// and calendars accept.
//
// # Reading
//
// Real files are read as their writers wrote them:
// byte-order marks, CRLF, LF, CR and mixed line ends, folded lines,
// quoted-printable with soft line breaks, the CHARSET parameter (any charset
// golang.org/x/text knows) and Windows-1252 bytes with no charset declared,
// bare 2.1 parameters (TEL;HOME;VOICE), Apple groups with X-ABLabel, escaped
// separators in N, ADR, ORG and CATEGORIES, and \n newlines. Each card and
// property keeps the line it started on, so every warning says where it is.
// github.com/emersion/go-vcard is not used: it loses most of the above.
//
// # Mapping
//
// FN, N (family and given names), NICKNAME, ORG (the organisation), TITLE,
// EMAIL, TEL, ADR, URL and IMPP (with their label and preferred flag), BDAY
// (every form: 1985-04-12, 19850412, --0412, --04-12, Apple's year 1604 and
// X-APPLE-OMIT-YEAR, date-times, whose date is kept as written, never moved
// through a time zone), ANNIVERSARY, X-ANNIVERSARY, X-EVOLUTION-ANNIVERSARY,
// X-MS-ANNIVERSARY and X-ABDATE (with its label) as important dates,
// CATEGORIES as tags, NOTE, PHOTO (base64 or data: URI, downscaled above
// 64 KiB; a URL is kept as a link and never fetched) and UID. Every other
// property is kept verbatim in Contact.ExtraVCard and written back on export;
// so are N and ORG lines with parts Rapport does not model (middle names,
// prefixes, departments), which stand in for the written N or ORG as long as
// the family name, given name and organisation still agree with them.
//
// # Rapport's own properties
//
// What Rapport knows beyond vCard travels in X- properties that other
// address books keep untouched and Rapport reads back:
//
//	X-RAPPORT-PREF;CATEGORY=size;SUBJECT=dress;CONFIRMED=2026-02-01:38 EU
//	    a preference: CATEGORY is one of data.PreferenceCategories, SUBJECT
//	    may be absent, CONFIRMED is the day it was last confirmed; the value
//	    is the preference, as vCard text.
//	X-RAPPORT-CONSENT;CHANNEL=email;MAX-PER-MONTH=2;TOPICS=news:in
//	    the current consent on a channel (data.Channels): in, out or unknown,
//	    with the monthly limit (absent: none) and topics. The history is not
//	    exported; importing a change of consent appends to it, and an
//	    import never turns an opt-out back into an opt-in.
//
// and these parameters on BDAY, ANNIVERSARY and X-ABDATE:
//
//	X-RAPPORT-LEAD=14          the reminder lead time in days, when not the default 7
//	X-RAPPORT-ONCE=true        a one-off date, not yearly
//	X-RAPPORT-KIND=anniversary an anniversary with a label of its own ("shop opening")
//
// # Writing
//
// vCard 4.0 by default, 3.0 on request; UTF-8, CRLF, lines folded at 75
// octets without splitting a UTF-8 sequence. UID is the UID the contact was
// imported with, else urn:uuid: and the contact's id, so it never changes.
// Dates are BDAY and ANNIVERSARY in 4.0's basic form (19850412, --0412); in
// 3.0 they are written in extended form, an unknown year as Apple's
// X-APPLE-OMIT-YEAR=1604, and anniversaries as X-ABDATE with Apple's label.
// Custom labels are written as Apple groups (item1.TEL + item1.X-ABLabel).
package vcf
