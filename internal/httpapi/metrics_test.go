package httpapi_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/httpapi"
)

// observed is one request as the observer saw it.
type observed struct {
	method, route string
	status        int
}

type recordingObserver struct {
	mu  sync.Mutex
	got []observed
}

func (o *recordingObserver) ObserveHTTP(method, route string, status int, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		status = -1
	}
	o.got = append(o.got, observed{method, route, status})
}

func (o *recordingObserver) all() []observed {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]observed(nil), o.got...)
}

func TestRequestMetricsUseRoutePatterns(t *testing.T) {
	t.Parallel()
	obs := &recordingObserver{}
	e := newEnv(t, nil, func(d *httpapi.Deps) {
		d.Metrics = obs
		d.Web = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
		handle(d, "GET /api/test/panic", func(http.ResponseWriter, *http.Request) error { panic("boom") })
	})
	requests := []struct {
		method, path string
		want         observed
	}{
		{"GET", "/api/health", observed{"GET", "/api/health", 200}},
		{"GET", "/api/sessions/nope-1", observed{"GET", "/api/sessions/{id}", 404}},
		{"GET", "/api/sessions/nope-2", observed{"GET", "/api/sessions/{id}", 404}},
		{"GET", "/studio/anything", observed{"GET", "web", 200}},
		{"GET", "/api/no/such/route", observed{"GET", "unmatched", 404}},
		{"PUT", "/api/health", observed{"PUT", "unmatched", 405}},
		{"GET", "/api/test/panic", observed{"GET", "/api/test/panic", 500}},
		{"BREW", "/api/health", observed{"OTHER", "unmatched", 405}},
	}
	for _, rq := range requests {
		e.do(t, rq.method, rq.path, nil)
	}
	got := obs.all()
	if len(got) != len(requests) {
		t.Fatalf("observed %d requests, want %d: %v", len(got), len(requests), got)
	}
	for i, rq := range requests {
		if got[i] != rq.want {
			t.Errorf("%s %s observed as %+v, want %+v", rq.method, rq.path, got[i], rq.want)
		}
	}
}

func TestNoObserverNoMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if resp, _ := e.do(t, "GET", "/api/health", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("health without metrics: %d", resp.StatusCode)
	}
}
