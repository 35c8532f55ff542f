package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// LoyaltySource reads the shop's loyalty programme and a client's points,
// and spends or adjusts them.
type LoyaltySource interface {
	LoyaltyProgramme(ctx context.Context) (data.LoyaltyProgramme, error)
	Loyalty(ctx context.Context, contactID string) (data.LoyaltyStatus, error)
	RedeemReward(ctx context.Context, contactID, reward string) (data.LoyaltyEntry, error)
	AdjustPoints(ctx context.Context, contactID string, points int64, reason string) (data.LoyaltyEntry, error)
}

var _ LoyaltySource = (*data.Store)(nil)

// Icons of the loyalty cards and rows (Material Design, Apache 2.0).
var (
	iconTier = svgIcon("military-tech", "M17 10.43V2H7v8.43c0 .35.18.68.49.86l4.18 2.51-.99 2.34-3.41.29 2.59 2.24L9.07 22 12 20.23 14.93 22l-.78-3.33 2.59-2.24-3.41-.29-.99-2.34 4.18-2.51c.3-.18.48-.5.48-.86zm-4 1.8l-1 .6-1-.6V3h2v9.23z")
	iconGift = svgIcon("card-giftcard", "M20 6h-2.18c.11-.31.18-.65.18-1 0-1.66-1.34-3-3-3-1.05 0-1.96.54-2.5 1.35l-.5.67-.5-.68C10.96 2.54 10.05 2 9 2 7.34 2 6 3.34 6 5c0 .35.07.69.18 1H4c-1.11 0-1.99.89-1.99 2L2 19c0 1.11.89 2 2 2h16c1.11 0 2-.89 2-2V8c0-1.11-.89-2-2-2zm-5-2c.55 0 1 .45 1 1s-.45 1-1 1-1-.45-1-1 .45-1 1-1zM9 4c.55 0 1 .45 1 1s-.45 1-1 1-1-.45-1-1 .45-1 1-1zm11 15H4v-2h16v2zm0-5H4V8h5.08L7 10.83 8.62 12 11 8.76l1-1.36 1 1.36L15.38 12 17 10.83 14.92 8H20v6z")
)

// loyaltyDetails is what the client page's loyalty section shows; nil when
// the shop has no programme, so the section is left out.
type loyaltyDetails struct {
	programme data.LoyaltyProgramme
	status    data.LoyaltyStatus
}

// hasProgramme tells whether the shop runs a loyalty programme at all.
func hasProgramme(p data.LoyaltyProgramme) bool {
	return p.PointsPerUnit > 0 || p.PointsPerReferral > 0 || len(p.Tiers) > 0 || len(p.Rewards) > 0
}

// loadLoyalty reads a client's standing, or nil when there is no programme.
func loadLoyalty(ctx context.Context, st LoyaltySource, contactID string) (*loyaltyDetails, error) {
	p, err := st.LoyaltyProgramme(ctx)
	if err != nil || !hasProgramme(p) {
		return nil, err
	}
	status, err := st.Loyalty(ctx, contactID)
	if err != nil {
		return nil, err
	}
	return &loyaltyDetails{programme: p, status: status}, nil
}

// loyaltySection shows the client's points, tier, progress to the next tier
// and the rewards the points pay for.
func (p *ClientPage) loyaltySection(l *loyaltyDetails) fyne.CanvasObject {
	st, prog := l.status, l.programme
	adjust := smallButton("Adjust points…", theme.DocumentCreateIcon(), p.showAdjustPoints)
	var rows []fyne.CanvasObject

	points := pointsText(st.Balance)
	note := ""
	if st.OwedPoints > 0 {
		// Two computers redeemed the same points while apart; say so plainly.
		points = fmt.Sprintf("owes %s", pointsText(st.OwedPoints))
		note = "the same points were spent twice on two computers; the next purchases pay them back"
	}
	if len(prog.Tiers) > 0 {
		tier := st.Tier
		if tier == "" {
			tier = "no tier yet"
		}
		points += " · " + tier
		note = joinNonEmpty("; ", money(st.SpendMinor, st.Currency)+" spent in the last 12 months", note)
	}
	if len(st.Entries) == 0 && st.SpendMinor > 0 && prog.PointsPerUnit > 0 {
		note = joinNonEmpty("; ", note, "purchases logged before the programme began earn no points")
	}
	rows = append(rows, infoLine(themed(iconTier), points, note))

	if st.NextTier != "" {
		// The bar runs from nothing spent to the next tier's threshold, not
		// from the current tier's: "340 of 1,000" is what staff can say to
		// the client, where "5% of the way from Silver" is not.
		target := st.SpendMinor + st.ToNextTierMinor
		bar := widget.NewProgressBar()
		bar.SetValue(float64(st.SpendMinor) / float64(max(target, 1)))
		// The words go under the bar: on the bar they are white, and
		// unreadable on its pale part in the light look.
		bar.TextFormatter = func() string { return "" }
		rows = append(rows, bar, quiet(fmt.Sprintf("%s of %s toward %s: %s to go",
			strings.TrimSuffix(money(st.SpendMinor, st.Currency), " "+st.Currency), money(target, st.Currency), st.NextTier,
			money(st.ToNextTierMinor, st.Currency))))
	} else if st.Tier != "" {
		rows = append(rows, quiet("The top tier."))
	}

	for _, r := range prog.Rewards {
		if r.CostPoints > st.Balance {
			continue
		}
		redeem := smallButton("Redeem", themed(iconGift), func() { p.confirmRedeem(r) })
		redeem.Importance = widget.MediumImportance
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(redeem),
			infoLine(theme.NewPrimaryThemedResource(iconGift), r.Name, pointsText(r.CostPoints))))
	}
	// The cheapest reward not yet paid for, so staff can say what comes next.
	for _, r := range prog.Rewards {
		if r.CostPoints > st.Balance {
			rows = append(rows, quiet(fmt.Sprintf("Next reward: %s at %s (%d to go).", r.Name, pointsText(r.CostPoints), r.CostPoints-st.Balance)))
			break
		}
	}

	actions := container.NewHBox(adjust)
	if len(st.Entries) > 0 {
		actions.Add(smallButton("", theme.HistoryIcon(), func() { p.showLedger(st.Entries) }))
	}
	return sectionWith("Loyalty", actions, rows...)
}

