-- Access control: API tokens (stored as SHA-256 hashes, never the secret),
-- browser sign-in sessions, the audit log and per-user usage counters.

-- +goose Up
CREATE TABLE tokens (
  id {{.ID}},
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  admin {{bool "admin"}},
  created_at {{.Time}} NOT NULL,
  last_used_at {{.Time}},
  revoked_at {{.Time}}
);
-- One active token per name: the name is the user the token acts for.
CREATE UNIQUE INDEX idx_tokens_active_name ON tokens(name) WHERE revoked_at IS NULL;

CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,
  token_id {{.BigInt}} NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  created_at {{.Time}} NOT NULL,
  expires_at {{.Time}} NOT NULL
);
CREATE INDEX idx_web_sessions_token ON web_sessions(token_id);
CREATE INDEX idx_web_sessions_expires ON web_sessions(expires_at);

CREATE TABLE audit_log (
  id {{.ID}},
  at {{.Time}} NOT NULL,
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
  amount {{.Float}} NOT NULL DEFAULT 0,
  PRIMARY KEY (owner, kind, period)
){{.WithoutRowID}};

CREATE INDEX idx_sessions_owner_run ON sessions(owner, run_state);

-- Every recorded cost also counts against its session owner's month. Done
-- here rather than in Go so that no path that records a cost can forget it,
-- and so that deleting a session keeps what it spent on the owner's account.
-- +goose StatementBegin
{{- if eq .Name "postgres"}}
CREATE FUNCTION costs_count_spend() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_counters (owner, kind, period, amount)
    SELECT owner, 'spend_usd', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM'), NEW.usd
    FROM sessions WHERE id = NEW.session_id
    ON CONFLICT (owner, kind, period) DO UPDATE SET amount = usage_counters.amount + EXCLUDED.amount;
  RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER costs_count_spend AFTER INSERT ON costs
  FOR EACH ROW EXECUTE FUNCTION costs_count_spend();
{{- else}}
CREATE TRIGGER costs_count_spend AFTER INSERT ON costs
BEGIN
  INSERT INTO usage_counters (owner, kind, period, amount)
    SELECT owner, 'spend_usd', substr(NEW.created_at, 1, 7), NEW.usd FROM sessions WHERE id = NEW.session_id
    ON CONFLICT (owner, kind, period) DO UPDATE SET amount = amount + excluded.amount;
END;
-- +goose StatementEnd
{{- end}}

-- +goose Down
{{if eq .Name "postgres" -}}
DROP TRIGGER costs_count_spend ON costs;
DROP FUNCTION costs_count_spend();
{{- else -}}
DROP TRIGGER costs_count_spend;
{{- end}}
DROP INDEX idx_sessions_owner_run;
DROP TABLE usage_counters;
DROP TABLE audit_log;
DROP TABLE web_sessions;
DROP TABLE tokens;
