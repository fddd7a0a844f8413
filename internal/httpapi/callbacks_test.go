package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestProviderCallbacksRefuseForgeries: FAL webhooks and Kling callbacks
// that are forged, about a task we do not have, sent to the wrong token or
// repeated change nothing stored, get a 4xx (a repeat: 200, so providers
// stop retrying) with the error shape, and are logged; genuine ones mark
// their task once. It runs with SHOOT_AUTH=token and no token, as
// providers carry none, and with requests addressed to a public host name.
func TestProviderCallbacksRefuseForgeries(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{})
	t.Cleanup(f.Close)
	forger := providertest.NewFAL(providertest.FALOptions{}) // a key FAL never published
	t.Cleanup(forger.Close)
	b := newBackend(t, map[string]string{"SHOOT_AUTH": "token", "SHOOT_FAL_JWKS_URL": f.JWKSURL()})
	logs := &syncBuffer{}
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: b.cfg, Store: b.store, Bucket: b.bucket,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})), Engine: b.eng})
	ctx := t.Context()
	falTask := &shoot.ProviderCallback{TaskKey: "s-hero0-v1-g1", Provider: "fal", Token: "fal-token", RemoteID: "req-ours"}
	klingTask := &shoot.ProviderCallback{TaskKey: "s-clip1-v1-g1", Provider: "kling", Token: "kling-secret", RemoteID: "8672"}
	for _, c := range []*shoot.ProviderCallback{falTask, klingTask} {
		if err := b.store.ExpectCallback(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	falBody := func(id string) []byte {
		return []byte(`{"request_id":"` + id + `","gateway_request_id":"` + id + `","status":"OK","payload":{"images":[{"url":"u"}]},"error":null,"payload_error":null}`)
	}
	klingBody := func(id, status string) []byte {
		return []byte(`{"task_id":"` + id + `","task_status":"` + status + `","task_info":{"external_task_id":"s-clip1-v1-g1"},"task_result":{"videos":[{"url":"u"}]}}`)
	}
	post := func(path string, body []byte, h http.Header) (int, map[string]any) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+path, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		req.Host = "studio.example.com" // as addressed to the public URL
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("POST %s: not JSON: %s", path, raw)
		}
		return resp.StatusCode, m
	}
	outcome := func(c *shoot.ProviderCallback) (string, time.Time) {
		got, err := b.store.GetCallback(ctx, c.TaskKey)
		if err != nil {
			t.Fatal(err)
		}
		return got.Outcome, got.ArrivedAt
	}
	now := time.Now()
	const hook = "/api/providers/fal/webhook"
	refused := []struct {
		name   string
		path   string
		body   []byte
		header http.Header
		status int
		code   string
	}{
		{"unsigned FAL webhook", hook, falBody("req-ours"), nil, 401, shoot.EUNAUTHORIZED},
		{"FAL webhook signed by another key", hook, falBody("req-ours"), forger.SignWebhook("req-ours", falBody("req-ours"), now), 401, shoot.EUNAUTHORIZED},
		{"FAL webhook replayed from an hour ago", hook, falBody("req-ours"), f.SignWebhook("req-ours", falBody("req-ours"), now.Add(-time.Hour)), 401, shoot.EUNAUTHORIZED},
		{"FAL webhook body swapped", hook, falBody("req-ours"), f.SignWebhook("req-ours", falBody("req-other"), now), 401, shoot.EUNAUTHORIZED},
		{"FAL webhook for an unknown request", hook, falBody("req-unknown"), f.SignWebhook("req-unknown", falBody("req-unknown"), now), 404, shoot.ENOTFOUND},
		{"FAL webhook with our token for another request", hook + "?task=fal-token", falBody("req-unknown"), f.SignWebhook("req-unknown", falBody("req-unknown"), now), 404, shoot.ENOTFOUND},
		{"Kling callback with a wrong token", "/api/providers/kling/callback/guessed", klingBody("8672", "succeed"), nil, 404, shoot.ENOTFOUND},
		{"Kling callback with Kling's token for another task", "/api/providers/kling/callback/kling-secret", klingBody("9999", "succeed"), nil, 404, shoot.ENOTFOUND},
		{"Kling callback that is not a task", "/api/providers/kling/callback/kling-secret", []byte(`{"hello":1}`), nil, 400, shoot.EINVALID},
	}
	for _, tc := range refused {
		status, body := post(tc.path, tc.body, tc.header)
		if status != tc.status || body["success"] != false || body["code"] != tc.code || body["error"] == "" {
			t.Errorf("%s: %d %v, want %d with code %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	for _, c := range []*shoot.ProviderCallback{falTask, klingTask} {
		if o, _ := outcome(c); o != "" {
			t.Fatalf("a refused callback marked %s: %q", c.TaskKey, o)
		}
	}
	if n := strings.Count(logs.String(), `msg="provider callback refused"`); n != len(refused) {
		t.Fatalf("%d refusals logged for %d refused callbacks:\n%s", n, len(refused), logs)
	}

	// Kling reports progress on the way: taken, nothing marked.
	if status, body := post("/api/providers/kling/callback/kling-secret", klingBody("8672", "processing"), nil); status != 200 || body["status"] != "pending" {
		t.Fatalf("progress callback: %d %v", status, body)
	}
	// The genuine ones mark their tasks once; a repeat changes nothing.
	genuine := []struct {
		task   *shoot.ProviderCallback
		send   func() (int, map[string]any)
		result string
	}{
		{falTask, func() (int, map[string]any) {
			return post(hook+"?task=fal-token", falBody("req-ours"), f.SignWebhook("req-ours", falBody("req-ours"), time.Now()))
		}, shoot.CallbackDone},
		{klingTask, func() (int, map[string]any) {
			return post("/api/providers/kling/callback/kling-secret", klingBody("8672", "failed"), nil)
		}, shoot.CallbackFailed},
	}
	for _, g := range genuine {
		if status, body := g.send(); status != 200 || body["status"] != "accepted" {
			t.Fatalf("%s: genuine callback %d %v", g.task.TaskKey, status, body)
		}
		o, first := outcome(g.task)
		if o != g.result || first.IsZero() {
			t.Fatalf("%s: outcome %q at %v, want %q", g.task.TaskKey, o, first, g.result)
		}
		if status, body := g.send(); status != 200 || body["status"] != "duplicate" {
			t.Fatalf("%s: repeated callback %d %v", g.task.TaskKey, status, body)
		}
		if o, again := outcome(g.task); o != g.result || !again.Equal(first) {
			t.Fatalf("%s: a repeat changed the mark to %q at %v", g.task.TaskKey, o, again)
		}
	}
	if n := strings.Count(logs.String(), `msg="provider callback duplicate"`); n != 2 {
		t.Fatalf("%d repeats logged, want 2:\n%s", n, logs)
	}
	// A signed webhook with only the request id (no token) finds its task too.
	late := &shoot.ProviderCallback{TaskKey: "s-sheet0-v1-g1", Provider: "fal", RemoteID: "req-late"}
	if err := b.store.ExpectCallback(ctx, late); err != nil {
		t.Fatal(err)
	}
	if status, body := post(hook, falBody("req-late"), f.SignWebhook("req-late", falBody("req-late"), time.Now())); status != 200 || body["status"] != "accepted" {
		t.Fatalf("webhook by request id: %d %v", status, body)
	}
}
