-- The usual duration of provider tasks per class (provider, kind, model and
-- duration), learned from this instance's finished tasks, so the first poll
-- of a new task lands near the time it is usually ready.

-- +goose Up
CREATE TABLE provider_latencies (
  class TEXT PRIMARY KEY,
  mean_ms {{.Float}} NOT NULL,
  samples {{.BigInt}} NOT NULL DEFAULT 1,
  updated_at {{.Time}} NOT NULL
){{.WithoutRowID}};

-- +goose Down
DROP TABLE provider_latencies;
