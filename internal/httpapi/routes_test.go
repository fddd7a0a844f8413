package httpapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestUnknownPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, p := range []string{"/api/nope", "/api", "/api/sessions/x/y/z", "/", "/index.html", "/uploads/"} {
		wantError(t, e.getJSON(t, "GET", p, http.StatusNotFound), "")
	}
	resp, body := e.do(t, "POST", "/api/health", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("POST /api/health: %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	wantError(t, decodeJSON(t, resp, body), "Method not allowed")
}

func TestWebHandlerGetsNonAPIPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(d *httpapi.Deps) {
		d.Web = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "studio:"+r.URL.Path)
		})
	})
	for _, p := range []string{"/", "/index.html", "/assets/app.js"} {
		resp, body := e.do(t, "GET", p, nil)
		if resp.StatusCode != http.StatusOK || string(body) != "studio:"+p {
			t.Errorf("GET %s: %d %q", p, resp.StatusCode, body)
		}
	}
	// API paths never fall through to the studio.
	wantError(t, e.getJSON(t, "GET", "/api/nope", http.StatusNotFound), "")
}

// TestErrorAdapter checks the one table of error codes to statuses, the
// JSON body, that only safe messages reach the client and that 5xx are
// logged once with the request id.
func TestErrorAdapter(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		err     error
		status  int
		message string
	}{
		"invalid":      {shoot.Errorf(shoot.EINVALID, "bad thing"), 400, "bad thing"},
		"notfound":     {shoot.Errorf(shoot.ENOTFOUND, "no such"), 404, "no such"},
		"conflict":     {shoot.Errorf(shoot.ECONFLICT, "busy"), 409, "busy"},
		"toolarge":     {shoot.Errorf(shoot.ETOOLARGE, "huge"), 413, "huge"},
		"unauthorized": {shoot.Errorf(shoot.EUNAUTHORIZED, "who"), 401, "who"},
		"limit":        {shoot.Errorf(shoot.ELIMIT, "slow down"), 429, "slow down"},
		"unavailable":  {shoot.Wrap(errors.New("dial tcp 10.0.0.1: PRIVATE"), shoot.EUNAVAILABLE, "try later"), 503, "try later"},
		"internal":     {shoot.Errorf(shoot.EINTERNAL, "oops"), 500, "oops"},
		"plain":        {errors.New("db password is PRIVATE"), 500, "Internal error."},
	}
	e := newEnv(t, nil, func(d *httpapi.Deps) {
		for name, tc := range cases {
			err := tc.err
			handle(d, "GET /api/test/"+name, func(w http.ResponseWriter, r *http.Request) error { return err })
		}
		handle(d, "GET /api/test/panic", func(w http.ResponseWriter, r *http.Request) error { panic("boom PRIVATE") })
		handle(d, "GET /api/test/late", func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, "partial")
			return errors.New("failed after the header")
		})
	})
	for name, tc := range cases {
		resp, body := e.do(t, "GET", "/api/test/"+name, nil, "X-Request-Id", "req-"+name)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.status)
		}
		if strings.Contains(string(body), "PRIVATE") {
			t.Errorf("%s: body leaks the cause: %s", name, body)
		}
		m := decodeJSON(t, resp, body)
		if m["success"] != false || m["error"] != tc.message {
			t.Errorf("%s: body %v, want error %q", name, m, tc.message)
		}
		logged := strings.Count(e.logs.String(), "request_id=req-"+name+" ")
		failures := strings.Count(e.logs.String(), `msg="request failed" request_id=req-`+name+" ")
		if want := tc.status >= 500; (failures == 1) != want || failures > 1 {
			t.Errorf("%s: logged as failure %d times (lines mentioning it: %d)", name, failures, logged)
		}
	}
	resp, body := e.do(t, "GET", "/api/test/panic", nil, "X-Request-Id", "req-panic")
	if resp.StatusCode != 500 || strings.Contains(string(body), "boom") {
		t.Errorf("panic: %d %s", resp.StatusCode, body)
	}
	wantError(t, decodeJSON(t, resp, body), "Internal error.")
	if !strings.Contains(e.logs.String(), `msg="panic serving request" request_id=req-panic`) {
		t.Errorf("panic not logged with its request id:\n%s", e.logs.String())
	}
	resp, body = e.do(t, "GET", "/api/test/late", nil, "X-Request-Id", "req-late")
	if resp.StatusCode != 200 || string(body) != "partial" {
		t.Errorf("late error: %d %q (the started response must not be replaced)", resp.StatusCode, body)
	}
	if !strings.Contains(e.logs.String(), `request_id=req-late method=GET path=/api/test/late status=500 response_started=true`) {
		t.Errorf("late error not logged:\n%s", e.logs.String())
	}
	// The server survived the panic.
	e.getJSON(t, "GET", "/api/health", http.StatusOK)
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resp, _ := e.do(t, "GET", "/api/health", nil, "X-Request-Id", "abc-123")
	if resp.Header.Get("X-Request-Id") != "abc-123" {
		t.Errorf("client id not echoed: %q", resp.Header.Get("X-Request-Id"))
	}
	resp, _ = e.do(t, "GET", "/api/health", nil, "X-Request-Id", "evil\tid with spaces and more than enough characters to be silly")
	if id := resp.Header.Get("X-Request-Id"); len(id) != 16 || strings.ContainsAny(id, " \t") {
		t.Errorf("malformed client id should be replaced, got %q", id)
	}
}

func TestRoutesTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var patterns []string
	for _, r := range e.srv.Routes() {
		patterns = append(patterns, r.Pattern)
	}
	for _, want := range []string{"GET /api/health", "POST /api/upload", "GET /api/sessions", "GET /api/sessions/{id}",
		"DELETE /api/sessions/{id}", "GET /api/sessions/{id}/pipeline", "GET /api/sessions/{id}/assets",
		"GET /api/media/{key...}", "GET /uploads/{filename}", "GET /outputs/{sessionId}/{path...}"} {
		if !strings.Contains(strings.Join(patterns, "\n")+"\n", want+"\n") {
			t.Errorf("route %q missing from %v", want, patterns)
		}
	}
}
