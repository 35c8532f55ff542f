package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rapport/data"
)

// withProgramme sets the shop's loyalty programme: a point per euro, Silver
// from 100 EUR, Gold from 500 EUR, a scarf for 50 points and a bag for 500.
func withProgramme(t *testing.T, shop *testShop) {
	t.Helper()
	err := shop.store.SaveLoyaltyProgramme(context.Background(), data.LoyaltyProgramme{Currency: "EUR", PointsPerUnit: 1,
		Tiers:   []data.LoyaltyTier{{Name: "Silver", ThresholdMinor: 10000}, {Name: "Gold", ThresholdMinor: 50000}},
		Rewards: []data.LoyaltyReward{{Name: "Scarf", CostPoints: 50}, {Name: "Bag", CostPoints: 500}}})
	if err != nil {
		t.Fatal(err)
	}
}

func logPurchase(t *testing.T, shop *testShop, contactID string, minor int64) {
	t.Helper()
	err := shop.store.LogInteraction(context.Background(), &data.Interaction{ContactID: contactID, Kind: "purchase",
		At: testNow.AddDate(0, 0, -1), AmountMinor: minor, Currency: "EUR", Summary: "silk dress"})
	if err != nil {
		t.Fatal(err)
	}
}

func balance(t *testing.T, shop *testShop, contactID string) int64 {
	t.Helper()
	st, err := shop.store.Loyalty(context.Background(), contactID)
	if err != nil {
		t.Fatal(err)
	}
	return st.Balance
}

func TestLoyaltySectionHiddenWithoutAProgramme(t *testing.T) {
	shop := newTestShop(t)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	requireShown(t, w, "Anna Berg", "Consent")
	if contains(textsOf(w.Content()), "Adjust points…") {
		t.Errorf("the client page shows a loyalty section though the shop has no programme")
	}
}

func TestLoyaltySection(t *testing.T) {
	shop := newTestShop(t)
	withProgramme(t, shop)
	logPurchase(t, shop, shop.anna, 12000)
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	requireShown(t, w, "Loyalty", "120 points · Silver", "120.00 EUR spent in the last 12 months",
		"120.00 of 500.00 EUR toward Gold: 380.00 EUR to go", "Scarf", "Redeem", "Next reward: Bag", "Adjust points…")
	if contains(textsOf(w.Content()), "Bag") && findButton(w.Content(), "Redeem") == nil {
		t.Fatal("no Redeem button")
	}

	t.Run("RedeemLowersTheBalance", func(t *testing.T) {
		test.Tap(findButton(w.Content(), "Redeem"))
		var confirm fyne.CanvasObject
		for _, o := range w.Canvas().Overlays().List() {
			if b := findButton(o, "Redeem"); b != nil {
				confirm = b
			}
		}
		if confirm == nil {
			t.Fatalf("no confirmation asked; dialogs show %q", dialogTexts(w))
		}
		test.Tap(confirm.(fyne.Tappable))
		if got := balance(t, shop, shop.anna); got != 70 {
			t.Errorf("balance after redeeming the scarf is %d, want 70", got)
		}
		requireShown(t, w, "70 points · Silver")
	})

	t.Run("AdjustWithAReason", func(t *testing.T) {
		m.client.showAdjustPoints()
		texts := dialogTexts(w)
		if !contains(texts, "Adjust the points of Anna Berg") {
			t.Fatalf("dialogs show %q", texts)
		}
		entries := dialogEntries(w)
		if len(entries) != 2 {
			t.Fatalf("the adjust dialog has %d entries, want points and reason", len(entries))
		}
		test.Type(entries[0], "-20")
		entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if !contains(dialogTexts(w), "Say why") {
			t.Errorf("an adjustment without a reason was not refused in words: %q", dialogTexts(w))
		}
		for _, o := range w.Canvas().Overlays().List() {
			if b := findButton(o, "OK"); b != nil {
				test.Tap(b)
			}
		}
		test.Type(entries[1], "scarf returned")
		entries[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if got := balance(t, shop, shop.anna); got != 50 {
			t.Errorf("balance after taking 20 away is %d, want 50", got)
		}
		requireShown(t, w, "50 points · Silver")
	})
}

func TestTodayShowsLoyalty(t *testing.T) {
	shop := newTestShop(t)
	withProgramme(t, shop)
	logPurchase(t, shop, shop.chidi, 15000)
	m, w := newTestWindow(t, shop)
	m.show(screenToday)
	requireShown(t, w, "Loyalty: new tiers and rewards waiting (2)", "reached Silver", "150 points: Scarf")
	item := findTodayItem(t, m, "tier")
	if item.ContactID != shop.chidi {
		t.Errorf("the tier card is about %q, want Chidi", item.DisplayName)
	}

	t.Run("DismissedStaysAsideTheNextDay", func(t *testing.T) {
		m.today.onDone(item)
		// The rows, not every text: the notice offering Undo names the card.
		for _, r := range m.today.rows {
			if r.item.Kind == "tier" {
				t.Fatal("the dismissed tier card is still on Today")
			}
		}
		// The store dates the card today, whatever the day: tomorrow's card
		// carries tomorrow's date.
		shop.store.Now = func() time.Time { return testNow.AddDate(0, 0, 1) }
		defer func() { shop.store.Now = func() time.Time { return testNow } }()
		tomorrow := NewMainWindow(m.app, shop.store, Options{Now: func() time.Time { return testNow.AddDate(0, 0, 1) }, run: m.run})
		defer tomorrow.Window().Close()
		tomorrow.show(screenToday)
		for _, r := range tomorrow.today.rows {
			if r.item.Kind == "tier" {
				t.Errorf("the next day Today shows the dismissed tier card again")
			}
		}
	})
}

// dialogEntries are the text boxes of the open dialogs, in layout order.
func dialogEntries(w fyne.Window) []*dialogEntry {
	var out []*dialogEntry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *dialogEntry:
			out = append(out, v)
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}
	for _, o := range w.Canvas().Overlays().List() {
		walk(o)
	}
	return out
}
