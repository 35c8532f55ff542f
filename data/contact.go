package data

import "time"

// Contact is one client of the shop with everything that describes who they are.
// Methods, tags and dates are loaded with the contact and saved with it.
type Contact struct {
	ID           string
	DisplayName  string // computed from the names when empty
	Given        string
	Family       string
	Nickname     string
	Organization string
	Title        string
	Birthday     Date // zero when unknown; the year may be absent
	Notes        string
	Photo        []byte // downscaled image bytes, capped in size
	PhotoURL     string // a photo kept as a link, never fetched
	Source       string // where the contact came from ("vcard: phone.vcf")
	ExtraVCard   string // vCard properties Rapport does not model, verbatim
	Emails       []Email
	Phones       []Phone
	Addresses    []Address
	URLs         []URL
	Tags         []string
	Created      time.Time
	Updated      time.Time
	Deleted      bool
	MergedInto   string // set when the contact was merged into another and retired
}

// Email is one e-mail address of a contact.
type Email struct {
	ID        string
	Address   string
	Label     string // home, work or a custom label
	Preferred bool
}

// Phone keeps the number as typed beside its E.164 form, which is empty when
// the number could not be normalised.
type Phone struct {
	ID        string
	Number    string
	E164      string
	Label     string // mobile, home, work or a custom label
	Preferred bool
}

// Address is a postal address.
type Address struct {
	ID         string
	Street     string
	Locality   string
	Region     string
	PostalCode string
	Country    string
	Label      string
	Preferred  bool
}

// URL is a web address or a messaging handle.
type URL struct {
	ID    string
	URL   string
	Label string
}

// ContactSummary is the short form of a contact used by lists and search results.
type ContactSummary struct {
	ID           string
	DisplayName  string
	Organization string
	Email        string // the preferred or first e-mail
	Phone        string // the preferred or first phone, as typed
	Tags         []string
	// EditedAfterDeletion, for a deleted client, is when another computer
	// last edited it after the deletion (the edit comes back on restore).
	EditedAfterDeletion time.Time
}
