package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/telemetry"
)

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// clientRequestID is what we accept as a caller's own X-Request-Id; anything
// else is replaced, so ids are safe to log and echo.
var clientRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID gives every request an id (the caller's X-Request-Id when
// well-formed), echoes it in the response and puts it in the context, and
// wraps the writer so later layers know whether the response has started.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !clientRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(&responseWriter{ResponseWriter: w}, r.WithContext(ctx))
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withRecovery turns a panic into a logged 500 JSON answer. The server keeps
// running; http.ErrAbortHandler is re-raised because it is how a handler
// deliberately drops a connection.
func (s *Server) withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", RequestID(r.Context())),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			if !responseStarted(w) {
				writeError(w, http.StatusInternalServerError, "Internal error.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withAccessLog logs one line per request at info level: method, route
// pattern, status, bytes, duration, request id and trace id. Probes
// (/livez, /readyz, /healthz), which orchestrators send every few seconds,
// are logged at debug level only.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		level := slog.LevelInfo
		if probePaths[r.URL.Path] {
			level = slog.LevelDebug
		}
		if !s.logger.Enabled(r.Context(), level) {
			return
		}
		rw, _ := w.(*responseWriter)
		status, size := 0, int64(0)
		if rw != nil {
			status, size = rw.status, rw.size
		}
		s.logger.LogAttrs(r.Context(), level, "http request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("trace_id", traceID(r)),
			slog.String("method", r.Method), slog.String("route", s.routeOf(r)),
			slog.String("path", r.URL.Path),
			slog.Int("status", status), slog.Int64("bytes", size),
			slog.Duration("duration", time.Since(start)))
	})
}

// routeOf is the pattern of the route r matched ("GET /api/sessions/{id}"),
// or "" for the web studio and unmatched paths: a bounded label, unlike the
// path.
func (s *Server) routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	_, pattern := s.mux.Handler(r)
	return pattern
}

// traceID is the trace id of the request's span: the caller's W3C
// traceparent continued by withTracing, or the new trace the server span
// began. "" when there is neither (tracing off and no valid traceparent).
func traceID(r *http.Request) string {
	sc := trace.SpanContextFromContext(r.Context())
	if !sc.HasTraceID() {
		return ""
	}
	return sc.TraceID().String()
}

// withTracing continues the caller's trace (W3C traceparent, tracestate
// and baggage) with a server span named after the route pattern, so a
// request's work (stage jobs, provider calls, ffmpeg runs) lands in one
// trace. With tracing off the span is a no-op that still carries the
// caller's trace context on to outgoing calls.
func (s *Server) withTracing(next http.Handler) http.Handler {
	opts := []otelhttp.Option{
		otelhttp.WithPropagators(telemetry.Propagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if p := s.routeOf(r); p != "" {
				return p
			}
			return "HTTP " + r.Method
		}),
	}
	if s.tracing != nil {
		opts = append(opts, otelhttp.WithTracerProvider(s.tracing))
	}
	return otelhttp.NewHandler(next, "http.server", opts...)
}

// responseWriter remembers the status and size of a response. It keeps the
// optional interfaces handlers rely on: Flush for event streams, ReadFrom so
// file bodies still go out with sendfile, Unwrap for http.ResponseController.
type responseWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.size += int64(n)
	return n, err
}

// ReadFrom lets io.Copy use the connection's sendfile path.
func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.size += n
	return n, err
}

// Flush sends buffered data to the client.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// responseStarted reports whether a status line has been written to w.
func responseStarted(w http.ResponseWriter) bool {
	switch rw := w.(type) {
	case *responseWriter:
		return rw.status != 0
	case *idemWriter:
		return rw.status != 0
	}
	return false
}
