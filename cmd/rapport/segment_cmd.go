package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rapport/data"
)

const segmentFilterUsage = "[--tag T]... [--pref [CATEGORY:]SUBJECT=VALUE]... [--tier NAME] [--min-spend X] [--max-spend X] [--currency C]\n" +
	"                     [--seen-within DAYS] [--not-seen DAYS] [--birthday-month 1-12] [--kind K]... [--kind-within DAYS] [--city C]"

func init() {
	register("segment save", "rapport segment save NAME "+segmentFilterUsage, segmentSave)
	register("segment list", "rapport segment list [--json]", segmentList)
	register("segment show", "rapport segment show NAME [--json]", segmentShow)
	register("segment delete", "rapport segment delete NAME", segmentDelete)
}

// segmentFlags are the filters a segment is saved with.
type segmentFlags struct {
	tags, prefs, kinds                stringList
	tier, minSpend, maxSpend, cur     *string
	seenWithin, notSeen, month, kindW *int
	city                              *string
}

func addSegmentFlags(fs *flag.FlagSet) *segmentFlags {
	f := &segmentFlags{}
	fs.Var(&f.tags, "tag", "tagged with T (repeatable: all of them)")
	fs.Var(&f.prefs, "pref", `a preference: "size:dress=38", "dress=38", "dislike:=wool" (repeatable)`)
	fs.Var(&f.kinds, "kind", "has an interaction of kind K (repeatable: each of them)")
	f.tier = fs.String("tier", "", "in this loyalty tier")
	f.minSpend = fs.String("min-spend", "", "spent at least X in the last 12 months")
	f.maxSpend = fs.String("max-spend", "", "spent at most X in the last 12 months")
	f.cur = fs.String("currency", "", "the currency of --min-spend and --max-spend (default the loyalty programme's)")
	f.seenWithin = fs.Int("seen-within", 0, "came in (visit or purchase) in the last DAYS days")
	f.notSeen = fs.Int("not-seen", 0, "came in before, but not in the last DAYS days")
	f.month = fs.Int("birthday-month", 0, "born in this month, 1-12")
	f.kindW = fs.Int("kind-within", 0, "--kind only counts interactions of the last DAYS days")
	f.city = fs.String("city", "", "has an address in this town")
	return f
}

func (f *segmentFlags) filter(c *cli) (data.SegmentFilter, error) {
	out := data.SegmentFilter{Tags: f.tags, Kinds: f.kinds, Tier: *f.tier, Currency: strings.ToUpper(strings.TrimSpace(*f.cur)),
		SeenWithinDays: *f.seenWithin, NotSeenDays: *f.notSeen, BirthdayMonth: *f.month, KindWithinDays: *f.kindW, City: *f.city}
	for _, p := range f.prefs {
		key, value, ok := strings.Cut(p, "=")
		if !ok {
			return out, usageError{fmt.Sprintf("--pref %q: want [CATEGORY:]SUBJECT=VALUE, such as size:dress=38", p)}
		}
		pf := data.PreferenceFilter{Subject: key, Value: value}
		if cat, subject, ok := strings.Cut(key, ":"); ok {
			pf.Category, pf.Subject = cat, subject
		}
		out.Preferences = append(out.Preferences, pf)
	}
	if *f.minSpend != "" || *f.maxSpend != "" {
		cur := out.Currency
		if cur == "" {
			p, err := c.store.LoyaltyProgramme(c.ctx)
			if err != nil {
				return out, err
			}
			cur = p.Currency
		}
		if cur == "" {
			return out, fmt.Errorf("%w spend: give its --currency, such as EUR", data.ErrInvalid)
		}
		out.Currency = cur // kept with the filter, so it means the same if the programme changes
		for _, b := range []struct {
			text string
			dest **int64
		}{{*f.minSpend, &out.MinSpendMinor}, {*f.maxSpend, &out.MaxSpendMinor}} {
			if b.text == "" {
				continue
			}
			n, err := parseAmount(b.text, currencyScale(cur))
			if err != nil {
				return out, err
			}
			*b.dest = &n
		}
	}
	return out, nil
}

// nameArg parses a command taking one name (a segment's, a rule's) and opens the store.
func (c *cli) nameArg(fs *flag.FlagSet, args []string, what string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if err := needPositional(pos, 1, 1, what); err != nil {
		return "", err
	}
	return pos[0], c.open()
}

// segmentSave saves a filter under a name and prints how many clients it holds.
func segmentSave(c *cli, args []string) error {
	fs := c.flags("segment save")
	sf := addSegmentFlags(fs)
	name, err := c.nameArg(fs, args, "the segment's name")
	if err != nil {
		return err
	}
	f, err := sf.filter(c)
	if err != nil {
		return err
	}
	// Check the filter on the book before keeping it (an unknown tier fails here).
	n, err := c.store.SegmentCount(c.ctx, f)
	if err != nil {
		return err
	}
	if err := c.store.SaveSegment(c.ctx, name, f); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %s\n", name, clientCount(n))
	return nil
}

