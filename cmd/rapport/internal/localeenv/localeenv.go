// Package localeenv reads the locale "C.UTF-8" (and "POSIX.UTF-8") as plain
// "C" before Fyne looks at it. Fyne's locale library takes the "C" of
// "C.UTF-8", the usual locale of containers, CI and cron, for a language and
// logs an error on every start, which would garble the command line's
// one-line errors on stderr. The encoding part means nothing to Rapport.
//
// Importing this package from main is enough: Go initialises packages in
// import-path order as soon as their imports are, and this one imports only
// os and strings, while fyne.io/fyne/v2/lang waits for text/template, which
// sorts after it.
package localeenv

import (
	"os"
	"strings"
)

func init() { normalise() }

// normalise rewrites the locale variable that counts (the first of LC_ALL,
// LC_MESSAGES and LANG that is set) from C.<encoding> to C.
func normalise() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l := os.Getenv(v)
		if l == "" {
			continue
		}
		if base, _, ok := strings.Cut(l, "."); ok && (base == "C" || base == "POSIX") {
			os.Setenv(v, base)
		}
		return
	}
}
