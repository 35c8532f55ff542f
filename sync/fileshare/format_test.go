package fileshare

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"rapport/data"
)

const (
	testShare = "0123456789abcdef0123456789abcdef"
	testDev   = "fedcba9876543210fedcba9876543210"
)

func sampleSegment() Segment {
	return Segment{Share: testShare, Device: testDev, From: 812, To: 813, Schema: 4, Ops: []data.Op{
		{ID: "01900000-0000-7000-8000-000000000001", HLC: "0190000000000001", Device: testDev, Table: "contact", Row: "01900000-0000-7000-8000-0000000000aa", CL: 1, Set: map[string]any{"given": "Anna", "bday_day": int64(3)}},
		{ID: "01900000-0000-7000-8000-000000000002", HLC: "0190000000000002", Device: testDev, Table: "contact", Row: "01900000-0000-7000-8000-0000000000aa", CL: 2},
	}}
}

func sampleHead() Head {
	return Head{Share: testShare, Device: testDev, Name: "Till", HLC: "0190000000000002", WallMs: 1700000000000, Published: 813,
		Segments: []SegmentRef{{From: 1, To: 813, SHA256: strings.Repeat("a", 64)}}, GCFloor: 0, Acks: map[string]int64{testShare: 40}}
}

func sampleSnapshot() Snapshot {
	return Snapshot{Share: testShare, Device: testDev, HLC: "0190000000000003", Covers: map[string]int64{testDev: 813}, Schema: 4, Ops: sampleSegment().Ops}
}

func TestSegmentRoundTrip(t *testing.T) {
	b, err := EncodeSegment(sampleSegment())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := EncodeSegment(sampleSegment())
	if !bytes.Equal(b, again) {
		t.Fatal("encoding the same segment twice gave different bytes")
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], `{"t":"hdr","fmt":1,`) || !strings.HasPrefix(lines[3], `{"t":"end","n":2,"sha256":"`) {
		t.Fatalf("segment layout:\n%s", b)
	}
	seg, err := DecodeSegment(b)
	if err != nil {
		t.Fatal(err)
	}
	if seg.From != 812 || seg.To != 813 || len(seg.Ops) != 2 || seg.Ops[0].Set["given"] != "Anna" {
		t.Fatalf("decoded %+v", seg)
	}
}

// Every cut and every flipped bit of a file must be refused (SYNC.md I3, I15).
func TestDamagedFilesAreRefused(t *testing.T) {
	seg, _ := EncodeSegment(sampleSegment())
	head, _ := EncodeHead(sampleHead())
	snap, _ := EncodeSnapshot(sampleSnapshot())
	for name, c := range map[string]struct {
		b      []byte
		decode func([]byte) error
	}{
		"segment":  {seg, func(b []byte) error { _, err := DecodeSegment(b); return err }},
		"head":     {head, func(b []byte) error { _, err := DecodeHead(b); return err }},
		"snapshot": {snap, func(b []byte) error { _, err := DecodeSnapshot(b); return err }},
	} {
		t.Run(name, func(t *testing.T) {
			if err := c.decode(c.b); err != nil {
				t.Fatal(err)
			}
			for n := 0; n < len(c.b); n++ {
				if err := c.decode(c.b[:n]); !errors.Is(err, ErrDamaged) {
					t.Fatalf("cut at %d: %v", n, err)
				}
			}
			for i := range c.b {
				for bit := range 8 {
					d := bytes.Clone(c.b)
					d[i] ^= 1 << bit
					if err := c.decode(d); !errors.Is(err, ErrDamaged) {
						t.Fatalf("bit %d of byte %d flipped: %v", bit, i, err)
					}
				}
			}
		})
	}
}

func TestSegmentHeaderMustMatchContents(t *testing.T) {
	for name, mutate := range map[string]func(*Segment){
		"count":     func(s *Segment) { s.To = 814 },
		"from zero": func(s *Segment) { s.From, s.To = 0, 1 },
	} {
		s := sampleSegment()
		mutate(&s)
		if _, err := EncodeSegment(s); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
	// A well-sealed file whose header lies is refused too.
	body := [][]byte{[]byte(`{"op":"x","hlc":"0","dev":"` + testShare + `","table":"contact","row":"r","cl":1}`)}
	b, _ := frame(segmentHeader{T: "hdr", Fmt: 1, Share: testShare, Dev: testDev, From: 1, To: 2, N: 2}, body)
	if _, err := DecodeSegment(b); !errors.Is(err, ErrDamaged) {
		t.Fatalf("fewer operations than the header says: %v", err)
	}
	b, _ = frame(segmentHeader{T: "hdr", Fmt: 2, Share: testShare, Dev: testDev, From: 1, To: 1, N: 1}, body)
	if _, err := DecodeSegment(b); err == nil || !strings.Contains(err.Error(), "format 2") {
		t.Fatalf("newer format: %v", err)
	}
}

func TestHeadAndSnapshotRoundTrip(t *testing.T) {
	b, _ := EncodeHead(sampleHead())
	h, err := DecodeHead(b)
	want := sampleHead()
	want.T, want.Fmt = "head", FormatVersion
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Fatalf("head: %v\n%+v\n%+v", err, h, want)
	}
	b, _ = EncodeSnapshot(sampleSnapshot())
	s, err := DecodeSnapshot(b)
	if err != nil || s.Covers[testDev] != 813 || len(s.Ops) != 2 {
		t.Fatalf("snapshot: %v %+v", err, s)
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		name     string
		from, to int64
		isCopy   bool
		ok       bool
	}{
		{"000000000000032c-000000000000032d.seg", 812, 813, false, true},
		{"000000000000032C-000000000000032D.SEG", 812, 813, false, true}, // folded case
		{"000000000000032c-000000000000032d.sync-conflict-20260101-120000-ABCDEFG.seg", 812, 813, true, true},
		{"000000000000032c-000000000000032d (1).seg", 812, 813, true, true},
		{"000000000000032c-000000000000032d (conflicted copy 2026-01-01).seg", 812, 813, true, true},
		{".000000000000032c-000000000000032d.seg.icloud", 0, 0, false, false},
		{"000000000000032d-000000000000032c.seg", 0, 0, false, false},
		{"0000000000000000-0000000000000001.seg", 0, 0, false, false},
		{"desktop.ini", 0, 0, false, false},
		{"~$000000000000032c.seg", 0, 0, false, false},
	} {
		from, to, isCopy, ok := parseSegmentName(c.name)
		if from != c.from || to != c.to || isCopy != c.isCopy || ok != c.ok {
			t.Errorf("%q: %d %d %v %v", c.name, from, to, isCopy, ok)
		}
	}
}

func TestRanges(t *testing.T) {
	var r ranges
	r = r.add(5, 9).add(1, 2).add(3, 4).add(20, 20)
	if r.String() != "1-9,20-20" || r.prefix() != 9 || r.count() != 10 || !r.covers(2, 8) || r.covers(9, 10) {
		t.Fatalf("%v", r)
	}
	back, err := parseRanges(r.String())
	if err != nil || back.String() != r.String() {
		t.Fatalf("%v %v", back, err)
	}
	for _, bad := range []string{"x", "3-1", "0-2", "1-", ","} {
		if _, err := parseRanges(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
