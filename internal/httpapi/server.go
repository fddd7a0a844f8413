// Package httpapi is the studio's HTTP API: the documented routes and JSON
// shapes, media streaming, CORS, and the plumbing every handler shares (one
// routes table, one error adapter, request ids, panic recovery, graceful
// shutdown).
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/blobserve"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// DefaultShutdownTimeout is how long Serve waits for requests in flight
// after it stops accepting new ones.
const DefaultShutdownTimeout = 10 * time.Second

// Deps are what a Server needs. Config, Store and Bucket are required.
type Deps struct {
	Config *config.Config
	Store  store.Store
	Bucket *blob.Bucket
	// Logger receives 5xx errors, panics and (at debug level) one line per
	// request. nil discards.
	Logger *slog.Logger
	// Version is reported by /api/health.
	Version string
	// ShutdownTimeout bounds the graceful part of Serve's shutdown; zero
	// means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// WebhookResolver looks up the hosts of new webhooks' URLs to check
	// their addresses; nil is the system resolver.
	WebhookResolver webhook.Resolver
	// TracerProvider records a server span per request; nil means the
	// global provider at the time of each request (see internal/telemetry).
	TracerProvider trace.TracerProvider
	// Now is the rate limiters' clock; nil is time.Now.
	Now func() time.Time

	// Engine runs shoots. With it the server answers the generation,
	// event stream, estimate, export, ETA and provider callback routes,
	// and DELETE stops a session's work first; nil serves the rest only.
	Engine *pipeline.Engine
	// Heartbeat is the interval of the keep-alive comments on event
	// streams; zero means 15 s.
	Heartbeat time.Duration
	// Web serves every path that is not an API or media route: the
	// embedded studio. nil answers those paths with a 404 JSON error.
	Web http.Handler
	// Metrics records every answered request; nil records nothing.
	Metrics HTTPObserver
	// MetricsHandler, when set, is served at GET /metrics (Prometheus).
	MetricsHandler http.Handler
	// HealthChecks are added to GET /api/health?deep=1 (e.g. the job
	// queue, which this package does not know).
	HealthChecks []HealthCheck
	// MCP, when set, builds the handler served at /mcp from the API it
	// calls in process and the channel that closes at shutdown.
	MCP func(api func() http.Handler, closing <-chan struct{}) http.Handler
	// Routes are extra routes, registered after the studio's own; tests
	// use them to exercise the plumbing every handler shares.
	Routes []Route
}

// Server is the HTTP API. Build it with New from everything it needs, then
// call Serve (or mount Handler in a test server).
type Server struct {
	// web serves every path that is not an API or media route (Deps.Web).
	web http.Handler

	cfg     *config.Config
	now     func() time.Time // the rate limiters' clock (nil: time.Now)
	store   store.Store
	bucket  *blob.Bucket
	logger  *slog.Logger
	version string
	media   *blobserve.Server
	mux     *http.ServeMux
	tracing trace.TracerProvider
	timeout time.Duration

	mu     sync.Mutex
	routes []Route
	hooks  []func()
	ops    ops // request metrics and deep health checks (metrics.go)

	closing   chan struct{}
	draining  atomic.Bool // set when shutdown begins: /readyz answers 503
	closeOnce sync.Once
	// decodeSlots bounds how many uploaded images are fully decoded at once,
	// because one decode may hold ~300 MB of pixels.
	decodeSlots chan struct{}
	// stopSession, set when there is an engine, stops a session's jobs and
	// provider tasks before DELETE removes it, so no paid work runs on.
	stopSession func(ctx context.Context, sid string) error

	// Access control (auth.go, limits.go). authStore is nil only when the
	// store keeps no tokens, which New allows with SHOOT_AUTH=none alone.
	auth      *auth.Authenticator
	authStore store.Auth
	rate      *auth.Limiter // per user
	addrRate  *auth.Limiter // per client address
	failures  *auth.Limiter
	startMu   sync.Mutex

	idemSwept atomic.Int64 // when expired idempotency keys were last swept (UnixNano)

	// Webhooks (webhooks.go): which targets a new webhook may name.
	hookPolicy   webhook.Policy
	hookResolver webhook.Resolver
}

