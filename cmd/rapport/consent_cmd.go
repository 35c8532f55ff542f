package main

import (
	"strings"

	"rapport/data"
)

func init() {
	register("consent set", "rapport consent set ID --channel "+strings.Join(data.Channels, "|")+" --status in|out [--max-per-month N] [--source S]", consentSet)
}

// consentSet records what a client agreed to on one channel; the history
// keeps every change.
func consentSet(c *cli, args []string) error {
	fs := c.flags("consent set")
	channel := fs.String("channel", "", "one of "+strings.Join(data.Channels, ", "))
	status := fs.String("status", "", "in (agreed) or out (opted out)")
	maxPerMonth := fs.Int("max-per-month", 0, "at most this many messages a month (0: no limit)")
	source := fs.String("source", "", `how it was given: "in shop, signed form"`)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *channel == "" || *status == "" {
		return usageError{"--channel and --status are needed"}
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.liveContact(pos[0])
	if err != nil {
		return err
	}
	return c.store.SetConsent(c.ctx, id, *channel, *status, *maxPerMonth, *source)
}
