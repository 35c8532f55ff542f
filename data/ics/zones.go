package ics

import (
	"sync"
	"time"
)

// zoneCache keeps loaded locations: time.LoadLocation reads and parses the
// zone's data on every call, which showed in exports and imports of many
// appointments.
var zoneCache sync.Map // name -> *time.Location

// loadZone is time.LoadLocation, cached.
func loadZone(name string) (*time.Location, error) {
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, l)
	return l, nil
}
