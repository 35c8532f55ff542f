package ui

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rapport/data"
)

var (
	benchClients = flag.Int("rapport.clients", 2000, "clients in the generated shop of the benchmarks")
	benchDB      = flag.String("rapport.db", "", "database file for the benchmarks, kept between runs (generated when empty)")
)

// benchWindow opens the main window on a generated shop, with store work
// run at once so that a benchmark times the whole cycle: query, answer,
// widgets refreshed.
func benchWindow(b *testing.B) *MainWindow {
	b.Helper()
	ctx := context.Background()
	path := *benchDB
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := data.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if n, err := st.CountContacts(ctx, ""); err != nil {
		b.Fatal(err)
	} else if n == 0 {
		st.Region = "DE"
		if err := st.LoadDemo(ctx, 1, *benchClients); err != nil {
			b.Fatal(err)
		}
	}
	a := test.NewTempApp(b)
	m := NewMainWindow(a, st, Options{Currency: "EUR", Zone: "UTC", run: func(f func()) { f() }})
	m.Window().Resize(fyne.NewSize(1200, 800))
	b.Cleanup(m.Window().Close)
	return m
}

// BenchmarkSearchToList is one keystroke in the clients' search box: the
// search, the answer handed back, and the list redrawn.
func BenchmarkSearchToList(b *testing.B) {
	m := benchWindow(b)
	m.show(screenClients)
	queries := []string{"mar", "berg", "0176", "gmail", "vip", "ma"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.clients.search.SetText(queries[i%len(queries)])
	}
	b.StopTimer()
	if len(m.clients.found) == 0 {
		b.Fatalf("the last search found nothing")
	}
}

// BenchmarkScreens builds each screen and loads it, as the rail does the
// first time a screen is chosen.
func BenchmarkScreens(b *testing.B) {
	m := benchWindow(b)
	var someone string
	if rows, err := m.store.ListContacts(m.ctx, data.ListQuery{Limit: 1}); err == nil && len(rows) > 0 {
		someone = rows[0].ID
	}
	builds := []struct {
		name  string
		build func() screen
	}{
		{screenToday, func() screen { return NewTodayScreen(m) }},
		{screenClients, func() screen {
			s := NewClientsScreen(m.store)
			s.background = m.run
			return s
		}},
		{screenAppointments, func() screen { return NewAgendaScreen(m) }},
		{screenTasks, func() screen { return NewTasksScreen(m) }},
		{screenReports, func() screen { return NewReportsScreen(m) }},
		{screenSettings, func() screen { return NewSettingsScreen(m) }},
		{"Client page", func() screen { return NewClientPage(m, someone, func() {}) }},
	}
	for _, bs := range builds {
		b.Run(bs.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s := bs.build()
				m.Window().SetContent(s.content())
				s.Load()
			}
		})
	}
}
