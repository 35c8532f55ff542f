package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"rapport/data"
)

func init() {
	register("loyalty show", "rapport loyalty show ID [--json]", loyaltyShow)
	register("loyalty redeem", "rapport loyalty redeem ID --reward R [--json]", loyaltyRedeem)
	register("loyalty adjust", "rapport loyalty adjust ID --points N --reason S [--json]", loyaltyAdjust)
	register("loyalty programme", "rapport loyalty programme [--currency C] [--points-per-unit N] [--referral-points N]\n"+
		"                    [--tier NAME=AMOUNT]... [--remove-tier NAME]... [--reward NAME=POINTS]... [--remove-reward NAME]...\n"+
		"                    [--award-since DATE] [--json]", loyaltyProgramme)
}

// loyaltyJSON is a client's standing, with amounts also as decimals.
type loyaltyJSON struct {
	data.LoyaltyStatus
	Spend      string             `json:"spend_12_months,omitempty"`
	ToNextTier string             `json:"to_next_tier,omitempty"`
	Entries    []loyaltyEntryJSON `json:"entries"`
}

type loyaltyEntryJSON struct {
	data.LoyaltyEntry
	At time.Time `json:"at"` // in this computer's zone
}

func entryView(e data.LoyaltyEntry, loc *time.Location) loyaltyEntryJSON {
	return loyaltyEntryJSON{LoyaltyEntry: e, At: e.At.In(loc)}
}

func loyaltyView(st data.LoyaltyStatus, loc *time.Location) loyaltyJSON {
	v := loyaltyJSON{LoyaltyStatus: st, Entries: []loyaltyEntryJSON{}}
	if st.Currency != "" {
		v.Spend = formatAmount(st.SpendMinor, st.Currency)
		if st.NextTier != "" {
			v.ToNextTier = formatAmount(st.ToNextTierMinor, st.Currency)
		}
	}
	for _, e := range st.Entries {
		v.Entries = append(v.Entries, entryView(e, loc))
	}
	return v
}

// loyaltyShow prints a client's points, tier, progress and ledger.
func loyaltyShow(c *cli, args []string) error {
	fs := c.flags("loyalty show")
	asJSON := fs.Bool("json", false, "print JSON")
	id, err := c.contactArg(fs, args)
	if err != nil {
		return err
	}
	st, err := c.store.Loyalty(c.ctx, id)
	if err != nil {
		return err
	}
	loc := localLoc()
	if *asJSON {
		return c.printJSON(loyaltyView(st, loc))
	}
	name, _ := c.displayName(id)
	fmt.Fprintln(c.stdout, name)
	c.printBalance(st)
	if st.Currency != "" {
		tier := st.Tier
		if tier == "" {
			tier = "no tier yet"
		}
		line := fmt.Sprintf("Tier: %s (spent %s %s in the last 12 months)", tier, formatAmount(st.SpendMinor, st.Currency), st.Currency)
		if st.NextTier != "" {
			line += fmt.Sprintf("; %s %s more to reach %s (%d%%)", formatAmount(st.ToNextTierMinor, st.Currency), st.Currency, st.NextTier, st.ProgressPercent)
		}
		fmt.Fprintln(c.stdout, line)
	}
	if len(st.Available) > 0 {
		var names []string
		for _, r := range st.Available {
			names = append(names, fmt.Sprintf("%s (%d points)", r.Name, r.CostPoints))
		}
		fmt.Fprintln(c.stdout, "Rewards available: "+strings.Join(names, ", "))
	}
	if len(st.Entries) > 0 {
		fmt.Fprintln(c.stdout, "Ledger:")
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, e := range st.Entries {
			what := e.Kind
			switch {
			case e.Reward != "":
				what += " " + e.Reward
			case e.Reason != "":
				what += ": " + e.Reason
			}
			fmt.Fprintf(tw, "  %s\t%+d\t%s\n", e.At.In(loc).Format("2006-01-02 15:04"), e.Points, what)
		}
		tw.Flush()
	}
	return nil
}

