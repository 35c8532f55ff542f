package main

import (
	"fyne.io/fyne/v2/app"

	"rapport/assets"
	"rapport/ui"
)

// appID and appVersion are set from FyneApp.toml at build time
// (make build passes -X main.appID=... -X main.appVersion=...); the defaults
// keep a plain go build right.
var (
	appID      = "app.rapport.desktop"
	appVersion = "0.1.0"
)

// runGUI opens the main window on the store and returns when it is closed.
func (c *cli) runGUI() error {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	// The staff name saved in Settings stands unless RAPPORT_STAFF says otherwise.
	if c.store.Staff == "" {
		if v, ok, err := c.store.LocalSetting(c.ctx, ui.StaffSetting); err == nil && ok {
			c.store.Staff = v
		}
	}
	m := ui.NewMainWindow(a, c.store, ui.Options{
		Currency: defaultCurrency(c.store.Region),
		Zone:     localZone(),
		Feed:     c.feed,
	})
	m.Window().ShowAndRun()
	return nil
}
