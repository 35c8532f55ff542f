package main

import (
	"fmt"
	"strings"
	"time"

	"rapport/data"
)

func init() {
	register("appt add", "rapport appt add [ID] --start TIME --end TIME [--tz ZONE] [--purpose P] [--json]", apptAdd)
	register("appt list", "rapport appt list [--from DATE] [--to DATE] [--json]", apptList)
	register("appt done", "rapport appt done APPT_ID", func(c *cli, args []string) error { return apptSetStatus(c, "appt done", args, "done") })
	register("appt cancel", "rapport appt cancel APPT_ID", func(c *cli, args []string) error { return apptSetStatus(c, "appt cancel", args, "cancelled") })
}

// apptAdd books an appointment, with a client (ID) or without one.
func apptAdd(c *cli, args []string) error {
	fs := c.flags("appt add")
	start := fs.String("start", "", "start: YYYY-MM-DD HH:MM in --tz, or RFC 3339")
	end := fs.String("end", "", "end: YYYY-MM-DD HH:MM, or HH:MM on the start's day, or RFC 3339")
	tz := fs.String("tz", "", "IANA time zone such as Europe/Paris (default: this computer's)")
	purpose := fs.String("purpose", "", `what it is for: "fitting"`)
	asJSON := fs.Bool("json", false, "print the appointment as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 0, 1, ""); err != nil {
		return err
	}
	if *start == "" || *end == "" {
		return usageError{"--start and --end are needed"}
	}
	zone, loc, err := loadZone(*tz)
	if err != nil {
		return err
	}
	a := &data.Appointment{TZ: zone, Purpose: strings.TrimSpace(*purpose)}
	if a.Start, err = parseTime(*start, loc); err != nil {
		return err
	}
	if a.End, err = parseEnd(*end, a.Start.In(loc), loc); err != nil {
		return err
	}
	if !a.End.After(a.Start) {
		return fmt.Errorf("%w appointment: the end (%s) must be after the start (%s)", data.ErrInvalid, whenText(a.End, loc), whenText(a.Start, loc))
	}
	if err := c.open(); err != nil {
		return err
	}
	name := ""
	if len(pos) == 1 {
		if a.ContactID, err = c.liveContact(pos[0]); err != nil {
			return err
		}
		if name, err = c.displayName(a.ContactID); err != nil {
			return err
		}
	}
	if err := c.store.AddAppointment(c.ctx, a); err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(appointmentView(*a, name))
	}
	fmt.Fprintln(c.stdout, a.ID)
	return nil
}

// parseEnd reads an appointment's end: a TIME, or a clock time "15:30" on
// the start's day.
func parseEnd(s string, start time.Time, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("15:04", strings.TrimSpace(s), loc); err == nil {
		return storable(time.Date(start.Year(), start.Month(), start.Day(), t.Hour(), t.Minute(), 0, 0, loc), s)
	}
	return parseTime(s, loc)
}

func (c *cli) displayName(contactID string) (string, error) {
	if contactID == "" {
		return "", nil
	}
	ct, err := c.store.Contact(c.ctx, contactID)
	if err != nil {
		return "", err
	}
	return ct.DisplayName, nil
}

// apptList lists the appointments starting between two days (both included),
// from today on by default.
func apptList(c *cli, args []string) error {
	fs := c.flags("appt list")
	fromFlag := fs.String("from", "", "first day, YYYY-MM-DD (default today)")
	toFlag := fs.String("to", "", "last day, YYYY-MM-DD (default: no end)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	loc := localLoc()
	from := midnight(today(), loc)
	if *fromFlag != "" {
		d, err := parseDay(*fromFlag)
		if err != nil {
			return err
		}
		from = midnight(d, loc)
	}
	to := from.AddDate(100, 0, 0)
	if *toFlag != "" {
		d, err := parseDay(*toFlag)
		if err != nil {
			return err
		}
		to = midnight(d, loc).AddDate(0, 0, 1)
		if !to.After(from) {
			return fmt.Errorf("%w dates: --to %s is before --from", data.ErrInvalid, *toFlag)
		}
	}
	if err := c.open(); err != nil {
		return err
	}
	appts, err := c.store.Appointments(c.ctx, from, to)
	if err != nil {
		return err
	}
	names := map[string]string{}
	out := make([]appointmentJSON, 0, len(appts))
	for _, a := range appts {
		name, ok := names[a.ContactID]
		if !ok {
			if name, err = c.displayName(a.ContactID); err != nil {
				return err
			}
			names[a.ContactID] = name
		}
		out = append(out, appointmentView(a, name))
	}
	if *asJSON {
		return c.printJSON(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stderr, "No appointments.")
		return nil
	}
	tw := c.table()
	for _, a := range out {
		name := a.DisplayName
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", spanText(appointmentOf(a)), a.TZ, name, a.Purpose, a.Status, a.ID)
	}
	return tw.Flush()
}

func apptSetStatus(c *cli, name string, args []string, status string) error {
	id, err := c.openWithID(name, args, "appointment", "the appointment's ID")
	if err != nil {
		return err
	}
	return c.store.SetAppointmentStatus(c.ctx, id, status)
}
