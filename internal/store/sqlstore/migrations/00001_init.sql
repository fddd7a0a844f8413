-- The first schema: sessions, their assets, checkpoints, uploads, the event
-- log, the conversation, provider tasks and costs. Rendered per database
-- (internal/store/sqlstore/migrate.go). On PostgreSQL JSON columns are jsonb,
-- except the event log's data and the conversation's content, which are json:
-- they are handed back byte for byte (SSE payloads, model content blocks) and
-- never queried inside. On SQLite times are TEXT in one fixed-width UTC form
-- (2006-01-02T15:04:05.000000Z) so that comparing strings orders by time.

-- +goose Up
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  updated_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'error', 'expired')),
  pipeline_stage TEXT NOT NULL DEFAULT 'init',
  sdk_session_id TEXT,
  total_cost_usd {{.Float}} NOT NULL DEFAULT 0,
  total_turns INTEGER NOT NULL DEFAULT 0,
  error_message TEXT,
  metadata {{.JSONB}},
  owner TEXT NOT NULL DEFAULT '',
  run_state TEXT NOT NULL DEFAULT 'idle'
    CHECK (run_state IN ('idle', 'running', 'awaiting', 'cancelled', 'done', 'failed')),
  brief TEXT NOT NULL DEFAULT '',
  options {{.JSONB}} NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_sessions_status ON sessions(status);
CREATE INDEX idx_sessions_updated ON sessions(updated_at DESC);
CREATE INDEX idx_sessions_owner_updated ON sessions(owner, updated_at DESC);

CREATE TABLE session_assets (
  id {{.ID}},
  session_id TEXT NOT NULL,
  asset_type TEXT NOT NULL CHECK (asset_type IN ('input', 'hero', 'contact-sheet', 'frame', 'clip', 'final')),
  file_name TEXT NOT NULL,
  r2_key TEXT NOT NULL,
  file_size {{.BigInt}},
  mime_type TEXT,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  metadata {{.JSONB}},
  asset_index INTEGER NOT NULL DEFAULT 0 CHECK (asset_index >= 0),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  stale {{bool "stale"}},
  FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE,
  UNIQUE (session_id, asset_type, asset_index, version)
);
CREATE INDEX idx_assets_session ON session_assets(session_id);
CREATE INDEX idx_assets_type ON session_assets(asset_type);

CREATE TABLE checkpoints (
  id {{.ID}},
  session_id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('hero', 'contact-sheet', 'frames', 'clips', 'complete')),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'modified')),
  artifact_keys {{.JSONB}} NOT NULL DEFAULT '[]',
  message TEXT,
  user_response TEXT,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  resolved_at {{.Time}},
  FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE INDEX idx_checkpoints_session ON checkpoints(session_id);
CREATE INDEX idx_checkpoints_status ON checkpoints(status);

-- Uploads belong to no session: a reference image can be used by many.
CREATE TABLE uploads (
  filename TEXT PRIMARY KEY,
  r2_key TEXT NOT NULL UNIQUE,
  original_name TEXT NOT NULL DEFAULT '',
  file_size {{.BigInt}} NOT NULL CHECK (file_size >= 0),
  mime_type TEXT NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL DEFAULT '',
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}}
);
CREATE INDEX idx_uploads_owner ON uploads(owner, created_at);
{{if eq .Name "postgres"}}
-- One row per session holding the last event number handed out. Appenders
-- serialise on this row's lock, so numbers are gapless under any
-- concurrency, across processes. (SQLite has one writer at a time and needs
-- no counter.)
CREATE TABLE event_counters (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  last_seq {{.BigInt}} NOT NULL
);
{{end}}
-- The event log. On SQLite it is clustered by (session_id, seq) so tailing a
-- session is one range scan.
CREATE TABLE events (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq {{.BigInt}} NOT NULL CHECK (seq >= 1),
  type TEXT NOT NULL,
  data JSON NOT NULL,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  PRIMARY KEY (session_id, seq)
){{.WithoutRowID}};

CREATE TABLE messages (
  id {{.ID}},
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content JSON NOT NULL,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}}
);
CREATE INDEX idx_messages_session ON messages(session_id, id);

-- session_id is NULL for a task made outside any session.
CREATE TABLE provider_tasks (
  key TEXT PRIMARY KEY,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  handle TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}},
  updated_at {{.Time}} NOT NULL DEFAULT {{.Now}}
);
CREATE INDEX idx_provider_tasks_session ON provider_tasks(session_id);

CREATE TABLE costs (
  id {{.ID}},
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  model TEXT NOT NULL DEFAULT '',
  units {{.Float}} NOT NULL DEFAULT 0,
  unit TEXT NOT NULL DEFAULT '',
  usd {{.Float}} NOT NULL DEFAULT 0 CHECK (usd >= 0),
  ref TEXT NOT NULL DEFAULT '',
  created_at {{.Time}} NOT NULL DEFAULT {{.Now}}
);
CREATE INDEX idx_costs_session ON costs(session_id, id);
-- A retried job records its cost under the same ref; the second is ignored.
CREATE UNIQUE INDEX idx_costs_session_ref ON costs(session_id, ref) WHERE ref <> '';

-- +goose Down
DROP TABLE costs;
DROP TABLE provider_tasks;
DROP TABLE messages;
DROP TABLE events;
{{if eq .Name "postgres"}}DROP TABLE event_counters;
{{end}}DROP TABLE uploads;
DROP TABLE checkpoints;
DROP TABLE session_assets;
DROP TABLE sessions;
