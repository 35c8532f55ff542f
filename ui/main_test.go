package ui

import (
	"os"
	"testing"
	"time"
)

// TestMain shows times in UTC, so that what the tests read and the markup
// golden files do not depend on the zone of the computer they run on.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
