package httpapi_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
)

// TestAccessLogAtInfo checks one info line per request, with the route
// pattern, status, bytes, request id and the caller's trace id, and no info
// line for probes.
func TestAccessLogAtInfo(t *testing.T) {
	t.Parallel()
	b := newBackend(t, nil)
	logs := &syncBuffer{}
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: b.cfg, Store: b.store, Bucket: b.bucket,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	cases := []struct {
		path, traceparent, want string
	}{
		{"/api/sessions/session_1736860000000_missing1", "00-" + trace + "-00f067aa0ba902b7-01",
			`route="GET /api/sessions/{id}" path=/api/sessions/session_1736860000000_missing1 status=404`},
		{"/api/health", "garbage", `route="GET /api/health" path=/api/health status=200`},
		{"/livez", "", ""},
		{"/readyz", "", ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+c.path, nil)
		req.Header.Set("X-Request-Id", "req-"+strings.Trim(c.path[1:4], "/"))
		if c.traceparent != "" {
			req.Header.Set("traceparent", c.traceparent)
		}
		resp := send(t, ts, req)
		resp.Body.Close()
	}
	out := logs.String()
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `msg="http request"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d access lines at info, want 2 (probes at debug):\n%s", len(lines), out)
	}
	for i, c := range cases[:2] {
		if !strings.Contains(lines[i], c.want) || !strings.Contains(lines[i], "level=INFO") ||
			!strings.Contains(lines[i], "bytes=") || !strings.Contains(lines[i], "duration=") {
			t.Errorf("line %d = %s, want %s", i, lines[i], c.want)
		}
	}
	if !strings.Contains(lines[0], "trace_id="+trace) || !strings.Contains(lines[0], "request_id=req-api") {
		t.Errorf("first line lacks its trace or request id: %s", lines[0])
	}
	if !strings.Contains(lines[1], `trace_id=""`) {
		t.Errorf("a malformed traceparent gave a trace id: %s", lines[1])
	}
}
