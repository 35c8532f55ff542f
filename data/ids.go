package data

import (
	"strings"

	"github.com/google/uuid"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// newID is a fresh UUIDv7: unique across computers and roughly in creation order,
// which keeps SQLite's indexes compact.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// idNamespace roots the ids Rapport derives from content, so that two
// computers creating the same thing (the tag "VIP") make the same row.
var idNamespace = uuid.MustParse("6f1c2a52-3a0e-4d7b-9a44-52a1d1e0c0de")

// derivedID is a name-based (v5) UUID of the parts.
func derivedID(kind string, parts ...string) string {
	return uuid.NewSHA1(idNamespace, []byte(kind+"\x00"+strings.Join(parts, "\x00"))).String()
}

var folder = cases.Fold()

// normalName folds case and Unicode forms so "VIP", "vip" and "Vip " are one tag.
func normalName(s string) string {
	return folder.String(norm.NFC.String(strings.Join(strings.Fields(s), " ")))
}

func tagID(name string) string                { return derivedID("tag", normalName(name)) }
func contactTagID(contact, tag string) string { return derivedID("contact_tag", contact, tag) }
