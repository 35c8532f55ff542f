package main

import (
	"fyne.io/fyne/v2/app"

	"rapport/assets"
	"rapport/data"
	"rapport/ui"
)

// appID and appVersion are set from FyneApp.toml at build time
// (make build passes -X main.appID=... -X main.appVersion=...); the defaults
// keep a plain go build right.
var (
	appID      = "app.rapport.desktop"
	appVersion = "0.1.0"
)

// runGUI opens the main window on store and returns when it is closed.
func runGUI(store *data.Store) error {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w := ui.NewMainWindow(a, store)
	w.ShowAndRun()
	return nil
}
