package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/retry"
)

// Probes for load balancers and orchestrators. They answer JSON, never the
// web page, need no token and no particular Host (a kubelet addresses the
// pod by IP), and are cheap enough to poll every second:
//
//   - /livez: the process is up and serving (no dependency is checked, so
//     a database outage never gets the process restarted).
//   - /readyz (and /healthz, which probes often assume): the database,
//     the blob store and the added checks (the queue) are reachable, and
//     the server is not draining; 503 otherwise.
var probePaths = map[string]bool{"/livez": true, "/readyz": true, "/healthz": true}

// probeResponse is a probe's answer.
type probeResponse struct {
	Status string            `json:"status"` // "ok", "unavailable" or "draining"
	Checks map[string]string `json:"checks,omitempty"`
}

// serveProbe answers a probe path; it reports false for other paths.
func (s *Server) serveProbe(w http.ResponseWriter, r *http.Request) bool {
	if !probePaths[r.URL.Path] {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return true
	}
	if r.URL.Path == "/livez" {
		writeJSON(w, http.StatusOK, probeResponse{Status: "ok"})
		return true
	}
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, probeResponse{Status: "draining"})
		return true
	}
	checks, ok := s.ready(r.Context())
	status, code := "ok", http.StatusOK
	if !ok {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, probeResponse{Status: status, Checks: checks})
	return true
}

// ready runs the readiness checks concurrently: the database ping, the
// bucket's reachability (read-only, unlike the deep health check's probe
// object) and the added checks. Causes are logged, never returned.
func (s *Server) ready(ctx context.Context) (map[string]string, bool) {
	s.mu.Lock()
	checks := append([]HealthCheck{
		{Name: "database", Check: func(ctx context.Context) error { return s.store.DB().PingContext(ctx) }},
		{Name: "blob", Check: func(ctx context.Context) error {
			_, err := s.bucket.IsAccessible(ctx)
			return err
		}},
	}, s.ops.checks...)
	s.mu.Unlock()
	var mu sync.Mutex
	var wg sync.WaitGroup
	out, ok := map[string]string{}, true
	for _, c := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			err := c.Check(cctx)
			mu.Lock()
			defer mu.Unlock()
			out[c.Name] = "ok"
			if err != nil {
				out[c.Name], ok = "error", false
				s.logger.Warn("readiness check failed", "check", c.Name, "err", err)
			}
		})
	}
	wg.Wait()
	return out, ok
}

// drain marks the server as leaving: /readyz answers 503 from now on, and
// for delay the server keeps serving so that balancers notice first.
func (s *Server) drain(ctx context.Context, delay time.Duration) {
	s.draining.Store(true)
	if delay <= 0 {
		return
	}
	s.logger.Info("draining before shutdown", "delay", delay.String())
	_ = retry.SleepContext(ctx, delay) // a cancelled drain just ends early
}
