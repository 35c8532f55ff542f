package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"rapport/data"
)

func init() {
	register("backup", "rapport backup [--to FILE] | rapport backup list [--json]   (a copy of the database; automatic ones go to a backups folder beside it)", backupCmd)
	register("restore", "rapport restore FILE [--yes]   (replace the database with a backup, after backing up the current one)", restoreCmd)
	register("check", "rapport check [--quick] [--repair] [--json]   (look the database over; --repair rebuilds the search index and figures)", checkCmd)
}

func backupCmd(c *cli, args []string) error {
	fs := c.flags("backup")
	to := fs.String("to", "", "write the backup to this file instead of the backups folder")
	asJSON := fs.Bool("json", false, "backup list: print the list as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "list":
		return c.listBackups(*asJSON)
	case len(pos) > 0:
		return usageError{fmt.Sprintf("unknown argument %q", pos[0])}
	}
	if err := c.open(); err != nil {
		return err
	}
	if *to != "" {
		if err := c.store.BackupTo(c.ctx, *to); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "backed up to %s\n", *to)
		return nil
	}
	b, err := c.store.Backup(c.ctx, data.BackupManual)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backed up to %s (%s)\n", b.Path, humanSize(b.Size))
	return nil
}

func (c *cli) listBackups(asJSON bool) error {
	all, err := data.Backups(c.dbPath)
	if err != nil {
		return err
	}
	if asJSON {
		type row struct {
			Path   string    `json:"path"`
			At     time.Time `json:"at"`
			Reason string    `json:"reason"`
			Size   int64     `json:"size"`
		}
		out := []row{}
		for _, b := range all {
			out = append(out, row{b.Path, b.At, b.Reason, b.Size})
		}
		return c.printJSON(out)
	}
	if len(all) == 0 {
		fmt.Fprintf(c.stdout, "no backups yet in %s\n", data.BackupDir(c.dbPath))
		return nil
	}
	fmt.Fprintf(c.stdout, "backups in %s, newest first:\n", data.BackupDir(c.dbPath))
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	for _, b := range all {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", b.At.In(time.Local).Format("2006-01-02 15:04"), b.Reason, humanSize(b.Size), filepath.Base(b.Path))
	}
	return w.Flush()
}

func restoreCmd(c *cli, args []string) error {
	fs := c.flags("restore")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the backup file"); err != nil {
		return err
	}
	from := pos[0]
	info, err := data.ValidateBackup(c.ctx, from)
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprintf(c.stdout, "Replace the database %s with %s (%d clients)?\nThe current database is backed up first. Type yes to go on: ", c.dbPath, from, info.Contacts)
		answer, _ := bufio.NewReader(c.stdin()).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			return errors.New("restore cancelled; nothing was changed")
		}
	}
	before, err := data.Restore(c.ctx, c.dbPath, from)
	if err != nil {
		return err
	}
	if before.Path != "" {
		fmt.Fprintf(c.stdout, "the database as it was is in %s\n", before.Path)
	}
	fmt.Fprintf(c.stdout, "restored %s: %d clients\n", from, info.Contacts)
	return nil
}

func checkCmd(c *cli, args []string) error {
	fs := c.flags("check")
	quick := fs.Bool("quick", false, "the quick check, as the app runs at start")
	repair := fs.Bool("repair", false, "rebuild the search index and figures if they are wrong, and erase again what an erasure left")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if _, err := os.Stat(c.dbPath); err != nil {
		return fmt.Errorf("no database at %s", c.dbPath)
	}
	if err := c.open(); err != nil {
		return err
	}
	r, err := c.store.Check(c.ctx, *quick, *repair)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := c.printJSON(r); err != nil {
			return err
		}
	} else {
		printCheck(c, r)
	}
	if !r.OK() {
		return errors.New("the database has problems (see above)")
	}
	return nil
}

func printCheck(c *cli, r data.CheckReport) {
	fmt.Fprintf(c.stdout, "checked %s: %s\n", c.dbPath, strings.Join(r.Checked, ", "))
	if len(r.Problems) == 0 {
		fmt.Fprintln(c.stdout, "everything is in order")
		return
	}
	repairable := false
	for _, p := range r.Problems {
		state := "PROBLEM "
		if p.Repaired {
			state = "repaired"
		}
		fmt.Fprintf(c.stdout, "  %s  %s: %s\n", state, p.Area, p.Detail)
		repairable = repairable || !p.Repaired && (p.Area == "search index" || p.Area == "figures" || p.Area == "erasure")
	}
	if repairable {
		fmt.Fprintln(c.stdout, "run rapport check --repair to rebuild the search index and figures and to erase again what an erasure left")
	}
	if !r.OK() && !repairable {
		fmt.Fprintln(c.stdout, "restore a backup (rapport backup list, rapport restore FILE) to bring back a damaged database")
	}
}

// humanSize writes a file size the way people read it.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
