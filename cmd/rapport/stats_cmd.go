package main

import (
	"fmt"
	"sort"
	"strings"
)

func init() {
	register("stats", "rapport stats [--json]", statsCmd)
}

// statsCmd prints the shop's totals and its last twelve months.
func statsCmd(c *cli, args []string) error {
	fs := c.flags("stats")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	st, err := c.store.ShopStats(c.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(st)
	}
	tw := c.table()
	clients := fmt.Sprint(st.Clients)
	if st.Deleted > 0 {
		clients += fmt.Sprintf(" (and %d recently deleted)", st.Deleted)
	}
	fmt.Fprintf(tw, "Clients\t%s\n", clients)
	fmt.Fprintf(tw, "Timeline entries\t%d\n", st.Interactions)
	fmt.Fprintf(tw, "Appointments\t%d\n", st.Appointments)
	fmt.Fprintf(tw, "Open tasks\t%d\n", st.OpenTasks)
	fmt.Fprintf(tw, "Important dates\t%d\n", st.ImportantDates)
	if len(st.Tags) > 0 {
		names := make([]string, 0, len(st.Tags))
		for n := range st.Tags {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			if st.Tags[names[i]] != st.Tags[names[j]] {
				return st.Tags[names[i]] > st.Tags[names[j]]
			}
			return strings.ToLower(names[i]) < strings.ToLower(names[j])
		})
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprintf("%s %d", n, st.Tags[n])
		}
		fmt.Fprintf(tw, "Tags\t%s\n", strings.Join(parts, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(st.Months) == 0 {
		return nil
	}
	fmt.Fprintln(c.stdout)
	tw = c.table()
	fmt.Fprintln(tw, "Month\tVisits\tPurchases\tRevenue\tNew clients\tComplaints\tRating")
	for _, m := range st.Months {
		curs := make([]string, 0, len(m.Revenue))
		for cur := range m.Revenue {
			curs = append(curs, cur)
		}
		sort.Strings(curs)
		revenue := make([]string, 0, len(curs))
		for _, cur := range curs {
			revenue = append(revenue, money(m.Revenue[cur], cur))
		}
		rating := ""
		if m.AvgRating > 0 {
			rating = fmt.Sprintf("%.1f", m.AvgRating)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%s\n", m.Month, m.Visits, m.Purchases, joinNonEmpty(", ", revenue...), m.NewClients, m.Complaints, rating)
	}
	return tw.Flush()
}
