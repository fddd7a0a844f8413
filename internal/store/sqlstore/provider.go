package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// PutProviderTask inserts the task or, when its Key exists, updates its
// session, provider, handle and state. CreatedAt stays that of the first
// put; UpdatedAt is now. Both are loaded back into t.
func (s *Store) PutProviderTask(ctx context.Context, t *shoot.ProviderTask) error {
	if err := store.CheckProviderTask(t); err != nil {
		return err
	}
	err := s.c().row(ctx, `INSERT INTO provider_tasks
		(key, session_id, provider, handle, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (key) DO UPDATE SET session_id = excluded.session_id,
			provider = excluded.provider, handle = excluded.handle, state = excluded.state,
			updated_at = excluded.updated_at
		RETURNING created_at, updated_at`,
		t.Key, nullString(t.SessionID), t.Provider, t.Handle, t.State, s.Time(store.Now())).
		Scan(scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt))
	return s.Err(err, "put provider task")
}

// GetProviderTask returns the task with key, or ENOTFOUND.
func (s *Store) GetProviderTask(ctx context.Context, key string) (*shoot.ProviderTask, error) {
	var t shoot.ProviderTask
	err := s.c().row(ctx, `SELECT key, session_id, provider, handle, state,
		created_at, updated_at FROM provider_tasks WHERE key = $1`, key).
		Scan(&t.Key, scanNullString(&t.SessionID), &t.Provider, &t.Handle, &t.State,
			scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Provider task")
	}
	if err != nil {
		return nil, s.Err(err, "read provider task")
	}
	return &t, nil
}

// ObserveLatency folds dur into the running mean of class.
func (s *Store) ObserveLatency(ctx context.Context, class string, dur time.Duration) error {
	if err := store.CheckLatency(class, dur); err != nil {
		return err
	}
	ms := float64(dur) / float64(time.Millisecond)
	_, err := s.c().exec(ctx, `INSERT INTO provider_latencies (class, mean_ms, samples, updated_at)
		VALUES ($1, $2, 1, $3)
		ON CONFLICT (class) DO UPDATE SET
			mean_ms = provider_latencies.mean_ms * (1 - $4::float8) + excluded.mean_ms * $4::float8,
			samples = provider_latencies.samples + 1, updated_at = excluded.updated_at`,
		class, ms, s.Time(store.Now()), store.LatencyWeight)
	return s.Err(err, "record provider latency")
}

// ProviderLatency returns the running mean of class, or ENOTFOUND.
func (s *Store) ProviderLatency(ctx context.Context, class string) (time.Duration, error) {
	var ms float64
	err := s.c().row(ctx, `SELECT mean_ms FROM provider_latencies WHERE class = $1`, class).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.NotFound("Provider latency")
	}
	if err != nil {
		return 0, s.Err(err, "read provider latency")
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}
