package blobserve

import (
	"net/http"
	"time"
)

// verdict is what the request's preconditions decide before any body is sent.
type verdict int

const (
	proceed            verdict = iota // send the representation (maybe a range)
	notModified                       // 304: the client's copy is current
	preconditionFailed                // 412: If-Match or If-Unmodified-Since failed
)

// validators are what conditional requests compare against.
type validators struct {
	etag    string
	modTime time.Time // zero when the store does not know it
}

// evaluate applies RFC 9110 §13.2.2 in its order for GET and HEAD: If-Match,
// else If-Unmodified-Since; then If-None-Match, else If-Modified-Since. Date
// comparisons are made at one-second precision because Last-Modified has
// no finer resolution.
func (v validators) evaluate(h http.Header) verdict {
	if im := h.Get("If-Match"); im != "" {
		if !listMatches(im, v.etag, strongMatch) {
			return preconditionFailed
		}
	} else if t, ok := v.headerTime(h, "If-Unmodified-Since"); ok && v.seconds().After(t) {
		return preconditionFailed
	}
	if inm := h.Get("If-None-Match"); inm != "" {
		if listMatches(inm, v.etag, weakMatch) {
			return notModified
		}
		return proceed // If-Modified-Since is ignored when If-None-Match is present
	}
	if t, ok := v.headerTime(h, "If-Modified-Since"); ok && !v.seconds().After(t) {
		return notModified
	}
	return proceed
}

// rangeAllowed applies If-Range (RFC 9110 §13.1.5): the Range header counts
// only if the client's validator still matches. An entity-tag must match
// strongly; a date must equal Last-Modified to the second.
func (v validators) rangeAllowed(h http.Header) bool {
	ir := h.Get("If-Range")
	if ir == "" {
		return true
	}
	if tag, _ := scanETag(ir); tag != "" {
		return strongMatch(tag, v.etag)
	}
	t, ok := v.headerTime(h, "If-Range")
	return ok && t.Unix() == v.modTime.Unix()
}

// headerTime parses a date header; ok is false when the header is absent or
// malformed, or when the object's time is unknown (then dates prove nothing).
func (v validators) headerTime(h http.Header, name string) (time.Time, bool) {
	s := h.Get(name)
	if s == "" || !v.known() {
		return time.Time{}, false
	}
	t, err := http.ParseTime(s)
	return t, err == nil
}

// known reports whether modTime is real. Some stores report the Unix epoch
// when they have no time, so that counts as unknown too.
func (v validators) known() bool {
	return !v.modTime.IsZero() && !v.modTime.Equal(time.Unix(0, 0))
}

// seconds is modTime truncated to the precision of an HTTP date.
func (v validators) seconds() time.Time {
	return v.modTime.Truncate(time.Second)
}

// lastModified is the Last-Modified header value, or "" when unknown.
func (v validators) lastModified() string {
	if !v.known() {
		return ""
	}
	return v.modTime.UTC().Format(http.TimeFormat)
}
