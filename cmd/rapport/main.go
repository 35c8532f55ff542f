// Command rapport is Rapport: with no arguments it opens the app's window;
// with a command it works on the client book from the command line.
package main

import (
	"fmt"
	"io"
	"os"
	_ "time/tzdata" // time zones by name on every system, Windows included

	_ "rapport/cmd/rapport/internal/localeenv" // before Fyne reads the locale
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one invocation and returns the process exit code: 0 on success,
// 1 on failure, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	defer startProfiles(stderr)()
	return c.main(args)
}

func (c *cli) fail(err error) int {
	fmt.Fprintln(c.stderr, "rapport:", err)
	return 1
}
