//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScreenshotsUnderXvfb starts the real app on a demo shop under Xvfb,
// has it show every main screen and a client's page, takes a screenshot of
// the display at each (ImageMagick's import), and fails if one is blank or
// the app does not end well. With RAPPORT_SCREENSHOT_DIR set (make
// screenshots) the pictures are kept there.
func TestScreenshotsUnderXvfb(t *testing.T) {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("no Xvfb here (make test installs it)")
	}
	grab, err := exec.LookPath("import")
	if err != nil {
		t.Skip("no ImageMagick import here (make test installs it)")
	}
	dir := os.Getenv("RAPPORT_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t, xvfb)

	db := filepath.Join(t.TempDir(), "shop.db")
	// The shop is made by a process of its own, on today's clock as the app
	// has it (the tests' fixed clock would date every visit months ago).
	demo := exec.Command(os.Args[0], "--db", db, "demo", "--clients", "400")
	demo.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1")
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v: %s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	app := exec.CommandContext(ctx, os.Args[0], "--db", db)
	home := t.TempDir() // the app's preferences start afresh: Today first, the light look
	app.Env = append(os.Environ(), "RAPPORT_TEST_AS_MAIN=1", "RAPPORT_SCREENSHOTS=1", "DISPLAY="+display,
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANG=en_US.UTF-8")
	stdin, err := app.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := app.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var appErr bytes.Buffer
	app.Stderr = &appErr
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	var shots []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		name, ok := strings.CutPrefix(sc.Text(), "screen ")
		if !ok {
			continue
		}
		path := filepath.Join(dir, name+".png")
		grabCmd := exec.Command(grab, "-window", "root", path)
		grabCmd.Env = append(os.Environ(), "DISPLAY="+display)
		if b, err := grabCmd.CombinedOutput(); err != nil {
			t.Errorf("screenshot of %s: %v: %s", name, err, b)
		} else if err := checkNotBlank(path); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		shots = append(shots, name)
		fmt.Fprintln(stdin, "next")
	}
	stdin.Close()
	if err := app.Wait(); err != nil {
		t.Fatalf("the app ended with %v after %v:\n%s", err, shots, appErr.String())
	}
	want := []string{"1-today", "2-clients", "3-appointments", "4-tasks", "5-reports", "6-outreach", "7-settings", "8-client"}
	if strings.Join(shots, " ") != strings.Join(want, " ") {
		t.Errorf("screens shown %v, want %v", shots, want)
	}
}

// startXvfb starts a virtual display on a free number and returns its name.
func startXvfb(t *testing.T, xvfb string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w} // fd 3: Xvfb writes the display number it took
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say which display it took: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// checkNotBlank fails a picture that is one colour or nearly so: a window
// that did not paint, or a display with no window.
func checkNotBlank(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return err
	}
	b := img.Bounds()
	counts := map[uint32]int{}
	total := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			counts[packed(img, x, y)]++
			total++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	if len(counts) < 16 || float64(most)/float64(total) > 0.97 {
		return fmt.Errorf("the screenshot is blank: %d colours, the commonest on %.0f%% of it", len(counts), 100*float64(most)/float64(total))
	}
	return nil
}

func packed(img image.Image, x, y int) uint32 {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8<<16 | g>>8<<8 | b>>8
}
