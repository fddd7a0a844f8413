package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/mcpserver"
	"github.com/fashionshoot/shoot/internal/web"
)

// newServeCmd is `shoot serve`: the HTTP API on --addr until SIGINT or
// SIGTERM, then a graceful shutdown.
func newServeCmd(e *env) *cobra.Command {
	return newServerCmd(e, "serve", "run the studio: HTTP API and web UI",
		"jobs this process works at once; 0 serves the API only (SHOOT_WORKERS)",
		func(fs *pflag.FlagSet, cfg *config.Config) {
			fs.BoolVar(&cfg.InsecureNoAuth, "insecure-no-auth", cfg.InsecureNoAuth, "serve without access control even on a public address")
		},
		func(cmd *cobra.Command, cfg *config.Config) error { return serve(cmd.Context(), e, cfg) })
}

// newServerCmd is the frame `shoot serve` and `shoot worker` share: a
// long-running command on the configuration (environment, then the common
// flags), with --workers described by workersUsage. flags binds the
// command's own flags; run gets the finished configuration.
func newServerCmd(e *env, use, short, workersUsage string, flags func(*pflag.FlagSet, *config.Config),
	run func(*cobra.Command, *config.Config) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:         use,
		Short:       short,
		Args:        noArgs,
		Annotations: map[string]string{annotationServer: "yes"},
	}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	fs.IntVar(&cc.cfg.Workers, "workers", cc.cfg.Workers, workersUsage)
	flags(fs, cc.cfg)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cc.finish()
		if err != nil {
			return err
		}
		return run(cmd, cfg)
	}
	return cmd
}

// serve runs the studio until ctx is done.
func serve(ctx context.Context, e *env, cfg *config.Config) error {
	if err := checkAuthExposure(cfg); err != nil {
		return err
	}
	logger := newLogger(cfg, e.stderr)
	flush, err := startTracing(ctx, e, logger)
	if err != nil {
		return err
	}
	defer flush()
	// Shutdown order: HTTP intake and streams end first (Serve returns),
	// then workers soft-stop, then the blob store and database close, and
	// last the spans still queued are sent.
	srv, stop, err := openStudio(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer stop()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("shoot is serving", "url", listenURL(ln.Addr()), "version", buildVersion(),
		"image_provider", cfg.ImageProvider, "video_provider", cfg.VideoProvider, "director", cfg.Director)
	err = srv.Serve(ctx, ln)
	logger.Info("shoot stopped")
	return err
}

// openStudio opens the database and blob store, builds the engine and the
// API on them and starts the job queue. stop soft-stops the workers, then
// closes the blob store and the database.
func openStudio(ctx context.Context, cfg *config.Config, logger *slog.Logger) (srv *httpapi.Server, stop func(), err error) {
	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	eng, err := buildEngine(ctx, cfg, a.store, a.bucket, logger, cfg.Workers)
	if err != nil {
		return nil, nil, err
	}
	if srv, err = newServer(a, eng); err != nil {
		return nil, nil, err
	}
	if err = eng.queue.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("job queue: %w", err)
	}
	return srv, func() { stopQueue(eng, logger); a.close() }, nil
}

// stopQueue soft-stops the workers: running jobs get a grace period, then
// are cancelled; whatever they had not finished is redone after a restart.
func stopQueue(eng *engine, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := eng.queue.Stop(ctx); err != nil {
		logger.Warn("workers did not stop cleanly", "err", err)
	}
}

// newServer builds the HTTP API on an open app and its engine, with every
// part `shoot serve` answers: the API and generation routes, request
// metrics, GET /metrics for Prometheus, the queue in /api/health?deep=1,
// MCP over streamable HTTP at /mcp (behind the API's access control like
// every other route) and the web studio. It is the one place they are put
// together, so the OpenAPI coverage test sees exactly the table the served
// studio has.
func newServer(a *app, eng *engine) (*httpapi.Server, error) {
	return httpapi.New(httpapi.Deps{
		Config: a.cfg, Store: a.store, Bucket: a.bucket, Logger: a.logger, Version: buildVersion(),
		Engine: eng.Engine, Web: web.Handler(),
		Metrics: eng.metrics, MetricsHandler: eng.metrics.Handler(),
		HealthChecks: []httpapi.HealthCheck{{Name: "queue", Check: eng.queue.Check}},
		MCP: func(api func() http.Handler, closing <-chan struct{}) http.Handler {
			return mcpserver.HTTPHandler(api, closing, buildVersion(), nil)
		},
	})
}

// listenURL is the URL to open for a listener's address; an unspecified
// host (":8080") is shown as localhost.
func listenURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
