package data

import (
	"context"
	"fmt"
	"strings"
)

// Outreach: a message to the clients of a segment on one channel, sent only
// to those who may be contacted there now (consent given on that channel, not
// opted out, the monthly limit not reached, an address known), each send
// recorded on the client's timeline so that the limits count it.

// OutreachAudience splits the clients of a saved segment into those who may
// be contacted on channel now and those who may not, with the reason.
func (s *Store) OutreachAudience(ctx context.Context, segment, channel string) (Audience, error) {
	seg, err := s.SegmentByName(ctx, segment)
	if err != nil {
		return Audience{}, err
	}
	return s.audience(ctx, s.db, seg.Filter, channel)
}

// FilterAudience is OutreachAudience for a filter not saved (the segment
// builder shows it while the filter is being made).
func (s *Store) FilterAudience(ctx context.Context, f SegmentFilter, channel string) (Audience, error) {
	return s.audience(ctx, s.db, f, channel)
}

func (s *Store) audience(ctx context.Context, q querier, f SegmentFilter, channel string) (Audience, error) {
	channel = strings.ToLower(strings.TrimSpace(channel))
	if !oneOf(channel, Channels) {
		return Audience{}, fmt.Errorf("%w channel %q: want one of %s", ErrInvalid, channel, strings.Join(Channels, ", "))
	}
	members, err := s.segmentMembers(ctx, q, f)
	if err != nil {
		return Audience{}, err
	}
	return s.contactable(ctx, q, channel, members)
}

// SendOutreach records a message on channel to every client of the segment
// who may be contacted now, in one transaction with the choice of who that
// is, and returns the audience it decided on. The message itself goes out
// through the shop's own mail or phone (from the exported audience); note is
// what it was about.
func (s *Store) SendOutreach(ctx context.Context, segment, channel, note string) (Audience, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		note = "Outreach to " + strings.TrimSpace(segment)
	}
	var a Audience
	err := s.write(ctx, func(t *txn) error {
		seg, err := segmentByName(t.ctx, t, segment)
		if err != nil {
			return err
		}
		if a, err = s.audience(t.ctx, t, seg.Filter, channel); err != nil {
			return err
		}
		now := t.s.now()
		for _, r := range a.Included {
			in := &Interaction{ContactID: r.ContactID, Kind: "message", At: now, Staff: t.s.staff(),
				Summary: note, Category: a.Channel}
			if err := t.logInteraction(in); err != nil {
				return err
			}
		}
		return nil
	})
	return a, err
}
