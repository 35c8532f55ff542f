package fileshare

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"rapport/data"
)

// File formats (SYNC.md, "Operations"). Every file is JSON lines: a header,
// the body lines, and an end record holding the number of body lines and the
// SHA-256 of every byte before it. A file that is cut short, has a flipped
// bit, or whose header names another share, computer or range than its path
// fails to decode and is never applied.

// FormatVersion is the version of the files this Rapport writes and reads.
const FormatVersion = 1

// maxFileSize bounds what a reader accepts, so that junk on the share cannot
// exhaust memory.
const maxFileSize = 1 << 30

type endRecord struct {
	T      string `json:"t"`
	N      int    `json:"n"`
	SHA256 string `json:"sha256"`
}

// frame writes header, body lines and the end record.
func frame(header any, body [][]byte) ([]byte, error) {
	var buf bytes.Buffer
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	buf.Write(h)
	buf.WriteByte('\n')
	for _, line := range body {
		buf.Write(line)
		buf.WriteByte('\n')
	}
	sum := sha256.Sum256(buf.Bytes())
	end, _ := json.Marshal(endRecord{T: "end", N: len(body), SHA256: hex.EncodeToString(sum[:])})
	buf.Write(end)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// unframe checks the end record and the seal and gives the header line and
// the body lines.
func unframe(b []byte) (header []byte, body [][]byte, err error) {
	if len(b) > maxFileSize {
		return nil, nil, fmt.Errorf("%w: %d bytes is larger than any file Rapport writes", ErrDamaged, len(b))
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return nil, nil, errCutShort
	}
	i := bytes.LastIndexByte(b[:len(b)-1], '\n')
	if i < 0 {
		return nil, nil, fmt.Errorf("%w: no header", ErrDamaged)
	}
	var end endRecord
	dec := json.NewDecoder(bytes.NewReader(b[i+1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&end); err != nil || end.T != "end" {
		return nil, nil, errCutShort
	}
	// The end record is outside the seal, so only its one exact spelling
	// counts (JSON would also take "N" for "n").
	if canon, _ := json.Marshal(end); !bytes.Equal(canon, b[i+1:len(b)-1]) {
		return nil, nil, fmt.Errorf("%w: the end record is damaged", ErrDamaged)
	}
	sum := sha256.Sum256(b[:i+1])
	if hex.EncodeToString(sum[:]) != end.SHA256 {
		return nil, nil, fmt.Errorf("%w: the SHA-256 seal does not match the contents", ErrDamaged)
	}
	lines := bytes.Split(b[:i], []byte{'\n'})
	if len(lines)-1 != end.N {
		return nil, nil, fmt.Errorf("%w: %d lines where the end record says %d", ErrDamaged, len(lines)-1, end.N)
	}
	return lines[0], lines[1:], nil
}

func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("text after the record")
	}
	return nil
}

// Segment is a run of one computer's operations with consecutive sequence
// numbers From..To. An operation keeps the id that stamped it: a database
// that had to take a new id (a restored backup, a cloned disk) publishes its
// earlier operations again under the new one, unchanged.
type Segment struct {
	Share  string
	Device string
	From   int64
	To     int64
	Schema int
	Ops    []data.Op
}

type segmentHeader struct {
	T      string `json:"t"`
	Fmt    int    `json:"fmt"`
	Share  string `json:"share"`
	Dev    string `json:"dev"`
	From   int64  `json:"from"`
	To     int64  `json:"to"`
	N      int    `json:"n"`
	Schema int    `json:"schema"`
}

// EncodeSegment writes a segment. The same segment always gives the same
// bytes (fields in fixed order, sets with sorted keys), so a segment built
// again after a crash is the file already on the share.
func EncodeSegment(s Segment) ([]byte, error) {
	if s.To-s.From+1 != int64(len(s.Ops)) || s.From < 1 {
		return nil, fmt.Errorf("fileshare: segment %d-%d with %d operations", s.From, s.To, len(s.Ops))
	}
	body, err := opLines(s.Ops)
	if err != nil {
		return nil, err
	}
	return frame(segmentHeader{T: "hdr", Fmt: FormatVersion, Share: s.Share, Dev: s.Device, From: s.From, To: s.To, N: len(s.Ops), Schema: s.Schema}, body)
}

// opLines are the body lines of a segment or snapshot: one operation each.
func opLines(ops []data.Op) ([][]byte, error) {
	body := make([][]byte, len(ops))
	for i, op := range ops {
		line, err := json.Marshal(op)
		if err != nil {
			return nil, err
		}
		body[i] = line
	}
	return body, nil
}

// decodeOps reads the body lines back; what names a line in an error.
func decodeOps(body [][]byte, what string) ([]data.Op, error) {
	ops := make([]data.Op, len(body))
	for i, line := range body {
		if err := decodeStrict(line, &ops[i]); err != nil {
			return nil, fmt.Errorf("%w: %s %d: %v", ErrDamaged, what, i+1, err)
		}
	}
	return ops, nil
}

// DecodeSegment reads and checks a segment file.
func DecodeSegment(b []byte) (Segment, error) {
	hdrLine, body, err := unframe(b)
	if err != nil {
		return Segment{}, err
	}
	var h segmentHeader
	if err := decodeStrict(hdrLine, &h); err != nil || h.T != "hdr" {
		return Segment{}, fmt.Errorf("%w: not a segment header", ErrDamaged)
	}
	if h.Fmt != FormatVersion {
		return Segment{}, fmt.Errorf("%w: segment format %d (this Rapport reads %d)", ErrDamaged, h.Fmt, FormatVersion)
	}
	if h.From < 1 || h.To < h.From || h.To-h.From+1 != int64(h.N) || h.N != len(body) {
		return Segment{}, fmt.Errorf("%w: segment %d-%d says %d operations and has %d", ErrDamaged, h.From, h.To, h.N, len(body))
	}
	if !isDeviceID(h.Dev) || !isShareID(h.Share) {
		return Segment{}, fmt.Errorf("%w: segment header names no valid share or computer", ErrDamaged)
	}
	ops, err := decodeOps(body, "operation")
	if err != nil {
		return Segment{}, err
	}
	return Segment{Share: h.Share, Device: h.Dev, From: h.From, To: h.To, Schema: h.Schema, Ops: ops}, nil
}

// SegmentRef is what a head says about one of its computer's segments.
type SegmentRef struct {
	From   int64  `json:"from"`
	To     int64  `json:"to"`
	SHA256 string `json:"sha256"`
}

// Head is a computer's status on the share, written after each cycle that
// changed something: its segments, what it has read of everyone else, its
// clock. The newest head of a computer is the one with the greatest name.
type Head struct {
	T         string           `json:"t"`
	Fmt       int              `json:"fmt"`
	Share     string           `json:"share"`
	Device    string           `json:"dev"`
	Name      string           `json:"name"`
	HLC       string           `json:"hlc"`
	WallMs    int64            `json:"wall_ms"`
	Published int64            `json:"published"`
	Segments  []SegmentRef     `json:"segments"`
	GCFloor   int64            `json:"gc_floor"`
	Snapshots []string         `json:"snapshots"`
	Acks      map[string]int64 `json:"acks"`
	// Retired are the ids this database wrote under before it found another
	// database writing under them too (a restored backup, a cloned disk).
	Retired []string `json:"retired,omitempty"`
}

// EncodeHead writes a head file.
func EncodeHead(h Head) ([]byte, error) {
	h.T, h.Fmt = "head", FormatVersion
	return frame(h, nil)
}

// DecodeHead reads and checks a head file.
func DecodeHead(b []byte) (Head, error) {
	hdrLine, body, err := unframe(b)
	if err != nil {
		return Head{}, err
	}
	var h Head
	if err := decodeStrict(hdrLine, &h); err != nil || h.T != "head" || len(body) != 0 {
		return Head{}, fmt.Errorf("%w: not a head", ErrDamaged)
	}
	if h.Fmt != FormatVersion {
		return Head{}, fmt.Errorf("%w: head format %d (this Rapport reads %d)", ErrDamaged, h.Fmt, FormatVersion)
	}
	if !isDeviceID(h.Device) || !isShareID(h.Share) || !isHLC(h.HLC) {
		return Head{}, fmt.Errorf("%w: head names no valid share, computer or clock", ErrDamaged)
	}
	for _, r := range h.Segments {
		if r.From < 1 || r.To < r.From || len(r.SHA256) != 64 {
			return Head{}, fmt.Errorf("%w: head lists segment %d-%d", ErrDamaged, r.From, r.To)
		}
	}
	for d, n := range h.Acks {
		if !isDeviceID(d) || n < 0 {
			return Head{}, fmt.Errorf("%w: head acknowledges %q %d", ErrDamaged, d, n)
		}
	}
	return h, nil
}

// Snapshot is the whole state of the database of the computer that wrote
// it, with what it covers: every operation of each computer up to the
// sequence number in Covers.
type Snapshot struct {
	Share  string
	Device string
	HLC    string
	Covers map[string]int64
	Schema int
	Ops    []data.Op
}

type snapshotHeader struct {
	T      string           `json:"t"`
	Fmt    int              `json:"fmt"`
	Share  string           `json:"share"`
	Dev    string           `json:"dev"`
	HLC    string           `json:"hlc"`
	Covers map[string]int64 `json:"covers"`
	N      int              `json:"n"`
	Schema int              `json:"schema"`
}

// EncodeSnapshot writes a snapshot file.
func EncodeSnapshot(s Snapshot) ([]byte, error) {
	body, err := opLines(s.Ops)
	if err != nil {
		return nil, err
	}
	return frame(snapshotHeader{T: "snap", Fmt: FormatVersion, Share: s.Share, Dev: s.Device, HLC: s.HLC, Covers: s.Covers, N: len(s.Ops), Schema: s.Schema}, body)
}

// DecodeSnapshot reads and checks a snapshot file.
func DecodeSnapshot(b []byte) (Snapshot, error) {
	hdrLine, body, err := unframe(b)
	if err != nil {
		return Snapshot{}, err
	}
	var h snapshotHeader
	if err := decodeStrict(hdrLine, &h); err != nil || h.T != "snap" {
		return Snapshot{}, fmt.Errorf("%w: not a snapshot header", ErrDamaged)
	}
	if h.Fmt != FormatVersion {
		return Snapshot{}, fmt.Errorf("%w: snapshot format %d (this Rapport reads %d)", ErrDamaged, h.Fmt, FormatVersion)
	}
	if !isDeviceID(h.Dev) || !isShareID(h.Share) || !isHLC(h.HLC) || h.N != len(body) {
		return Snapshot{}, fmt.Errorf("%w: snapshot header does not match its contents", ErrDamaged)
	}
	for d, n := range h.Covers {
		if !isDeviceID(d) || n < 0 {
			return Snapshot{}, fmt.Errorf("%w: snapshot covers %q %d", ErrDamaged, d, n)
		}
	}
	ops, err := decodeOps(body, "row")
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Share: h.Share, Device: h.Dev, HLC: h.HLC, Covers: h.Covers, Schema: h.Schema, Ops: ops}, nil
}

