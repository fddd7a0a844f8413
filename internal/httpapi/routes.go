package httpapi

import (
	"net/http"
	"path"
	"strings"

	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
)

// routeTable is every route the server answers, in one place (see
// docs/architecture.md): the API's own, then those of the parts in d that
// are set. A GET pattern also answers HEAD. Sign-in, health, the OpenAPI
// document and the provider callbacks are public (see isPublic).
func (s *Server) routeTable(d Deps) []Route {
	routes := []Route{
		{"GET /api/health", s.health},
		{"GET /api/openapi.json", s.openapi},
		{"POST /api/upload", s.idempotent(idemRoute{limit: maxUploadBody, digest: multipartDigest}, s.upload)},
		{"GET /api/sessions", s.listSessions},
		{"GET /api/sessions/{id}", s.getSession},
		{"DELETE /api/sessions/{id}", s.deleteSession},
		{"GET /api/sessions/{id}/pipeline", s.getPipeline},
		{"GET /api/sessions/{id}/assets", s.listAssets},
		{"GET /api/media/{key...}", s.mediaByKey},
		{"GET /uploads/{filename}", s.mediaUpload},
		{"GET /outputs/{sessionId}/{path...}", s.mediaOutput},

		// Signing in and out, and the audit log (auth.go).
		{"POST /api/auth/login", s.login},
		{"POST /api/auth/logout", s.logout},
		{"GET /api/me", s.me},
		{"GET /api/audit", s.listAudit},

		// A user's webhooks: each user sees and manages only their own,
		// administrators too (webhooks.go).
		{"POST /api/webhooks", s.createWebhook},
		{"GET /api/webhooks", s.listWebhooks},
		{"DELETE /api/webhooks/{id}", s.deleteWebhook},
		{"GET /api/webhooks/{id}/deliveries", s.listWebhookDeliveries},
	}
	if d.Engine != nil {
		routes = append(routes, s.engineRoutes(d)...)
	}
	if h := d.MetricsHandler; h != nil {
		routes = append(routes, Route{"GET /metrics", serve(h)})
	}
	if d.MCP != nil {
		h := serve(d.MCP(s.Handler, s.Closing()))
		routes = append(routes, Route{"GET /mcp", h}, Route{"POST /mcp", h}, Route{"DELETE /mcp", h})
	}
	return append(routes, d.Routes...)
}

// engineRoutes are the routes that run shoots: generation and its streams
// (generate.go, sse.go, estimate.go), the ETA (eta.go), the provider
// callbacks (callbacks.go) and the export (export.go).
func (s *Server) engineRoutes(d Deps) []Route {
	g := &generation{srv: s, eng: d.Engine, heartbeat: d.Heartbeat}
	stream := idemRoute{limit: maxJSONBody, replaySession: g.replayStream}
	blocking := idemRoute{limit: maxJSONBody, replaySession: g.replayBlocking}
	answer := idemRoute{limit: maxJSONBody}
	c := newCallbacks(s, d.Engine)
	x := &exporter{srv: s, eng: d.Engine}
	return []Route{
		{"POST /api/generate-stream", s.idempotent(stream, g.generateStream)},
		{"POST /api/generate", s.idempotent(blocking, g.generateBlocking)},
		{"POST /api/sessions/{id}/continue-stream", s.idempotent(stream, g.continueStream)},
		{"GET /api/sessions/{id}/events", g.events},
		{"POST /api/sessions/{id}/cancel", s.idempotent(answer, g.cancel)},
		{"GET /api/estimate", g.estimate},
		{"GET /api/presets", g.presets},
		{"GET /api/easings", g.easings},
		{"GET /api/sessions/{id}/eta", s.etaRoute(d.Engine)},
		{"POST " + fal.WebhookPath, c.fal},
		{"POST " + kling.CallbackPathPrefix + "{token}", c.kling},
		{"GET /api/sessions/{id}/export.zip", x.export},
	}
}

// serve adapts a plain http.Handler, which writes its own errors.
func serve(h http.Handler) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		h.ServeHTTP(w, r)
		return nil
	}
}

// servedPrefixes are the path prefixes the API owns; everything else goes
// to the web studio.
var servedPrefixes = []string{"/api/", "/uploads/", "/outputs/"}

func isServedPath(p string) bool {
	if p == "/api" {
		return true
	}
	for _, prefix := range servedPrefixes {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// isCleanPath reports whether p has no "." or ".." segments and no doubled
// slashes (a trailing slash is fine).
func isCleanPath(p string) bool {
	c := path.Clean(p)
	return c == p || c+"/" == p
}

// dispatch routes a request. API paths that are not clean are refused
// outright (ServeMux would redirect "/api/media/../x" to "/x"); API and
// media requests then pass the access-control gate (auth.go); unmatched API
// paths get JSON 404 or 405 answers; other paths go to Web.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if s.serveProbe(w, r) {
		return
	}
	served := isServedPath(r.URL.Path)
	if served && !isCleanPath(r.URL.Path) {
		writeError(w, http.StatusBadRequest, "Invalid path")
		return
	}
	h, pattern := s.mux.Handler(r)
	if served || pattern != "" {
		var ok bool
		if r, ok = s.gate(w, r, pattern); !ok {
			return
		}
	}
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if !served && s.web != nil {
		s.web.ServeHTTP(w, r)
		return
	}
	s.unmatched(w, r, h)
}

// unmatched answers a request no route matched. ServeMux's own answer is
// captured to learn whether the path exists for other methods (405 with
// Allow) or not at all (404), and replaced by a JSON error.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request, muxAnswer http.Handler) {
	probe := &headerProbe{header: http.Header{}}
	muxAnswer.ServeHTTP(probe, r)
	switch {
	case probe.status == http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	case probe.status >= 300 && probe.status < 400 && probe.header.Get("Location") != "":
		http.Redirect(w, r, probe.header.Get("Location"), probe.status)
	default:
		writeError(w, http.StatusNotFound, "Not found")
	}
}

// headerProbe is a ResponseWriter that keeps the status and headers and
// drops the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }

func (p *headerProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
