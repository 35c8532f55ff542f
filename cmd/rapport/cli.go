package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"rapport/data"
)

// cli holds one invocation's streams and the global options.
type cli struct {
	stdout, stderr io.Writer
	in             io.Reader // answers to questions; os.Stdin when nil
	dbPath         string
	store          *data.Store
	ctx            context.Context
	fs             *flag.FlagSet // the running command's flags, for --help
	feed           *keptFeed     // the calendar file the open app keeps
	tourErr        error         // how the screenshot tour ended (RAPPORT_SCREENSHOTS)
	sync           *appSync      // the open app's background sync
	startNotice    string        // what the app says as it opens (a restore's outcome)
	restart        bool          // open the app again once it has closed (after Restore)
	// syncFolder and syncName are the sync a command is running, saved as
	// this computer's settings once it worked.
	syncFolder, syncName, syncPassphrase string
}

// clock is the time every command and the store go by; tests set it.
var clock = time.Now

// usageError is a mistake in how rapport was called; it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// command is one subcommand: its usage line and what it does.
type command struct {
	usage string
	run   func(c *cli, args []string) error
}

// commands maps "contact add" and "today" alike to their implementation.
var commands = map[string]command{}

func register(name, usage string, run func(c *cli, args []string) error) {
	commands[name] = command{usage: usage, run: run}
}

func init() {
	register("version", "rapport version", func(c *cli, _ []string) error {
		fmt.Fprintf(c.stdout, "Rapport %s (%s), schema %d\n", appVersion, appID, data.SchemaVersion())
		return nil
	})
}

func (c *cli) printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: rapport [--db PATH] COMMAND [ARGS]   (no command opens the window)")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(w, "  "+commands[n].usage)
	}
	fmt.Fprintln(w, "\nThe database is --db, else $RAPPORT_DB, else", defaultDBPath())
}

func (c *cli) main(args []string) int {
	global := flag.NewFlagSet("rapport", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.dbPath, "db", "", "database file")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(c.stdout)
			return 0
		}
		fmt.Fprintln(c.stderr, "rapport:", err)
		return 2
	}
	args = global.Args()
	if c.dbPath == "" {
		c.dbPath = os.Getenv("RAPPORT_DB")
	}
	if c.dbPath == "" {
		c.dbPath = defaultDBPath()
	}
	c.ctx = context.Background()

	if len(args) == 0 {
		c.startNotice = c.restorePending()
		if err := c.open(); err != nil {
			return c.fail(err)
		}
		stop := c.startMaintenance()
		err := c.runGUI()
		stop()
		c.store.Close()
		if err != nil {
			return c.fail(err)
		}
		if c.restart {
			c.relaunch()
		}
		return 0
	}
	if args[0] == "help" {
		if len(args) == 1 {
			c.printUsage(c.stdout)
			return 0
		}
		args = append(args[1:], "--help") // rapport help contact add
	}
	name, rest := args[0], args[1:]
	cmd, ok := commands[name]
	if !ok && len(rest) > 0 {
		name, rest = args[0]+" "+args[1], args[2:]
		cmd, ok = commands[name]
	}
	if !ok {
		if subs := subcommands(args[0]); len(subs) > 0 {
			switch {
			case len(args) > 1 && isHelp(args[1]):
				c.printGroup(c.stdout, args[0])
				return 0
			case len(args) == 1:
				fmt.Fprintf(c.stderr, "rapport %s: a subcommand is needed: %s\n", args[0], strings.Join(subs, ", "))
			default:
				fmt.Fprintf(c.stderr, "rapport %s: unknown subcommand %q; want %s\n", args[0], args[1], strings.Join(subs, ", "))
			}
			return 2
		}
		fmt.Fprintf(c.stderr, "rapport: unknown command %q; run rapport help\n", strings.Join(args[:min(2, len(args))], " "))
		return 2
	}
	err := cmd.run(c, rest)
	if c.store != nil {
		c.store.Close()
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(c.stdout, "usage: %s\n", cmd.usage)
		if c.fs != nil {
			c.fs.SetOutput(c.stdout)
			c.fs.PrintDefaults()
		}
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "rapport %s: %s\nusage: %s\n", name, ue.msg, cmd.usage)
		return 2
	}
	return c.fail(err)
}

// stdin is where answers to questions come from.
func (c *cli) stdin() io.Reader {
	if c.in == nil {
		return os.Stdin
	}
	return c.in
}

// open opens the store, creating its folder on first use.
func (c *cli) open() error {
	if err := os.MkdirAll(filepath.Dir(c.dbPath), 0o700); err != nil {
		return err
	}
	s, err := data.Open(c.ctx, c.dbPath)
	if err != nil {
		return err
	}
	s.Now = clock
	s.Region = regionFromLocale()
	s.Staff = os.Getenv("RAPPORT_STAFF")
	c.store = s
	return nil
}

// defaultDBPath is the database in the user's data folder: ~/.local/share/Rapport
// on Linux, %AppData%\Rapport on Windows, ~/Library/Application Support/Rapport on macOS.
func defaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		if d, err := os.UserConfigDir(); err == nil && !isLinuxConfig(d) {
			dir = d
		} else if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "share")
		} else {
			dir = "."
		}
	}
	return filepath.Join(dir, "Rapport", "rapport.db")
}

// isLinuxConfig tells ~/.config (where Linux keeps settings, not data) apart
// from the data-and-settings folders of Windows and macOS.
func isLinuxConfig(dir string) bool { return filepath.Base(dir) == ".config" }

// regionFromLocale reads the country of LANG ("de_CH.UTF-8" -> "CH") so that
// phone numbers typed without +... are read as local numbers.
func regionFromLocale() string {
	if r := os.Getenv("RAPPORT_REGION"); r != "" {
		return strings.ToUpper(r)
	}
	for _, v := range []string{"LC_ALL", "LC_TELEPHONE", "LANG"} {
		l := os.Getenv(v)
		if i := strings.IndexByte(l, '_'); i >= 0 && len(l) >= i+3 {
			return strings.ToUpper(l[i+1 : i+3])
		}
	}
	return ""
}

// subcommands lists the subcommands of a command group ("contact" -> add, edit, ...).
func subcommands(group string) []string {
	var out []string
	for n := range commands {
		if sub, ok := strings.CutPrefix(n, group+" "); ok {
			out = append(out, sub)
		}
	}
	sort.Strings(out)
	return out
}

// printGroup prints the usage lines of a command group.
func (c *cli) printGroup(w io.Writer, group string) {
	fmt.Fprintln(w, "usage:")
	for _, sub := range subcommands(group) {
		fmt.Fprintln(w, "  "+commands[group+" "+sub].usage)
	}
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// flags makes a flag set for a subcommand whose errors come back as usage
// errors; it prints nothing itself (main prints the error, or the help).
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c.fs = fs
	return fs
}

// parse parses args (flags may come before or after positional arguments) and
// returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// printJSON writes v as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// openWithID serves the commands that take one id and no flags ("task done
// ID"): it parses args, opens the store and resolves the id in table.
func (c *cli) openWithID(name string, args []string, table, what string) (string, error) {
	pos, err := parse(c.flags(name), args)
	if err != nil {
		return "", err
	}
	if err := needPositional(pos, 1, 1, what); err != nil {
		return "", err
	}
	if err := c.open(); err != nil {
		return "", err
	}
	return c.resolve(table, pos[0])
}
