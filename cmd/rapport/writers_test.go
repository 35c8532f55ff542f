package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"rapport/data"
)

// TestTwoWriters: the app (a store open in this process, writing without
// pause) and rapport commands in other processes work on one database at
// the same time, and every write of both succeeds.
func TestTwoWriters(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "rapport.db")
	app, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()

	stop := make(chan struct{})
	var appWrites int
	var appErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := &data.Contact{Given: "App", Family: fmt.Sprintf("N%05d", i)}
			if err := app.SaveContact(ctx, c); err != nil {
				appErr = err
				return
			}
			appWrites++
		}
	}()

	const commands = 6
	errs := make(chan error, commands)
	var cmds sync.WaitGroup
	for i := 0; i < commands; i++ {
		cmds.Add(1)
		go func(i int) {
			defer cmds.Done()
			cmd := exec.Command(os.Args[0], "--db", db, "contact", "add", "--given", "Cli", "--family", fmt.Sprintf("P%d", i), "--tag", "walk-in")
			cmd.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				errs <- fmt.Errorf("rapport contact add %d: %v: %s", i, err, stderr.String())
			}
		}(i)
	}
	cmds.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if appErr != nil {
		t.Fatalf("the app's write failed after %d: %v", appWrites, appErr)
	}
	if n, err := app.CountContacts(ctx, "walk-in"); err != nil || n != commands {
		t.Errorf("%d clients from the commands, want %d (%v)", n, commands, err)
	}
	if n, _ := app.CountContacts(ctx, ""); n != appWrites+commands {
		t.Errorf("%d clients, want %d from the app and %d from the commands", n, appWrites, commands)
	}
	t.Logf("the app wrote %d clients while %d commands ran", appWrites, commands)
}
