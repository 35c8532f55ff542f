package main

import (
	"fmt"

	"rapport/data"
)

func init() {
	register("contact list", "rapport contact list [--tag T] [--deleted] [--json]", contactList)
}

func contactList(c *cli, args []string) error {
	fs := c.flags("contact list")
	tag := fs.String("tag", "", "only clients with this tag")
	deleted := fs.Bool("deleted", false, "the recently deleted clients")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	list, err := c.store.ListContacts(c.ctx, data.ListQuery{Tag: *tag, Deleted: *deleted})
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(list)
	}
	for _, s := range list {
		fmt.Fprintf(c.stdout, "%s  %s\n", s.ID, s.DisplayName)
	}
	return nil
}
