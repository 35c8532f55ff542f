package fileshare

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rapport/data"
)

// The benchmarks sync a generated shop (data.LoadDemo) of -sync.clients
// clients, about twenty operations each, through a folder on disk:
//
//	go test -run '^$' -bench . -benchtime 1x ./sync/fileshare -args -sync.clients 100000
var benchClients = flag.Int("sync.clients", 300, "number of clients of the sync benchmarks' shop")

// benchShare is a share on which computer "a" published a whole shop, wrote
// a snapshot and cleaned up, as a share in use for a while looks.
type benchShare struct {
	dir    string
	folder *FolderShare
	clock  *testClock
	a      *computer
	ops    int64
}

func newBenchShare(b *testing.B) *benchShare {
	b.Helper()
	ctx := context.Background()
	s := &benchShare{dir: b.TempDir(), clock: newTestClock()}
	s.folder = NewFolderShare(filepath.Join(s.dir, "share"))
	os.MkdirAll(filepath.Join(s.dir, "share"), 0o700)
	s.a = openComputer(b, s.dir, "a", s.folder, s.clock)
	s.a.store.Region = "DE"
	if err := s.a.store.LoadDemo(ctx, 1, *benchClients); err != nil {
		b.Fatal(err)
	}
	s.ops, _ = s.a.store.OutboxLast(ctx)
	s.a.cycle(b)
	// A week on: the snapshot is due, and a week after it the segments go.
	for range 3 {
		s.clock.Advance(8 * 24 * time.Hour)
		s.a.cycle(b)
	}
	return s
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkJoin is a new computer joining the share: snapshot, then the
// segments after it, into its own database.
func BenchmarkJoin(b *testing.B) {
	s := newBenchShare(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c := openComputer(b, s.dir, fmt.Sprintf("join%d", i), s.folder, s.clock)
		r, err := c.sync.Join(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(r.SnapshotsMerged) == 0 {
			b.Fatalf("joined without a snapshot: %+v", r)
		}
		b.StopTimer()
		if n, _ := c.store.CountContacts(context.Background(), ""); n != *benchClients {
			b.Fatalf("joined with %d clients, want %d", n, *benchClients)
		}
		c.store.Close()
		b.StartTimer()
	}
	b.StopTimer()
	s.a.store.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	dbSize, _ := os.Stat(s.a.path)
	share := dirSize(b, s.folder.Root)
	b.ReportMetric(float64(s.ops), "ops")
	b.ReportMetric(float64(share)/float64(dbSize.Size()), "share/db")
}

// BenchmarkIncrementalCycle is one computer's cycle that applies the 100
// operations another computer published, on a share of the whole shop.
func BenchmarkIncrementalCycle(b *testing.B) {
	s := newBenchShare(b)
	ctx := context.Background()
	c := openComputer(b, s.dir, "b", s.folder, s.clock)
	if _, err := c.sync.Join(ctx); err != nil {
		b.Fatal(err)
	}
	ids, err := s.a.store.ListContacts(ctx, data.ListQuery{Limit: 100})
	if err != nil || len(ids) == 0 {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for j := 0; j < 100; j++ {
			ct, err := s.a.store.Contact(ctx, ids[j%len(ids)].ID)
			if err != nil {
				b.Fatal(err)
			}
			ct.Notes = fmt.Sprintf("visit %d.%d", i, j)
			if err := s.a.store.SaveContact(ctx, ct); err != nil {
				b.Fatal(err)
			}
		}
		s.a.cycle(b)
		b.StartTimer()
		r := c.cycle(b)
		if r.AppliedSegments == 0 {
			b.Fatalf("nothing applied: %+v", r)
		}
	}
}
