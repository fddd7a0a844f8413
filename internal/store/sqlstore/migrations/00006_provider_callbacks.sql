-- Provider tasks whose end the provider announces by calling the studio
-- back (FAL webhooks, Kling callback_url). A row is written before the task
-- is submitted; a verified callback sets outcome once, and the worker that
-- waits on the task (here or in another process) sees it and fetches the
-- result. job_id names the queue job to wake when that worker sleeps.

-- +goose Up
CREATE TABLE provider_callbacks (
  task_key TEXT PRIMARY KEY,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  remote_id TEXT NOT NULL DEFAULT '',
  token TEXT NOT NULL DEFAULT '',
  job_id {{.BigInt}} NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '',
  arrived_at {{.Time}},
  created_at {{.Time}} NOT NULL
);
CREATE INDEX idx_provider_callbacks_remote ON provider_callbacks(provider, remote_id);
CREATE UNIQUE INDEX idx_provider_callbacks_token ON provider_callbacks(token) WHERE token <> '';
CREATE INDEX idx_provider_callbacks_session ON provider_callbacks(session_id);

-- +goose Down
DROP TABLE provider_callbacks;
