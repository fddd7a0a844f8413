package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/metrics/metricstest"
)

// liveWorker is a `shoot worker` started through run().
type liveWorker struct {
	t      *testing.T
	Ops    string // base URL of its metrics and health listener
	stop   context.CancelFunc
	exited chan int
	Log    *serveOutput
}

// startWorker runs `shoot worker --addr 127.0.0.1:0` with env and args and
// stops it when the test ends.
func startWorker(t *testing.T, env map[string]string, args ...string) *liveWorker {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &liveWorker{t: t, stop: cancel, exited: make(chan int, 1), Log: &serveOutput{}}
	argv := append([]string{"worker", "--addr", "127.0.0.1:0"}, args...)
	go func() { w.exited <- run(ctx, argv, testGetenv(env), io.Discard, w.Log) }()
	w.Ops = waitForOpsURL(t, w.Log, w.exited)
	t.Cleanup(func() { w.Stop() })
	return w
}

// Stop cancels the worker as SIGTERM would and returns its exit code.
func (w *liveWorker) Stop() int {
	w.stop()
	select {
	case code := <-w.exited:
		w.exited <- code // a second Stop sees it too
		return code
	case <-time.After(30 * time.Second):
		w.t.Error("worker did not stop within 30 s")
		return -1
	}
}

// opsURL finds the listener's URL in a text or JSON log line.
var opsURL = regexp.MustCompile(`"?url"?[=:]"?(http://[^ \n"]+)`)

// waitForOpsURL waits for the worker to log its listener's URL.
func waitForOpsURL(t *testing.T, out *serveOutput, exited chan int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := opsURL.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-exited:
			t.Fatalf("worker exited with %d:\n%s", code, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("worker did not log its URL:\n%s", out.String())
	return ""
}

func TestWorkerCommandLine(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runShoot(t.Context(), nil, "worker", "--help")
	if code != 0 || !strings.Contains(stdout, "-workers") || !strings.Contains(stdout, "-id") {
		t.Errorf("worker --help: exit %d\n%s", code, stdout)
	}
	code, _, stderr := runShoot(t.Context(), map[string]string{"SHOOT_DATA_DIR": t.TempDir()}, "worker", "--workers", "0")
	if code != 2 || !strings.Contains(stderr, "--workers") {
		t.Errorf("worker --workers 0: exit %d, %q", code, stderr)
	}
	code, _, stderr = runShoot(t.Context(), map[string]string{"SHOOT_RESCUE_AFTER": "1s", "SHOOT_JOB_TIMEOUT": "2s"}, "worker")
	if code != 2 || !strings.Contains(stderr, "SHOOT_RESCUE_AFTER") {
		t.Errorf("rescue shorter than the timeout: exit %d, %q", code, stderr)
	}
	code, stdout, _ = runShoot(t.Context(), nil, "--help")
	if code != 0 || !strings.Contains(stdout, "worker") {
		t.Errorf("shoot --help does not list worker:\n%s", stdout)
	}
}

// TestWorkerBesideAPI splits the studio in two on one machine: `serve
// --workers 0` takes the requests, `shoot worker` does every job. The API
// process does no work (its metrics show no job runs), the worker does all
// of it, and the shoot ends with a film.
func TestWorkerBesideAPI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"SHOOT_LOG_LEVEL": "debug"}
	api := startStudio(t, env, "--workers", "0", "--data-dir", dir)
	w := startWorker(t, map[string]string{"SHOOT_LOG_LEVEL": "debug", "SHOOT_LOG_FORMAT": "json"},
		"--data-dir", dir, "--workers", "4", "--id", "solo")
	if !strings.Contains(w.Log.String(), "SQLite") {
		t.Error("a worker on SQLite did not warn that it must be the only one")
	}
	sid := scaleShoot(t, api.Base, 1)
	wantFilm(t, api.Base, sid)

	wm := scrapeMetrics(t, w.Ops)
	if got := wm[`shoot_job_runs_total{kind="clip",outcome="done"}`]; got != 5 {
		t.Errorf("worker finished %v clip jobs, want 5", got)
	}
	if wm[`shoot_provider_calls_total{kind="clip",op="submit",provider="studio",result="ok"}`] != 5 {
		t.Errorf("worker provider calls: %v", metricstest.Pick(wm, "shoot_provider_calls_total"))
	}
	am := scrapeMetrics(t, api.Base)
	if n := len(metricstest.Pick(am, "shoot_job_runs_total")); n != 0 {
		t.Errorf("the API process ran jobs: %v", metricstest.Pick(am, "shoot_job_runs_total"))
	}
	if am[`shoot_http_requests_total{method="POST",route="/api/generate-stream",status="200"}`] != 1 {
		t.Errorf("API request metrics: %v", metricstest.Pick(am, "shoot_http_requests_total"))
	}
	if am[`shoot_jobs{kind="clip",state="completed"}`] != 5 || am["shoot_queue_up"] != 1 {
		t.Errorf("queue as the API sees it: %v", metricstest.Pick(am, "shoot_jobs", "shoot_queue_up"))
	}
	wantJSONJobLines(t, w.Log.String(), "solo", 5)
	for _, base := range []string{api.Base, w.Ops} {
		wantDeepHealthy(t, base)
	}
	if code := w.Stop(); code != 0 {
		t.Errorf("worker exit code %d\n%s", code, w.Log.String())
	}
}

// wantDeepHealthy checks that /api/health?deep=1 passes every check,
// including the queue.
func wantDeepHealthy(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/api/health?deep=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status string
		Checks map[string]struct{ Status string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || h.Status != "ok" || len(h.Checks) != 3 {
		t.Fatalf("%s deep health: %d %+v", base, resp.StatusCode, h)
	}
	for name, c := range h.Checks {
		if c.Status != "ok" {
			t.Errorf("%s: check %s is %s", base, name, c.Status)
		}
	}
}

// wantJSONJobLines checks that every line of a JSON-format log is a JSON
// object, and that the worker logged a "job ran" line with its id for at
// least clips finished clip jobs.
func wantJSONJobLines(t *testing.T, log, worker string, clips int) {
	t.Helper()
	done := 0
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if rec["msg"] == "job ran" && rec["worker"] == worker && rec["kind"] == "clip" && rec["outcome"] == "done" {
			done++
		}
	}
	if done != clips {
		t.Errorf("the worker logged %d finished clip jobs, want %d", done, clips)
	}
}
