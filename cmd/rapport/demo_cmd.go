package main

import (
	"fmt"
	"time"
)

func init() {
	register("demo", "rapport demo --clients N [--seed S]", demo)
}

// demo fills the database with a generated shop, so that the app and the
// commands can be tried, measured and shown without real clients.
func demo(c *cli, args []string) error {
	fs := c.flags("demo")
	clients := fs.Int("clients", 500, "how many clients to generate")
	seed := fs.Int64("seed", 1, "the generator's seed: the same seed gives the same shop")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"demo takes no arguments"}
	}
	if *clients < 1 || *clients > 1_000_000 {
		return usageError{"--clients must be between 1 and 1000000"}
	}
	if err := c.open(); err != nil {
		return err
	}
	n, err := c.store.CountContacts(c.ctx, "")
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s already holds %d clients; demo data goes into an empty database (use --db)", c.dbPath, n)
	}
	// The generated shop is in Berlin and its phone numbers are typed the way
	// people there type them, whatever this computer's locale.
	c.store.Region = "DE"
	start := time.Now()
	if err := c.store.LoadDemo(c.ctx, *seed, *clients); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Generated %d clients (seed %d) in %s into %s\n", *clients, *seed, time.Since(start).Round(time.Millisecond), c.dbPath)
	return nil
}
