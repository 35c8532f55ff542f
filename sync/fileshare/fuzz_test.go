package fileshare

import (
	"reflect"
	"testing"
)

// Fuzz targets for every decoder of what the share holds: whatever the bytes,
// a decoder returns an error or a value that encodes and decodes to itself,
// and never panics.

func FuzzDecodeSegment(f *testing.F) {
	b, _ := EncodeSegment(sampleSegment())
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		seg, err := DecodeSegment(b)
		if err != nil {
			return
		}
		again, err := EncodeSegment(seg)
		if err != nil {
			return // decodes, but holds operations this Rapport would reject on apply
		}
		seg2, err := DecodeSegment(again)
		if err != nil || len(seg2.Ops) != len(seg.Ops) || seg2.From != seg.From {
			t.Fatalf("re-encoded segment does not decode the same: %v", err)
		}
	})
}

func FuzzDecodeHead(f *testing.F) {
	b, _ := EncodeHead(sampleHead())
	f.Add(b)
	f.Add([]byte(`{"t":"end","n":0,"sha256":""}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHead(b)
		if err != nil {
			return
		}
		again, _ := EncodeHead(h)
		h2, err := DecodeHead(again)
		if err != nil || !reflect.DeepEqual(h, h2) {
			t.Fatalf("re-encoded head differs: %v", err)
		}
	})
}

func FuzzDecodeSnapshot(f *testing.F) {
	b, _ := EncodeSnapshot(sampleSnapshot())
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeSnapshot(b)
		if err != nil {
			return
		}
		again, _ := EncodeSnapshot(s)
		if _, err := DecodeSnapshot(again); err != nil {
			t.Fatalf("re-encoded snapshot: %v", err)
		}
	})
}

func FuzzDecodeInfo(f *testing.F) {
	b, _ := EncodeInfo(ShareInfo{Share: testShare, Fmt: 1, Created: "2026-01-01T00:00:00Z"})
	f.Add(b)
	b, _ = EncodeInfo(DeviceInfo{Device: testDev, Name: "Till"})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		DecodeShareInfo(b)
		DecodeDeviceInfo(b)
	})
}

func FuzzNamesAndRanges(f *testing.F) {
	f.Add("000000000000032c-000000000000032d (1).seg")
	f.Add("1-9,20-20")
	f.Fuzz(func(t *testing.T, s string) {
		if from, to, _, ok := parseSegmentName(s); ok && (from < 1 || to < from) {
			t.Fatalf("%q gave %d-%d", s, from, to)
		}
		parseStampName(headName, s)
		if r, err := parseRanges(s); err == nil {
			if back, err := parseRanges(r.String()); err != nil || back.String() != r.String() {
				t.Fatalf("ranges %q: %v", s, err)
			}
		}
	})
}
