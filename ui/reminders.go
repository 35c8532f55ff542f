package ui

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"rapport/data"
)

// reminderCheckEvery is how often the open app looks whether a new day has
// begun, to remind the owner of it even with the window in the background.
const reminderCheckEvery = 10 * time.Minute

// startReminders sends the desktop notification of what is due today when
// the app starts and each morning after, and keeps the tray menu's count.
func (m *MainWindow) startReminders() {
	m.trayCount = fyne.NewMenuItem("Today: …", func() { m.showWindow(screenToday) })
	if desk, ok := m.app.(desktop.App); ok && trayAvailable() {
		m.tray = fyne.NewMenu("Rapport",
			m.trayCount,
			fyne.NewMenuItem("Log a visit…", func() { m.showWindow(""); m.logVisitAnywhere() }),
			fyne.NewMenuItem("Show Rapport", func() { m.showWindow("") }),
		)
		desk.SetSystemTrayMenu(m.tray)
	}
	m.remind()
	go func() {
		tick := time.NewTicker(reminderCheckEvery)
		defer tick.Stop()
		for {
			select {
			case <-m.ctx.Done():
				return
			case <-tick.C:
				fyne.Do(m.remind)
			}
		}
	}()
}

// remind notifies once per day what is due today.
func (m *MainWindow) remind() {
	day := m.todayDate()
	if day == m.remindedOn {
		return
	}
	m.remindedOn = day
	load(m.run, func() ([]data.TodayItem, error) { return m.store.Today(m.ctx, 0) },
		func(items []data.TodayItem, err error) {
			if err != nil {
				return // Today shows the error when it is opened
			}
			m.trayCount.Label = "Today: " + dueText(len(items))
			if m.tray != nil {
				m.tray.Refresh()
			}
			if len(items) == 0 {
				return
			}
			m.app.SendNotification(fyne.NewNotification("Today in Rapport: "+dueText(len(items)), reminderText(items)))
		})
}

func dueText(n int) string {
	switch n {
	case 0:
		return "nothing due"
	case 1:
		return "1 thing due"
	}
	return fmt.Sprintf("%d things due", n)
}

// reminderText is the notification's body: the first few items, named.
func reminderText(items []data.TodayItem) string {
	var lines []string
	for i, it := range items {
		if i == 3 {
			lines = append(lines, fmt.Sprintf("and %d more", len(items)-3))
			break
		}
		lines = append(lines, joinNonEmpty(": ", it.DisplayName, it.Detail))
	}
	return strings.Join(lines, "\n")
}

// showWindow brings the window up, on a screen when one is named.
func (m *MainWindow) showWindow(screen string) {
	m.win.Show()
	m.win.RequestFocus()
	if screen != "" {
		m.show(screen)
	}
}

// trayAvailable tells whether a tray icon can be shown. On Linux and the
// BSDs the tray speaks D-Bus: without a session bus (a bare X server, some
// kiosks) the tray library fails, and crashes when the app quits.
func trayAvailable() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		return os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
	}
	return true
}
