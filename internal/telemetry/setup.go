package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultServiceName is service.name in exported spans unless
// OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says
// otherwise.
const DefaultServiceName = "shoot"

// Options configure Setup.
type Options struct {
	// Getenv reads the environment; nil means no variable is set.
	Getenv func(string) string
	// Version becomes service.version.
	Version string
	// Logger hears export failures (at warn level); nil discards them.
	Logger *slog.Logger
}

// Enabled reports whether the environment asks for exported traces: an
// OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, or the traces-only
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), the SDK is not disabled
// (OTEL_SDK_DISABLED=true) and OTEL_TRACES_EXPORTER is not "none".
func Enabled(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")), "none") {
		return false
	}
	return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != "" ||
		strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != ""
}

// Setup installs the W3C propagator globally and, when Enabled, a tracer
// provider that batches spans to an OTLP/HTTP exporter. The exporter, the
// sampler (OTEL_TRACES_SAMPLER), the batcher (OTEL_BSP_*) and the resource
// (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) read the standard OTEL_*
// variables themselves from the process environment.
//
// shutdown flushes the spans still queued and stops the exporter; call it
// after the server and the workers have stopped, with a deadline. When
// tracing is off it does nothing.
func Setup(ctx context.Context, o Options) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagator)
	if !Enabled(o.Getenv) {
		return func(context.Context) error { return nil }, nil
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if p := strings.TrimSpace(o.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")); p != "" && !strings.HasPrefix(p, "http/") {
		logger.Warn("only OTLP over HTTP is supported; exporting with http/protobuf", "protocol", p)
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := newResource(ctx, o.Version)
	if err != nil {
		logger.Warn("partial telemetry resource", "err", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("telemetry export failed", "err", err)
	}))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// newResource describes this process: service.name "shoot" and the version,
// overridden by the environment, plus the SDK's own attributes. Later
// detectors win, so the environment is read after the defaults.
func newResource(ctx context.Context, version string) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.name", DefaultServiceName)}
	if version != "" {
		attrs = append(attrs, attribute.String("service.version", version))
	}
	return resource.New(ctx, resource.WithAttributes(attrs...), resource.WithFromEnv(), resource.WithTelemetrySDK())
}
