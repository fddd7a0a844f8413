package httpapi

import (
	"strconv"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// FuzzParseEventID checks the Last-Event-ID parser on arbitrary headers: it
// never panics, refuses with EINVALID, and what it accepts is exactly a
// non-negative decimal event number (an empty header being "from the
// start"), which round-trips through the id the stream writes.
func FuzzParseEventID(f *testing.F) {
	for _, seed := range []string{"", "0", "1", "42", " 7 ", "-1", "+3", "007", "1e5", "0x10", "abc",
		"9223372036854775807", "9223372036854775808", "99999999999999999999", "\u0661", "1\x00", "\t12\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := parseEventID(raw)
		trimmed := strings.TrimSpace(raw)
		if err != nil {
			if shoot.ErrorCode(err) != shoot.EINVALID || n != 0 {
				t.Fatalf("parseEventID(%q) = %d, %v; want 0 and EINVALID", raw, n, err)
			}
			return
		}
		if trimmed == "" {
			if n != 0 {
				t.Fatalf("empty header gave %d", n)
			}
			return
		}
		if n < 0 {
			t.Fatalf("parseEventID(%q) = %d, negative", raw, n)
		}
		want, perr := strconv.ParseInt(trimmed, 10, 64)
		if perr != nil || want != n {
			t.Fatalf("parseEventID(%q) = %d, but it is not that decimal number", raw, n)
		}
		if back, err := parseEventID(strconv.FormatInt(n, 10)); err != nil || back != n {
			t.Fatalf("id %d does not round-trip: %d, %v", n, back, err)
		}
	})
}
