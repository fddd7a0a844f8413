package httpapi_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
)

// TestServerSpanContinuesTraceparent sends requests with and without a W3C
// traceparent and checks the server spans: the caller's trace id, its span
// as the remote parent and its tracestate are kept; a request without one
// starts a new trace; spans are named after the route; and the access log
// names the span's trace.
func TestServerSpanContinuesTraceparent(t *testing.T) {
	t.Parallel()
	b := newBackend(t, nil)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	logs := &syncBuffer{}
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: b.cfg, Store: b.store, Bucket: b.bucket, TracerProvider: tp,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})

	const (
		callerTrace = "0af7651916cd43dd8448eb211c80319c"
		callerSpan  = "b7ad6b7169203331"
	)
	cases := []struct {
		name, path, traceparent, tracestate string
		wantSpan                            string
		wantStatus                          int
	}{
		{"health with parent", "/api/health", "00-" + callerTrace + "-" + callerSpan + "-01", "shoot=t61rcWkgMzE",
			"GET /api/health", http.StatusOK},
		{"missing session with parent", "/api/sessions/session_1736860000000_missing1",
			"00-" + callerTrace + "-" + callerSpan + "-01", "", "GET /api/sessions/{id}", http.StatusNotFound},
		{"no parent", "/api/health", "", "", "GET /api/health", http.StatusOK},
	}
	for _, c := range cases {
		before := len(rec.Ended())
		req, _ := http.NewRequest(http.MethodGet, ts.URL+c.path, nil)
		if c.traceparent != "" {
			req.Header.Set("traceparent", c.traceparent)
		}
		if c.tracestate != "" {
			req.Header.Set("tracestate", c.tracestate)
		}
		resp := send(t, ts, req)
		resp.Body.Close()
		if resp.StatusCode != c.wantStatus {
			t.Fatalf("%s: status %d, want %d", c.name, resp.StatusCode, c.wantStatus)
		}
		ended := rec.Ended()[before:]
		if len(ended) != 1 {
			t.Fatalf("%s: %d spans ended, want the one server span", c.name, len(ended))
		}
		s := ended[0]
		if s.SpanKind() != trace.SpanKindServer || s.Name() != c.wantSpan {
			t.Errorf("%s: span %q kind %v, want server span %q", c.name, s.Name(), s.SpanKind(), c.wantSpan)
		}
		got := s.SpanContext().TraceID().String()
		if c.traceparent == "" {
			if s.Parent().IsValid() || got == callerTrace || !s.SpanContext().IsValid() {
				t.Errorf("%s: span %s with parent %v; want a new root trace", c.name, got, s.Parent())
			}
		} else {
			if got != callerTrace || s.Parent().SpanID().String() != callerSpan || !s.Parent().IsRemote() {
				t.Errorf("%s: trace %s parent %s (remote %v), want trace %s under the caller's span %s",
					c.name, got, s.Parent().SpanID(), s.Parent().IsRemote(), callerTrace, callerSpan)
			}
			if st := s.SpanContext().TraceState().String(); st != c.tracestate {
				t.Errorf("%s: tracestate %q, want %q", c.name, st, c.tracestate)
			}
		}
		if !strings.Contains(logs.String(), "trace_id="+got) {
			t.Errorf("%s: no access line with trace_id=%s:\n%s", c.name, got, logs.String())
		}
	}
}