func (c *cli) printBalance(st data.LoyaltyStatus) {
	if st.OwedPoints > 0 {
		// Two computers redeemed the same points before they synced.
		fmt.Fprintf(c.stdout, "Points: %d (owes %d points: redeemed on two computers at once; later purchases pay them back)\n", st.Balance, st.OwedPoints)
		return
	}
	fmt.Fprintf(c.stdout, "Points: %d\n", st.Balance)
}

// contactArg parses a command taking one client's ID, opens the store and
// resolves the ID to a live client.
func (c *cli) contactArg(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return "", err
	}
	if err := c.open(); err != nil {
		return "", err
	}
	return c.liveContact(pos[0])
}

// loyaltyRedeem gives a client a reward for points and prints the new balance.
func loyaltyRedeem(c *cli, args []string) error {
	fs := c.flags("loyalty redeem")
	reward := fs.String("reward", "", "the reward's name, as the programme lists it")
	asJSON := fs.Bool("json", false, "print the ledger entry as JSON")
	id, err := c.contactArg(fs, args)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*reward) == "" {
		return usageError{"--reward is needed"}
	}
	e, err := c.store.RedeemReward(c.ctx, id, *reward)
	if err != nil {
		return err
	}
	return c.printEntry(id, e, *asJSON)
}

// loyaltyAdjust adds or takes away points by hand, with a reason.
func loyaltyAdjust(c *cli, args []string) error {
	fs := c.flags("loyalty adjust")
	points := fs.Int64("points", 0, "points to add, or to take away when negative")
	reason := fs.String("reason", "", "why, as the ledger will show it")
	asJSON := fs.Bool("json", false, "print the ledger entry as JSON")
	id, err := c.contactArg(fs, args)
	if err != nil {
		return err
	}
	if *points == 0 || strings.TrimSpace(*reason) == "" {
		return usageError{"--points (not 0) and --reason are needed"}
	}
	e, err := c.store.AdjustPoints(c.ctx, id, *points, *reason)
	if err != nil {
		return err
	}
	return c.printEntry(id, e, *asJSON)
}

func (c *cli) printEntry(id string, e data.LoyaltyEntry, asJSON bool) error {
	if asJSON {
		return c.printJSON(entryView(e, localLoc()))
	}
	st, err := c.store.Loyalty(c.ctx, id)
	if err != nil {
		return err
	}
	c.printBalance(st)
	return nil
}

