package data

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmarks run on a generated shop (GenerateShop) of -rapport.clients
// clients, 100,000 by default, bulk-loaded once per run of the test binary
// into a temporary folder; -rapport.db keeps that database in a file of your
// choosing, and reuses it when it exists, to skip the load on later runs:
//
//	go test -run '^$' -bench . -benchtime 200x ./data
//	go test -run '^$' -bench Search ./data -rapport.clients 20000
//	go test -run '^$' -bench Search ./data -args -rapport.db=shop-100k.db
//
// Nothing is built unless a benchmark runs.
var (
	benchClients = flag.Int("rapport.clients", 100_000, "number of clients of the benchmarks' shop")
	benchDBFlag  = flag.String("rapport.db", "", "database file for the benchmarks' shop, reused when it exists")
)

// benchNow is the benchmarks' clock: the shop is generated up to it and the
// views look at it.
var benchNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

var bench struct {
	dataOnce  sync.Once
	data      *ShopData
	storeOnce sync.Once
	store     *Store
	err       error
	tmp       string // removed when the test binary ends
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.store != nil {
		bench.store.Close()
	}
	if bench.tmp != "" {
		os.RemoveAll(bench.tmp)
	}
	os.Exit(code)
}

// benchData is the generated shop, made once.
func benchData() *ShopData {
	bench.dataOnce.Do(func() { bench.data = GenerateShop(1, *benchClients, benchNow) })
	return bench.data
}

func benchTempDir(b *testing.B) string {
	b.Helper()
	if bench.tmp == "" {
		dir, err := os.MkdirTemp("", "rapport-bench-")
		if err != nil {
			b.Fatal(err)
		}
		bench.tmp = dir
	}
	dir, err := os.MkdirTemp(bench.tmp, "")
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

func openBenchStore(ctx context.Context, path string) (*Store, error) {
	s, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	s.Now = func() time.Time { return benchNow }
	s.Region = "DE"
	return s, nil
}

// benchStore is the shop's database, loaded once per run.
func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.storeOnce.Do(func() {
		ctx := context.Background()
		path := *benchDBFlag
		if path == "" {
			path = filepath.Join(benchTempDir(b), "rapport.db")
		}
		_, statErr := os.Stat(path)
		s, err := openBenchStore(ctx, path)
		if err != nil {
			bench.err = err
			return
		}
		bench.store = s
		if statErr == nil {
			if n, _ := s.CountContacts(ctx, ""); n > 0 {
				b.Logf("benchmarks on the %d clients of %s", n, path)
				return
			}
		}
		start := time.Now()
		bench.err = s.BulkLoad(ctx, benchData())
		b.Logf("loaded %d clients in %v into %s", *benchClients, time.Since(start).Round(time.Millisecond), path)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.store
}

// BenchmarkBulkLoad loads the generated shop into a new database:
// "clients" with their methods, tags and birthdays only, "shop" with their
// whole timeline too. One operation is one load of every client.
func BenchmarkBulkLoad(b *testing.B) {
	full := benchData()
	for _, tc := range []struct {
		name string
		data func() *ShopData
	}{
		{"clients", func() *ShopData { return &ShopData{Contacts: full.Contacts} }},
		{"shop", func() *ShopData { return full }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			d := tc.data()
			b.ReportAllocs()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := benchTempDir(b)
				s, err := openBenchStore(ctx, filepath.Join(dir, "rapport.db"))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if err := s.BulkLoad(ctx, d); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				s.Close()
				os.RemoveAll(dir)
				b.StartTimer()
			}
			b.ReportMetric(float64(len(d.Contacts)*b.N)/total.Seconds(), "clients/s")
			b.ReportMetric(total.Seconds()/float64(b.N), "s/load")
		})
	}
}

// timed runs fn b.N times and reports the median and 99th percentile.
func timed(b *testing.B, fn func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	took := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	ms := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

func benchSearch(b *testing.B, query string) {
	s := benchStore(b)
	ctx := context.Background()
	var matches int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM contact_search WHERE contact_search MATCH ?", ftsQuery(query)).Scan(&matches); err != nil {
		b.Fatal(err)
	}
	var got int
	timed(b, func() error {
		r, err := s.Search(ctx, query, 50)
		got = len(r)
		return err
	})
	if got == 0 {
		b.Fatalf("search %q found nothing", query)
	}
	b.ReportMetric(float64(matches), "matches")
}

// BenchmarkSearchBroad searches for 3-letter prefixes that match a great
// many clients.
func BenchmarkSearchBroad(b *testing.B) {
	for _, q := range []string{"mar", "sch", "ann", "ber"} {
		b.Run(q, func(b *testing.B) { benchSearch(b, q) })
	}
}

// BenchmarkSearchSelective searches for what finds a few clients: a full
// surname (a rare one and a common one), a run of phone digits, an e-mail.
func BenchmarkSearchSelective(b *testing.B) {
	d := benchData()
	holders := map[string]int{}
	for _, c := range d.Contacts {
		if c.Family != "" && !strings.ContainsAny(c.Family, " -'") { // one word
			holders[c.Family]++
		}
	}
	names := make([]string, 0, len(holders))
	for n := range holders {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if holders[names[i]] != holders[names[j]] {
			return holders[names[i]] < holders[names[j]]
		}
		return names[i] < names[j]
	})
	var email string
	for _, c := range d.Contacts[len(d.Contacts)/3:] {
		if len(c.Emails) > 0 {
			email = c.Emails[0].Address
			break
		}
	}
	for _, tc := range []struct{ name, query string }{
		{"rare-surname", names[0]},
		{"surname", names[len(names)/2]},
		{"phone", "1234567"},
		{"email", email},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.Logf("query %q", tc.query)
			benchSearch(b, tc.query)
		})
	}
}

// BenchmarkListContacts reads a page of 200 clients halfway down the list.
func BenchmarkListContacts(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	offset := min(50_000, *benchClients/2)
	timed(b, func() error {
		page, err := s.ListContacts(ctx, ListQuery{Offset: offset, Limit: 200})
		if err == nil && len(page) != 200 {
			err = fmt.Errorf("page of %d clients", len(page))
		}
		return err
	})
}

// BenchmarkToday gathers what needs attention in the next 7 days.
func BenchmarkToday(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var items int
	timed(b, func() error {
		list, err := s.Today(ctx, 7)
		items = len(list)
		return err
	})
	b.ReportMetric(float64(items), "items")
}
