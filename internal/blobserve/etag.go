package blobserve

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"gocloud.dev/blob"
)

// etagFor returns the quoted strong ETag of an object. The content MD5 is the
// best validator because it changes exactly when the bytes do; backends that
// do not keep one (S3 multipart uploads, files written outside gocloud) get a
// hash of key, size and modification time instead, which changes whenever the
// object is rewritten.
func etagFor(key string, a *blob.Attributes) string {
	if len(a.MD5) > 0 {
		return `"` + hex.EncodeToString(a.MD5) + `"`
	}
	h := sha256.New()
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, a.Size, 10))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, a.ModTime.UnixNano(), 10))
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// scanETag reads one entity-tag (`"x"` or `W/"x"`, RFC 9110 §8.8.3) from the
// front of s after optional whitespace. It returns the tag and the rest of s,
// or "" when s does not start with a valid tag.
func scanETag(s string) (etag, rest string) {
	s = strings.TrimLeft(s, " \t")
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s) < start+2 || s[start] != '"' {
		return "", ""
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], s[i+1:]
		case c == 0x21 || c >= 0x23 && c <= 0x7e || c >= 0x80:
		default:
			return "", ""
		}
	}
	return "", ""
}

// strongMatch is RFC 9110 §8.8.3.2 strong comparison: both tags strong and
// identical.
func strongMatch(a, b string) bool {
	return a == b && a != "" && a[0] == '"'
}

// weakMatch is weak comparison: identical once any W/ prefix is dropped.
func weakMatch(a, b string) bool {
	return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}

// listMatches reports whether the If-Match or If-None-Match value list holds
// "*" or a tag equal to etag under match. A malformed member ends the scan,
// as in net/http: tags before it still count, nothing after it does.
func listMatches(list, etag string, match func(a, b string) bool) bool {
	for {
		list = strings.TrimLeft(list, " \t")
		switch {
		case list == "":
			return false
		case list[0] == ',':
			list = list[1:]
			continue
		case list[0] == '*':
			return true
		}
		tag, rest := scanETag(list)
		if tag == "" {
			return false
		}
		if match(tag, etag) {
			return true
		}
		list = rest
	}
}
