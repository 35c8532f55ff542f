package main

import (
	"flag"
	"fmt"
	"strings"

	"rapport/data"
)

func init() {
	register("contact add", "rapport contact add --given G --family F [--nickname N] [--org O] [--title T] [--email E]... [--phone P]... [--birthday YYYY-MM-DD|--MM-DD] [--tag T]... [--note TEXT] [--json]", contactAdd)
	register("contact edit", "rapport contact edit ID [contact add's flags: only those given change; --email, --phone, --tag replace the list] [--add-tag T]... [--remove-tag T]... [--json]", contactEdit)
	register("contact show", "rapport contact show ID [--json]", contactShow)
	register("contact delete", "rapport contact delete ID", func(c *cli, args []string) error { return contactSetAlive(c, "contact delete", args, false) })
	register("contact restore", "rapport contact restore ID", func(c *cli, args []string) error { return contactSetAlive(c, "contact restore", args, true) })
	register("contact list", "rapport contact list [--tag T] [--deleted] [--json]", contactList)
	register("contact search", "rapport contact search QUERY [--limit N] [--json]", contactSearch)
	register("contact merge", "rapport contact merge KEEP_ID OTHER_ID", contactMerge)
}

// contactFlags are the flags that describe a contact, shared by add and edit.
type contactFlags struct {
	given, family, nickname, org, title, birthday, note *string
	emails, phones, tags                                stringList
}

func newContactFlags(fs *flag.FlagSet) *contactFlags {
	f := &contactFlags{
		given:    fs.String("given", "", "given name"),
		family:   fs.String("family", "", "family name"),
		nickname: fs.String("nickname", "", "nickname"),
		org:      fs.String("org", "", "organisation"),
		title:    fs.String("title", "", "job title"),
		birthday: fs.String("birthday", "", "birthday, YYYY-MM-DD or --MM-DD without the year"),
		note:     fs.String("note", "", "free notes"),
	}
	fs.Var(&f.emails, "email", "e-mail address (repeatable)")
	fs.Var(&f.phones, "phone", "phone number (repeatable)")
	fs.Var(&f.tags, "tag", "tag (repeatable)")
	return f
}

