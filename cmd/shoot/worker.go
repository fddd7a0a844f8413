package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
)

// cmdWorker works stage jobs and serves no API: start any number of them,
// on any number of machines, next to `shoot serve --workers 0`. They share
// the queue in the database; a job whose worker died is taken over by
// another after SHOOT_RESCUE_AFTER. With --addr it also answers /metrics
// and /api/health (deep) there, for Prometheus and the orchestrator.
func newWorkerCmd(e *env) *cobra.Command {
	return newServerCmd(e, "worker", "work stage jobs only, sharing the queue with other processes",
		"jobs this process works at once (SHOOT_WORKERS)",
		func(fs *pflag.FlagSet, cfg *config.Config) {
			fs.StringVar(&cfg.WorkerID, "id", cfg.WorkerID, "this worker's name in the queue (SHOOT_WORKER_ID; default host-pid)")
		},
		func(cmd *cobra.Command, cfg *config.Config) error {
			return runWorker(cmd.Context(), e, cfg, cmd.Flags().Changed("addr"))
		})
}

// runWorker works jobs until ctx is done; with listen it also answers
// /metrics and /api/health on --addr.
func runWorker(ctx context.Context, e *env, cfg *config.Config, listen bool) error {
	if cfg.Workers < 1 {
		return usagef("--workers must be at least 1 for a worker (use `shoot serve --workers 0` for the API alone)")
	}
	logger := newLogger(cfg, e.stderr)
	flush, err := startTracing(ctx, e, logger)
	if err != nil {
		return err
	}
	defer flush() // after the workers stopped and the app closed
	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	return work(ctx, a, listen, logger)
}

// work starts the workers and the optional ops listener, then waits for
// the signal. Shutdown runs in order: the listener, then the workers
// (soft stop), then (in the caller) the blob store and the database.
func work(ctx context.Context, a *app, listen bool, logger *slog.Logger) error {
	if a.cfg.DatabaseDialect() == "sqlite" {
		logger.Warn("the queue is in SQLite: run one worker process, on this machine only; use PostgreSQL for more")
	}
	eng, err := buildEngine(ctx, a.cfg, a.store, a.bucket, logger, a.cfg.Workers)
	if err != nil {
		return err
	}
	if err := eng.queue.Start(ctx); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	defer stopQueue(eng, logger)
	if listen {
		stop, err := serveOps(ctx, a, eng, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	logger.Info("shoot worker is working", "worker", workerID(a.cfg), "jobs_at_once", a.cfg.Workers, "version", buildVersion(),
		"image_provider", a.cfg.ImageProvider, "video_provider", a.cfg.VideoProvider, "director", a.cfg.Director)
	<-ctx.Done()
	logger.Info("shoot worker stopping")
	return nil
}

// serveOps answers /metrics and the deep /api/health on --addr until the
// returned stop is called.
func serveOps(ctx context.Context, a *app, eng *engine, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", a.cfg.Addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", eng.metrics.Handler())
	mux.Handle("GET /api/health", httpapi.DeepHealthHandler(logger, buildVersion(),
		httpapi.StoreCheck(a.store), httpapi.BlobCheck(a.bucket),
		httpapi.HealthCheck{Name: "queue", Check: eng.queue.Check}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener failed", "err", err)
		}
	}()
	logger.Info("serving metrics and health", "url", listenURL(ln.Addr()))
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}, nil
}
