// Package assets holds the files bundled into the binary: the application icon
// and the freedesktop entry used when Rapport is installed on Linux.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon, shown in the window title bar, the task bar
// and the system's application list.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