// apply copies the flags that were given onto ct; lists given replace the
// contact's list, keeping what is known about entries that stay.
func (f *contactFlags) apply(ct *data.Contact, set map[string]bool) error {
	if set["birthday"] {
		b, err := data.ParseDate(*f.birthday)
		if err != nil {
			return fmt.Errorf("%w birthday %q: want YYYY-MM-DD, or --MM-DD without the year", data.ErrInvalid, *f.birthday)
		}
		ct.Birthday = b
	}
	for _, fl := range []struct {
		name     string
		dst, src *string
	}{
		{"given", &ct.Given, f.given}, {"family", &ct.Family, f.family}, {"nickname", &ct.Nickname, f.nickname},
		{"org", &ct.Organization, f.org}, {"title", &ct.Title, f.title},
	} {
		if set[fl.name] {
			*fl.dst = strings.TrimSpace(*fl.src)
		}
	}
	if set["note"] {
		ct.Notes = *f.note
	}
	if set["given"] || set["family"] || set["nickname"] || set["org"] {
		ct.DisplayName = "" // computed again from the names
	}
	if set["email"] {
		old := ct.Emails
		ct.Emails = nil
		for _, a := range f.emails {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			e := data.Email{Address: a}
			for _, o := range old {
				if strings.EqualFold(o.Address, a) {
					e = o
					e.Address = a
				}
			}
			ct.Emails = append(ct.Emails, e)
		}
	}
	if set["phone"] {
		old := ct.Phones
		ct.Phones = nil
		for _, n := range f.phones {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			p := data.Phone{Number: n}
			for _, o := range old {
				if digitsOf(o.Number) == digitsOf(n) {
					p = o
					p.Number = n
				}
			}
			ct.Phones = append(ct.Phones, p)
		}
	}
	if set["tag"] {
		ct.Tags = append([]string(nil), f.tags...)
	}
	return nil
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r == '+' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func contactAdd(c *cli, args []string) error {
	fs := c.flags("contact add")
	f := newContactFlags(fs)
	asJSON := fs.Bool("json", false, "print the new contact as JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	set := given(fs)
	if !set["given"] && !set["family"] && !set["nickname"] && !set["org"] && len(f.emails) == 0 && len(f.phones) == 0 {
		return usageError{"a name is needed: --given and --family (or --nickname, --org, --email, --phone)"}
	}
	ct := &data.Contact{}
	if err := f.apply(ct, set); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	if err := c.store.SaveContact(c.ctx, ct); err != nil {
		return err
	}
	if *asJSON {
		return c.printContactJSON(ct.ID)
	}
	fmt.Fprintln(c.stdout, ct.ID)
	return nil
}

func contactEdit(c *cli, args []string) error {
	fs := c.flags("contact edit")
	f := newContactFlags(fs)
	var addTags, removeTags stringList
	fs.Var(&addTags, "add-tag", "add a tag (repeatable)")
	fs.Var(&removeTags, "remove-tag", "remove a tag (repeatable)")
	asJSON := fs.Bool("json", false, "print the contact as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 1, 1, "the contact's ID"); err != nil {
		return err
	}
	set := given(fs)
	if len(set) == 0 || len(set) == 1 && set["json"] {
		return usageError{"nothing to change: give the flags of what changes"}
	}
	if err := c.open(); err != nil {
		return err
	}
	id, err := c.liveContact(pos[0])
	if err != nil {
		return err
	}
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return err
	}
	if err := f.apply(ct, set); err != nil {
		return err
	}
	for _, t := range addTags {
		if !containsFold(ct.Tags, t) {
			ct.Tags = append(ct.Tags, t)
		}
	}
	for _, t := range removeTags {
		kept := ct.Tags[:0]
		for _, have := range ct.Tags {
			if !strings.EqualFold(strings.Join(strings.Fields(have), " "), strings.Join(strings.Fields(t), " ")) {
				kept = append(kept, have)
			}
		}
		ct.Tags = kept
	}
	if err := c.store.SaveContact(c.ctx, ct); err != nil {
		return err
	}
	if *asJSON {
		return c.printContactJSON(ct.ID)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

func (c *cli) printContactJSON(id string) error {
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return err
	}
	return c.printJSON(contactView(ct))
}

// resolve turns an id or the start of one into the full id of a row of table.
func (c *cli) resolve(table, arg string) (string, error) {
	return c.store.ResolveID(c.ctx, table, arg)
}

// liveContact resolves the id of a client that is not deleted: what is logged
// or booked must belong to a live one.
func (c *cli) liveContact(arg string) (string, error) {
	id, err := c.resolve("contact", arg)
	if err != nil {
		return "", err
	}
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return "", err
	}
	if ct.MergedInto != "" {
		return "", fmt.Errorf("%w: %s (%s) was merged into %s; use that one", data.ErrConflict, ct.DisplayName, id, ct.MergedInto)
	}
	if ct.Deleted {
		return "", fmt.Errorf("%w: %s (%s) is deleted; restore it first", data.ErrConflict, ct.DisplayName, id)
	}
	return id, nil
}

func contactSetAlive(c *cli, name string, args []string, alive bool) error {
	id, err := c.openWithID(name, args, "contact", "the contact's ID")
	if err != nil {
		return err
	}
	ct, err := c.store.Contact(c.ctx, id)
	if err != nil {
		return err
	}
	if alive {
		if err := c.store.RestoreContact(c.ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Restored %s.\n", ct.DisplayName)
		return nil
	}
	if err := c.store.DeleteContact(c.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Deleted %s; undo with: rapport contact restore %s\n", ct.DisplayName, id)
	return nil
}

func contactList(c *cli, args []string) error {
	fs := c.flags("contact list")
	tag := fs.String("tag", "", "only clients with this tag")
	deleted := fs.Bool("deleted", false, "the recently deleted clients")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseNoArgs(c, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	list, err := c.store.ListContacts(c.ctx, data.ListQuery{Tag: *tag, Deleted: *deleted})
	if err != nil {
		return err
	}
	return c.printContacts(list, *asJSON)
}

func contactSearch(c *cli, args []string) error {
	fs := c.flags("contact search")
	limit := fs.Int("limit", 50, "at most this many results")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(pos, " "))
	if query == "" {
		return usageError{"a QUERY is needed"}
	}
	if *limit < 1 {
		return usageError{"--limit must be at least 1"}
	}
	if err := c.open(); err != nil {
		return err
	}
	list, err := c.store.Search(c.ctx, query, *limit)
	if err != nil {
		return err
	}
	return c.printContacts(list, *asJSON)
}

// printContacts prints a list of clients: one aligned line each, or the full
// contacts as JSON.
func (c *cli) printContacts(list []data.ContactSummary, asJSON bool) error {
	if asJSON {
		out := make([]contactJSON, 0, len(list))
		for _, s := range list {
			ct, err := c.store.Contact(c.ctx, s.ID)
			if err != nil {
				return err
			}
			out = append(out, contactView(ct))
		}
		return c.printJSON(out)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stderr, "No clients found.")
		return nil
	}
	tw := c.table()
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.DisplayName, s.Organization, s.Email, s.Phone, strings.Join(s.Tags, ", "))
	}
	return tw.Flush()
}

func contactMerge(c *cli, args []string) error {
	fs := c.flags("contact merge")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needPositional(pos, 2, 2, "KEEP_ID and OTHER_ID"); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	keep, err := c.resolve("contact", pos[0])
	if err != nil {
		return err
	}
	other, err := c.resolve("contact", pos[1])
	if err != nil {
		return err
	}
	o, err := c.store.Contact(c.ctx, other)
	if err != nil {
		return err
	}
	if err := c.store.MergeContacts(c.ctx, keep, other); err != nil {
		return err
	}
	k, err := c.store.Contact(c.ctx, keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Merged %s into %s (%s).\n", o.DisplayName, k.DisplayName, keep)
	return nil
}
