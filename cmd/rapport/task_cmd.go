package main

import (
	"fmt"
	"strings"

	"rapport/data"
)

func init() {
	register("task add", "rapport task add [ID] --title T --due DATE [--json]", taskAdd)
	register("task done", "rapport task done TASK_ID", taskDone)
	register("task snooze", "rapport task snooze TASK_ID --until DATE", taskSnooze)
	register("task list", "rapport task list [--done] [--json]", taskList)
}

// taskAdd saves a follow-up, for a client (ID) or for the shop.
func taskAdd(c *cli, args []string) error {
	fs := c.flags("task add")
	title := fs.String("title", "", "what to do")
	due := fs.String("due", "", "the day it is due, YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "print the task as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 0, 1, ""); err != nil {
		return err
	}
	if strings.TrimSpace(*title) == "" || *due == "" {
		return usageError{"--title and --due are needed"}
	}
	k := &data.Task{Title: *title}
	if k.Due, err = parseDay(*due); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if len(pos) == 1 {
		if k.ContactID, err = c.liveContact(pos[0]); err != nil {
			return err
		}
	}
	if err := c.store.AddTask(c.ctx, k); err != nil {
		return err
	}
	if *asJSON {
		name, err := c.displayName(k.ContactID)
		if err != nil {
			return err
		}
		return c.printJSON(taskView(*k, name, today()))
	}
	fmt.Fprintln(c.stdout, k.ID)
	return nil
}

func taskDone(c *cli, args []string) error {
	id, err := c.openWithID("task done", args, "task", "the task's ID")
	if err != nil {
		return err
	}
	return c.store.CompleteTask(c.ctx, id)
}

func taskSnooze(c *cli, args []string) error {
	fs := c.flags("task snooze")
	until := fs.String("until", "", "hide the task until this day, YYYY-MM-DD")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the task's ID"); err != nil {
		return err
	}
	if *until == "" {
		return usageError{"--until is needed"}
	}
	day, err := parseDay(*until)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.resolve("task", pos[0])
	if err != nil {
		return err
	}
	return c.store.SnoozeTask(c.ctx, id, day)
}

// taskList lists the open tasks, snoozed ones included, oldest due first;
// --done adds the done ones.
func taskList(c *cli, args []string) error {
	fs := c.flags("task list")
	withDone := fs.Bool("done", false, "include done tasks")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	tasks, err := c.store.Tasks(c.ctx, *withDone)
	if err != nil {
		return err
	}
	day := today()
	out := make([]taskJSON, 0, len(tasks))
	for _, k := range tasks {
		out = append(out, taskView(k.Task, k.DisplayName, day))
	}
	if *asJSON {
		return c.printJSON(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stderr, "No open tasks.")
		return nil
	}
	tw := c.table()
	for _, k := range out {
		name := k.DisplayName
		if name == "" {
			name = "(shop)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Due, taskState(k), name, k.Title, k.ID)
	}
	return tw.Flush()
}
