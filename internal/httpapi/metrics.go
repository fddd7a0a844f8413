package httpapi

import (
	"net/http"
	"strings"
	"time"
)

// HTTPObserver records answered requests; internal/metrics implements it.
type HTTPObserver interface {
	ObserveHTTP(method, route string, status int, d time.Duration)
}

// ops are the operational hooks from Deps: the request observer and the
// extra checks of the deep health check (health_deep.go).
type ops struct {
	observer HTTPObserver
	checks   []HealthCheck
}

func (s *Server) observer() HTTPObserver { return s.ops.observer }

// withMetrics records each request's method, route pattern, status and
// duration. It sits outside panic recovery so a recovered panic counts as
// the 500 it became.
func (s *Server) withMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		obs := s.observer()
		if obs == nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		route := s.routeLabel(r)
		next.ServeHTTP(w, r)
		status := http.StatusOK // what net/http sends for a handler that wrote nothing
		if rw, ok := w.(*responseWriter); ok && rw.status != 0 {
			status = rw.status
		}
		obs.ObserveHTTP(methodLabel(r.Method), route, status, time.Since(start))
	})
}

// routeLabel names the route a request matches: its pattern without the
// method ("/api/sessions/{id}"), "web" for the studio's pages, "unmatched"
// for anything else. Raw paths never become labels, so a scan of random
// URLs cannot grow the number of series.
func (s *Server) routeLabel(r *http.Request) string {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		if _, path, ok := strings.Cut(pattern, " "); ok {
			return path
		}
		return pattern
	}
	if !isServedPath(r.URL.Path) && s.web != nil {
		return "web"
	}
	return "unmatched"
}

// methodLabel keeps the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}
