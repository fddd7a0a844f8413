package httpapi

import (
	_ "embed"
	"net/http"
	"sort"
)

// openAPIDocument is the OpenAPI 3.1 description of every route this
// package and the studio register: bodies, answers, errors and the SSE
// event types. TestOpenAPI* keep it true to the router and the handlers.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.1 document of the studio's API, as served
// at GET /api/openapi.json.
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

// openapi answers GET /api/openapi.json. It is public like /api/health: it
// describes the API, it holds nothing of anyone's.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(openAPIDocument)
	return err
}

// ProbePaths returns the probe paths the server answers before routing
// (they are not in Routes), sorted.
func ProbePaths() []string {
	var out []string
	for p := range probePaths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
