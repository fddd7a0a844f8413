package httpapi

import (
	"net/http"

	"github.com/fashionshoot/shoot/internal/auth"
)

// Content-Security-Policy values. The studio's pages load scripts, styles
// and data only from the studio itself; images and video may also come from
// data: and blob: URLs the page makes (previews of files being uploaded).
// API and media answers are never meant to be rendered as pages, so they
// get a policy that forbids everything and sandboxes the document: an SVG or
// HTML smuggled into storage could not run a script even if opened directly.
const (
	cspStudio = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	cspAPI = "default-src 'none'; frame-ancestors 'none'; sandbox"
)

// withSecurityHeaders sets the headers every answer carries, before any
// handler runs, so error answers and panics get them too.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		csp := cspStudio
		if isServedPath(r.URL.Path) {
			csp = cspAPI
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if auth.IsHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
