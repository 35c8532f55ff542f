package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"rapport/data"
	"rapport/ui"
)

// screenshotSettle is how long each screen is given to load its data and
// paint before it is announced.
var screenshotSettle = 2 * time.Second

// screenshotTour makes the app, once started, show each main screen and then
// a client's page in turn (RAPPORT_SCREENSHOTS=1). After each it prints
// "screen NAME" and waits for a line on stdin, so that whoever takes the
// screenshot of the display (make screenshots, the test of the real binary
// under Xvfb) does so while the screen is up; then it quits. The error it
// ends with, if any, becomes the exit status.
func (c *cli) screenshotTour(a fyne.App, m *ui.MainWindow) {
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			if err := c.showEachScreen(m, bufio.NewReader(c.stdin())); err != nil {
				c.tourErr = fmt.Errorf("screenshots: %w", err)
			}
			fyne.Do(a.Quit)
		}()
	})
}

func (c *cli) showEachScreen(m *ui.MainWindow, next *bufio.Reader) error {
	announce := func(name string, show func()) error {
		fyne.DoAndWait(show)
		time.Sleep(screenshotSettle)
		fmt.Fprintln(c.stdout, "screen", name)
		if _, err := next.ReadString('\n'); err != nil {
			return fmt.Errorf("waiting after %s: %w", name, err)
		}
		return nil
	}
	for i, s := range ui.Screens() {
		if err := announce(fmt.Sprintf("%d-%s", i+1, strings.ToLower(s)), func() { m.ShowScreen(s) }); err != nil {
			return err
		}
	}
	first, err := c.store.ListContacts(c.ctx, data.ListQuery{Limit: 1})
	if err != nil {
		return err
	}
	if len(first) == 0 {
		return nil // an empty book has no client page to show
	}
	return announce(fmt.Sprintf("%d-client", len(ui.Screens())+1), func() { m.OpenClient(first[0].ID) })
}

// tourRequested tells whether the app is to run the screenshot tour.
func tourRequested() bool { return os.Getenv("RAPPORT_SCREENSHOTS") == "1" }
