package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Fyne's theme has no phone, cart, star or cake; these are Material Design
// icons (Apache 2.0), drawn in the theme's colours like the built-in ones.
var (
	iconPhone    = svgIcon("phone", "M6.62 10.79c1.44 2.83 3.76 5.14 6.59 6.59l2.2-2.2c.27-.27.67-.36 1.02-.24 1.12.37 2.33.57 3.57.57.55 0 1 .45 1 1V20c0 .55-.45 1-1 1-9.39 0-17-7.61-17-17 0-.55.45-1 1-1h3.5c.55 0 1 .45 1 1 0 1.25.2 2.45.57 3.57.11.35.03.74-.25 1.02l-2.2 2.2z")
	iconCart     = svgIcon("cart", "M7 18c-1.1 0-1.99.9-1.99 2S5.9 22 7 22s2-.9 2-2-.9-2-2-2zM1 2v2h2l3.6 7.59-1.35 2.45c-.16.28-.25.61-.25.96 0 1.1.9 2 2 2h12v-2H7.42c-.14 0-.25-.11-.25-.25l.03-.12.9-1.63h7.45c.75 0 1.41-.41 1.75-1.03l3.58-6.49A1.003 1.003 0 0 0 20 4H5.21l-.94-2H1zm16 16c-1.1 0-1.99.9-1.99 2s.89 2 1.99 2 2-.9 2-2-.9-2-2-2z")
	iconStar     = svgIcon("star", "M12 17.27L18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z")
	iconHeart    = svgIcon("heart", "M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z")
	iconCake     = svgIcon("cake", "M12 6c1.11 0 2-.9 2-2 0-.38-.1-.73-.29-1.03L12 0l-1.71 2.97c-.19.3-.29.65-.29 1.03 0 1.1.9 2 2 2zm4.6 9.99l-1.07-1.07-1.08 1.07c-1.3 1.3-3.58 1.31-4.89 0l-1.07-1.07-1.09 1.07C6.75 16.64 5.88 17 4.96 17c-.73 0-1.4-.23-1.96-.61V21c0 .55.45 1 1 1h16c.55 0 1-.45 1-1v-4.61c-.56.38-1.23.61-1.96.61-.92 0-1.79-.36-2.44-1.01zM18 9h-5V7h-2v2H6c-1.66 0-3 1.34-3 3v1.54c0 1.08.88 1.96 1.96 1.96.52 0 1.02-.2 1.38-.57l2.14-2.13 2.13 2.13c.74.74 2.03.74 2.77 0l2.14-2.13 2.13 2.13c.37.37.86.57 1.38.57 1.08 0 1.96-.88 1.96-1.96V12C21 10.34 19.66 9 18 9z")
	iconThumbUp  = svgIcon("thumb-up", "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z")
	iconThumbDn  = svgIcon("thumb-down", "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z")
	iconPeople   = svgIcon("people", "M16 11c1.66 0 2.99-1.34 2.99-3S17.66 5 16 5c-1.66 0-3 1.34-3 3s1.34 3 3 3zm-8 0c1.66 0 2.99-1.34 2.99-3S9.66 5 8 5C6.34 5 5 6.34 5 8s1.34 3 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5c0-2.33-4.67-3.5-7-3.5zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z")
	iconStore    = svgIcon("store", "M20 4H4v2h16V4zm1 10v-2l-1-5H4l-1 5v2h1v6h10v-6h4v6h2v-6h1zm-9 4H6v-4h6v4z")
	iconChat     = svgIcon("chat", "M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z")
	iconBarChart = svgIcon("bar-chart", "M5 9.2h3V19H5zM10.6 5h2.8v14h-2.8zm5.6 8H19v6h-2.8z")
	iconToday    = svgIcon("today", "M19 3h-1V1h-2v2H8V1H6v2H5c-1.11 0-1.99.9-1.99 2L3 19c0 1.1.89 2 2 2h14c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2zm0 16H5V8h14v11zM7 10h5v5H7z")
)

// svgIcon is a 24x24 single-path icon; wrap it in a themed resource to draw it.
func svgIcon(name, path string) fyne.Resource {
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="` + path + `"/></svg>`
	return fyne.NewStaticResource(name+".svg", []byte(svg))
}

// themed draws an icon in the theme's foreground colour.
func themed(r fyne.Resource) fyne.Resource { return theme.NewThemedResource(r) }

// kindIcon is the icon of a timeline entry or a Today item, by its kind.
func kindIcon(kind string) fyne.Resource {
	switch kind {
	case "visit":
		return themed(iconStore)
	case "call":
		return themed(iconPhone)
	case "message":
		return themed(iconChat)
	case "purchase", "repurchase":
		return themed(iconCart)
	case "complaint":
		return theme.NewErrorThemedResource(iconThumbDn)
	case "compliment":
		return theme.NewSuccessThemedResource(iconThumbUp)
	case "referral":
		return themed(iconPeople)
	case "checkin":
		return theme.NewWarningThemedResource(iconStar)
	case "birthday":
		return theme.NewPrimaryThemedResource(iconCake)
	case "anniversary", "date":
		return theme.NewPrimaryThemedResource(iconHeart)
	case "appointment":
		return theme.CalendarIcon()
	case "task":
		return theme.ConfirmIcon()
	case "not-seen":
		return theme.HistoryIcon()
	case "tier":
		return theme.NewPrimaryThemedResource(iconTier)
	case "reward":
		return theme.NewPrimaryThemedResource(iconGift)
	}
	return theme.DocumentIcon()
}

// kindName is a timeline kind as a person says it.
func kindName(kind string) string {
	switch kind {
	case "checkin":
		return "Check-in"
	case "not-seen":
		return "Not seen"
	}
	if kind == "" {
		return ""
	}
	return string(kind[0]-'a'+'A') + kind[1:]
}
