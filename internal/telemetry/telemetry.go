// Package telemetry carries OpenTelemetry traces through the studio: one
// trace follows a request from the HTTP API into the stage jobs it queues
// (in this process or another), the provider calls those jobs make and the
// ffmpeg runs that assemble the film.
//
// Spans are exported over OTLP/HTTP only when the operator asks for it
// (OTEL_EXPORTER_OTLP_ENDPOINT, see Setup). Otherwise the global tracer
// provider stays OpenTelemetry's no-op one: nothing is recorded, and an
// incoming W3C traceparent still flows through to outgoing requests, so a
// caller's own trace is not cut at the studio.
package telemetry

import (
	"context"
	"errors"
	"os/exec"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName names the studio's instrumentation in exported spans.
const ScopeName = "github.com/fashionshoot/shoot"

// propagator reads and writes the W3C traceparent and tracestate headers
// and W3C baggage.
var propagator propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(
	propagation.TraceContext{}, propagation.Baggage{})

// Propagator is the studio's one way of carrying a trace between processes:
// W3C trace context plus W3C baggage.
func Propagator() propagation.TextMapPropagator { return propagator }

// Tracer returns the tracer a child of ctx's span should come from: the
// provider of that span when it is recording (so a test's own provider
// sees the whole tree), else the global one.
func Tracer(ctx context.Context) trace.Tracer {
	if s := trace.SpanFromContext(ctx); s.IsRecording() {
		return s.TracerProvider().Tracer(ScopeName)
	}
	return otel.GetTracerProvider().Tracer(ScopeName)
}

// Start begins a span under ctx's span (see Tracer).
func Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	return Tracer(ctx).Start(ctx, name, opts...)
}

// End marks span failed when err is not nil and ends it.
func End(span trace.Span, err error) {
	if err != nil && span.IsRecording() {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// StartProcess begins the span of one run of an external tool (ffmpeg,
// ffprobe) and returns the function that ends it with the run's outcome.
// Only the tool's name and the operation are recorded, never its
// arguments: those name files and could one day carry a URL with a token.
// The span's own start and end give the run's duration.
func StartProcess(ctx context.Context, tool, op string) (end func(err error)) {
	_, span := Start(ctx, tool, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attribute.String("process.executable.name", tool), attribute.String("shoot.media.op", op)))
	if !span.IsRecording() {
		return func(error) { span.End() }
	}
	return func(err error) {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			span.SetAttributes(attribute.Int("process.exit.code", exit.ExitCode()))
		} else if err == nil {
			span.SetAttributes(attribute.Int("process.exit.code", 0))
		}
		End(span, err)
	}
}
