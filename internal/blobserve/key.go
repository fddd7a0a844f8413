package blobserve

import (
	"strings"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxKeyLen is the longest key we accept: S3 and R2 refuse keys over 1024
// bytes, so anything longer cannot name a stored object.
const maxKeyLen = 1024

// ValidateKey checks a media key as it appears after the route prefix (already
// percent-decoded once by net/http) and returns the key to read from the
// bucket.
//
// The rules are strict because every key we serve is one the server chose:
// upload names are <epochms>-<random>.<ext> and artifacts follow
// shoot.AssetKey. So instead of decoding a second time and hoping the result
// is safe, any remaining '%' is rejected: a double-encoded "%252e%252e" never
// turns into "..". Backslashes, NUL and other control bytes, invalid UTF-8,
// absolute keys, empty segments and segments starting with '.' (which covers
// "." and "..") are malformed (EINVALID, 400). A well-formed key outside
// uploads/ and outputs/ is ENOTFOUND (404), so the response does not reveal
// what else the bucket holds; so is a key ending in ".attrs", the name of the
// metadata files the local file store keeps next to each object.
//
// An accepted key has at least two segments, starts with "uploads/" or
// "outputs/", and equals path.Clean of itself.
func ValidateKey(raw string) (string, error) {
	if err := checkKeyBytes(raw); err != nil {
		return "", err
	}
	segments := strings.Split(raw, "/")
	for _, seg := range segments {
		if seg == "" || seg[0] == '.' {
			return "", invalidKey()
		}
	}
	if len(segments) < 2 || !isServedPrefix(segments[0]) || strings.HasSuffix(raw, ".attrs") {
		return "", shoot.Errorf(shoot.ENOTFOUND, "File not found")
	}
	return raw, nil
}

// checkKeyBytes rejects keys that are empty, too long, or contain bytes that
// have no place in a key we issued. A leading '/' is caught later as an empty
// first segment.
func checkKeyBytes(raw string) error {
	if raw == "" || len(raw) > maxKeyLen || !utf8.ValidString(raw) {
		return invalidKey()
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c < 0x20 || c == 0x7f || c == '%' || c == '\\' {
			return invalidKey()
		}
	}
	return nil
}

// isServedPrefix reports whether seg is one of the two top-level folders
// media routes may read. Other folders in the bucket stay private by default.
func isServedPrefix(seg string) bool {
	return seg == "uploads" || seg == "outputs"
}

func invalidKey() *shoot.Error {
	return shoot.Errorf(shoot.EINVALID, "Invalid file key")
}
