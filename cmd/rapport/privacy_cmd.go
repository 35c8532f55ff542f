package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"rapport/data/privacyzip"
)

func init() {
	register("privacy export", "rapport privacy export ID -o FILE.zip   (everything Rapport holds about a client, in one file to give them)", privacyExport)
	register("privacy erase", "rapport privacy erase ID [--yes]   (erase a client's personal data here and, through sync, on every computer)", privacyErase)
}

// privacyErase erases a client for good, after asking unless --yes.
func privacyErase(c *cli, args []string) error {
	fs := c.flags("privacy erase")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.resolve("contact", pos[0])
	if err != nil {
		return err
	}
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprintf(c.stdout, "Erase %s (%s) for good: every record, the timeline, the photo and the history,\n"+
			"here and on every computer this one syncs with? Only the fact that an erasure happened is kept.\n"+
			"Backups made before keep their copy until they are rotated out. Type yes to go on: ", ct.DisplayName, id)
		answer, _ := bufio.NewReader(c.stdin()).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			return errors.New("erasure cancelled; nothing was changed")
		}
	}
	e, err := c.store.EraseContact(c.ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "erased client %s at %s; the erasure reaches the other computers with the next sync\n", e.ContactID, whenText(e.At, localLoc()))
	return nil
}

// privacyExport writes one zip with the client's vCard and JSON of the rest:
// what a client who asks for their data receives, the same file the app's
// "Export personal data…" writes.
func privacyExport(c *cli, args []string) error {
	fs := c.flags("privacy export")
	out := fs.String("o", "", "the zip file to write")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"-o FILE.zip is needed"}
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.resolve("contact", pos[0])
	if err != nil {
		return err
	}
	rec, err := c.store.ClientRecord(c.ctx, id)
	if err != nil {
		return err
	}
	if err := privacyzip.WriteFile(*out, rec, clock(), localLoc()); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote everything about %s to %s\n", rec.Contact.DisplayName, *out)
	return nil
}
