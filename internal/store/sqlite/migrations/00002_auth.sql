-- Access control: API tokens (stored as SHA-256 hashes, never the secret),
-- browser sign-in sessions, the audit log and per-user usage counters.

-- +goose Up
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  created_at DATETIME NOT NULL,
  last_used_at DATETIME,
  revoked_at DATETIME
);
-- One active token per name: the name is the user the token acts for.
CREATE UNIQUE INDEX idx_tokens_active_name ON tokens(name) WHERE revoked_at IS NULL;

CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL
);
CREATE INDEX idx_web_sessions_token ON web_sessions(token_id);
CREATE INDEX idx_web_sessions_expires ON web_sessions(expires_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at DATETIME NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audit_actor ON audit_log(actor, id);
CREATE INDEX idx_audit_target ON audit_log(target, id);

-- Counters per user, kind and period (a UTC day or month).
CREATE TABLE usage_counters (
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  amount REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (owner, kind, period)
) WITHOUT ROWID;

CREATE INDEX idx_sessions_owner_run ON sessions(owner, run_state);

-- Every recorded cost also counts against its session owner's month. Done
-- here rather than in Go so that no path that records a cost can forget it,
-- and so that deleting a session keeps what it spent on the owner's account.
-- +goose StatementBegin
CREATE TRIGGER costs_count_spend AFTER INSERT ON costs
BEGIN
  INSERT INTO usage_counters (owner, kind, period, amount)
    SELECT owner, 'spend_usd', substr(NEW.created_at, 1, 7), NEW.usd FROM sessions WHERE id = NEW.session_id
    ON CONFLICT (owner, kind, period) DO UPDATE SET amount = amount + excluded.amount;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER costs_count_spend;
DROP INDEX idx_sessions_owner_run;
DROP TABLE usage_counters;
DROP TABLE audit_log;
DROP TABLE web_sessions;
DROP TABLE tokens;
