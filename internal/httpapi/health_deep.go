package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// HealthProbePrefix is the blob prefix the deep health check writes its
// probe under. It is outside uploads/ and outputs/, so media routes never
// serve it and session deletes never touch it.
const HealthProbePrefix = ".health/"

// checkTimeout bounds each dependency check.
const checkTimeout = 3 * time.Second

// HealthCheck is one dependency the deep health check probes. Check returns
// nil when the dependency works; its error is logged, and only its
// client-safe message (a *shoot.Error's) is shown.
type HealthCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// checkResult is one check's line in the report.
type checkResult struct {
	Status    string `json:"status"` // "ok" or "error"
	Error     string `json:"error,omitempty"`
	LatencyMS int64  `json:"latencyMs"`
}

// deepHealthResponse is the answer of /api/health?deep=1.
type deepHealthResponse struct {
	Status    string                 `json:"status"` // "ok" or "unavailable"
	Timestamp string                 `json:"timestamp"`
	Version   string                 `json:"version,omitempty"`
	Checks    map[string]checkResult `json:"checks"`
}

// wantsDeep reports whether a health request asks for the deep checks
// (?deep=1 or ?deep=true).
func wantsDeep(r *http.Request) bool {
	deep, err := strconv.ParseBool(r.URL.Query().Get("deep"))
	return err == nil && deep
}

// deepHealth answers GET /api/health?deep=1: the database, the blob store
// and the added checks (the queue), each with its status; 503 if any fails.
func (s *Server) deepHealth(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	checks := append([]HealthCheck{StoreCheck(s.store), BlobCheck(s.bucket)}, s.ops.checks...)
	s.mu.Unlock()
	DeepHealthHandler(s.logger, s.version, checks...).ServeHTTP(w, r)
	return nil
}

// DeepHealthHandler answers with the report of checks, run concurrently:
// 200 when all pass, 503 otherwise. `shoot worker` serves it without the
// rest of the API.
func DeepHealthHandler(logger *slog.Logger, version string, checks ...HealthCheck) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := runChecks(r.Context(), logger, checks)
		out := deepHealthResponse{Status: "ok", Timestamp: time.Now().UTC().Format(time.RFC3339),
			Version: version, Checks: res}
		status := http.StatusOK
		for _, c := range res {
			if c.Status != "ok" {
				out.Status, status = "unavailable", http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, status, out)
	})
}

func runChecks(ctx context.Context, logger *slog.Logger, checks []HealthCheck) map[string]checkResult {
	out := make(map[string]checkResult, len(checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range checks {
		wg.Go(func() {
			res := runCheck(ctx, logger, c)
			mu.Lock()
			out[c.Name] = res
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func runCheck(ctx context.Context, logger *slog.Logger, c HealthCheck) checkResult {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	start := time.Now()
	err := c.Check(ctx)
	res := checkResult{Status: "ok", LatencyMS: time.Since(start).Milliseconds()}
	if err != nil {
		res.Status, res.Error = "error", shoot.ErrorMessage(err)
		if logger != nil {
			logger.Warn("health check failed", "check", c.Name, "err", err)
		}
	}
	return res
}

// StoreCheck pings the database.
func StoreCheck(st store.Store) HealthCheck {
	return HealthCheck{Name: "database", Check: func(ctx context.Context) error {
		if err := st.DB().PingContext(ctx); err != nil {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database unavailable.")
		}
		return nil
	}}
}

// BlobCheck writes a small probe under HealthProbePrefix, reads it back and
// deletes it: a bucket that lists but cannot write is caught too.
func BlobCheck(b *blob.Bucket) HealthCheck {
	return HealthCheck{Name: "blob", Check: func(ctx context.Context) error {
		key, body := probe()
		if err := b.WriteAll(ctx, key, body, &blob.WriterOptions{ContentType: "text/plain"}); err != nil {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "Blob store cannot write.")
		}
		got, err := b.ReadAll(ctx, key)
		if err != nil {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "Blob store cannot read.")
		}
		if !bytes.Equal(got, body) {
			return shoot.Errorf(shoot.EUNAVAILABLE, "Blob store returned different bytes.")
		}
		if err := b.Delete(ctx, key); err != nil {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "Blob store cannot delete.")
		}
		return nil
	}}
}

// probe returns a fresh key and body, so checks from several processes at
// once never read each other's probe.
func probe() (string, []byte) {
	b := make([]byte, 8)
	rand.Read(b)
	id := hex.EncodeToString(b)
	return HealthProbePrefix + id, []byte("shoot health probe " + id)
}
