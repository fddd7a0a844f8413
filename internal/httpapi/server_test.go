package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// testEnv is a Server on a real SQLite database and a real blob folder in a
// temporary directory, behind a loopback test server.
type testEnv struct {
	srv    *httpapi.Server
	ts     *httptest.Server
	store  *sqlite.DB
	bucket *blob.Bucket
	logs   *syncBuffer
	cfg    *config.Config
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv builds a test environment. env holds extra configuration variables;
// setup, when given, adjusts the server's parts before it is built (to set
// Web or add routes).
func newEnv(t *testing.T, env map[string]string, setup ...func(*httpapi.Deps)) *testEnv {
	t.Helper()
	b := newBackend(t, env)
	cfg, st, bucket := b.cfg, b.store, b.bucket
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := httpapi.Deps{Config: cfg, Store: st, Bucket: bucket, Logger: logger, Version: "1.2.3-test"}
	for _, f := range setup {
		f(&d)
	}
	srv, ts := httpapitest.Serve(t, d)
	return &testEnv{srv: srv, ts: ts, store: st, bucket: bucket, logs: logs, cfg: cfg}
}

// do sends a request and returns the response with its body read.
func (e *testEnv) do(t *testing.T, method, path string, body io.Reader, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := send(t, e.ts, req)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// getJSON sends a request, checks the status and decodes the JSON answer.
func (e *testEnv) getJSON(t *testing.T, method, path string, wantStatus int) map[string]any {
	t.Helper()
	resp, body := e.do(t, method, path, nil)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, wantStatus, body)
	}
	return decodeJSON(t, resp, body)
}

func decodeJSON(t *testing.T, resp *http.Response, body []byte) map[string]any {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %s", ct, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	return m
}

// wantError checks the JSON error shape {"success": false, "error": "…"}.
func wantError(t *testing.T, m map[string]any, contains string) {
	t.Helper()
	msg, _ := m["error"].(string)
	if m["success"] != false || msg == "" || !strings.Contains(msg, contains) {
		t.Errorf("error body %v, want success=false and an error mentioning %q", m, contains)
	}
}

// TestServeShutsDownGracefully starts Serve on a loopback listener, holds a
// streaming request open, cancels the context and checks the order: the
// stream sees Closing, the hook runs, and Serve returns.
func TestServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	streamStarted := make(chan struct{})
	hookRan := make(chan struct{})
	var e *testEnv
	e = newEnv(t, nil, func(d *httpapi.Deps) {
		handle(d, "GET /api/test/stream", func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			http.NewResponseController(w).Flush()
			close(streamStarted)
			select {
			case <-e.srv.Closing():
				io.WriteString(w, "data: bye\n\n")
			case <-r.Context().Done():
			}
			return nil
		})
	})
	e.srv.OnShutdown(func() { close(hookRan) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/test/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-streamStarted
	cancel()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "data: bye\n\n" {
		t.Errorf("stream ended with %q, want the goodbye written after Closing", body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v", err)
	}
	<-hookRan
	if _, err := http.Get("http://" + ln.Addr().String() + "/api/health"); err == nil {
		t.Error("server still accepts requests after shutdown")
	}
}

func TestNewRequiresDeps(t *testing.T) {
	t.Parallel()
	if _, err := httpapi.New(httpapi.Deps{}); err == nil {
		t.Error("New without a store and bucket succeeded")
	}
}

// handle adds a test route to the server's parts.
func handle(d *httpapi.Deps, pattern string, h httpapi.HandlerFunc) {
	d.Routes = append(d.Routes, httpapi.Route{Pattern: pattern, Handler: h})
}

// addCheck adds a check to the deep health check.
func addCheck(d *httpapi.Deps, name string, check func(context.Context) error) {
	d.HealthChecks = append(d.HealthChecks, httpapi.HealthCheck{Name: name, Check: check})
}

// send sends req with ts's client, failing the test when it cannot; the
// caller closes the answer.
func send(t testing.TB, ts *httptest.Server, req *http.Request) *http.Response {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
