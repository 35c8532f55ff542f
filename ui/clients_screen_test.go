package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rapport/data"
)

// fakeClients stands in for the store: it answers from a slice and records
// which pages were asked for.
type fakeClients struct {
	clients []data.ContactSummary
	queries []data.ListQuery
}

func (f *fakeClients) ListContacts(_ context.Context, q data.ListQuery) ([]data.ContactSummary, error) {
	f.queries = append(f.queries, q)
	if q.Offset >= len(f.clients) {
		return nil, nil
	}
	return f.clients[q.Offset:min(q.Offset+q.Limit, len(f.clients))], nil
}

func (f *fakeClients) CountContacts(context.Context, string) (int, error) {
	return len(f.clients), nil
}

func generatedClients(n int) []data.ContactSummary {
	out := make([]data.ContactSummary, n)
	for i := range out {
		out[i] = data.ContactSummary{
			ID:          fmt.Sprintf("id-%04d", i),
			DisplayName: fmt.Sprintf("Client %04d", i),
			Email:       fmt.Sprintf("client%04d@example.com", i),
		}
	}
	return out
}

// newTestScreen opens the screen in a test window. Store work is queued instead
// of run in goroutines, and run() performs it, so the test decides when the
// answers arrive and nothing races.
func newTestScreen(t *testing.T, src ClientSource) (s *ClientsScreen, w fyne.Window, run func()) {
	t.Helper()
	test.NewTempApp(t)
	var queue []func()
	s = NewClientsScreen(src)
	s.background = func(f func()) { queue = append(queue, f) }
	w = test.NewWindow(s.content())
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(800, 600))
	run = func() {
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			f()
		}
	}
	s.Load()
	return s, w, run
}

// shownTexts is every text the window shows, in layout order; hidden objects
// and everything inside them are left out.
func shownTexts(w fyne.Window) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.RichText:
			out = append(out, o.String())
		case *fyne.Container:
			for _, child := range o.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(o).Objects() {
				walk(child)
			}
		}
	}
	walk(w.Content())
	return out
}

func contains(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}

func TestClientsScreen(t *testing.T) {
	t.Run("ShowsRowsAndCount", func(t *testing.T) {
		src := &fakeClients{clients: []data.ContactSummary{
			{ID: "1", DisplayName: "Anna Berg", Organization: "Berg & Co", Email: "anna@berg.example", Phone: "+46 70 123 45 67"},
			{ID: "2", DisplayName: "Chidi Okafor", Email: "chidi@example.com"},
			{ID: "3", DisplayName: "Mei Tanaka", Phone: "090-1234-5678"},
		}}
		s, w, run := newTestScreen(t, src)
		if got := s.count.String(); got != "Loading…" {
			t.Errorf("count before loading = %q, want Loading…", got)
		}
		run()

		texts := shownTexts(w)
		for _, want := range []string{"3 clients", "Anna Berg", "Berg & Co", "anna@berg.example", "+46 70 123 45 67", "Chidi Okafor", "Mei Tanaka", "090-1234-5678"} {
			if !contains(texts, want) {
				t.Errorf("window does not show %q; it shows %q", want, texts)
			}
		}
		if contains(texts, "No clients yet") {
			t.Errorf("empty state shown beside %d clients", len(src.clients))
		}
	})

	t.Run("ShowsEmptyState", func(t *testing.T) {
		src := &fakeClients{}
		_, w, run := newTestScreen(t, src)
		run()

		texts := shownTexts(w)
		if !contains(texts, "No clients yet — add one with New client (Ctrl+N), or bring your contacts in with Import") {
			t.Errorf("empty state missing; window shows %q", texts)
		}
		if !contains(texts, "No clients") {
			t.Errorf("count missing; window shows %q", texts)
		}
		if len(src.queries) != 0 {
			t.Errorf("listed clients %v for an empty store", src.queries)
		}
	})

	t.Run("LoadsPagesOnDemand", func(t *testing.T) {
		src := &fakeClients{clients: generatedClients(450)}
		s, w, run := newTestScreen(t, src)
		run()

		want := []data.ListQuery{{Offset: 0, Limit: clientsPageSize}}
		if fmt.Sprint(src.queries) != fmt.Sprint(want) {
			t.Fatalf("queries after opening = %v, want %v", src.queries, want)
		}
		if texts := shownTexts(w); !contains(texts, "450 clients") || !contains(texts, "Client 0000") {
			t.Errorf("window shows %q, want the count and the first client", texts)
		}

		s.list.ScrollTo(440)
		run()
		want = append(want, data.ListQuery{Offset: 400, Limit: clientsPageSize})
		if fmt.Sprint(src.queries) != fmt.Sprint(want) {
			t.Errorf("queries after scrolling to the end = %v, want %v (only the pages in view, once each)", src.queries, want)
		}
		if texts := shownTexts(w); !contains(texts, "Client 0440") {
			t.Errorf("window shows %q after scrolling, want Client 0440", texts)
		}
	})

	t.Run("ShowsLoadError", func(t *testing.T) {
		_, w, run := newTestScreen(t, failingClients{})
		run()
		if texts := shownTexts(w); !contains(texts, "The clients could not be loaded: database is locked.") {
			t.Errorf("window shows %q, want the error", texts)
		}
	})
}

type failingClients struct{}

func (failingClients) ListContacts(context.Context, data.ListQuery) ([]data.ContactSummary, error) {
	return nil, fmt.Errorf("database is locked")
}

func (failingClients) CountContacts(context.Context, string) (int, error) {
	return 0, fmt.Errorf("database is locked")
}

// TestDeletedClientEditedElsewhere: the recently deleted list says when a
// deleted client was edited after the deletion, so the owner knows a restore
// brings that edit back.
func TestDeletedClientEditedElsewhere(t *testing.T) {
	row := newClientRow().(*clientRow)
	row.show(data.ContactSummary{DisplayName: "Anna Keller", EditedAfterDeletion: time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)})
	if got := row.organization.String(); !strings.Contains(got, "edited on Thu 12 Mar 2026 after deletion") {
		t.Fatalf("the row says %q", got)
	}
}
