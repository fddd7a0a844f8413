package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob/fileblob"

	"github.com/fashionshoot/shoot/internal/director/rules"
	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
	"github.com/fashionshoot/shoot/internal/webhook"
	"github.com/fashionshoot/shoot/internal/webhooktest"
)

// dialects are the databases the webhook studio tests run on.
var dialects = []string{"sqlite", "postgres"}

// hookStudio is a whole offline studio: a real database, blob folder,
// engine on the offline providers, River queue with workers delivering
// webhooks, and the API on a loopback server. It runs with
// SHOOT_WEBHOOK_ALLOW_PRIVATE=1 so that webhooks may reach the local
// test receiver.
type hookStudio struct {
	t        *testing.T
	url      string
	store    store.Store
	log      *events.Log
	eng      *pipeline.Engine
	dispatch *webhook.Dispatcher
}

// eachHookStudio runs fn in a parallel subtest on a hook studio of each
// dialect.
func eachHookStudio(t *testing.T, firstRetry time.Duration, fn func(t *testing.T, h *hookStudio)) {
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, newHookStudio(t, dialect, firstRetry))
		})
	}
}

func newHookStudio(t *testing.T, dialect string, firstRetry time.Duration) *hookStudio {
	t.Helper()
	ctx := context.Background()
	cfg := httpapitest.Config(t, map[string]string{"SHOOT_WEBHOOK_ALLOW_PRIVATE": "1",
		"SHOOT_WEBHOOK_FIRST_RETRY": firstRetry.String()})
	dir := cfg.DataDir
	logger := slog.New(slog.NewTextHandler(tLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var st store.Store
	var newQueue func(jobs.Runner, jobs.Options) (jobs.Queue, error)
	switch dialect {
	case "sqlite":
		db, err := sqlite.Open(ctx, filepath.Join(dir, "shoot.db"))
		if err != nil {
			t.Fatal(err)
		}
		st = db
		newQueue = func(r jobs.Runner, o jobs.Options) (jobs.Queue, error) { return jobs.NewSQLite(ctx, db.DB(), r, o) }
	case "postgres":
		u, _ := postgrestest.FreshSchema(t)
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		st = db
		newQueue = func(r jobs.Runner, o jobs.Options) (jobs.Queue, error) { return jobs.NewPostgres(ctx, db.Pool(), r, o) }
	}
	bucket, err := fileblob.OpenBucket(filepath.Join(dir, "blobs"), &fileblob.Options{CreateDir: true})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := prompt.Load("")
	if err != nil {
		t.Fatal(err)
	}
	log := events.New(st, logger, 20*time.Millisecond)
	hooks := st.(store.Webhooks)
	deliverer := webhook.NewDeliverer(hooks, webhook.New(webhook.SenderOptions{Policy: webhook.Policy{AllowPrivate: cfg.WebhookAllowPrivate}}),
		webhook.DelivererOptions{FirstRetry: cfg.WebhookFirstRetry, Logger: logger})
	var eng *pipeline.Engine
	run := jobs.RunnerFunc(func(ctx context.Context, w pipeline.Work, last bool) error { return eng.Do(ctx, w, last) })
	q, err := newQueue(run, jobs.Options{Workers: 4, PollInterval: 20 * time.Millisecond, Logger: logger, Webhooks: deliverer})
	if err != nil {
		t.Fatal(err)
	}
	dispatch := webhook.NewDispatcher(struct {
		store.Store
		store.Webhooks
	}{st, hooks}, q, logger)
	log.OnAppend(dispatch.Event)
	eng = pipeline.New(pipeline.Deps{Store: st, Bucket: bucket, Events: log, Images: studio.NewImages(studio.Options{}),
		Videos: studio.NewVideos(studio.Options{MaxSide: 160}), Director: rules.New(lib, media.Names()), Presets: lib, Logger: logger,
		Queue: q, OnAsset: dispatch.Asset},
		pipeline.Options{PollInterval: 20 * time.Millisecond, PollWindow: time.Second, StitchPreset: "ultrafast"})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Bucket: bucket, Logger: logger, Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
		_ = bucket.Close()
		_ = st.Close()
	})
	return &hookStudio{t: t, url: ts.URL, store: st, log: log, eng: eng, dispatch: dispatch}
}

type tLog struct{ t *testing.T }

