package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"rapport/data"
)

func init() {
	register("history", "rapport history ID [--json]   (every change to a client: what, when, by whom, on which computer)", historyCmd)
}

// tableWords names each kind of row in the history for people.
var tableWords = map[string]string{
	"contact": "client", "contact_email": "e-mail", "contact_phone": "phone", "contact_address": "address",
	"contact_url": "link", "contact_tag": "tag", "preference": "preference", "consent": "consent",
	"consent_event": "consent history", "interaction": "timeline entry", "appointment": "appointment",
	"important_date": "date", "task": "task", "erasure": "personal data",
}

func historyCmd(c *cli, args []string) error {
	fs := c.flags("history")
	asJSON := fs.Bool("json", false, "print the history as JSON")
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
	id, err := c.anyContact(pos[0])
	if err != nil {
		return err
	}
	hist, err := c.store.History(c.ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		if hist == nil {
			hist = []data.HistoryEntry{}
		}
		return c.printJSON(hist)
	}
	loc := localLoc()
	for _, e := range hist {
		// Without a staff name (none set on the computer that made the
		// change, or an erasure, which records none) the line says no "by".
		who := ""
		if e.Staff != "" {
			who = "by " + e.Staff + " "
		}
		where := "this computer"
		if !e.ThisComputer {
			where = "computer " + e.Device[:min(8, len(e.Device))]
		}
		if e.DeviceName != "" {
			where += " (" + e.DeviceName + ")"
		}
		fmt.Fprintf(c.stdout, "%s  %s %s  %son %s\n", whenText(e.At, loc), tableWords[e.Table], e.Action, who, where)
		for _, f := range e.Changes {
			switch {
			case f.OldKnown && e.Action != "created":
				fmt.Fprintf(c.stdout, "    %s: %s → %s\n", f.Field, quoted(f.Old), quoted(f.New))
			default:
				fmt.Fprintf(c.stdout, "    %s: %s\n", f.Field, quoted(f.New))
			}
		}
	}
	if len(hist) == 0 {
		fmt.Fprintln(c.stdout, "no changes recorded")
	}
	return nil
}

// quoted shows a value with its edges visible, and an empty one as (empty).
func quoted(v string) string {
	if v == "" {
		return "(empty)"
	}
	if strings.ContainsAny(v, "\n\t") || strings.TrimSpace(v) != v {
		return fmt.Sprintf("%q", v)
	}
	return v
}

// anyContact resolves the id of a client, live, deleted or erased: an erased
// client is no longer found by the start of its id, only by the whole id.
func (c *cli) anyContact(arg string) (string, error) {
	id, err := c.resolve("contact", arg)
	if errors.Is(err, data.ErrNotFound) {
		if u, perr := uuid.Parse(arg); perr == nil && u.String() == strings.ToLower(arg) {
			if _, erased, eerr := c.store.ErasureOf(c.ctx, u.String()); eerr == nil && erased {
				return u.String(), nil
			}
		}
	}
	return id, err
}