// loyaltyProgramme shows the shop's programme, or changes what the flags say
// and shows the result.
func loyaltyProgramme(c *cli, args []string) error {
	fs := c.flags("loyalty programme")
	cur := fs.String("currency", "", "the currency points are earned in and tiers are measured in (default $RAPPORT_CURRENCY, else the locale's)")
	perUnit := fs.Int64("points-per-unit", 0, "points for each whole unit of the currency spent (1: a point per euro)")
	perReferral := fs.Int64("referral-points", 0, "points for the client who referred someone")
	var tiers, removeTiers, rewards, removeRewards stringList
	fs.Var(&tiers, "tier", `a tier and the spend over 12 months that reaches it: "Gold=500" (repeatable)`)
	fs.Var(&removeTiers, "remove-tier", "a tier to remove (repeatable)")
	fs.Var(&rewards, "reward", `a reward and its cost in points: "Scarf=100" (repeatable)`)
	fs.Var(&removeRewards, "remove-reward", "a reward to remove (repeatable)")
	awardSince := fs.String("award-since", "", "give the points for purchases and referrals logged from DATE on that earned none (those from before the programme)")
	asJSON := fs.Bool("json", false, "print the programme as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := c.open(); err != nil {
		return err
	}
	p, err := c.store.LoyaltyProgramme(c.ctx)
	if err != nil {
		return err
	}
	var since data.Date
	if *awardSince != "" {
		if since, err = data.ParseDate(*awardSince); err != nil || since.Year == 0 {
			return usageError{fmt.Sprintf("--award-since %q: want YYYY-MM-DD", *awardSince)}
		}
		delete(set, "award-since")
	}
	changed := len(set) > 0 && !(len(set) == 1 && set["json"])
	if set["currency"] {
		p.Currency = strings.ToUpper(strings.TrimSpace(*cur))
	}
	if changed && p.Currency == "" {
		if p.Currency = defaultCurrency(c.store.Region); p.Currency == "" {
			return fmt.Errorf("%w loyalty programme: give its --currency, such as EUR", data.ErrInvalid)
		}
	}
	if set["points-per-unit"] {
		p.PointsPerUnit = *perUnit
	}
	if set["referral-points"] {
		p.PointsPerReferral = *perReferral
	}
	for _, name := range removeTiers {
		if p.Tiers, err = removeNamed(p.Tiers, name, func(t data.LoyaltyTier) string { return t.Name }); err != nil {
			return fmt.Errorf("tier %w", err)
		}
	}
	for _, name := range removeRewards {
		if p.Rewards, err = removeNamed(p.Rewards, name, func(r data.LoyaltyReward) string { return r.Name }); err != nil {
			return fmt.Errorf("reward %w", err)
		}
	}
	for _, t := range tiers {
		name, amount, ok := strings.Cut(t, "=")
		if !ok {
			return usageError{fmt.Sprintf("--tier %q: want NAME=AMOUNT, such as Gold=500", t)}
		}
		minor, err := parseAmount(amount, currencyScale(p.Currency))
		if err != nil {
			return fmt.Errorf("tier %s: %w", name, err)
		}
		p.Tiers, _ = removeNamed(p.Tiers, name, func(t data.LoyaltyTier) string { return t.Name })
		p.Tiers = append(p.Tiers, data.LoyaltyTier{Name: strings.TrimSpace(name), ThresholdMinor: minor})
	}
	for _, r := range rewards {
		name, cost, ok := strings.Cut(r, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(cost), 10, 64)
		if !ok || err != nil {
			return usageError{fmt.Sprintf("--reward %q: want NAME=POINTS, such as Scarf=100", r)}
		}
		p.Rewards, _ = removeNamed(p.Rewards, name, func(r data.LoyaltyReward) string { return r.Name })
		p.Rewards = append(p.Rewards, data.LoyaltyReward{Name: strings.TrimSpace(name), CostPoints: n})
	}
	if changed {
		if err := c.store.SaveLoyaltyProgramme(c.ctx, p); err != nil {
			return err
		}
		if p, err = c.store.LoyaltyProgramme(c.ctx); err != nil {
			return err
		}
	}
	if *awardSince != "" {
		n, err := c.store.AwardPastPoints(c.ctx, midnight(since, localLoc()))
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "gave points for %d purchases and referrals logged since %s\n", n, since)
	}
	if *asJSON {
		return c.printJSON(p)
	}
	if p.Currency == "" && len(p.Rewards) == 0 && p.PointsPerReferral == 0 {
		fmt.Fprintln(c.stdout, "No loyalty programme yet; set one with rapport loyalty programme --currency EUR --points-per-unit 1 ...")
		return nil
	}
	fmt.Fprintf(c.stdout, "Points: %d per %s spent, %d for a referral\n", p.PointsPerUnit, p.Currency, p.PointsPerReferral)
	for _, t := range p.Tiers {
		fmt.Fprintf(c.stdout, "Tier %s: from %s %s spent in 12 months\n", t.Name, formatAmount(t.ThresholdMinor, p.Currency), p.Currency)
	}
	for _, r := range p.Rewards {
		fmt.Fprintf(c.stdout, "Reward %s: %d points\n", r.Name, r.CostPoints)
	}
	return nil
}

// removeNamed drops the item called name (case and spacing aside).
func removeNamed[T any](items []T, name string, nameOf func(T) string) ([]T, error) {
	key := strings.ToLower(strings.Join(strings.Fields(name), " "))
	for i, it := range items {
		if strings.ToLower(strings.Join(strings.Fields(nameOf(it)), " ")) == key {
			return append(items[:i:i], items[i+1:]...), nil
		}
	}
	return items, fmt.Errorf("%q: %w", name, data.ErrNotFound)
}
