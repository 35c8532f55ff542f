package fileshare

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ranges is a set of sequence numbers kept as sorted, disjoint, non-adjacent
// closed intervals: what this computer applied of another one's segments,
// which can have holes while segments arrive out of order.
type ranges [][2]int64

func (r ranges) add(from, to int64) ranges {
	out := append(ranges{}, r...)
	out = append(out, [2]int64{from, to})
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	merged := ranges{}
	for _, iv := range out {
		if n := len(merged); n > 0 && iv[0] <= merged[n-1][1]+1 {
			merged[n-1][1] = max(merged[n-1][1], iv[1])
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// covers reports whether every number of from..to is in the set.
func (r ranges) covers(from, to int64) bool {
	for _, iv := range r {
		if iv[0] <= from && to <= iv[1] {
			return true
		}
	}
	return false
}

// prefix is the highest n such that 1..n are all in the set.
func (r ranges) prefix() int64 {
	if len(r) > 0 && r[0][0] <= 1 {
		return r[0][1]
	}
	return 0
}

// count is how many numbers the set holds.
func (r ranges) count() int64 {
	var n int64
	for _, iv := range r {
		n += iv[1] - iv[0] + 1
	}
	return n
}

func (r ranges) String() string {
	parts := make([]string, len(r))
	for i, iv := range r {
		parts[i] = fmt.Sprintf("%d-%d", iv[0], iv[1])
	}
	return strings.Join(parts, ",")
}

func parseRanges(s string) (ranges, error) {
	var r ranges
	if s == "" {
		return r, nil
	}
	for _, part := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(part, "-")
		from, err1 := strconv.ParseInt(a, 10, 64)
		to, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || from < 1 || to < from {
			return nil, fmt.Errorf("fileshare: applied ranges %q", s)
		}
		r = r.add(from, to)
	}
	return r, nil
}
