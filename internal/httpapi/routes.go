package httpapi

import (
	"net/http"
	"path"
	"strings"
)

// builtinRoutes is the routes table of the API this package implements
// (see docs/architecture.md). Generation and event streams are added with Handle by
// their own files. A GET pattern also answers HEAD.
func (s *Server) builtinRoutes() []Route {
	return []Route{
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
	if !served && s.Web != nil {
		s.Web.ServeHTTP(w, r)
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
