package main

import (
	"fmt"
	"strings"
	"time"

	"rapport/data"
)

func init() {
	register("log", "rapport log ID --kind "+strings.Join(data.InteractionKinds, "|")+
		" [--at TIME] [--summary S] [--body B] [--amount X --currency C] [--rating 1-5] [--referred ID] [--json]", logInteraction)
}

// logInteraction adds an entry to a client's timeline and prints its id.
func logInteraction(c *cli, args []string) error {
	fs := c.flags("log")
	kind := fs.String("kind", "", "one of "+strings.Join(data.InteractionKinds, ", "))
	at := fs.String("at", "", "when: YYYY-MM-DD HH:MM (this computer's zone), YYYY-MM-DD or RFC 3339; default now")
	summary := fs.String("summary", "", "one line on what happened")
	body := fs.String("body", "", "the full note")
	amount := fs.String("amount", "", "a purchase's amount: 12.50")
	cur := fs.String("currency", "", "the amount's currency: EUR (default $RAPPORT_CURRENCY, else the locale's)")
	rating := fs.Int("rating", 0, "a check-in's satisfaction, 1 to 5")
	referred := fs.String("referred", "", "a referral: the ID of the client who was referred")
	asJSON := fs.Bool("json", false, "print the entry as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	if *kind == "" {
		return usageError{"--kind is needed"}
	}
	loc := localLoc()
	in := &data.Interaction{Kind: *kind, Summary: strings.TrimSpace(*summary), Body: *body, Rating: *rating}
	if *at != "" {
		if in.At, err = parseAt(*at, loc); err != nil {
			return err
		}
	}
	if err := c.open(); err != nil {
		return err
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(*cur))
	if *amount != "" && in.Currency == "" {
		if in.Currency = defaultCurrency(c.store.Region); in.Currency == "" {
			return fmt.Errorf("%w amount %s: give its --currency, such as EUR", data.ErrInvalid, *amount)
		}
	}
	if *amount != "" {
		if in.AmountMinor, err = parseAmount(*amount, currencyScale(in.Currency)); err != nil {
			return err
		}
	}
	if in.ContactID, err = c.liveContact(pos[0]); err != nil {
		return err
	}
	if *referred != "" {
		if in.ReferredID, err = c.liveContact(*referred); err != nil {
			return fmt.Errorf("referred client: %w", err)
		}
	}
	if err := c.store.LogInteraction(c.ctx, in); err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(interactionView(*in, loc))
	}
	fmt.Fprintln(c.stdout, in.ID)
	return nil
}

// parseAt reads when something happened: a TIME, or a DATE meaning noon of
// that day (the hour is not known, the day is).
func parseAt(s string, loc *time.Location) (time.Time, error) {
	if d, err := data.ParseDate(s); err == nil && d.Year > 0 {
		return storable(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc), s)
	}
	return parseTime(s, loc)
}
