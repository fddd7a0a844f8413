package httpapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/httpapi"
)

// probe GETs a probe path and checks it answered JSON, never the page.
func probe(t *testing.T, e *testEnv, path string, headers ...string) (int, map[string]any) {
	t.Helper()
	resp, body := e.do(t, "GET", path, nil, headers...)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s answered %s: %.100s", path, resp.Header.Get("Content-Type"), body)
	}
	return resp.StatusCode, decodeJSON(t, resp, body)
}

func TestProbes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		env   map[string]string
		setup func(*httpapi.Deps)
		down  func(*testEnv) // breaks a dependency before probing
		path  string
		want  int
		check string // a check that must be listed, with its state
	}{
		{name: "live", path: "/livez", want: 200},
		{name: "ready", path: "/readyz", want: 200, check: "database=ok"},
		{name: "healthz is readiness", path: "/healthz", want: 200, check: "blob=ok"},
		{name: "ready with its token gate", env: map[string]string{"SHOOT_AUTH": "token"}, path: "/readyz", want: 200},
		{name: "database down", down: func(e *testEnv) { e.store.Close() }, path: "/readyz", want: 503, check: "database=error"},
		{name: "database down, still live", down: func(e *testEnv) { e.store.Close() }, path: "/livez", want: 200},
		{name: "blob store down", down: func(e *testEnv) { e.bucket.Close() }, path: "/healthz", want: 503, check: "blob=error"},
		{name: "queue down", setup: func(d *httpapi.Deps) {
			addCheck(d, "queue", func(context.Context) error { return errors.New("no queue") })
		}, path: "/readyz", want: 503, check: "queue=error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var setup []func(*httpapi.Deps)
			if c.setup != nil {
				setup = append(setup, c.setup)
			}
			e := newEnv(t, c.env, setup...)
			if c.down != nil {
				c.down(e)
			}
			status, m := probe(t, e, c.path)
			if status != c.want {
				t.Errorf("%s = %d %v, want %d", c.path, status, m, c.want)
			}
			if c.check != "" {
				name, state, _ := strings.Cut(c.check, "=")
				if checks, _ := m["checks"].(map[string]any); checks[name] != state {
					t.Errorf("%s checks = %v, want %s", c.path, m["checks"], c.check)
				}
			}
		})
	}
}

func TestProbesRefuseOtherMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resp, body := e.do(t, "POST", "/readyz", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(body), `"success":false`) {
		t.Errorf("POST /readyz = %d %s", resp.StatusCode, body)
	}
}

// TestReadyzWhileDraining shuts a served studio down with a drain delay:
// from the moment shutdown begins /readyz answers 503 "draining" while the
// listener still accepts connections, and /livez stays 200.
func TestReadyzWhileDraining(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"SHOOT_DRAIN_DELAY": "1500ms"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	if code := getStatus(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz before shutdown = %d", code)
	}
	stop()
	deadline := time.Now().Add(time.Second)
	var code int
	for time.Now().Before(deadline) {
		if code = getStatus(t, base+"/readyz"); code == 503 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != 503 {
		t.Fatalf("/readyz during the drain = %d, want 503", code)
	}
	if code := getStatus(t, base+"/livez"); code != 200 {
		t.Errorf("/livez during the drain = %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Error("the listener still answers after shutdown")
	}
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
