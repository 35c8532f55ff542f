package main

import (
	"fmt"
	"strings"

	"rapport/data"
)

// contactShow prints everything about one client: who they are, their
// figures, dates, preferences, consent, appointments, tasks and timeline.
func contactShow(c *cli, args []string) error {
	fs := c.flags("contact show")
	asJSON := fs.Bool("json", false, "print JSON")
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
	d, err := c.contactDetail(id)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(d)
	}
	c.printContactDetail(d)
	return nil
}

func (c *cli) contactDetail(id string) (contactDetailJSON, error) {
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return contactDetailJSON{}, err
	}
	d := contactDetailJSON{contactJSON: contactView(ct), Dates: []dateJSON{}, Preferences: []preferenceJSON{},
		Consent: []data.Consent{}, Interactions: []interactionJSON{}, Appointments: []appointmentJSON{}, Tasks: []taskJSON{}}
	day := today()
	loc := localLoc()
	dates, err := c.store.ImportantDates(c.ctx, id)
	if err != nil {
		return d, err
	}
	for _, x := range dates {
		d.Dates = append(d.Dates, dateView(x))
	}
	prefs, err := c.store.Preferences(c.ctx, id)
	if err != nil {
		return d, err
	}
	for _, p := range prefs {
		d.Preferences = append(d.Preferences, preferenceView(p, day))
	}
	consents, err := c.store.Consents(c.ctx, id)
	if err != nil {
		return d, err
	}
	d.Consent = append(d.Consent, consents...)
	ins, err := c.store.Interactions(c.ctx, id, 0)
	if err != nil {
		return d, err
	}
	names := map[string]string{}
	for _, in := range ins {
		v := interactionView(in, loc)
		if in.ReferredID != "" {
			if _, ok := names[in.ReferredID]; !ok {
				names[in.ReferredID], _ = c.displayName(in.ReferredID)
			}
			v.Referred = names[in.ReferredID]
		}
		d.Interactions = append(d.Interactions, v)
	}
	appts, err := c.store.ContactAppointments(c.ctx, id)
	if err != nil {
		return d, err
	}
	for _, a := range appts {
		d.Appointments = append(d.Appointments, appointmentView(a, ct.DisplayName))
	}
	tasks, err := c.store.ContactTasks(c.ctx, id)
	if err != nil {
		return d, err
	}
	for _, k := range tasks {
		d.Tasks = append(d.Tasks, taskView(k, ct.DisplayName, day))
	}
	sum, err := c.store.ClientSummary(c.ctx, id)
	if err != nil {
		return d, err
	}
	d.Summary = summaryView(sum)
	st, err := c.store.Loyalty(c.ctx, id)
	if err != nil {
		return d, err
	}
	if st.Currency != "" || len(st.Entries) > 0 {
		l := &clientLoyaltyJSON{Balance: st.Balance, OwedPoints: st.OwedPoints, Tier: st.Tier, NextTier: st.NextTier,
			Currency: st.Currency, ProgressPercent: st.ProgressPercent, Rewards: []string{}}
		if st.NextTier != "" {
			l.ToNextTier = formatAmount(st.ToNextTierMinor, st.Currency)
		}
		for _, r := range st.Available {
			l.Rewards = append(l.Rewards, r.Name)
		}
		d.Loyalty = l
	}
	return d, nil
}

