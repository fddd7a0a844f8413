package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var _ store.Webhooks = (*Store)(nil)

const webhookColumns = `id, owner, url, events, secret, created_at`

// CreateWebhook records w.
func (s *Store) CreateWebhook(ctx context.Context, w *store.Webhook) error {
	if err := store.CheckWebhook(w); err != nil {
		return err
	}
	_, err := s.c().exec(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.Owner, w.URL, strings.Join(w.Events, ","), w.Secret, s.Time(w.CreatedAt))
	return s.Err(err, "insert webhook")
}

// GetWebhook returns one webhook.
func (s *Store) GetWebhook(ctx context.Context, id string) (*store.Webhook, error) {
	return one(ctx, s.c(), "Webhook", scanWebhook, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1`, id)
}

// ListWebhooks returns the owner's webhooks, oldest first.
func (s *Store) ListWebhooks(ctx context.Context, owner string) ([]*store.Webhook, error) {
	return list(ctx, s.c(), "webhooks", scanWebhook, `SELECT `+webhookColumns+` FROM webhooks
		WHERE owner = $1 ORDER BY created_at, id`, owner)
}

// WebhooksFor returns the owner's webhooks subscribed to event.
func (s *Store) WebhooksFor(ctx context.Context, owner, event string) ([]*store.Webhook, error) {
	all, err := s.ListWebhooks(ctx, owner)
	return store.Subscribed(all, event), err
}

// DeleteWebhook removes the owner's webhook; its log goes with it.
func (s *Store) DeleteWebhook(ctx context.Context, owner, id string) error {
	res, err := s.c().exec(ctx, `DELETE FROM webhooks WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return s.Err(err, "delete webhook")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Webhook")
	}
	return nil
}

// AddWebhookDelivery appends one attempt to the delivery log.
func (s *Store) AddWebhookDelivery(ctx context.Context, x *store.WebhookDelivery) error {
	if err := store.CheckWebhookDelivery(x); err != nil {
		return err
	}
	err := s.c().row(ctx, `INSERT INTO webhook_deliveries (webhook_id, message_id, event, session_id,
		attempt, status, error, outcome, attempted_at, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		x.WebhookID, x.MessageID, x.Event, x.SessionID, x.Attempt, x.Status, x.Error, x.Outcome,
		s.Time(x.AttemptedAt), x.Duration.Milliseconds()).Scan(&x.ID)
	if err = s.Err(err, "insert webhook delivery"); shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return store.NotFound("Webhook")
	}
	return err
}

// ListWebhookDeliveries returns a webhook's attempts, newest first.
func (s *Store) ListWebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]*store.WebhookDelivery, error) {
	n, err := store.SessionLimit(limit)
	if err != nil {
		return nil, err
	}
	return list(ctx, s.c(), "webhook deliveries", scanDelivery, `SELECT id, webhook_id, message_id, event,
		session_id, attempt, status, error, outcome, attempted_at, duration_ms FROM webhook_deliveries
		WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`, webhookID, n)
}

func scanDelivery(row *sql.Rows) (*store.WebhookDelivery, error) {
	var x store.WebhookDelivery
	var ms int64
	if err := row.Scan(&x.ID, &x.WebhookID, &x.MessageID, &x.Event, &x.SessionID, &x.Attempt, &x.Status,
		&x.Error, &x.Outcome, scanTime(&x.AttemptedAt), &ms); err != nil {
		return nil, err
	}
	x.Duration = time.Duration(ms) * time.Millisecond
	return &x, nil
}

func scanWebhook(row *sql.Rows) (*store.Webhook, error) {
	var w store.Webhook
	var events string
	if err := row.Scan(&w.ID, &w.Owner, &w.URL, &events, &w.Secret, scanTime(&w.CreatedAt)); err != nil {
		return nil, err
	}
	w.Events = store.SplitEvents(events)
	return &w, nil
}