// ShareInfo is share.json, written once by the first computer.
type ShareInfo struct {
	Share   string `json:"share"`
	Fmt     int    `json:"fmt"`
	Created string `json:"created"`
	// Key is the share key wrapped with the passphrase (age, scrypt) when
	// the share is encrypted.
	Key string `json:"key,omitempty"`
}

// DeviceInfo is a computer's device.json, written once.
type DeviceInfo struct {
	Device  string `json:"dev"`
	Name    string `json:"name"`
	Created string `json:"created"`
	App     string `json:"app"`
}

// EncodeInfo writes share.json or device.json, sealed like every file.
func EncodeInfo(v any) ([]byte, error) { return frame(v, nil) }

// DecodeShareInfo reads share.json.
func DecodeShareInfo(b []byte) (ShareInfo, error) {
	hdr, body, err := unframe(b)
	var s ShareInfo
	if err == nil && (len(body) != 0 || decodeStrict(hdr, &s) != nil) {
		err = fmt.Errorf("%w: not a share description", ErrDamaged)
	}
	if err == nil && (!isShareID(s.Share) || s.Fmt != FormatVersion) {
		err = fmt.Errorf("%w: share id %q, format %d", ErrDamaged, s.Share, s.Fmt)
	}
	return s, err
}

// DecodeDeviceInfo reads device.json.
func DecodeDeviceInfo(b []byte) (DeviceInfo, error) {
	hdr, body, err := unframe(b)
	var d DeviceInfo
	if err == nil && (len(body) != 0 || decodeStrict(hdr, &d) != nil || !isDeviceID(d.Device)) {
		err = fmt.Errorf("%w: not a computer description", ErrDamaged)
	}
	return d, err
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isDeviceID(s string) bool { return isLowerHex(s, 32) }
func isShareID(s string) bool  { return isLowerHex(s, 32) }
func isHLC(s string) bool      { return isLowerHex(s, 16) }

// File names. A name is read case-insensitively (some shares fold case) and
// a conflict copy ("….sync-conflict-…", "… (1)", "… (conflicted copy …)")
// names the same file as its original: its contents say which it is.
var (
	segmentName  = regexp.MustCompile(`^([0-9a-f]{16})-([0-9a-f]{16})(.*)\.seg$`)
	headName     = regexp.MustCompile(`^([0-9a-f]{16})(.*)\.json$`)
	snapshotName = regexp.MustCompile(`^([0-9a-f]{16})(.*)\.snap$`)
)

func segmentFile(from, to int64) string { return fmt.Sprintf("%016x-%016x.seg", from, to) }
func headFile(hlc string) string        { return hlc + ".json" }
func snapshotFile(hlc string) string    { return hlc + ".snap" }

// parseSegmentName gives the range a segment's name claims; copy is true
// for a conflict copy.
func parseSegmentName(name string) (from, to int64, isCopy, ok bool) {
	m := segmentName.FindStringSubmatch(strings.ToLower(name))
	if m == nil || strings.HasPrefix(name, ".") {
		return 0, 0, false, false
	}
	f, err1 := strconv.ParseInt(m[1], 16, 64)
	t, err2 := strconv.ParseInt(m[2], 16, 64)
	if err1 != nil || err2 != nil || f < 1 || t < f {
		return 0, 0, false, false
	}
	return f, t, m[3] != "", true
}

// parseStampName gives the clock of a head or snapshot name.
func parseStampName(re *regexp.Regexp, name string) (hlc string, isCopy, ok bool) {
	m := re.FindStringSubmatch(strings.ToLower(name))
	if m == nil || strings.HasPrefix(name, ".") {
		return "", false, false
	}
	return m[1], m[2] != "", true
}
