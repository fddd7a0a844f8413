package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

type webhookTest = caseOf[store.Webhooks]

var webhookTests = []webhookTest{
	{"CreateGetList", testWebhookCreateGetList},
	{"ScopedByOwner", testWebhookOwners},
	{"Subscribed", testWebhookSubscribed},
	{"DeleteTakesTheLog", testWebhookDelete},
	{"DeliveryLog", testWebhookDeliveryLog},
	{"Invalid", testWebhookInvalid},
}

// RunWebhooks runs the conformance suite of store.Webhooks. open must
// return a fresh, empty, migrated store that also implements it.
func RunWebhooks(t *testing.T, open func(t *testing.T) store.Store) {
	runCases(t, open, webhookTests)
}

var webhookSeq atomic.Int64

func newWebhook(owner string, events ...string) *store.Webhook {
	n := webhookSeq.Add(1)
	return &store.Webhook{ID: fmt.Sprintf("wh_t%d", n), Owner: owner, URL: fmt.Sprintf("https://hooks.example.com/%d?a=b&c=d", n),
		Events: events, Secret: fmt.Sprintf("whsec_c2VjcmV0LXNlY3JldC0%d", n)}
}

func mkWebhook(t *testing.T, s store.Webhooks, owner string, events ...string) *store.Webhook {
	t.Helper()
	w := newWebhook(owner, events...)
	must(t, s.CreateWebhook(t.Context(), w))
	return w
}

func hookIDs(list []*store.Webhook) []string {
	var out []string
	for _, w := range list {
		out = append(out, w.ID)
	}
	return out
}

func testWebhookCreateGetList(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	a := mkWebhook(t, s, "ana", store.WebhookComplete, store.WebhookAssetCreated)
	wantRecent(t, "CreatedAt", a.CreatedAt)
	got, err := s.GetWebhook(ctx, a.ID)
	must(t, err)
	if got.ID != a.ID || got.Owner != "ana" || got.URL != a.URL || got.Secret != a.Secret ||
		!slices.Equal(got.Events, []string{store.WebhookComplete, store.WebhookAssetCreated}) {
		t.Errorf("GetWebhook = %+v, want %+v", got, a)
	}
	wantTime(t, "CreatedAt", got.CreatedAt, a.CreatedAt)
	// Listed oldest first.
	b := newWebhook("ana", store.WebhookError)
	b.CreatedAt = a.CreatedAt.Add(time.Second)
	must(t, s.CreateWebhook(ctx, b))
	list, err := s.ListWebhooks(ctx, "ana")
	must(t, err)
	if !slices.Equal(hookIDs(list), []string{a.ID, b.ID}) {
		t.Errorf("ListWebhooks = %v, want [%s %s]", hookIDs(list), a.ID, b.ID)
	}
	dup := newWebhook("bo", store.WebhookError)
	dup.ID = a.ID
	wantCode(t, s.CreateWebhook(ctx, dup), shoot.ECONFLICT)
	_, err = s.GetWebhook(ctx, "wh_missing")
	wantCode(t, err, shoot.ENOTFOUND)
	none, err := s.ListWebhooks(ctx, "nobody")
	must(t, err)
	if none == nil || len(none) != 0 {
		t.Errorf("ListWebhooks(nobody) = %#v, want an empty list", none)
	}
}

func testWebhookOwners(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	a := mkWebhook(t, s, "ana", store.WebhookComplete)
	b := mkWebhook(t, s, "bo", store.WebhookComplete)
	list, err := s.ListWebhooks(ctx, "bo")
	must(t, err)
	if !slices.Equal(hookIDs(list), []string{b.ID}) {
		t.Errorf("bo lists %v, want only %s", hookIDs(list), b.ID)
	}
	// Another owner cannot delete it: it is not found for them.
	wantCode(t, s.DeleteWebhook(ctx, "bo", a.ID), shoot.ENOTFOUND)
	if _, err := s.GetWebhook(ctx, a.ID); err != nil {
		t.Fatalf("ana's webhook is gone after bo's delete: %v", err)
	}
	for _, owner := range []string{"ana", "bo"} {
		subs, err := s.WebhooksFor(ctx, owner, store.WebhookComplete)
		must(t, err)
		if len(subs) != 1 || subs[0].Owner != owner {
			t.Errorf("WebhooksFor(%s) = %v", owner, hookIDs(subs))
		}
	}
}

func testWebhookSubscribed(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	all := mkWebhook(t, s, "ana", store.WebhookEvents...)
	done := mkWebhook(t, s, "ana", store.WebhookComplete)
	assets := mkWebhook(t, s, "ana", store.WebhookAssetCreated, store.WebhookCheckpoint)
	mkWebhook(t, s, "bo", store.WebhookEvents...)
	for event, want := range map[string][]string{
		store.WebhookCheckpoint:   {all.ID, assets.ID},
		store.WebhookComplete:     {all.ID, done.ID},
		store.WebhookError:        {all.ID},
		store.WebhookAssetCreated: {all.ID, assets.ID},
		"system":                  nil,
	} {
		got, err := s.WebhooksFor(ctx, "ana", event)
		must(t, err)
		g, w := hookIDs(got), want
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("WebhooksFor(ana, %s) = %v, want %v", event, g, w)
		}
	}
}

func delivery(w *store.Webhook, msg string, attempt int, outcome string) *store.WebhookDelivery {
	return &store.WebhookDelivery{WebhookID: w.ID, MessageID: msg, Event: store.WebhookComplete,
		SessionID: "session_1_x", Attempt: attempt, Status: 500, Error: "the receiver answered 500",
		Outcome: outcome, Duration: 1234567 * time.Microsecond}
}

