-- Idempotency keys: the first answer to a POST sent with an Idempotency-Key
-- header, kept for a day so that a client's retry gets that answer again
-- instead of running (and paying for) the work twice.

-- +goose Up
CREATE TABLE idempotency_keys (
  owner TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  -- SHA-256 of method, path, user and body: a reuse of the key for another
  -- request is refused.
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  status INTEGER NOT NULL DEFAULT 0,
  header TEXT NOT NULL DEFAULT '{}',
  body {{.Bytes}},
  -- A request that started a session's stream is replayed from its event
  -- log: the session and the last event before the stream began.
  session_id TEXT NOT NULL DEFAULT '',
  after_seq {{.BigInt}} NOT NULL DEFAULT 0,
  created_at {{.Time}} NOT NULL,
  expires_at {{.Time}} NOT NULL,
  PRIMARY KEY (owner, idem_key)
){{.WithoutRowID}};
CREATE INDEX idx_idempotency_expires ON idempotency_keys(expires_at);

-- +goose Down
DROP INDEX idx_idempotency_expires;
DROP TABLE idempotency_keys;
