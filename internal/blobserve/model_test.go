package blobserve

import (
	"math/big"
	"regexp"
	"strings"
)

// rangeSpecRE is RFC 9110's range-spec for bytes: int-range or suffix-range.
var rangeSpecRE = regexp.MustCompile(`^(?:([0-9]+)-([0-9]*)|-([0-9]+))$`)

// modelResult is what the reference model makes of a Range header.
type modelResult struct {
	syntaxOK bool        // "bytes=" unit (any case) and every list member a valid spec
	specs    int         // non-empty list members
	ranges   []byteRange // the satisfiable ones, in order
}

// modelParse is a deliberately different implementation of the Range grammar
// to check parseRange against: regular expressions for syntax, big integers
// for positions, and a byte-by-byte scan to find what each spec selects. It
// is slow (O(size) per spec), which is fine for the small sizes fuzzing uses.
func modelParse(header string, size int64) modelResult {
	unit, set, ok := strings.Cut(header, "=")
	if !ok || !strings.EqualFold(unit, "bytes") {
		return modelResult{}
	}
	res := modelResult{syntaxOK: true}
	for _, member := range strings.Split(set, ",") {
		member = strings.Trim(member, " \t")
		if member == "" {
			continue
		}
		m := rangeSpecRE.FindStringSubmatch(member)
		if m == nil {
			return modelResult{}
		}
		first, last, suffix := bigOrNil(m[1]), bigOrNil(m[2]), bigOrNil(m[3])
		if first != nil && last != nil && last.Cmp(first) < 0 {
			return modelResult{}
		}
		res.specs++
		if r, ok := selected(size, first, last, suffix); ok {
			res.ranges = append(res.ranges, r)
		}
	}
	return res
}

// modelRange turns modelParse's result into parseRange's outcome.
func modelRange(header string, size int64) (byteRange, rangeOutcome) {
	if header == "" || size <= 0 {
		return byteRange{}, rangeIgnore
	}
	res := modelParse(header, size)
	switch {
	case !res.syntaxOK:
		return byteRange{}, rangeIgnore
	case res.specs > 0 && len(res.ranges) == 0:
		return byteRange{}, rangeUnsatisfiable
	case len(res.ranges) == 1:
		return res.ranges[0], rangePartial
	}
	return byteRange{}, rangeIgnore
}

// selected scans every byte position and returns the span the spec selects:
// first..last (last absent = to the end) or the final suffix bytes.
func selected(size int64, first, last, suffix *big.Int) (byteRange, bool) {
	lo, hi := int64(-1), int64(-1)
	pos, fromEnd := new(big.Int), new(big.Int)
	for i := int64(0); i < size; i++ {
		pos.SetInt64(i)
		var in bool
		if suffix != nil {
			in = fromEnd.SetInt64(size-i).Cmp(suffix) <= 0 // i is among the last N bytes
		} else {
			in = pos.Cmp(first) >= 0 && (last == nil || pos.Cmp(last) <= 0)
		}
		if in {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	if lo < 0 {
		return byteRange{}, false
	}
	return byteRange{start: lo, length: hi - lo + 1}, true
}

func bigOrNil(s string) *big.Int {
	if s == "" {
		return nil
	}
	n, _ := new(big.Int).SetString(s, 10)
	return n
}
