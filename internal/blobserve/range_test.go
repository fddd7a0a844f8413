package blobserve

import "testing"

func TestParseRange(t *testing.T) {
	t.Parallel()
	const size = 1000
	tests := []struct {
		header  string
		size    int64
		want    byteRange
		outcome rangeOutcome
	}{
		{"", size, byteRange{}, rangeIgnore},
		// The three single-range forms.
		{"bytes=0-499", size, byteRange{0, 500}, rangePartial},
		{"bytes=100-", size, byteRange{100, 900}, rangePartial},
		{"bytes=-500", size, byteRange{500, 500}, rangePartial},
		{"bytes=999-999", size, byteRange{999, 1}, rangePartial},
		{"bytes=0-0", size, byteRange{0, 1}, rangePartial},
		// Clamping at the end of the object.
		{"bytes=900-5000", size, byteRange{900, 100}, rangePartial},
		{"bytes=-5000", size, byteRange{0, size}, rangePartial},
		{"bytes=0-99999999999999999999999", size, byteRange{0, size}, rangePartial},
		{"bytes=-99999999999999999999999", size, byteRange{0, size}, rangePartial},
		// Unsatisfiable: valid syntax, nothing overlaps.
		{"bytes=1000-", size, byteRange{}, rangeUnsatisfiable},
		{"bytes=1000-2000", size, byteRange{}, rangeUnsatisfiable},
		{"bytes=-0", size, byteRange{}, rangeUnsatisfiable},
		{"bytes=99999999999999999999999-", size, byteRange{}, rangeUnsatisfiable},
		{"bytes=1000-1001, 2000-", size, byteRange{}, rangeUnsatisfiable},
		// Lists: unsatisfiable members drop out; two good ranges mean 200.
		{"bytes=0-9, 5000-", size, byteRange{0, 10}, rangePartial},
		{"bytes=5000-,-10", size, byteRange{990, 10}, rangePartial},
		{"bytes=0-9,20-29", size, byteRange{}, rangeIgnore},
		{"bytes=0-9,,", size, byteRange{0, 10}, rangePartial},
		{"bytes= 0-9 ,\t", size, byteRange{0, 10}, rangePartial},
		// Unit is case-insensitive (RFC 9110 §14.1); other units are ignored.
		{"BYTES=0-9", size, byteRange{0, 10}, rangePartial},
		{"items=0-9", size, byteRange{}, rangeIgnore},
		// Syntax errors: the whole header is ignored.
		{"bytes", size, byteRange{}, rangeIgnore},
		{"bytes=", size, byteRange{}, rangeIgnore},
		{"bytes=,", size, byteRange{}, rangeIgnore},
		{"bytes=abc", size, byteRange{}, rangeIgnore},
		{"bytes=5", size, byteRange{}, rangeIgnore},
		{"bytes=-", size, byteRange{}, rangeIgnore},
		{"bytes=--5", size, byteRange{}, rangeIgnore},
		{"bytes=+5-10", size, byteRange{}, rangeIgnore},
		{"bytes=5-+10", size, byteRange{}, rangeIgnore},
		{"bytes=1 - 2", size, byteRange{}, rangeIgnore},
		{"bytes=500-100", size, byteRange{}, rangeIgnore},
		{"bytes=0-9,x", size, byteRange{}, rangeIgnore},
		{"bytes=5000-, 9-1", size, byteRange{}, rangeIgnore},
		{"bytes = 0-9", size, byteRange{}, rangeIgnore},
		{"bytes=1-2-3", size, byteRange{}, rangeIgnore},
		{"bytes=0x10-", size, byteRange{}, rangeIgnore},
		{"bytes=99999999999999999999999-99999999999999999999998", size, byteRange{}, rangeIgnore},
		// An empty object: nothing to slice, serve it whole.
		{"bytes=0-", 0, byteRange{}, rangeIgnore},
		{"bytes=-5", 0, byteRange{}, rangeIgnore},
	}
	for _, tt := range tests {
		got, outcome := parseRange(tt.header, tt.size)
		if got != tt.want || outcome != tt.outcome {
			t.Errorf("parseRange(%q, %d) = %+v, %v; want %+v, %v", tt.header, tt.size, got, outcome, tt.want, tt.outcome)
		}
	}
	if got := (byteRange{3, 4}).contentRange(10); got != "bytes 3-6/10" {
		t.Errorf("contentRange = %q, want bytes 3-6/10", got)
	}
}

func TestDigitsLess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "2", true},
		{"2", "1", false},
		{"2", "2", false},
		{"009", "10", true},
		{"99999999999999999999998", "99999999999999999999999", true},
		{"100000000000000000000000", "99999999999999999999999", false},
	}
	for _, tt := range tests {
		if got := digitsLess(tt.a, tt.b); got != tt.want {
			t.Errorf("digitsLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
