package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// share is what a shared folder would hold: every operation each computer
// published, kept however the database of that computer changes later.
type share struct{ published map[string][]Op }

func (sh *share) publish(t *testing.T, s *Store, after *int64) {
	t.Helper()
	ops, last, err := s.Outbox(context.Background(), *after, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	*after = last
	sh.published[s.DeviceID()] = append(sh.published[s.DeviceID()], ops...)
}

// pull applies what every computer published, its own folder included: a
// restored computer takes back what it published after its backup (SYNC.md,
// the cycle, step 1). Applying what is already there changes nothing.
func (sh *share) pull(t *testing.T, s *Store) {
	t.Helper()
	for _, ops := range sh.published {
		if _, err := s.ApplyRemote(context.Background(), ops); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRestoreThenSyncLosesNothing: a computer restores a backup and syncs
// again; every edit made elsewhere, and every edit it had published after
// the backup, is back, its new edits win over its old ones, and a client
// it erased after the backup stays erased.
func TestRestoreThenSyncLosesNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	pathA := filepath.Join(t.TempDir(), "rapport.db")
	a := openBackupStore(t, pathA, &now)
	b := openTest(t)
	b.Now = func() time.Time { return now }
	sh := &share{published: map[string][]Op{}}
	var seqA, seqB int64

	anna := &Contact{Given: "Anna", Family: "Keller", Phones: []Phone{{Number: "+49 176 1234567"}}}
	must(t, a.SaveContact(ctx, anna))
	carl := &Contact{Given: "Carl", Family: "Quellenberg", Notes: "allergic to nickel"}
	must(t, a.SaveContact(ctx, carl))
	sh.publish(t, a, &seqA)
	sh.pull(t, b)
	backup := filepath.Join(t.TempDir(), "before.db")
	must(t, a.BackupTo(ctx, backup))
	seqAtBackup := seqA

	// After the backup: A edits and erases, B edits; both publish.
	now = now.Add(time.Hour)
	anna.Notes = "edited on A after the backup"
	must(t, a.SaveContact(ctx, anna))
	bea := &Contact{Given: "Bea", Family: "Roth"}
	must(t, a.SaveContact(ctx, bea))
	_, err := a.EraseContact(ctx, carl.ID)
	must(t, err)
	sh.publish(t, a, &seqA)
	sh.pull(t, b)
	now = now.Add(time.Hour)
	ba, err := b.Contact(ctx, anna.ID)
	must(t, err)
	ba.Phones = append(ba.Phones, Phone{Number: "+49 30 7654321"})
	ba.Organization = "set on B"
	must(t, b.SaveContact(ctx, ba))
	must(t, b.SetPreference(ctx, &Preference{ContactID: anna.ID, Category: "size", Subject: "dress", Value: "38 EU"}))
	sh.publish(t, b, &seqB)

	must(t, a.Close())
	if _, err := Restore(ctx, pathA, backup); err != nil {
		t.Fatal(err)
	}
	// The restored computer's wall clock is behind: its stamps must still be
	// after those it issued before the restore.
	now = now.Add(-3 * time.Hour)
	a = openBackupStore(t, pathA, &now)
	defer a.Close()
	if c, err := a.Contact(ctx, carl.ID); err != nil || c.Given != "Carl" {
		t.Fatalf("the backup should hold Carl as he was: %v, %v", c, err)
	}

	sh.pull(t, a)
	annaA, err := a.Contact(ctx, anna.ID)
	must(t, err)
	annaA.Notes = "edited on A after the restore"
	must(t, a.SaveContact(ctx, annaA))
	// Only what A made after the restore is new; the rest was published before.
	newOps, _, err := a.Outbox(ctx, seqAtBackup, 1<<20)
	must(t, err)
	sh.published[a.DeviceID()] = append(sh.published[a.DeviceID()], newOps...)
	sh.pull(t, b)
	sh.pull(t, a)

	for name, s := range map[string]*Store{"A": a, "B": b} {
		got, err := s.Contact(ctx, anna.ID)
		must(t, err)
		if got.Notes != "edited on A after the restore" || got.Organization != "set on B" || len(got.Phones) != 2 {
			t.Errorf("%s: Anna is %+v; want A's newest notes, B's organisation and both phones", name, got)
		}
		prefs, err := s.Preferences(ctx, anna.ID)
		must(t, err)
		if len(prefs) != 1 || prefs[0].Value != "38 EU" {
			t.Errorf("%s: B's preference is lost: %+v", name, prefs)
		}
		if _, err := s.Contact(ctx, bea.ID); err != nil {
			t.Errorf("%s: Bea, added on A after the backup, is lost: %v", name, err)
		}
		if _, err := s.Contact(ctx, carl.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: Carl, erased after the backup, is back: %v", name, err)
		}
		for _, l := range personalDataLeft(t, s, []string{"quellenberg", "nickel"}) {
			t.Errorf("%s: %s", name, l)
		}
	}
	sameDump(t, "A and B after the restore and sync", dumpStore(t, b), dumpStore(t, a))
}