func testWebhookDelete(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	w := mkWebhook(t, s, "ana", store.WebhookComplete)
	must(t, s.AddWebhookDelivery(ctx, delivery(w, "msg_1", 1, store.DeliveryRetrying)))
	must(t, s.DeleteWebhook(ctx, "ana", w.ID))
	_, err := s.GetWebhook(ctx, w.ID)
	wantCode(t, err, shoot.ENOTFOUND)
	wantCode(t, s.DeleteWebhook(ctx, "ana", w.ID), shoot.ENOTFOUND)
	log, err := s.ListWebhookDeliveries(ctx, w.ID, 0)
	must(t, err)
	if len(log) != 0 {
		t.Errorf("the deleted webhook kept %d deliveries", len(log))
	}
	// A late attempt of a deleted webhook is not found, not logged.
	wantCode(t, s.AddWebhookDelivery(ctx, delivery(w, "msg_1", 2, store.DeliveryFailed)), shoot.ENOTFOUND)
}

func testWebhookDeliveryLog(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	w := mkWebhook(t, s, "ana", store.WebhookComplete)
	other := mkWebhook(t, s, "ana", store.WebhookComplete)
	for i := 1; i <= 3; i++ {
		outcome := store.DeliveryRetrying
		if i == 3 {
			outcome = store.DeliveryDelivered
		}
		d := delivery(w, "msg_a", i, outcome)
		if i == 3 {
			d.Status, d.Error = 204, ""
		}
		must(t, s.AddWebhookDelivery(ctx, d))
		if d.ID == 0 {
			t.Fatal("AddWebhookDelivery assigned no id")
		}
		wantRecent(t, "AttemptedAt", d.AttemptedAt)
	}
	must(t, s.AddWebhookDelivery(ctx, delivery(other, "msg_b", 1, store.DeliveryFailed)))
	log, err := s.ListWebhookDeliveries(ctx, w.ID, 0)
	must(t, err)
	if len(log) != 3 {
		t.Fatalf("%d deliveries, want 3", len(log))
	}
	for i, d := range log {
		if d.Attempt != 3-i || d.WebhookID != w.ID || d.MessageID != "msg_a" || d.Event != store.WebhookComplete ||
			d.SessionID != "session_1_x" || d.Duration != 1234*time.Millisecond {
			t.Errorf("delivery %d = %+v", i, d)
		}
	}
	if log[0].Status != 204 || log[0].Error != "" || log[0].Outcome != store.DeliveryDelivered ||
		log[1].Status != 500 || !strings.Contains(log[1].Error, "500") || log[1].Outcome != store.DeliveryRetrying {
		t.Errorf("newest first: %+v, %+v", log[0], log[1])
	}
	one, err := s.ListWebhookDeliveries(ctx, w.ID, 1)
	must(t, err)
	if len(one) != 1 || one[0].Attempt != 3 {
		t.Errorf("limit 1 = %+v", one)
	}
	long := delivery(w, "msg_c", 1, store.DeliveryFailed)
	long.Error = strings.Repeat("x", 5000)
	must(t, s.AddWebhookDelivery(ctx, long))
	got, err := s.ListWebhookDeliveries(ctx, w.ID, 1)
	must(t, err)
	if len(got[0].Error) != 1000 {
		t.Errorf("a long error is kept at %d bytes, want 1000", len(got[0].Error))
	}
	_, err = s.ListWebhookDeliveries(ctx, w.ID, -1)
	wantCode(t, err, shoot.EINVALID)
}

func testWebhookInvalid(t *testing.T, s store.Webhooks) {
	ctx := t.Context()
	for name, mod := range map[string]func(*store.Webhook){
		"bad id":        func(w *store.Webhook) { w.ID = "hook 1" },
		"no owner":      func(w *store.Webhook) { w.Owner = "" },
		"no url":        func(w *store.Webhook) { w.URL = "" },
		"long url":      func(w *store.Webhook) { w.URL = "https://x.example/" + strings.Repeat("a", store.MaxWebhookURL) },
		"no secret":     func(w *store.Webhook) { w.Secret = "" },
		"no events":     func(w *store.Webhook) { w.Events = nil },
		"unknown event": func(w *store.Webhook) { w.Events = []string{"complete", "text_delta"} },
	} {
		w := newWebhook("ana", store.WebhookComplete)
		mod(w)
		if err := s.CreateWebhook(ctx, w); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%s: CreateWebhook = %v, want invalid", name, err)
		}
	}
	w := mkWebhook(t, s, "ana", store.WebhookComplete)
	for name, mod := range map[string]func(*store.WebhookDelivery){
		"no message":    func(d *store.WebhookDelivery) { d.MessageID = "" },
		"unknown event": func(d *store.WebhookDelivery) { d.Event = "status" },
		"attempt 0":     func(d *store.WebhookDelivery) { d.Attempt = 0 },
		"bad status":    func(d *store.WebhookDelivery) { d.Status = 1000 },
		"bad outcome":   func(d *store.WebhookDelivery) { d.Outcome = "lost" },
	} {
		d := delivery(w, "msg", 1, store.DeliveryFailed)
		mod(d)
		if err := s.AddWebhookDelivery(ctx, d); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%s: AddWebhookDelivery = %v, want invalid", name, err)
		}
	}
}
