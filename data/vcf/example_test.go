package vcf_test

import (
	"fmt"
	"strings"

	"rapport/data"
	"rapport/data/vcf"
)

// An Apple Contacts card: a grouped e-mail with its label, a birthday without
// the year, an escaped comma.
func ExampleDecode() {
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Keller;Anna;;;\r\nFN:Anna Keller\r\n" +
		"item1.EMAIL;type=INTERNET:anna@example.com\r\nitem1.X-ABLabel:_$!<Home>!$_\r\n" +
		"BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12\r\nCATEGORIES:VIP,Linen\\, natural\r\nEND:VCARD\r\n"
	cards, warnings, err := vcf.Decode([]byte(card))
	if err != nil {
		panic(err)
	}
	c := cards[0].Contact
	fmt.Println(c.DisplayName, c.Emails[0].Address, c.Emails[0].Label, c.Birthday, c.Tags, len(warnings))
	// Output: Anna Keller anna@example.com home --04-12 [VIP Linen, natural] 0
}

func ExampleEncoder() {
	e := &vcf.Entry{
		Contact: &data.Contact{ID: "01900000-0000-7000-8000-000000000001", DisplayName: "Bo Berg", Given: "Bo", Family: "Berg",
			Birthday: data.Date{Month: 2, Day: 29}, Emails: []data.Email{{Address: "bo@example.com", Preferred: true}}},
		UID: "urn:uuid:01900000-0000-7000-8000-000000000001",
	}
	var b strings.Builder
	enc := vcf.NewEncoder(&b)
	enc.Version = vcf.V3
	if err := enc.Encode(e); err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(b.String(), "\r\n", "\n")) // lines end in CRLF; shown with LF
	// Output:
	// BEGIN:VCARD
	// VERSION:3.0
	// PRODID:-//Rapport//Rapport//EN
	// UID:urn:uuid:01900000-0000-7000-8000-000000000001
	// FN:Bo Berg
	// N:Berg;Bo;;;
	// BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29
	// EMAIL;TYPE=pref:bo@example.com
	// END:VCARD
}
