package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppSync: the app's background sync takes a folder only when a first
// cycle through it works, then exchanges edits with a computer that syncs
// from the command line, and says what it did.
func TestAppSync(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	shopPC, backRoom := newShop(t), newShop(t)
	shopPC.anna()

	c := &cli{ctx: ctx, dbPath: shopPC.db}
	if err := c.open(); err != nil {
		t.Fatal(err)
	}
	defer c.store.Close()
	a := newAppSync(c)
	if st := a.SyncState(); st.Folder != "" {
		t.Fatalf("a new book syncs through %q", st.Folder)
	}

	if err := a.SetSyncFolder(ctx, filepath.Join(folder, "missing")); err == nil {
		t.Fatal("an unreachable folder was taken")
	}
	if st := a.SyncState(); st.Folder != "" || st.Err != "" {
		t.Fatalf("after a refused folder: %+v", st)
	}
	if _, ok, _ := c.store.LocalSetting(ctx, settingSyncFolder); ok {
		t.Fatal("the refused folder was saved")
	}

	if err := a.SetSyncFolder(ctx, folder); err != nil {
		t.Fatal(err)
	}
	st := a.SyncState()
	if st.Folder != folder || st.Err != "" || st.Last.IsZero() || !strings.Contains(st.Summary, "sent") {
		t.Fatalf("after the first cycle: %+v", st)
	}
	if saved, _, _ := c.store.LocalSetting(ctx, settingSyncFolder); saved != folder {
		t.Fatalf("saved folder %q, want %q", saved, folder)
	}

	backRoom.ok("sync", "join", "--folder", folder)
	if out := backRoom.ok("contact", "search", "Keller"); !strings.Contains(out, "Anna") {
		t.Fatalf("the back room does not have Anna after joining: %q", out)
	}
	backRoom.ok("contact", "add", "--given", "Bea", "--family", "Roth")
	backRoom.ok("sync")

	if err := a.runCycle(ctx, folder, false); err != nil {
		t.Fatal(err)
	}
	if st := a.SyncState(); !strings.Contains(st.Summary, "received") {
		t.Fatalf("after the back room's edit: %+v", st)
	}
	found, err := c.store.Search(ctx, "Roth", 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("Bea on the shop's computer: %v %v", found, err)
	}

	if err := a.SetSyncFolder(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if st := a.SyncState(); st.Folder != "" {
		t.Fatalf("still syncing after stop: %+v", st)
	}
}
