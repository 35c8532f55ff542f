package ui

import (
	"context"
	"testing"
)

func TestClientHistoryShowsAnEdit(t *testing.T) {
	shop := newTestShop(t)
	ctx := context.Background()
	shop.store.Staff = "Eva"
	anna, err := shop.store.Contact(ctx, shop.anna)
	if err != nil {
		t.Fatal(err)
	}
	anna.Family = "Lind"
	if err := shop.store.SaveContact(ctx, anna); err != nil {
		t.Fatal(err)
	}
	m, w := newTestWindow(t, shop)
	m.openClient(shop.anna)
	p := m.client
	if contains(textsOf(w.Content()), "family: Berg → Lind") {
		t.Fatal("the history shows before its tab is chosen")
	}
	p.tabs.SelectIndex(1)
	requireShown(t, w, "Client changed", "family: Berg → Lind")
	// Newest first: the change comes before the creation.
	changed, created := -1, -1
	for i, l := range p.history.lines {
		if l.heading && historyTitle(l.entry) == "Client changed" && changed < 0 {
			changed = i
		}
		if l.heading && historyTitle(l.entry) == "Client created" {
			created = i
		}
	}
	if changed < 0 || created < 0 || changed > created {
		t.Errorf("change at line %d, creation at line %d; want the change first", changed, created)
	}
	heading := historyWhoWhere(p.history.lines[changed].entry)
	for _, want := range []string{"by Eva", "on this computer"} {
		if !contains([]string{heading}, want) {
			t.Errorf("the change's heading %q does not say %q", heading, want)
		}
	}

	t.Run("ReloadsAfterAnEditOnThePage", func(t *testing.T) {
		anna.Nickname = "Annie"
		if err := shop.store.SaveContact(ctx, anna); err != nil {
			t.Fatal(err)
		}
		p.Load()
		requireShown(t, w, "nickname: (empty) → Annie")
	})
}