func clientCount(n int) string {
	if n == 1 {
		return "1 client"
	}
	return strconv.Itoa(n) + " clients"
}

type segmentJSON struct {
	Name    string             `json:"name"`
	Filter  data.SegmentFilter `json:"filter"`
	Summary string             `json:"description"`
	Count   int                `json:"count"`
}

func segmentList(c *cli, args []string) error {
	fs := c.flags("segment list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	list, err := c.store.Segments(c.ctx)
	if err != nil {
		return err
	}
	out := []segmentJSON{}
	for _, seg := range list {
		if seg.Problem != "" {
			out = append(out, segmentJSON{Name: seg.Name, Summary: "cannot be used: " + seg.Problem})
			continue
		}
		n, err := c.store.SegmentCount(c.ctx, seg.Filter)
		if err != nil { // a tier since removed, say: the others still list
			out = append(out, segmentJSON{Name: seg.Name, Filter: seg.Filter, Summary: "cannot be used: " + err.Error()})
			continue
		}
		out = append(out, segmentJSON{Name: seg.Name, Filter: seg.Filter, Summary: describeFilter(seg.Filter), Count: n})
	}
	if *asJSON {
		return c.printJSON(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stderr, "No segments saved.")
		return nil
	}
	tw := c.table()
	for _, s := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, clientCount(s.Count), s.Summary)
	}
	return tw.Flush()
}

// segmentShow prints a segment's filter and the clients it holds now.
func segmentShow(c *cli, args []string) error {
	fs := c.flags("segment show")
	asJSON := fs.Bool("json", false, "print JSON")
	name, err := c.nameArg(fs, args, "the segment's name")
	if err != nil {
		return err
	}
	seg, err := c.store.SegmentByName(c.ctx, name)
	if err != nil {
		return err
	}
	list, err := c.store.SegmentClients(c.ctx, seg.Filter)
	if err != nil {
		return err
	}
	if *asJSON {
		clients := make([]contactJSON, 0, len(list))
		for _, s := range list {
			ct, err := c.store.Contact(c.ctx, s.ID)
			if err != nil {
				return err
			}
			clients = append(clients, contactView(ct))
		}
		return c.printJSON(struct {
			segmentJSON
			Clients []contactJSON `json:"clients"`
		}{segmentJSON{seg.Name, seg.Filter, describeFilter(seg.Filter), len(list)}, clients})
	}
	fmt.Fprintf(c.stdout, "%s: %s (%s)\n", seg.Name, describeFilter(seg.Filter), clientCount(len(list)))
	if len(list) == 0 {
		return nil
	}
	return c.printContacts(list, false)
}

func segmentDelete(c *cli, args []string) error {
	name, err := c.nameArg(c.flags("segment delete"), args, "the segment's name")
	if err != nil {
		return err
	}
	return c.store.DeleteSegment(c.ctx, name)
}

// describeFilter says in words what a filter picks.
func describeFilter(f data.SegmentFilter) string {
	var parts []string
	for _, t := range f.Tags {
		parts = append(parts, "tagged "+t)
	}
	for _, p := range f.Preferences {
		what := strings.TrimSpace(p.Subject + " " + p.Category)
		if p.Value != "" {
			what = strings.TrimSpace(what + " " + p.Value)
		}
		parts = append(parts, what)
	}
	if f.Tier != "" {
		parts = append(parts, "tier "+f.Tier)
	}
	cur := f.Currency
	if f.MinSpendMinor != nil {
		parts = append(parts, strings.TrimSpace("spent at least "+formatAmount(*f.MinSpendMinor, cur)+" "+cur)+" in 12 months")
	}
	if f.MaxSpendMinor != nil {
		parts = append(parts, strings.TrimSpace("spent at most "+formatAmount(*f.MaxSpendMinor, cur)+" "+cur)+" in 12 months")
	}
	if f.SeenWithinDays > 0 {
		parts = append(parts, fmt.Sprintf("seen in the last %d days", f.SeenWithinDays))
	}
	if f.NotSeenDays > 0 {
		parts = append(parts, fmt.Sprintf("not seen for %d days", f.NotSeenDays))
	}
	if f.BirthdayMonth > 0 {
		parts = append(parts, "born in "+time.Month(f.BirthdayMonth).String())
	}
	for _, k := range f.Kinds {
		w := "with a " + k
		if f.KindWithinDays > 0 {
			w += fmt.Sprintf(" in the last %d days", f.KindWithinDays)
		}
		parts = append(parts, w)
	}
	if f.City != "" {
		parts = append(parts, "in "+f.City)
	}
	if len(parts) == 0 {
		return "every client"
	}
	return strings.Join(parts, ", ")
}