// HandlerFunc is the signature of every API handler. A returned error is
// turned into a JSON error response by the adapter (see errors.go) unless
// the handler already started its response, in which case it is logged.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the routes table: a net/http ServeMux pattern
// ("GET /api/sessions/{id}") and its handler.
type Route struct {
	Pattern string
	Handler HandlerFunc
}

// New returns a Server with every route registered (see routes.go). With
// SHOOT_AUTH=token the store must also implement store.Auth (both of the
// studio's stores do).
func New(d Deps) (*Server, error) {
	if d.Config == nil || d.Store == nil || d.Bucket == nil {
		return nil, errors.New("httpapi: Config, Store and Bucket are required")
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg: d.Config, store: d.Store, bucket: d.Bucket, logger: logger, version: d.Version, now: d.Now,
		media:        &blobserve.Server{Bucket: d.Bucket, Redirect: d.Config.MediaRedirect, Logger: logger},
		mux:          http.NewServeMux(),
		tracing:      d.TracerProvider,
		timeout:      d.ShutdownTimeout,
		closing:      make(chan struct{}),
		decodeSlots:  make(chan struct{}, 2),
		hookPolicy:   webhook.Policy{AllowPrivate: d.Config.WebhookAllowPrivate},
		hookResolver: d.WebhookResolver,
		web:          d.Web,
		ops:          ops{observer: d.Metrics, checks: slices.Clone(d.HealthChecks)},
	}
	if eng := d.Engine; eng != nil {
		s.stopSession = func(ctx context.Context, sid string) error {
			_, err := eng.Cancel(ctx, sid)
			return err
		}
	}
	if s.hookResolver == nil {
		s.hookResolver = net.DefaultResolver
	}
	if s.timeout <= 0 {
		s.timeout = DefaultShutdownTimeout
	}
	if err := s.setupAuth(); err != nil {
		return nil, err
	}
	for _, rt := range s.routeTable(d) {
		s.handle(rt.Pattern, rt.Handler)
	}
	return s, nil
}

// handle adds a route. The pattern syntax is net/http's, and a conflicting
// pattern panics at start-up like http.ServeMux does.
func (s *Server) handle(pattern string, h HandlerFunc) {
	s.mu.Lock()
	s.routes = append(s.routes, Route{Pattern: pattern, Handler: h})
	s.mu.Unlock()
	s.mux.Handle(pattern, s.adapt(h))
}

// Routes returns every registered route, built-in ones first.
func (s *Server) Routes() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Route(nil), s.routes...)
}

// Handler returns the whole API as one http.Handler: tracing, request ids,
// security headers, panic recovery, CORS, access control, the routes, the
// web studio and JSON 404/405 answers.
func (s *Server) Handler() http.Handler {
	return s.withTracing(s.withRequestID(s.withSecurityHeaders(s.withMetrics(s.withRecovery(s.withAccessLog(s.withCORS(http.HandlerFunc(s.dispatch))))))))
}

// Closing is closed when shutdown begins. Long-lived responses (SSE
// streams) must watch it as well as the request context and return
// promptly, because graceful shutdown waits for every handler.
func (s *Server) Closing() <-chan struct{} { return s.closing }

// OnShutdown registers f to run when shutdown begins, before Serve waits for
// requests in flight.
func (s *Server) OnShutdown(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, f)
}

// EndStreams begins shutdown: it closes Closing and runs the OnShutdown
// hooks, once. Serve calls it; tests may too.
func (s *Server) EndStreams() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.mu.Lock()
		hooks := append([]func(){}, s.hooks...)
		s.mu.Unlock()
		for _, f := range hooks {
			f()
		}
	})
}

// Serve answers requests on ln until ctx is cancelled, then shuts down in
// order: stop accepting, end streams, wait up to the shutdown timeout for
// requests in flight, then close what is left. It returns nil after a
// shutdown and the listener's error if serving fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
	}
	// Shutdown closes the listeners first and then runs this hook, so
	// streams end after intake has stopped.
	hs.RegisterOnShutdown(s.EndStreams)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.drain(context.WithoutCancel(ctx), s.cfg.DrainDelay)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		s.logger.Warn("requests still running at shutdown timeout; closing them", "timeout", s.timeout.String())
		hs.Close()
	}
	<-errc
	return nil
}
