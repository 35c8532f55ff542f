package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"rapport/data"
	"rapport/data/vcf"
)

func init() {
	usage := " SEGMENT --channel " + strings.Join(data.Channels, "|") + " [--format list|csv|vcard|bcc|mailto] [-o FILE] [--json]"
	register("outreach preview", "rapport outreach preview"+usage, func(c *cli, args []string) error { return outreach(c, "outreach preview", args) })
	register("outreach send", "rapport outreach send"+usage+" [--note S]", func(c *cli, args []string) error { return outreach(c, "outreach send", args) })
}

// outreach shows (preview) or records (send) a message to the clients of a
// segment who may be contacted on a channel, with those excluded and why,
// and writes the audience in the form the shop sends it with.
func outreach(c *cli, name string, args []string) error {
	fs := c.flags(name)
	channel := fs.String("channel", "", "one of "+strings.Join(data.Channels, ", "))
	format := fs.String("format", "list", "how to write the audience: list (included and excluded), csv, vcard, bcc (e-mail addresses for a BCC line) or mailto (a link)")
	out := fs.String("o", "", "write the audience to this file instead of standard output")
	asJSON := fs.Bool("json", false, "print the included and excluded clients as JSON")
	var note *string
	if name == "outreach send" {
		note = fs.String("note", "", `what the message is about, as the clients' timelines will show it (default "Outreach to SEGMENT")`)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the segment's name"); err != nil {
		return err
	}
	if *channel == "" {
		return usageError{"--channel is needed"}
	}
	switch *format {
	case "list", "csv", "vcard":
	case "bcc", "mailto":
		if *channel != "email" {
			return usageError{fmt.Sprintf("--format %s is for --channel email", *format)}
		}
	default:
		return usageError{fmt.Sprintf("--format %q: want list, csv, vcard, bcc or mailto", *format)}
	}
	if err := c.open(); err != nil {
		return err
	}
	var a data.Audience
	if note != nil {
		a, err = c.store.SendOutreach(c.ctx, pos[0], *channel, *note)
	} else {
		a, err = c.store.OutreachAudience(c.ctx, pos[0], *channel)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(a)
	}
	var b bytes.Buffer
	subject := pos[0]
	if note != nil && *note != "" {
		subject = *note
	}
	if err := c.writeAudience(&b, a, *format, subject); err != nil {
		return err
	}
	if note != nil {
		fmt.Fprintf(c.stderr, "recorded a message on %s for %s; %d excluded\n", a.Channel, clientCount(len(a.Included)), len(a.Excluded))
	}
	if *out != "" {
		if err := writeFileAtomic(*out, b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "wrote %s to %s\n", clientCount(len(a.Included)), *out)
		return nil
	}
	_, err = c.stdout.Write(b.Bytes())
	return err
}

// mailtoLimit is about the longest mailto: link every common mail program
// and browser takes whole.
const mailtoLimit = 2000

// writeAudience writes the included clients in format (list also says who
// is excluded and why).
func (c *cli) writeAudience(b *bytes.Buffer, a data.Audience, format, subject string) error {
	var addrs []string
	for _, r := range a.Included {
		addrs = append(addrs, r.Address)
	}
	switch format {
	case "csv":
		w := csv.NewWriter(b)
		w.Write([]string{"contact_id", "name", "address"})
		for _, r := range a.Included {
			w.Write([]string{r.ContactID, r.DisplayName, r.Address})
		}
		w.Flush()
		return w.Error()
	case "vcard":
		if len(a.Included) == 0 {
			return nil // vcf.Load reads every client for no ids
		}
		ids := make([]string, len(a.Included))
		for i, r := range a.Included {
			ids[i] = r.ContactID
		}
		entries, err := vcf.Load(c.ctx, c.store, "", ids)
		if err != nil {
			return err
		}
		return vcf.Export(b, entries, vcf.V4)
	case "bcc":
		fmt.Fprintln(b, strings.Join(addrs, ", "))
		return nil
	case "mailto":
		// Addresses are joined with commas (RFC 6068); each is escaped.
		esc := make([]string, len(addrs))
		for i, a := range addrs {
			esc[i] = url.QueryEscape(a)
		}
		link := fmt.Sprintf("mailto:?bcc=%s&subject=%s", strings.Join(esc, ","), url.PathEscape(subject))
		if len(link) > mailtoLimit {
			fmt.Fprintf(c.stderr, "rapport: the link is %d characters long, and some mail programs cut links after about %d; --format bcc gives the addresses to paste\n", len(link), mailtoLimit)
		}
		fmt.Fprintln(b, link)
		return nil
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, r := range a.Included {
		fmt.Fprintf(tw, "include\t%s\t%s\t%s\n", r.ContactID, r.DisplayName, r.Address)
	}
	for _, u := range a.Excluded {
		fmt.Fprintf(tw, "exclude\t%s\t%s\t%s\n", u.ContactID, u.DisplayName, u.Reason)
	}
	return tw.Flush()
}
