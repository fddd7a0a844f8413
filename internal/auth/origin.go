package auth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Origin check results.
const (
	OriginMissing  = iota // neither Origin nor Referer
	OriginSame            // the studio's own origin, or a configured one
	OriginMismatch        // another site
)

// CheckOrigin classifies where a request comes from, for cross-site request
// forgery checks: the Origin header, or the Referer's origin when a browser
// left Origin out. It matches when the origin's host is the request's Host
// (the page was served by this studio, whatever proxy scheme is in front) or
// when the origin is listed in allowed exactly (the configured CORS origins;
// "*" does not count: allowing any site to read is not allowing it to act).
func CheckOrigin(r *http.Request, allowed []string) int {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = refererOrigin(r.Header.Get("Referer"))
	}
	if origin == "" {
		return OriginMissing
	}
	if origin != "*" && slices.Contains(allowed, origin) {
		return OriginSame
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return OriginMismatch // includes the opaque "null" origin
	}
	if strings.EqualFold(u.Host, r.Host) {
		return OriginSame
	}
	return OriginMismatch
}

// refererOrigin returns scheme://host of a Referer, or "".
func refererOrigin(ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" {
		return "null"
	}
	return u.Scheme + "://" + u.Host
}

// IsSafeMethod reports whether a method only reads: such requests need no
// cross-site check.
func IsSafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
