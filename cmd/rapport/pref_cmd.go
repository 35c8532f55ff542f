package main

import (
	"fmt"
	"strings"

	"rapport/data"
)

func init() {
	register("pref set", "rapport pref set ID --category "+strings.Join(data.PreferenceCategories, "|")+" --subject S --value V [--json]", prefSet)
}

// prefSet records what a client likes, wears or avoids; setting the same
// category and subject again updates it.
func prefSet(c *cli, args []string) error {
	fs := c.flags("pref set")
	category := fs.String("category", "", "one of "+strings.Join(data.PreferenceCategories, ", "))
	subject := fs.String("subject", "", `what it is about: "dress", "shoes"`)
	value := fs.String("value", "", `the preference: "38 EU"`)
	asJSON := fs.Bool("json", false, "print the preference as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *category == "" || *value == "" {
		return usageError{"--category and --value are needed"}
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.liveContact(pos[0])
	if err != nil {
		return err
	}
	p := &data.Preference{ContactID: id, Category: *category, Subject: *subject, Value: *value}
	if err := c.store.SetPreference(c.ctx, p); err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(preferenceView(*p, today()))
	}
	fmt.Fprintln(c.stdout, p.ID)
	return nil
}
