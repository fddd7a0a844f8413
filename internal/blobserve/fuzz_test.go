package blobserve

import (
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxModelSize bounds the object size the reference model is asked about; it
// scans every byte, so larger sizes would slow fuzzing to a crawl.
const maxModelSize = 1024

func FuzzParseRange(f *testing.F) {
	for _, h := range []string{
		"", "bytes=0-499", "bytes=100-", "bytes=-500", "bytes=-0", "bytes=0-0",
		"bytes=0-9,20-29", "bytes=0-9, 5000-", "bytes= 1-2 ,\t", "bytes=,,", "BYTES=1-2",
		"bytes=500-100", "bytes=1-2-3", "bytes=+1-2", "items=0-1", "bytes",
		"bytes=99999999999999999999-", "bytes=0-99999999999999999999", "bytes=-99999999999999999999",
		"bytes=99999999999999999999-99999999999999999998",
	} {
		f.Add(h, int64(1000))
		f.Add(h, int64(0))
	}
	f.Fuzz(func(t *testing.T, header string, rawSize int64) {
		size := rawSize
		if size < 0 {
			size = -(size + 1) // keep every non-negative size reachable
		}
		checkRangeBounds(t, header, size)
		small := size % (maxModelSize + 1)
		r, outcome := checkRangeBounds(t, header, small)
		mr, mo := modelRange(header, small)
		if r != mr || outcome != mo {
			t.Fatalf("parseRange(%q, %d) = %+v, %v; model says %+v, %v", header, small, r, outcome, mr, mo)
		}
	})
}

// checkRangeBounds asserts parseRange's invariants: a partial range is
// non-empty and lies inside [0, size); other outcomes carry no range.
func checkRangeBounds(t *testing.T, header string, size int64) (byteRange, rangeOutcome) {
	t.Helper()
	r, outcome := parseRange(header, size)
	switch outcome {
	case rangePartial:
		if r.start < 0 || r.length < 1 || r.start >= size || r.length > size-r.start {
			t.Fatalf("parseRange(%q, %d) = %+v: outside [0, %d)", header, size, r, size)
		}
	case rangeIgnore, rangeUnsatisfiable:
		if r != (byteRange{}) {
			t.Fatalf("parseRange(%q, %d) = %+v with outcome %v", header, size, r, outcome)
		}
	default:
		t.Fatalf("parseRange(%q, %d): unknown outcome %v", header, size, outcome)
	}
	return r, outcome
}

func FuzzValidateKey(f *testing.F) {
	for _, k := range []string{
		"uploads/a.png", "outputs/s1/frames/frame-3.v2.png", "..", "uploads/../x", "uploads/%2e%2e/x",
		"uploads/%252e%252e/x", "/etc/passwd", `uploads\..\x`, "uploads/x\x00", "uploads//x", "uploads/",
		"outputs/./x", "secret.txt", "uploads/.../x", "uploads/a.png.attrs", "uploads/\xff",
	} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		key, err := ValidateKey(raw)
		if err != nil {
			if code := shoot.ErrorCode(err); code != shoot.EINVALID && code != shoot.ENOTFOUND {
				t.Fatalf("ValidateKey(%q): code %q, want invalid or not_found", raw, code)
			}
			if key != "" {
				t.Fatalf("ValidateKey(%q) returned %q with an error", raw, key)
			}
			return
		}
		checkAcceptedKey(t, raw, key)
	})
}

// checkAcceptedKey asserts everything an accepted key promises.
func checkAcceptedKey(t *testing.T, raw, key string) {
	t.Helper()
	if !strings.HasPrefix(key, "uploads/") && !strings.HasPrefix(key, "outputs/") {
		t.Fatalf("ValidateKey(%q) = %q: outside the served prefixes", raw, key)
	}
	if path.Clean(key) != key {
		t.Fatalf("ValidateKey(%q) = %q: path.Clean gives %q", raw, key, path.Clean(key))
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == ".." || seg == "." || seg == "" {
			t.Fatalf("ValidateKey(%q) = %q: segment %q", raw, key, seg)
		}
	}
	if strings.ContainsAny(key, "%\\\x00") || !utf8.ValidString(key) {
		t.Fatalf("ValidateKey(%q) = %q: forbidden byte", raw, key)
	}
	// Joined to a bucket folder, the key stays inside it.
	const root = "/srv/store"
	if joined := filepath.Join(root, key); !strings.HasPrefix(joined, root+"/") {
		t.Fatalf("ValidateKey(%q) = %q: escapes to %q", raw, key, joined)
	}
}
