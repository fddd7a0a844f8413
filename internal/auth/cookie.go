package auth

import (
	"net/http"
	"strings"
	"time"
)

// CookieName is the browser sign-in cookie.
const CookieName = "shoot_session"

// SessionTTL is how long a browser sign-in lasts.
const SessionTTL = 14 * 24 * time.Hour

// NewSessionSecret returns a fresh random cookie value; only its Hash is
// stored, so a copy of the database cannot be used to sign in.
func NewSessionSecret() string { return randomString(32) }

// SessionCookie is the sign-in cookie: HttpOnly so page scripts cannot read
// it, SameSite=Strict so other sites' requests do not carry it, and Secure
// when the studio is reached over HTTPS.
func SessionCookie(value string, expires time.Time, secure bool) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/", Expires: expires.UTC(),
		MaxAge: max(int(time.Until(expires).Seconds()), 1), HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode,
	}
}

// ClearCookie deletes the sign-in cookie.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode}
}

// IsHTTPS reports whether the client reached the studio over HTTPS: directly,
// or through a proxy that says so. The answer only decides the cookie's
// Secure flag and HSTS, so trusting the proxy header cannot weaken anything.
func IsHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}
