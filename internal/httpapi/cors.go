package httpapi

import (
	"net/http"
	"slices"
)

// CORS header values. Allowed request headers cover what the studio's
// clients send: JSON bodies, tokens, resumable event streams and media
// validators.
const (
	corsMethods        = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
	corsAllowHeaders   = "Content-Type, Authorization, X-Session-ID, X-Request-Id, Last-Event-ID, Range, If-None-Match, If-Modified-Since, If-Range"
	corsExposeHeaders  = "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified, X-Request-Id"
	corsPreflightCache = "600"
)

// withCORS answers cross-origin requests from the configured origins
// (Config.CORSOrigins; none by default, "*" for any). Every OPTIONS request
// is answered here with 204, whatever its origin; the CORS headers are added
// only for an allowed Origin.
func (s *Server) withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed := s.allowedOrigin(r.Header.Get("Origin"))
		h := w.Header()
		if allowed != "" {
			h.Set("Access-Control-Allow-Origin", allowed)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		if allowed != "*" {
			// The answer depends on the Origin header: caches must keep apart.
			h.Add("Vary", "Origin")
		}
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if allowed != "" {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", corsPreflightCache)
		}
		h.Set("Allow", corsMethods)
		w.WriteHeader(http.StatusNoContent)
	})
}

// allowedOrigin returns the Access-Control-Allow-Origin value for origin:
// "*" when any origin is allowed, origin itself when it is listed, else "".
func (s *Server) allowedOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	if slices.Contains(s.cfg.CORSOrigins, "*") {
		return "*"
	}
	if slices.Contains(s.cfg.CORSOrigins, origin) {
		return origin
	}
	return ""
}
