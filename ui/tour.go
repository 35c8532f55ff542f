package ui

// Screens are the names of the main screens, in the order of the rail.
func Screens() []string { return append([]string(nil), screenOrder...) }

// ShowScreen shows the main screen of that name (one of Screens); it is
// called on the UI goroutine, as every method of MainWindow.
func (m *MainWindow) ShowScreen(name string) { m.show(name) }

// OpenClient shows the page of one client.
func (m *MainWindow) OpenClient(id string) { m.openClient(id) }
