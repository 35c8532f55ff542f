package main

import (
	"fmt"
	"strings"

	"rapport/data"
)

func init() {
	register("date add", "rapport date add ID --kind "+strings.Join(data.DateKinds, "|")+
		" --date YYYY-MM-DD|--MM-DD [--label L] [--lead-days N] [--once] [--json]", dateAdd)
}

// dateAdd saves a date to remember about a client: yearly unless --once.
func dateAdd(c *cli, args []string) error {
	fs := c.flags("date add")
	kind := fs.String("kind", "", "one of "+strings.Join(data.DateKinds, ", "))
	date := fs.String("date", "", "YYYY-MM-DD, or --MM-DD when the year is not known")
	label := fs.String("label", "", `what it is: "wedding", "son's graduation"`)
	lead := fs.Int("lead-days", data.DefaultLeadDays, "remind this many days ahead")
	once := fs.Bool("once", false, "a one-off date rather than a yearly one")
	asJSON := fs.Bool("json", false, "print the date as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *kind == "" || *date == "" {
		return usageError{"--kind and --date are needed"}
	}
	d := &data.ImportantDate{Kind: strings.ToLower(strings.TrimSpace(*kind)), Label: strings.TrimSpace(*label), Yearly: !*once, LeadDays: *lead}
	if d.Date, err = parseDateOrYearless(*date); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if d.ContactID, err = c.liveContact(pos[0]); err != nil {
		return err
	}
	if err := c.store.AddImportantDate(c.ctx, d); err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(dateView(*d))
	}
	fmt.Fprintln(c.stdout, d.ID)
	return nil
}
