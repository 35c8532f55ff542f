package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// hlcClock is the hybrid logical clock of SYNC.md: 48 bits of milliseconds and a
// 16-bit counter, written as 16 hex digits so that string order is clock order.
// It never goes backwards, even when the wall clock does or a backup is restored,
// because it is saved with every operation and advanced past every stamp seen.
type hlcClock struct {
	mu     sync.Mutex
	last   uint64
	device string // 32 hex digits, this computer's id
	// history is the ids this database had before (a restored or cloned
	// database takes a new one), by the outbox operations they stamped.
	history []deviceSince
}

// maxHLCMillis is the first millisecond of the year 10000.
const maxHLCMillis = 253402300800000

func formatHLC(v uint64) string { return fmt.Sprintf("%016x", v) }

func parseHLC(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("%w hlc %q", ErrInvalid, s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	// A stamp past the year 10000 is damage, not a clock; accepting it would
	// push this computer's clock to where it can only wrap around.
	if err != nil || v>>16 > maxHLCMillis {
		return 0, fmt.Errorf("%w hlc %q", ErrInvalid, s)
	}
	return v, nil
}

// next issues a stamp later than every stamp issued or seen.
func (c *hlcClock) next(wall time.Time) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := uint64(wall.UnixMilli()) << 16
	if v <= c.last {
		v = c.last + 1
	}
	c.last = v
	return v
}

// observe moves the clock past a stamp from elsewhere.
func (c *hlcClock) observe(v uint64) {
	c.mu.Lock()
	if v > c.last {
		c.last = v
	}
	c.mu.Unlock()
}

// peek is the newest clock value issued or seen.
func (c *hlcClock) peek() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// loadClock reads this computer's id (creating it on first use) and the last
// clock value from sync_state and from the newest stamps in the database.
func loadClock(ctx context.Context, db *sql.DB) (*hlcClock, error) {
	c := &hlcClock{}
	err := db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'device'").Scan(&c.device)
	if errors.Is(err, sql.ErrNoRows) {
		c.device = strings.ReplaceAll(uuid.Must(uuid.NewRandom()).String(), "-", "")
		if _, err := db.ExecContext(ctx, "INSERT OR IGNORE INTO sync_state(key, value) VALUES('device', ?)", c.device); err != nil {
			return nil, fmt.Errorf("save device id: %w", err)
		}
		if err := db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'device'").Scan(&c.device); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("read device id: %w", err)
	}
	if c.history, err = readDeviceHistory(ctx, db); err != nil {
		return nil, err
	}
	var saved sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = 'hlc'").Scan(&saved); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// The clock only moves forward, so the last operation has the newest
	// stamp; reading it by sequence is instant where max() scans the outbox.
	var newest sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT hlc FROM sync_outbox ORDER BY seq DESC LIMIT 1").Scan(&newest); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	for _, s := range []sql.NullString{saved, newest} {
		if s.Valid && s.String != "" {
			if v, err := parseHLC(s.String); err == nil {
				c.observe(v)
			}
		}
	}
	return c, nil
}

// DeviceID is this computer's id in sync.
func (s *Store) DeviceID() string { return s.clock.device }

// stamp joins hlc, device and op id in fixed width, so comparing two stamps as
// strings compares them as SYNC.md orders them.
func stamp(hlc, device, op string) string { return hlc + "|" + device + "|" + op }
