package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var _ store.Webhooks = (*DB)(nil)

const webhookColumns = `id, owner, url, events, secret, created_at`

// CreateWebhook records w.
func (d *DB) CreateWebhook(ctx context.Context, w *store.Webhook) error {
	if err := store.CheckWebhook(w); err != nil {
		return err
	}
	_, err := d.db.ExecContext(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		w.ID, w.Owner, w.URL, strings.Join(w.Events, ","), w.Secret, formatTime(w.CreatedAt))
	return dbError(err, "insert webhook")
}

// GetWebhook returns one webhook.
func (d *DB) GetWebhook(ctx context.Context, id string) (*store.Webhook, error) {
	w, err := scanWebhook(d.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Webhook")
	}
	return w, dbError(err, "read webhook")
}

// ListWebhooks returns the owner's webhooks, oldest first.
func (d *DB) ListWebhooks(ctx context.Context, owner string) ([]*store.Webhook, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner = ?
		ORDER BY created_at, id`, owner)
	if err != nil {
		return nil, dbError(err, "list webhooks")
	}
	defer rows.Close()
	list := []*store.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, dbError(err, "read webhook")
		}
		list = append(list, w)
	}
	return list, dbError(rows.Err(), "list webhooks")
}

// WebhooksFor returns the owner's webhooks subscribed to event.
func (d *DB) WebhooksFor(ctx context.Context, owner, event string) ([]*store.Webhook, error) {
	all, err := d.ListWebhooks(ctx, owner)
	return store.Subscribed(all, event), err
}

// DeleteWebhook removes the owner's webhook; its log goes with it.
func (d *DB) DeleteWebhook(ctx context.Context, owner, id string) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ? AND owner = ?`, id, owner)
	if err != nil {
		return dbError(err, "delete webhook")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Webhook")
	}
	return nil
}

// AddWebhookDelivery appends one attempt to the delivery log.
func (d *DB) AddWebhookDelivery(ctx context.Context, x *store.WebhookDelivery) error {
	if err := store.CheckWebhookDelivery(x); err != nil {
		return err
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, message_id, event, session_id,
		attempt, status, error, outcome, attempted_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.WebhookID, x.MessageID, x.Event, x.SessionID, x.Attempt, x.Status, x.Error, x.Outcome,
		formatTime(x.AttemptedAt), x.Duration.Milliseconds()).Scan(&x.ID)
	if err = dbError(err, "insert webhook delivery"); shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return store.NotFound("Webhook")
	}
	return err
}

// ListWebhookDeliveries returns a webhook's attempts, newest first.
func (d *DB) ListWebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]*store.WebhookDelivery, error) {
	n, err := store.SessionLimit(limit)
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT id, webhook_id, message_id, event, session_id, attempt, status,
		error, outcome, attempted_at, duration_ms FROM webhook_deliveries WHERE webhook_id = ?
		ORDER BY id DESC LIMIT ?`, webhookID, n)
	if err != nil {
		return nil, dbError(err, "list webhook deliveries")
	}
	defer rows.Close()
	list := []*store.WebhookDelivery{}
	for rows.Next() {
		var x store.WebhookDelivery
		var ms int64
		if err := rows.Scan(&x.ID, &x.WebhookID, &x.MessageID, &x.Event, &x.SessionID, &x.Attempt, &x.Status,
			&x.Error, &x.Outcome, scanTime(&x.AttemptedAt), &ms); err != nil {
			return nil, dbError(err, "read webhook delivery")
		}
		x.Duration = time.Duration(ms) * time.Millisecond
		list = append(list, &x)
	}
	return list, dbError(rows.Err(), "list webhook deliveries")
}

func scanWebhook(row interface{ Scan(...any) error }) (*store.Webhook, error) {
	var w store.Webhook
	var events string
	if err := row.Scan(&w.ID, &w.Owner, &w.URL, &events, &w.Secret, scanTime(&w.CreatedAt)); err != nil {
		return nil, err
	}
	w.Events = store.SplitEvents(events)
	return &w, nil
}