func pointsText(n int64) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d point", n)
	}
	return fmt.Sprintf("%d points", n)
}

// confirmRedeem asks before spending points: a tap too many would take
// them from the client.
func (p *ClientPage) confirmRedeem(r data.LoyaltyReward) {
	if p.contact == nil {
		return
	}
	d := dialog.NewConfirm("Redeem "+r.Name+"?",
		fmt.Sprintf("%s receives %s for %s.", p.contact.DisplayName, r.Name, pointsText(r.CostPoints)),
		func(ok bool) {
			if ok {
				p.redeem(r)
			}
		}, p.m.win)
	d.SetConfirmText("Redeem")
	d.SetDismissText("Cancel")
	p.m.showDialog(d)
}

func (p *ClientPage) redeem(r data.LoyaltyReward) {
	m, id, name := p.m, p.id, p.contact.DisplayName
	act(m.run, func() error {
		_, err := m.store.RedeemReward(m.ctx, id, r.Name)
		return err
	}, func(err error) {
		if err != nil {
			m.failed(r.Name+" was not redeemed", err)
		} else {
			m.notify(fmt.Sprintf("%s redeemed %s for %s.", name, r.Name, pointsText(r.CostPoints)), "", nil)
		}
		p.Load()
	})
}

// showAdjustPoints adds or takes away points by hand; the reason is kept in
// the ledger beside them, so the shop can tell later why.
func (p *ClientPage) showAdjustPoints() {
	if p.contact == nil {
		return
	}
	m := p.m
	amount := newDialogEntry(m, "50, or -20 to take away")
	reason := newDialogEntry(m, "a goodwill gesture after the late alteration")
	m.editDialog("Adjust the points of "+p.contact.DisplayName, []*widget.FormItem{
		widget.NewFormItem("Points", amount), widget.NewFormItem("Reason", reason),
	}, amount, func() (func() error, error) {
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(amount.Text), "+"), 10, 64)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w points: type a whole number such as 50 or -20", data.ErrInvalid)
		}
		if strings.TrimSpace(reason.Text) == "" {
			return nil, fmt.Errorf("%w reason: say why, so the shop knows later", data.ErrInvalid)
		}
		id, why := p.id, reason.Text
		return func() error {
			_, err := m.store.AdjustPoints(m.ctx, id, n, why)
			return err
		}, nil
	}, p.Load)
}

// showLedger lists every entry of the client's points, newest first.
func (p *ClientPage) showLedger(entries []data.LoyaltyEntry) {
	var lines []string
	for _, e := range entries {
		what := map[string]string{data.PointsFromPurchase: "purchase", data.PointsFromReferral: "referral",
			data.PointsRedeemed: "redeemed " + e.Reward, data.PointsAdjusted: "adjusted: " + e.Reason}[e.Kind]
		line := fmt.Sprintf("%s  %+d  %s", e.At.In(time.Local).Format("2 Jan 2006"), e.Points, what)
		if e.Staff != "" {
			line += " (" + e.Staff + ")"
		}
		lines = append(lines, line)
	}
	label := widget.NewLabel(strings.Join(lines, "\n"))
	scroll := container.NewVScroll(label)
	scroll.SetMinSize(fyne.NewSize(460, min(label.MinSize().Height, 320)))
	p.m.showDialog(dialog.NewCustom("Points of "+p.contact.DisplayName, "Close", scroll, p.m.win))
}

// loyaltyCardKey names a loyalty card on Today by what it says rather than
// by its day: the store dates these cards today, every day, so a key with
// the day would bring a dismissed card back tomorrow. A client who reaches
// the next tier, or whose balance changes, gets a new card.
func loyaltyCardKey(it data.TodayItem) (string, bool) {
	if it.Kind != "tier" && it.Kind != "reward" {
		return "", false
	}
	return it.Kind + ":" + it.ContactID + ":" + it.Detail, true
}

// loyaltyCardAside is how many days Dismiss puts a loyalty card aside: a
// new tier for the two weeks Today shows it; a reward waiting for a week,
// as it keeps waiting until it is taken.
var loyaltyCardAside = map[string]int{"tier": 14, "reward": 7}
