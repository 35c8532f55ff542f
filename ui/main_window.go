// Package ui holds Rapport's Fyne screens. Screens are thin: they call the
// store through small interfaces, run that work off the UI goroutine and show
// the results through fyne.Do.
package ui

import (
	"fyne.io/fyne/v2"

	"rapport/assets"
)

// NewMainWindow builds Rapport's main window over src and starts loading the
// clients; the caller shows it.
func NewMainWindow(a fyne.App, src ClientSource) fyne.Window {
	w := a.NewWindow("Rapport")
	w.SetIcon(assets.Icon)
	w.Resize(fyne.NewSize(1000, 700))

	clients := NewClientsScreen(src)
	w.SetContent(clients.content())
	w.SetOnClosed(clients.close)
	clients.Load()
	return w
}
