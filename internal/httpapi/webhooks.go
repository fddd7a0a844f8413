package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// maxWebhooksPerUser bounds how many webhooks one user keeps.
const maxWebhooksPerUser = 20

// webhookCheckTimeout bounds the name lookup that checks a new webhook's
// target.
const webhookCheckTimeout = 5 * time.Second

// itemOf is a webhook as the API shows it, without its secret.
func itemOf(w *store.Webhook) client.Webhook {
	return client.Webhook{ID: w.ID, URL: w.URL, Events: w.Events, CreatedAt: w.CreatedAt}
}

// webhooks returns the store's webhook port, or EUNAVAILABLE for a store
// without one (both of the studio's stores have it).
func (s *Server) webhooks() (store.Webhooks, error) {
	if ws, ok := s.store.(store.Webhooks); ok {
		return ws, nil
	}
	return nil, shoot.Errorf(shoot.EUNAVAILABLE, "this studio's store keeps no webhooks")
}

// userWebhooks returns the store's webhook port and the caller's name, the
// owner of the webhooks the caller sees.
func (s *Server) userWebhooks(r *http.Request) (store.Webhooks, string, error) {
	u, err := user(r)
	if err != nil {
		return nil, "", err
	}
	ws, err := s.webhooks()
	return ws, u.Name, err
}

// createWebhook answers POST /api/webhooks: it checks the URL (http or
// https, and every address of its host allowed by the webhook policy) and
// the events, and answers 201 with the webhook and its signing secret,
// which no later answer shows again.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, owner, err := s.userWebhooks(r)
	if err != nil {
		return err
	}
	var req client.WebhookRequest
	if err := DecodeJSON(w, r, maxJSONBody, &req); err != nil {
		return err
	}
	events, err := checkWebhookEvents(req.Events)
	if err != nil {
		return err
	}
	req.URL = strings.TrimSpace(req.URL)
	if req.URL == "" || len(req.URL) > store.MaxWebhookURL {
		return shoot.Errorf(shoot.EINVALID, "url: give the receiver's http:// or https:// URL (at most %d characters)", store.MaxWebhookURL)
	}
	ctx, cancel := context.WithTimeout(r.Context(), webhookCheckTimeout)
	defer cancel()
	if err := s.hookPolicy.CheckURL(ctx, s.hookResolver, req.URL); err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "url: "+strings.TrimPrefix(err.Error(), "webhook: "))
	}
	have, err := ws.ListWebhooks(r.Context(), owner)
	if err != nil {
		return err
	}
	if len(have) >= maxWebhooksPerUser {
		return shoot.Errorf(shoot.ELIMIT, "You have %d webhooks, the most allowed; delete one first.", len(have))
	}
	hook := &store.Webhook{ID: newWebhookID(), Owner: owner, URL: req.URL, Events: events, Secret: webhook.NewSecret()}
	if err := ws.CreateWebhook(r.Context(), hook); err != nil {
		return err
	}
	item := client.NewWebhook{Webhook: itemOf(hook), Secret: hook.Secret}
	w.Header().Set("Location", "/api/webhooks/"+hook.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "webhook": item})
	return nil
}

// checkWebhookEvents refuses an empty list and unknown events, and drops
// repeats.
func checkWebhookEvents(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, shoot.Errorf(shoot.EINVALID, "events: name at least one of %s", strings.Join(store.WebhookEvents, ", "))
	}
	var out []string
	for _, e := range in {
		if !slices.Contains(store.WebhookEvents, e) {
			return nil, shoot.Errorf(shoot.EINVALID, "events: unknown event %q (known: %s)", e, strings.Join(store.WebhookEvents, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// newWebhookID returns "wh_" and 26 random base32 characters.
func newWebhookID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "wh_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// listWebhooks answers GET /api/webhooks: the caller's webhooks, oldest
// first, without their secrets.
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	ws, owner, err := s.userWebhooks(r)
	if err != nil {
		return err
	}
	list, err := ws.ListWebhooks(r.Context(), owner)
	if err != nil {
		return err
	}
	items := make([]client.Webhook, 0, len(list))
	for _, h := range list {
		items = append(items, itemOf(h))
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "count": len(items), "webhooks": items})
	return nil
}

// ownWebhook reads the webhook named by the path if it is the caller's;
// another user's webhook is not found, like a missing one.
func (s *Server) ownWebhook(r *http.Request) (store.Webhooks, *store.Webhook, string, error) {
	ws, owner, err := s.userWebhooks(r)
	if err != nil {
		return nil, nil, "", err
	}
	id := r.PathValue("id")
	if !store.ValidWebhookID(id) {
		return nil, nil, "", shoot.Errorf(shoot.EINVALID, "Invalid webhook id")
	}
	h, err := ws.GetWebhook(r.Context(), id)
	if err == nil && h.Owner != owner {
		err = store.NotFound("Webhook")
	}
	return ws, h, owner, err
}

// deleteWebhook answers DELETE /api/webhooks/{id}: no delivery is made to
// it afterwards (queued ones are dropped when their turn comes) and its
// delivery log goes with it.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, h, owner, err := s.ownWebhook(r)
	if err != nil {
		return err
	}
	if err := ws.DeleteWebhook(r.Context(), owner, h.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "webhookId": h.ID})
	return nil
}

// listWebhookDeliveries answers GET /api/webhooks/{id}/deliveries?limit=N:
// the webhook's delivery attempts, newest first (N as for sessions).
func (s *Server) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	ws, h, _, err := s.ownWebhook(r)
	if err != nil {
		return err
	}
	limit, err := parseLimit(r.URL.Query().Get("limit"))
	if err != nil {
		return err
	}
	log, err := ws.ListWebhookDeliveries(r.Context(), h.ID, limit)
	if err != nil {
		return err
	}
	items := make([]client.WebhookDelivery, 0, len(log))
	for _, d := range log {
		items = append(items, client.WebhookDelivery{ID: d.ID, MessageID: d.MessageID, Event: d.Event, SessionID: d.SessionID,
			Attempt: d.Attempt, Status: d.Status, Error: d.Error, Outcome: d.Outcome, AttemptedAt: d.AttemptedAt,
			DurationMS: d.Duration.Milliseconds()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "webhookId": h.ID, "count": len(items), "deliveries": items})
	return nil
}
