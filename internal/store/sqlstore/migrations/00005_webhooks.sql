-- Webhooks: each user's endpoints (the events they want, and the secret that
-- signs what is sent to them) and a log of every delivery attempt.

-- +goose Up
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  url TEXT NOT NULL,
  -- Comma list of subscribed events (checkpoint, complete, error,
  -- asset.created).
  events TEXT NOT NULL,
  -- The signing secret, "whsec_" and base64: needed in clear to sign.
  secret TEXT NOT NULL,
  created_at {{.Time}} NOT NULL
){{.WithoutRowID}};
CREATE INDEX idx_webhooks_owner ON webhooks(owner, created_at);

CREATE TABLE webhook_deliveries (
  id {{.ID}},
  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  -- The webhook-id header: the same on every attempt of one message.
  message_id TEXT NOT NULL,
  event TEXT NOT NULL,
  session_id TEXT NOT NULL DEFAULT '',
  attempt INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  attempted_at {{.Time}} NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id DESC);

-- +goose Down
DROP INDEX idx_webhook_deliveries_webhook;
DROP TABLE webhook_deliveries;
DROP INDEX idx_webhooks_owner;
DROP TABLE webhooks;
