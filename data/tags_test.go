package data

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestTagCounts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []*Contact{
		{Given: "Anna", Tags: []string{"vip", "Bridal"}},
		{Given: "Chidi", Tags: []string{"vip"}},
		{Given: "Mei", Tags: []string{"tourist"}},
		{Given: "Gone", Tags: []string{"gone", "vip"}},
	} {
		if err := s.SaveContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.Given == "Gone" {
			if err := s.DeleteContact(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.TagCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Deleted clients do not count, and a tag only they carry is not offered.
	want := "[{Bridal 1} {tourist 1} {vip 2}]"
	if fmt.Sprint(got) != want {
		t.Errorf("TagCounts = %v, want %v", got, want)
	}
}
