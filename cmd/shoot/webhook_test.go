package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/webhook"
	"github.com/fashionshoot/shoot/internal/webhooktest"
)

// TestEngineDeliversWebhooks checks the wiring `serve`, `worker` and `run`
// share: an event recorded through the engine of buildEngine reaches the
// local user's webhook, signed, through the queue. (A session without an
// owner, as `shoot run` makes, belongs to the local user.)
func TestEngineDeliversWebhooks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	env := map[string]string{"SHOOT_DATA_DIR": t.TempDir(), "SHOOT_WEBHOOK_ALLOW_PRIVATE": "1"}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	eng, err := buildEngine(ctx, cfg, a.store, a.bucket, slog.New(slog.DiscardHandler), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		eng.queue.Stop(sctx)
	})
	r := webhooktest.New()
	defer r.Close()
	secret := webhook.NewSecret()
	r.SetSecret(secret)
	if err := a.store.(store.Webhooks).CreateWebhook(ctx, &store.Webhook{ID: "wh_cmd", Owner: "local", URL: r.URL(),
		Events: []string{store.WebhookError}, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	sid := shoot.NewSessionID(time.Now())
	if err := a.store.CreateSession(ctx, &shoot.Session{ID: sid}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Events().Append(ctx, sid, shoot.EventError, map[string]any{"message": "the hero stage failed"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(time.Minute)
	for {
		changed := r.Changed()
		if len(r.Requests()) > 0 {
			break
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatal("no delivery")
		}
	}
	if q := r.Requests()[0]; q.Err != nil || q.Status != 204 {
		t.Fatalf("delivery: status %d, err %v", q.Status, q.Err)
	}
}