func (w tLog) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// call sends a JSON request to the studio and decodes the answer.
func (h *hookStudio) call(method, path, body string, wantStatus int) map[string]any {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		h.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, out, wantStatus)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		h.t.Fatalf("%s %s: %v: %s", method, path, err, out)
	}
	return m
}

// subscribe registers the receiver for events and gives it the secret.
func (h *hookStudio) subscribe(r *webhooktest.Receiver, events ...string) string {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{"url": r.URL(), "events": events})
	m := h.call(http.MethodPost, "/api/webhooks", string(body), http.StatusCreated)
	hook := m["webhook"].(map[string]any)
	r.SetSecret(hook["secret"].(string))
	return hook["id"].(string)
}

// deliveries reads a webhook's delivery log through the API.
func (h *hookStudio) deliveries(id string) []map[string]any {
	h.t.Helper()
	m := h.call(http.MethodGet, "/api/webhooks/"+id+"/deliveries?limit=200", "", http.StatusOK)
	var out []map[string]any
	for _, d := range m["deliveries"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

// waitFor waits until cond holds for the receiver's requests, failing the
// test after a generous deadline.
func waitFor(t *testing.T, r *webhooktest.Receiver, what string, cond func([]webhooktest.Request) bool) []webhooktest.Request {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		changed := r.Changed()
		if reqs := r.Requests(); cond(reqs) {
			return reqs
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("waiting for %s: the receiver has %d requests", what, len(r.Requests()))
		}
	}
}

// waitLog polls the delivery log until it holds n attempts.
func (h *hookStudio) waitLog(id string, n int) []map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		log := h.deliveries(id)
		if len(log) >= n || time.Now().After(deadline) {
			return log
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// payload is a delivery body.
type payload struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

func decodePayload(t *testing.T, body []byte) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("delivery body %s: %v", body, err)
	}
	return p
}

// TestWebhookRetriedUntilTaken: a receiver that answers 500 five times
// then 204 gets the event six times in all, always with the same
// webhook-id and a signature its own verifier accepts, and nothing after;
// the delivery log shows the six attempts. The retry waits are shortened
// with SHOOT_WEBHOOK_FIRST_RETRY.
func TestWebhookRetriedUntilTaken(t *testing.T) {
	t.Parallel()
	eachHookStudio(t, 10*time.Millisecond, func(t *testing.T, h *hookStudio) {
		r := webhooktest.New()
		defer r.Close()
		id := h.subscribe(r, store.WebhookComplete)
		r.FailNext(5)
		ctx := t.Context()
		sid := shoot.NewSessionID(time.Now())
		if err := h.store.CreateSession(ctx, &shoot.Session{ID: sid, Owner: "local"}); err != nil {
			t.Fatal(err)
		}
		// Events nobody subscribed to are not sent.
		if _, err := h.log.Append(ctx, sid, shoot.EventStatus, map[string]any{"message": "working"}); err != nil {
			t.Fatal(err)
		}
		ev, err := h.log.Append(ctx, sid, shoot.EventComplete, map[string]any{"message": "done", "stage": "complete"})
		if err != nil {
			t.Fatal(err)
		}
		reqs := waitFor(t, r, "six attempts", func(rs []webhooktest.Request) bool { return len(rs) >= 6 })
		log := h.waitLog(id, 6)
		// The same event reported again is the same message: not sent again.
		h.dispatch.Event(ctx, ev)
		time.Sleep(300 * time.Millisecond) // thirty poll intervals: room for a wrong seventh attempt
		if reqs = r.Requests(); len(reqs) != 6 {
			t.Fatalf("the receiver got %d requests, want 6", len(reqs))
		}
		for i, q := range reqs {
			want := 500
			if i == 5 {
				want = 204
			}
			if q.Err != nil || q.Status != want || q.ID != reqs[0].ID || !bytes.Equal(q.Body, reqs[0].Body) {
				t.Errorf("request %d: id %s, status %d, err %v; want id %s, status %d, verified", i, q.ID, q.Status, q.Err, reqs[0].ID, want)
			}
		}
		p := decodePayload(t, reqs[0].Body)
		var data webhook.EventData
		_ = json.Unmarshal(p.Data, &data)
		if p.Type != "complete" || data.SessionID != sid || data.Seq != ev.Seq || !strings.Contains(string(data.Event), `"stage":"complete"`) {
			t.Errorf("body %s", reqs[0].Body)
		}
		if len(log) != 6 {
			t.Fatalf("the delivery log has %d attempts, want 6: %v", len(log), log)
		}
		for i, d := range log { // newest first
			attempt := 6 - i
			status, outcome := 500.0, store.DeliveryRetrying
			if attempt == 6 {
				status, outcome = 204, store.DeliveryDelivered
			}
			if d["attempt"] != float64(attempt) || d["status"] != status || d["outcome"] != outcome ||
				d["messageId"] != reqs[0].ID || d["event"] != "complete" || d["sessionId"] != sid ||
				(d["error"] == "") != (outcome == store.DeliveryDelivered) {
				t.Errorf("log entry %d: %v", i, d)
			}
		}
	})
}

