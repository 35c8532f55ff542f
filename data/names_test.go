package data

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestDisplayNames(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	anna, gone := &Contact{Given: "Anna", Family: "Berg"}, &Contact{Given: "Gone", Family: "Away"}
	for _, c := range []*Contact{anna, gone, {Given: "Mei"}} {
		if err := s.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteContact(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("KnownDeletedAndUnknown", func(t *testing.T) {
		got, err := s.DisplayNames(ctx, []string{anna.ID, gone.ID, "no-such-id", anna.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(map[string]string{anna.ID: "Anna Berg", gone.ID: "Gone Away"})
		if fmt.Sprint(got) != want {
			t.Errorf("DisplayNames = %v, want %v", got, want)
		}
	})
	t.Run("None", func(t *testing.T) {
		got, err := s.DisplayNames(ctx, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("DisplayNames(nil) = %v, %v", got, err)
		}
	})
}
