package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"rapport/data/vcf"
)

func init() {
	register("export vcard", "rapport export vcard [-o FILE | --dir DIR] [--version 4.0|3.0] [--tag T] [ID...]", exportVCard)
}

// exportVCard writes contacts as vCard: to standard output, one file (-o), or
// one file per contact in a folder (--dir, the vdir layout that address-book
// sync tools read).
func exportVCard(c *cli, args []string) error {
	fs := c.flags("export vcard")
	out := fs.String("o", "", "write to this file instead of standard output")
	dir := fs.String("dir", "", "write one .vcf file per contact into this folder")
	version := fs.String("version", vcf.V4, "vCard version: 4.0 or 3.0")
	tag := fs.String("tag", "", "only contacts with this tag")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *out != "" && *dir != "" {
		return usageError{"give -o or --dir, not both"}
	}
	if *version != vcf.V4 && *version != vcf.V3 {
		return usageError{fmt.Sprintf("version %q: want 4.0 or 3.0", *version)}
	}
	if err := c.open(); err != nil {
		return err
	}
	for i, a := range ids {
		if ids[i], err = c.resolve("contact", a); err != nil {
			return err
		}
	}
	entries, err := vcf.Load(c.ctx, c.store, *tag, ids)
	if err != nil {
		return err
	}
	switch {
	case *dir != "":
		if err := os.MkdirAll(*dir, 0o700); err != nil { // clients' data: the user's only
			return err
		}
		for i := range entries {
			var b bytes.Buffer
			if err := vcf.Export(&b, entries[i:i+1], *version); err != nil {
				return err
			}
			if err := writeFileAtomic(filepath.Join(*dir, vcf.FileName(&entries[i])), b.Bytes()); err != nil {
				return err
			}
		}
		fmt.Fprintf(c.stderr, "exported %d contacts to %s\n", len(entries), *dir)
	case *out != "":
		var b bytes.Buffer
		if err := vcf.Export(&b, entries, *version); err != nil {
			return err
		}
		if err := writeFileAtomic(*out, b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "exported %d contacts to %s\n", len(entries), *out)
	default:
		return vcf.Export(c.stdout, entries, *version)
	}
	return nil
}

// writeFileAtomic writes through a temporary file in the same folder, so that
// a reader never sees half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
