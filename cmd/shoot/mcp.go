package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/mcpserver"
)

// newMCPCmd is `shoot mcp`: a Model Context Protocol server on stdin and
// stdout, for AI assistants that start their tools as processes. It runs
// the studio in this process, as `shoot serve` would but without listening
// anywhere, or with --server drives a running studio through its API.
// stdout carries protocol messages only; logs go to stderr.
func newMCPCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "serve the studio to AI assistants over MCP on stdin/stdout",
		Long: "Speak the Model Context Protocol on stdin/stdout: tools start_shoot, answer_checkpoint, get_status,\n" +
			"list_sessions, get_assets and estimate, and each session's files as shoot://sessions/{id}/assets/{name}\n" +
			"resources. A served studio answers the same protocol over HTTP at /mcp.",
		Args:        noArgs,
		Annotations: map[string]string{annotationServer: "yes"},
	}
	fs := cmd.Flags()
	cc := bindConfig(e, fs)
	fs.IntVar(&cc.cfg.Workers, "workers", cc.cfg.Workers, "jobs this process works at once (SHOOT_WORKERS)")
	server := fs.String("server", "", "drive the studio at this `URL` instead of running one here (token from SHOOT_TOKEN)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *server != "" {
			c := client.New(*server, client.WithToken(e.getenv("SHOOT_TOKEN")))
			return serveMCP(cmd.Context(), e, mcpserver.Options{
				Backend: func(*mcp.RequestExtra) *client.Client { return c }, AllowFiles: true, Version: buildVersion(),
			})
		}
		cfg, err := cc.finish()
		if err != nil {
			return err
		}
		return mcpEmbedded(cmd.Context(), e, cfg)
	}
	return cmd
}

// mcpEmbedded runs the studio in this process and serves MCP against its
// API in process. Nothing listens, so the API's access control is off:
// only this process's own stdin reaches it, as the user who started it.
func mcpEmbedded(ctx context.Context, e *env, cfg *config.Config) error {
	cfg.Auth = auth.ModeNone
	logger := newLogger(cfg, e.stderr)
	srv, stop, err := openStudio(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer stop()
	defer srv.EndStreams()
	c := client.New("http://localhost", client.WithHTTPClient(&http.Client{Transport: mcpserver.InProcess(srv.Handler(), nil)}))
	return serveMCP(ctx, e, mcpserver.Options{
		Backend: func(*mcp.RequestExtra) *client.Client { return c }, AllowFiles: true, Version: buildVersion(), Logger: logger,
	})
}

// serveMCP answers MCP on e's stdin/stdout until the client closes stdin
// or ctx ends.
func serveMCP(ctx context.Context, e *env, o mcpserver.Options) error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	t := &mcp.IOTransport{Reader: io.NopCloser(e.stdin), Writer: nopWriteCloser{e.stdout}}
	err := mcpserver.New(o).Run(ctx, t)
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) || errors.Is(err, mcp.ErrConnectionClosed) {
		return nil
	}
	return err
}

// nopWriteCloser keeps the transport from closing stdout.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
