package telemetry

import (
	"io"
	"net/http"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// transport wraps a RoundTripper: every request gets a client span and
// carries that span's context as traceparent (plus tracestate and baggage)
// to the server.
//
// It records the method, host, path and status but never the query string
// or user info: signed upload and result URLs carry credentials there.
// (otelhttp's transport records the full URL, which is why the studio has
// its own here while the server side uses otelhttp.)
type transport struct {
	base http.RoundTripper
}

// Transport returns base (nil means http.DefaultTransport) with outgoing
// trace propagation and a client span per request.
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if _, ok := base.(*transport); ok {
		return base
	}
	return &transport{base: base}
}

// Client returns a copy of c (nil means a zero http.Client) whose transport
// propagates traces. c itself is not changed.
func Client(c *http.Client) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	out.Transport = Transport(out.Transport)
	return &out
}

// RoundTrip starts the client span, injects its context and ends the span
// when the answer's body is read to the end or closed.
func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, span := Start(r.Context(), "HTTP "+r.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("http.request.method", r.Method),
			attribute.String("server.address", r.URL.Hostname()),
			attribute.String("url.scheme", r.URL.Scheme),
			attribute.String("url.path", r.URL.Path)))
	if !span.SpanContext().IsValid() {
		// Nothing to propagate and nothing recorded: send as is.
		span.End()
		return t.base.RoundTrip(r)
	}
	// A RoundTripper must not change the caller's request: the headers go
	// on a copy.
	r = r.Clone(ctx)
	propagator.Inject(ctx, propagation.HeaderCarrier(r.Header))
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		End(span, err)
		return nil, err
	}
	if span.IsRecording() {
		span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
		if resp.StatusCode >= 400 {
			span.SetStatus(codes.Error, http.StatusText(resp.StatusCode))
		}
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		span.End()
		return resp, nil
	}
	resp.Body = &spanBody{ReadCloser: resp.Body, span: span}
	return resp, nil
}

// spanBody ends the request's span once the body is done with, so a
// streamed answer (the director's) is timed to its last byte.
type spanBody struct {
	io.ReadCloser
	span trace.Span
	once sync.Once
}

func (b *spanBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.end(nil)
	} else if err != nil {
		b.end(err)
	}
	return n, err
}

func (b *spanBody) Close() error {
	err := b.ReadCloser.Close()
	b.end(nil)
	return err
}

func (b *spanBody) end(err error) {
	b.once.Do(func() { End(b.span, err) })
}
