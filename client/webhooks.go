package client

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// WebhookRequest registers a receiver (components.schemas.WebhookRequest).
// Events are "checkpoint", "complete", "error" and "asset.created".
type WebhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// Webhook is one of your webhooks (components.schemas.Webhook).
type Webhook struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"createdAt"`
}

// NewWebhook is a webhook just made, with its signing secret
// (components.schemas.NewWebhook): keep the secret, no later answer has it.
type NewWebhook struct {
	Webhook
	Secret string `json:"secret"`
}

// WebhookDelivery is one attempt in a webhook's delivery log
// (components.schemas.WebhookDelivery).
type WebhookDelivery struct {
	ID          int64     `json:"id"`
	MessageID   string    `json:"messageId"`
	Event       string    `json:"event"`
	SessionID   string    `json:"sessionId"`
	Attempt     int       `json:"attempt"`
	Status      int       `json:"status"`
	Error       string    `json:"error"`
	Outcome     string    `json:"outcome"`
	AttemptedAt time.Time `json:"attemptedAt"`
	DurationMS  int64     `json:"durationMs"`
}

// CreateWebhook registers a receiver (POST /api/webhooks).
func (c *Client) CreateWebhook(ctx context.Context, req WebhookRequest) (*NewWebhook, error) {
	var out struct {
		Webhook NewWebhook `json:"webhook"`
	}
	return &out.Webhook, c.do(ctx, http.MethodPost, "/api/webhooks", req, &out)
}

// Webhooks lists your webhooks, oldest first (GET /api/webhooks).
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	var out struct {
		Webhooks []Webhook `json:"webhooks"`
	}
	return out.Webhooks, c.do(ctx, http.MethodGet, "/api/webhooks", nil, &out)
}

// DeleteWebhook removes webhook id (DELETE /api/webhooks/{id}).
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/webhooks/"+escape(id), nil, nil)
}

// WebhookDeliveries returns webhook id's delivery attempts, newest first
// (GET /api/webhooks/{id}/deliveries); limit 0 takes the studio's default.
func (c *Client) WebhookDeliveries(ctx context.Context, id string, limit int) ([]WebhookDelivery, error) {
	path := "/api/webhooks/" + escape(id) + "/deliveries"
	if limit > 0 {
		path += "?limit=" + strconv.Itoa(limit)
	}
	var out struct {
		Deliveries []WebhookDelivery `json:"deliveries"`
	}
	return out.Deliveries, c.do(ctx, http.MethodGet, path, nil, &out)
}
