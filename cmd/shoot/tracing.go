package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/fashionshoot/shoot/internal/telemetry"
)

// traceFlushTimeout bounds how long a stopping process waits to send the
// spans still queued to the OTLP endpoint.
const traceFlushTimeout = 5 * time.Second

// startTracing installs tracing as the OTEL_* environment asks (see
// internal/telemetry and docs/operations.md): spans go to an OTLP/HTTP
// endpoint only when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-only
// variable) is set. flush sends what is still queued; call it last, after
// the server and the workers have stopped.
func startTracing(ctx context.Context, e *env, logger *slog.Logger) (flush func(), err error) {
	shutdown, err := telemetry.Setup(ctx, telemetry.Options{Getenv: e.getenv, Version: buildVersion(), Logger: logger})
	if err != nil {
		return nil, err
	}
	if telemetry.Enabled(e.getenv) {
		logger.Info("exporting traces over OTLP/HTTP")
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), traceFlushTimeout)
		defer cancel()
		if err := shutdown(sctx); err != nil {
			logger.Warn("traces not all sent at shutdown", "err", err)
		}
	}, nil
}
