package data

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestTopClients(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	spend := map[string][]int64{"Anna": {12000, 3000}, "Chidi": {50000}, "Mei": {}, "Gone": {90000}, "Yen": {0}}
	ids := map[string]string{}
	for _, name := range []string{"Anna", "Chidi", "Mei", "Gone", "Yen"} {
		c := &Contact{Given: name}
		if err := s.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids[name] = c.ID
		for i, amount := range spend[name] {
			cur := "EUR"
			if name == "Yen" {
				cur, amount = "JPY", 500000
			}
			if err := s.LogInteraction(ctx, &Interaction{ContactID: c.ID, Kind: "purchase", At: at.AddDate(0, i, 0), AmountMinor: amount, Currency: cur}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.DeleteContact(ctx, ids["Gone"]); err != nil {
		t.Fatal(err)
	}
	got, err := s.TopClients(ctx, "EUR", 5)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tc := range got {
		names = append(names, fmt.Sprintf("%s %d/%d", tc.DisplayName, tc.SpendMinor, tc.Purchases))
	}
	// Most spent first; deleted clients, other currencies and no spend left out.
	if want := "[Chidi 50000/1 Anna 15000/2]"; fmt.Sprint(names) != want {
		t.Errorf("TopClients = %v, want %v", names, want)
	}
}
