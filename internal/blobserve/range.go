package blobserve

import (
	"fmt"
	"math"
	"strings"
)

// byteRange is a satisfiable part of an object: length bytes from start.
type byteRange struct {
	start, length int64
}

// contentRange formats r for the Content-Range header of a 206 response.
func (r byteRange) contentRange(size int64) string {
	return fmt.Sprintf("bytes %d-%d/%d", r.start, r.start+r.length-1, size)
}

// rangeOutcome says what a Range header asks of the response.
type rangeOutcome int

const (
	// rangeIgnore: no usable Range, send the whole object with 200. This
	// covers an absent header, a unit other than bytes, a syntax error (RFC
	// 9110 §14.2 lets a server ignore a Range it cannot parse), an empty
	// object, and more than one satisfiable range (see parseRange).
	rangeIgnore rangeOutcome = iota
	// rangePartial: exactly one satisfiable range, send it with 206.
	rangePartial
	// rangeUnsatisfiable: valid syntax, but no range overlaps the object: 416.
	rangeUnsatisfiable
)

// parseRange interprets a Range header for an object of size bytes (RFC 9110
// §14.1.2). It never returns a range outside [0, size).
//
// When several ranges are satisfiable we answer 200 with the whole object
// rather than a multipart/byteranges body: browsers and video players only
// send single ranges, a multipart body would need a second code path, and the
// RFC allows ignoring Range. Unsatisfiable members of a list are dropped, as
// net/http does, so "bytes=0-9, 999999-" still yields one range.
func parseRange(header string, size int64) (byteRange, rangeOutcome) {
	unit, set, ok := strings.Cut(header, "=")
	if header == "" || size <= 0 || !ok || !strings.EqualFold(unit, "bytes") {
		return byteRange{}, rangeIgnore
	}
	var found []byteRange
	specs := 0
	for spec := range strings.SplitSeq(set, ",") {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			continue // RFC 9110 §5.6.1: recipients accept empty list elements
		}
		r, satisfiable, valid := parseSpec(spec, size)
		if !valid {
			return byteRange{}, rangeIgnore
		}
		specs++
		if satisfiable {
			found = append(found, r)
		}
	}
	switch {
	case specs > 0 && len(found) == 0:
		return byteRange{}, rangeUnsatisfiable
	case len(found) == 1:
		return found[0], rangePartial
	}
	return byteRange{}, rangeIgnore
}

// parseSpec parses one range-spec ("first-last", "first-" or "-suffix") for a
// non-empty object. valid is false on a syntax error; satisfiable is false when
// the spec is well formed but selects no byte of the object.
func parseSpec(spec string, size int64) (r byteRange, satisfiable, valid bool) {
	firstStr, lastStr, ok := strings.Cut(spec, "-")
	if !ok {
		return byteRange{}, false, false
	}
	if firstStr == "" { // suffix-range: the last N bytes
		n, ok := parseDigits(lastStr)
		if !ok {
			return byteRange{}, false, false
		}
		if n == 0 {
			return byteRange{}, false, true // RFC 9110 §14.1.1: suffix of zero is unsatisfiable
		}
		n = min(n, size)
		return byteRange{start: size - n, length: n}, true, true
	}
	first, ok := parseDigits(firstStr)
	if !ok {
		return byteRange{}, false, false
	}
	last := int64(math.MaxInt64)
	if lastStr != "" {
		if last, ok = parseDigits(lastStr); !ok || digitsLess(lastStr, firstStr) {
			return byteRange{}, false, false
		}
	}
	if first >= size {
		return byteRange{}, false, true
	}
	last = min(last, size-1)
	return byteRange{start: first, length: last - first + 1}, true, true
}

// parseDigits parses 1*DIGIT. Values too large for int64 saturate at
// MaxInt64 instead of failing: a position that large is past the end of any
// object, which is how the RFC says to treat it.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + d
	}
	return n, true
}

// digitsLess compares two decimal digit strings by value. It works on the
// text so that positions too large for int64 still compare exactly.
func digitsLess(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
