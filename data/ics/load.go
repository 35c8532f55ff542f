package ics

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"rapport/data"
)

// client is what an event says about its contact.
type client struct {
	name, email string
	stamp       string // latest sync stamp of the name or email
}

// dateRow, apptRow and taskRow are the records with the sync stamp of their
// last write.
type dateRow struct {
	data.ImportantDate
	stamp string
}

type apptRow struct {
	data.Appointment
	stamp string
}

type taskRow struct {
	data.Task
	stamp string
}

// calendarData is everything one export writes, read in one transaction
// with one query per table (as the vCard export does).
type calendarData struct {
	clients map[string]*client
	dates   []dateRow
	appts   []apptRow
	tasks   []taskRow
}

func foldTag(s string) string {
	return cases.Fold().String(norm.NFC.String(strings.Join(strings.Fields(s), " ")))
}

func load(ctx context.Context, s *data.Store, o *Options) (*calendarData, error) {
	tx, err := s.DB().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	query := func(q string, scan func(r *sql.Rows) error, args ...any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("ical export: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	cd := &calendarData{clients: map[string]*client{}}
	err = query(`SELECT id, display_name, stamp FROM contact WHERE cl % 2 = 1 AND merged_into = ''`, func(r *sql.Rows) error {
		var id string
		c := &client{}
		if err := r.Scan(&id, &c.name, &c.stamp); err != nil {
			return err
		}
		cd.clients[id] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.Tag != "" {
		want := foldTag(o.Tag)
		tagged := map[string]bool{}
		err = query(`SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id
			WHERE ct.cl % 2 = 1 AND t.cl % 2 = 1`, func(r *sql.Rows) error {
			var id, name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			if foldTag(name) == want {
				tagged[id] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for id := range cd.clients {
			if !tagged[id] {
				delete(cd.clients, id)
			}
		}
	}
	// The name and address shown in events: later edits to them count as
	// edits of the events (LAST-MODIFIED, SEQUENCE).
	err = query(`SELECT row_id, max(stamp) FROM sync_field_stamp WHERE tbl = 'contact' AND field = 'display_name' GROUP BY row_id`,
		func(r *sql.Rows) error {
			var id, st string
			if err := r.Scan(&id, &st); err != nil {
				return err
			}
			if c := cd.clients[id]; c != nil && st > c.stamp {
				c.stamp = st
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if o.Appointments {
		err = query(`SELECT contact_id, address, stamp FROM contact_email WHERE cl % 2 = 1 AND address <> '' ORDER BY contact_id, pref DESC, rowid`,
			func(r *sql.Rows) error {
				var id, addr, st string
				if err := r.Scan(&id, &addr, &st); err != nil {
					return err
				}
				if c := cd.clients[id]; c != nil && c.email == "" {
					c.email = addr
					if st > c.stamp {
						c.stamp = st
					}
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	stamps := map[string]string{}
	stampsOf := func(table string) error {
		return query(`SELECT row_id, max(stamp) FROM sync_field_stamp WHERE tbl = ? GROUP BY row_id`, func(r *sql.Rows) error {
			var id, st string
			if err := r.Scan(&id, &st); err != nil {
				return err
			}
			stamps[id] = st
			return nil
		}, table)
	}
	later := func(a, b string) string {
		if b > a {
			return b
		}
		return a
	}
	if o.Dates {
		if err := stampsOf("important_date"); err != nil {
			return nil, err
		}
		err = query(`SELECT id, contact_id, kind, label, year, month, day, yearly, lead_days, stamp FROM important_date
			WHERE cl % 2 = 1 ORDER BY month, day, id`, func(r *sql.Rows) error {
			var d dateRow
			var month int
			var owner sql.NullString
			if err := r.Scan(&d.ID, &owner, &d.Kind, &d.Label, &d.Date.Year, &month, &d.Date.Day, &d.Yearly, &d.LeadDays, &d.stamp); err != nil {
				return err
			}
			d.ContactID, d.Date.Month = owner.String, time.Month(month)
			if cd.clients[d.ContactID] == nil || d.Date.Month < 1 || d.Date.Month > 12 || d.Date.Day < 1 {
				return nil
			}
			d.stamp = later(d.stamp, stamps[d.ID])
			cd.dates = append(cd.dates, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if o.Appointments {
		if err := stampsOf("appointment"); err != nil {
			return nil, err
		}
		err = query(`SELECT id, coalesce(contact_id, ''), start_utc, end_utc, tz, all_day, purpose, staff, status, stamp FROM appointment
			WHERE cl % 2 = 1 AND start_utc >= ? AND start_utc < ? ORDER BY start_utc, id`, func(r *sql.Rows) error {
			var a apptRow
			var start, end string
			if err := r.Scan(&a.ID, &a.ContactID, &start, &end, &a.TZ, &a.AllDay, &a.Purpose, &a.Staff, &a.Status, &a.stamp); err != nil {
				return err
			}
			if a.ContactID != "" && cd.clients[a.ContactID] == nil || a.ContactID == "" && o.Tag != "" {
				return nil
			}
			var err1, err2 error
			a.Start, err1 = time.Parse(time.RFC3339Nano, start)
			a.End, err2 = time.Parse(time.RFC3339Nano, end)
			if err1 != nil || err2 != nil {
				return nil // a placeholder row that sync has not filled in yet
			}
			a.stamp = later(a.stamp, stamps[a.ID])
			cd.appts = append(cd.appts, a)
			return nil
		}, o.from(), o.until())
		if err != nil {
			return nil, err
		}
	}
	if o.Tasks {
		if err := stampsOf("task"); err != nil {
			return nil, err
		}
		err = query(`SELECT id, coalesce(contact_id, ''), title, due, done_at, snoozed_until, stamp FROM task
			WHERE cl % 2 = 1 ORDER BY due, id`, func(r *sql.Rows) error {
			var t taskRow
			var due, done, snoozed string
			if err := r.Scan(&t.ID, &t.ContactID, &t.Title, &due, &done, &snoozed, &t.stamp); err != nil {
				return err
			}
			if t.ContactID != "" && cd.clients[t.ContactID] == nil || t.ContactID == "" && o.Tag != "" {
				return nil
			}
			var err error
			if t.Due, err = data.ParseDate(due); err != nil || t.Due.Year == 0 {
				return nil
			}
			t.SnoozedUntil, _ = data.ParseDate(snoozed)
			if done != "" {
				t.DoneAt, _ = time.Parse(time.RFC3339Nano, done)
			}
			if o.Days > 0 && (!t.DoneAt.IsZero() || t.Due.String() > o.lastDay().String()) {
				return nil // a window shows what is still to do in it
			}
			t.stamp = later(t.stamp, stamps[t.ID])
			cd.tasks = append(cd.tasks, t)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return cd, nil
}

// stampTime reads the instant of a sync stamp: its first 16 hex digits are
// the hybrid logical clock, whose upper 48 bits are Unix milliseconds.
func stampTime(st string) time.Time {
	if len(st) < 16 {
		return time.Time{}
	}
	v, err := strconv.ParseUint(st[:16], 16, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(v >> 16)).UTC()
}