func (c *cli) printContactDetail(d contactDetailJSON) {
	loc := localLoc()
	w := c.stdout
	title := d.DisplayName
	if d.Nickname != "" && !strings.Contains(title, d.Nickname) {
		title += " (" + d.Nickname + ")"
	}
	switch {
	case d.MergedInto != "":
		title += "  [merged into " + d.MergedInto + "]"
	case d.Deleted:
		title += "  [deleted]"
	}
	fmt.Fprintln(w, title)
	tw := c.table()
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", k, v)
		}
	}
	row("id", d.ID)
	if n := joinNonEmpty(" ", d.Given, d.Family); n != d.DisplayName {
		row("name", n)
	}
	row("organisation", joinNonEmpty(", ", d.Organization, d.Title))
	for _, e := range d.Emails {
		row("e-mail", e.Address+methodNote(e.Label, e.Preferred))
	}
	for _, p := range d.Phones {
		row("phone", p.Number+methodNote(p.Label, p.Preferred))
	}
	for _, a := range d.Addresses {
		row("address", joinNonEmpty(", ", a.Street, joinNonEmpty(" ", a.PostalCode, a.Locality), a.Region, a.Country)+methodNote(a.Label, a.Preferred))
	}
	for _, u := range d.URLs {
		row("web", u.URL+methodNote(u.Label, false))
	}
	row("birthday", d.Birthday.String())
	row("tags", strings.Join(d.Tags, ", "))
	row("notes", strings.ReplaceAll(strings.TrimSpace(d.Notes), "\n", " / "))
	s := d.Summary
	if s.Visits > 0 || s.Purchases > 0 {
		figures := plural(s.Visits, "visit", "visits")
		if !s.LastVisit.IsZero() {
			figures += ", last " + s.LastVisit.In(loc).Format("2 Jan 2006")
		}
		if s.Purchases > 0 {
			figures += fmt.Sprintf("; %s, %s in all, %s on average", plural(s.Purchases, "purchase", "purchases"),
				money(s.TotalSpendMinor, s.Currency), money(s.AverageSpendMinor, s.Currency))
		}
		if s.UsualIntervalDays > 0 {
			figures += fmt.Sprintf(", usually every %d days", s.UsualIntervalDays)
		}
		row("figures", figures)
	}
	if l := d.Loyalty; l != nil {
		points := plural(int(l.Balance), "point", "points")
		if l.OwedPoints > 0 {
			points += fmt.Sprintf(" (owes %d: redeemed on two computers at once)", l.OwedPoints)
		}
		if l.Tier != "" {
			points += "; " + l.Tier
		}
		if l.NextTier != "" {
			points += fmt.Sprintf("; %s %s more to reach %s (%d%%)", l.ToNextTier, l.Currency, l.NextTier, l.ProgressPercent)
		}
		if len(l.Rewards) > 0 {
			points += "; can have " + strings.Join(l.Rewards, ", ")
		}
		row("loyalty", points)
	}
	tw.Flush()

	section := func(name string, n int) bool {
		if n == 0 {
			return false
		}
		fmt.Fprintf(w, "\n%s\n", name)
		return true
	}
	if section("Dates", len(d.Dates)) {
		tw := c.table()
		for _, x := range d.Dates {
			repeat := "yearly"
			if !x.Yearly {
				repeat = "once"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s, reminded %s ahead\n", x.Date, x.Kind, x.Label, repeat, plural(x.LeadDays, "day", "days"))
		}
		tw.Flush()
	}
	if section("Preferences", len(d.Preferences)) {
		tw := c.table()
		for _, p := range d.Preferences {
			note := ""
			if !p.Confirmed.IsZero() {
				note = "confirmed " + p.Confirmed.String()
			}
			if p.Stale {
				note += ", over a year ago: check again"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Category, p.Subject, p.Value, note)
		}
		tw.Flush()
	}
	if section("Consent", len(d.Consent)) {
		tw := c.table()
		for _, k := range d.Consent {
			limit := ""
			if k.MaxPerMonth > 0 {
				limit = fmt.Sprintf("at most %d a month", k.MaxPerMonth)
			}
			since := ""
			if n := len(k.History); n > 0 {
				since = "since " + k.History[n-1].At.In(loc).Format("2006-01-02")
				if src := k.History[n-1].Source; src != "" {
					since += " (" + src + ")"
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", k.Channel, optText(k.Status), limit, since)
		}
		tw.Flush()
	}
	if section("Appointments", len(d.Appointments)) {
		tw := c.table()
		for _, a := range d.Appointments {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", spanText(appointmentOf(a)), a.TZ, a.Purpose, a.Status, a.ID)
		}
		tw.Flush()
	}
	if section("Tasks", len(d.Tasks)) {
		tw := c.table()
		for _, k := range d.Tasks {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", k.Due, k.Title, taskState(k), k.ID)
		}
		tw.Flush()
	}
	if section("Timeline", len(d.Interactions)) {
		tw := c.table()
		for _, in := range d.Interactions {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", whenText(in.At, loc), in.Kind, interactionText(in))
		}
		tw.Flush()
	}
}

func methodNote(label string, preferred bool) string {
	note := joinNonEmpty(", ", label, map[bool]string{true: "preferred"}[preferred])
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

func optText(status string) string {
	switch status {
	case "in":
		return "opted in"
	case "out":
		return "opted out"
	}
	return status
}

// appointmentOf turns the view back into the record, for spanText.
func appointmentOf(a appointmentJSON) data.Appointment {
	return data.Appointment{ID: a.ID, ContactID: a.ContactID, Start: a.Start, End: a.End, TZ: a.TZ, AllDay: a.AllDay, Purpose: a.Purpose, Status: a.Status}
}

func taskState(k taskJSON) string {
	switch {
	case k.Done:
		return "done " + k.DoneAt.In(localLoc()).Format("2006-01-02")
	case !k.SnoozedUntil.IsZero() && k.SnoozedUntil.Time().After(today().Time()):
		return "snoozed until " + k.SnoozedUntil.String()
	case k.Overdue:
		return "overdue"
	}
	return "open"
}

// interactionText is the one-line gist of a timeline entry.
func interactionText(in interactionJSON) string {
	var parts []string
	if in.Summary != "" {
		parts = append(parts, in.Summary)
	}
	if in.Currency != "" {
		parts = append(parts, in.Amount+" "+in.Currency)
	}
	if in.Rating > 0 {
		parts = append(parts, fmt.Sprintf("rated %d/5", in.Rating))
	}
	if in.ReferredID != "" {
		who := in.Referred
		if who == "" {
			who = in.ReferredID
		}
		parts = append(parts, "referred "+who)
	}
	if in.Body != "" {
		body := strings.ReplaceAll(strings.TrimSpace(in.Body), "\n", " ")
		if len([]rune(body)) > 60 {
			body = string([]rune(body)[:57]) + "..."
		}
		parts = append(parts, body)
	}
	if in.Staff != "" {
		parts = append(parts, "("+in.Staff+")")
	}
	return strings.Join(parts, " · ")
}
