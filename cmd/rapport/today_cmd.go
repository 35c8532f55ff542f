package main

import (
	"fmt"

	"rapport/data"
)

func init() {
	register("today", "rapport today [--days N] [--json]", todayCmd)
}

// todayCmd prints what needs attention today and in the next days: dates,
// appointments, tasks (with those the check-in rules ask for), check-ins,
// repurchases, loyalty tiers reached and rewards waiting, and clients not
// seen lately.
func todayCmd(c *cli, args []string) error {
	fs := c.flags("today")
	days := fs.Int("days", 7, "look this many days ahead")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if *days < 0 || *days > 366 {
		return usageError{"--days must be 0 to 366"}
	}
	if err := c.open(); err != nil {
		return err
	}
	// The check-in rules make their tasks first, so those due show below.
	// Today still shows what there is when they cannot (a read-only book).
	if _, err := c.store.ApplyCheckinRules(c.ctx, data.DayOf(today().Time().AddDate(0, 0, *days))); err != nil {
		fmt.Fprintln(c.stderr, "rapport: check-in rules:", err)
	}
	items, err := c.store.Today(c.ctx, *days)
	if err != nil {
		return err
	}
	if items == nil {
		items = []data.TodayItem{}
	}
	if *asJSON {
		return c.printJSON(items)
	}
	if len(items) == 0 {
		fmt.Fprintln(c.stdout, "Nothing needs attention.")
		return nil
	}
	tw := c.table()
	for _, it := range items {
		name := it.DisplayName
		if name == "" {
			name = "(shop)"
		}
		kind := it.Kind
		if it.Overdue {
			kind += " (overdue)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", it.Date, kind, name, it.Detail)
		if it.Context != "" {
			fmt.Fprintf(tw, "\t\t\t  %s\n", it.Context)
		}
	}
	return tw.Flush()
}
