package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// PutProviderTask inserts the task or, when its Key exists, updates its
// session, provider, handle and state. CreatedAt stays that of the first
// put; UpdatedAt is now. Both are loaded back into t.
func (d *DB) PutProviderTask(ctx context.Context, t *shoot.ProviderTask) error {
	if err := store.CheckProviderTask(t); err != nil {
		return err
	}
	now := store.Now()
	err := d.db.QueryRowContext(ctx, `INSERT INTO provider_tasks
		(key, session_id, provider, handle, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (key) DO UPDATE SET session_id = excluded.session_id,
			provider = excluded.provider, handle = excluded.handle, state = excluded.state,
			updated_at = excluded.updated_at
		RETURNING created_at, updated_at`,
		t.Key, nullString(t.SessionID), t.Provider, t.Handle, t.State, now).
		Scan(scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt))
	return dbError(err, "put provider task")
}

// GetProviderTask returns the task with key, or ENOTFOUND.
func (d *DB) GetProviderTask(ctx context.Context, key string) (*shoot.ProviderTask, error) {
	var t shoot.ProviderTask
	err := d.db.QueryRowContext(ctx, `SELECT key, session_id, provider, handle, state,
		created_at, updated_at FROM provider_tasks WHERE key = $1`, key).
		Scan(&t.Key, store.NullString(&t.SessionID), &t.Provider, &t.Handle, &t.State,
			scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Provider task")
	}
	if err != nil {
		return nil, dbError(err, "read provider task")
	}
	return &t, nil
}