// TestWebhooksOfAnOfflineShoot runs a whole offline shoot, auto-approved,
// for the local user, whose webhook wants checkpoints, the film and every
// stored artifact: the receiver gets a checkpoint for each stage, an
// asset.created for each artifact (the film among them) and the complete
// event, each signed (checked by the receiver's own verifier), each
// message once, and the delivery log shows each delivered.
func TestWebhooksOfAnOfflineShoot(t *testing.T) {
	t.Parallel()
	eachHookStudio(t, 10*time.Millisecond, func(t *testing.T, h *hookStudio) {
		r := webhooktest.New()
		defer r.Close()
		id := h.subscribe(r, store.WebhookCheckpoint, store.WebhookComplete, store.WebhookAssetCreated)
		s, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "linen summer dress on a rooftop",
			Options: shoot.Options{Resolution: "1K", ClipDuration: 0.5, FPS: 24, AutoApprove: true}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]payload{}
		seen := map[string]bool{}
		// Each message is its own job, so the film's asset.created and
		// the stages' checkpoints may come after complete: wait for all.
		reqs := waitFor(t, r, "complete, the film and four checkpoints", func(rs []webhooktest.Request) bool {
			complete, film, checkpoints := false, false, 0
			for _, q := range rs {
				p := decodePayload(t, q.Body)
				switch p.Type {
				case "complete":
					complete = true
				case "checkpoint":
					checkpoints++
				case "asset.created":
					film = film || strings.Contains(string(p.Data), `"type":"final"`)
				}
			}
			return complete && film && checkpoints >= 4
		})
		for _, q := range reqs {
			if q.Err != nil || q.Status != http.StatusNoContent {
				t.Errorf("request %s: status %d, err %v", q.ID, q.Status, q.Err)
			}
			if seen[q.ID] {
				t.Errorf("message %s delivered twice", q.ID)
			}
			seen[q.ID] = true
			p := decodePayload(t, q.Body)
			got[p.Type] = append(got[p.Type], p)
		}
		if n := len(got["checkpoint"]); n < 4 {
			t.Errorf("%d checkpoint deliveries, want one per stage (4 or more)", n)
		}
		films := 0
		for _, p := range got["asset.created"] {
			var data webhook.AssetData
			if err := json.Unmarshal(p.Data, &data); err != nil || data.SessionID != s.ID ||
				!strings.HasPrefix(data.Asset.URL, "/outputs/"+s.ID+"/") || data.Asset.Size <= 0 {
				t.Errorf("asset.created data %s", p.Data)
			}
			if data.Asset.Type == shoot.AssetFinal {
				films++
			}
		}
		if films != 1 || len(got["asset.created"]) < 5 {
			t.Errorf("%d asset.created deliveries, %d of the film", len(got["asset.created"]), films)
		}
		for _, p := range got["checkpoint"] {
			var data webhook.EventData
			if err := json.Unmarshal(p.Data, &data); err != nil || data.SessionID != s.ID || data.Seq <= 0 ||
				!strings.Contains(string(data.Event), `"type":"checkpoint"`) {
				t.Errorf("checkpoint data %s", p.Data)
			}
		}
		t.Logf("%d deliveries: %d checkpoint, %d asset.created, %d complete", len(reqs), len(got["checkpoint"]),
			len(got["asset.created"]), len(got["complete"]))
		log := h.waitLog(id, len(reqs))
		delivered := 0
		for _, d := range log {
			if d["outcome"] == store.DeliveryDelivered && d["status"] == 204.0 && seen[d["messageId"].(string)] {
				delivered++
			}
		}
		if delivered < len(reqs) {
			t.Errorf("the delivery log shows %d delivered of %d received: %v", delivered, len(reqs), log)
		}
	})
}
