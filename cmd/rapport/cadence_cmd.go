package main

import (
	"fmt"
	"strings"

	"rapport/data"
)

func init() {
	register("cadence set", "rapport cadence set NAME --trigger "+strings.Join(data.CheckinTriggers, "|")+" --days N [--title T] [--tag T]", cadenceSet)
	register("cadence list", "rapport cadence list [--json]", cadenceList)
	register("cadence delete", "rapport cadence delete NAME", cadenceDelete)
}

// cadenceSet saves a check-in rule: a follow-up task N days after each
// purchase or complaint, or N days before each birthday.
func cadenceSet(c *cli, args []string) error {
	fs := c.flags("cadence set")
	trigger := fs.String("trigger", "", "what is followed up: purchase, complaint (N days after) or birthday (N days before)")
	days := fs.Int("days", -1, "how many days after (or before a birthday) the task is due")
	title := fs.String("title", "", `how the tasks begin (default "Check in", "Follow up" or "Send a birthday note")`)
	tag := fs.String("tag", "", "only clients with this tag")
	name, err := c.nameArg(fs, args, "the rule's name")
	if err != nil {
		return err
	}
	if *trigger == "" || *days < 0 {
		return usageError{"--trigger and --days are needed"}
	}
	r := &data.CheckinRule{Name: name, Trigger: *trigger, Days: *days, Title: *title, Tag: *tag}
	if err := c.store.SaveCheckinRule(c.ctx, r); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %s\n", r.Name, describeRule(*r))
	return nil
}

func describeRule(r data.CheckinRule) string {
	days := fmt.Sprintf("%d days", r.Days)
	if r.Days == 1 {
		days = "1 day"
	}
	when := days + " after each " + r.Trigger
	if r.Trigger == "birthday" {
		when = days + " before each birthday"
	}
	if r.Tag != "" {
		when += " of clients tagged " + r.Tag
	}
	return when + ", from " + r.Since.String()
}

func cadenceList(c *cli, args []string) error {
	fs := c.flags("cadence list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	rules, err := c.store.CheckinRules(c.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(rules)
	}
	if len(rules) == 0 {
		fmt.Fprintln(c.stderr, "No check-in rules.")
		return nil
	}
	tw := c.table()
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\n", r.Name, describeRule(r))
	}
	return tw.Flush()
}

func cadenceDelete(c *cli, args []string) error {
	name, err := c.nameArg(c.flags("cadence delete"), args, "the rule's name")
	if err != nil {
		return err
	}
	return c.store.DeleteCheckinRule(c.ctx, name)
}
