package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// checksOf returns the per-check statuses of a deep health answer.
func checksOf(t *testing.T, m map[string]any) map[string]map[string]any {
	t.Helper()
	raw, ok := m["checks"].(map[string]any)
	if !ok {
		t.Fatalf("no checks in %v", m)
	}
	out := map[string]map[string]any{}
	for k, v := range raw {
		out[k] = v.(map[string]any)
	}
	return out
}

func TestDeepHealthAllGood(t *testing.T) {
	t.Parallel()
	var queueChecked atomic.Bool
	e := newEnv(t, nil, func(d *httpapi.Deps) {
		addCheck(d, "queue", func(context.Context) error { queueChecked.Store(true); return nil })
	})
	m := e.getJSON(t, "GET", "/api/health?deep=true", http.StatusOK)
	checks := checksOf(t, m)
	for _, name := range []string{"database", "blob", "queue"} {
		if checks[name]["status"] != "ok" {
			t.Errorf("%s: %v", name, checks[name])
		}
	}
	if m["status"] != "ok" || !queueChecked.Load() {
		t.Errorf("status %v, queue checked %v", m["status"], queueChecked.Load())
	}
	// The probe is cleaned up: nothing is left under the reserved prefix.
	it := e.bucket.List(&blob.ListOptions{Prefix: httpapi.HealthProbePrefix})
	if obj, err := it.Next(t.Context()); !errors.Is(err, io.EOF) {
		t.Errorf("probe left behind: %v %v", obj, err)
	}
}

func TestDeepHealthReportsEachFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(d *httpapi.Deps) {
		addCheck(d, "queue", func(context.Context) error {
			return shoot.Wrap(errors.New("dial tcp: password=hunter2 refused"), shoot.EUNAVAILABLE, "Job queue unavailable.")
		})
	})
	m := e.getJSON(t, "GET", "/api/health?deep=1", http.StatusServiceUnavailable)
	checks := checksOf(t, m)
	if m["status"] != "unavailable" || checks["queue"]["status"] != "error" || checks["queue"]["error"] != "Job queue unavailable." {
		t.Errorf("answer %v", m)
	}
	if checks["database"]["status"] != "ok" || checks["blob"]["status"] != "ok" {
		t.Errorf("healthy dependencies reported as failing: %v", checks)
	}
	if _, body := e.do(t, "GET", "/api/health?deep=1", nil); strings.Contains(string(body), "hunter2") {
		t.Errorf("the cause leaked into the answer: %s", body)
	}
	if !strings.Contains(e.logs.String(), "hunter2") {
		t.Error("the cause was not logged for the operator")
	}
}

func TestDeepHealthDatabaseAndBlobDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.store.Close()
	e.bucket.Close()
	m := e.getJSON(t, "GET", "/api/health?deep=1", http.StatusServiceUnavailable)
	checks := checksOf(t, m)
	if checks["database"]["error"] != "Database unavailable." || checks["blob"]["error"] != "Blob store cannot write." {
		t.Errorf("checks %v", checks)
	}
	// The shallow check is unchanged: it still answers in its documented shape.
	for _, path := range []string{"/api/health", "/api/health?deep=0"} {
		shallow := e.getJSON(t, "GET", path, http.StatusServiceUnavailable)
		if _, deep := shallow["checks"]; deep {
			t.Errorf("%s ran the deep checks: %v", path, shallow)
		}
	}
}
