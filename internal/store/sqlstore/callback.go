package sqlstore

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const callbackColumns = `task_key, session_id, provider, remote_id, token, job_id, outcome, arrived_at, created_at`

func scanCallback(row *sql.Rows) (*shoot.ProviderCallback, error) {
	var c shoot.ProviderCallback
	return &c, row.Scan(&c.TaskKey, scanNullString(&c.SessionID), &c.Provider, &c.RemoteID, &c.Token, &c.JobID,
		&c.Outcome, scanTime(&c.ArrivedAt), scanTime(&c.CreatedAt))
}

// callback reads the row of query, or ENOTFOUND.
func (s *Store) callback(ctx context.Context, query string, args ...any) (*shoot.ProviderCallback, error) {
	return one(ctx, s.c(), "Provider callback", scanCallback, `SELECT `+callbackColumns+` FROM provider_callbacks `+query, args...)
}

// ExpectCallback records c unless its task key has a row, then loads the
// stored row into c.
func (s *Store) ExpectCallback(ctx context.Context, c *shoot.ProviderCallback) error {
	if err := store.CheckCallback(c); err != nil {
		return err
	}
	_, err := s.c().exec(ctx, `INSERT INTO provider_callbacks
		(task_key, session_id, provider, remote_id, token, created_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (task_key) DO NOTHING`,
		c.TaskKey, nullString(c.SessionID), c.Provider, c.RemoteID, c.Token, s.Time(store.Now()))
	if err != nil {
		return s.Err(err, "record provider callback")
	}
	got, err := s.GetCallback(ctx, c.TaskKey)
	if err != nil {
		return err
	}
	*c = *got
	return nil
}

// SetCallbackTarget sets the remote id (unless "") and the job to wake.
func (s *Store) SetCallbackTarget(ctx context.Context, key, remoteID string, jobID int64) error {
	res, err := s.c().exec(ctx, `UPDATE provider_callbacks
		SET remote_id = CASE WHEN $2::text <> '' THEN $2 ELSE remote_id END, job_id = $3 WHERE task_key = $1`,
		key, remoteID, jobID)
	if err != nil {
		return s.Err(err, "update provider callback")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Provider callback")
	}
	return nil
}

// GetCallback returns the row of the task key, or ENOTFOUND.
func (s *Store) GetCallback(ctx context.Context, key string) (*shoot.ProviderCallback, error) {
	return s.callback(ctx, `WHERE task_key = $1`, key)
}

// FindCallback returns the row of provider's remoteID, or the row holding
// token when remoteID is "".
func (s *Store) FindCallback(ctx context.Context, provider, remoteID, token string) (*shoot.ProviderCallback, error) {
	if remoteID != "" {
		return s.callback(ctx, `WHERE provider = $1 AND remote_id = $2 LIMIT 1`, provider, remoteID)
	}
	if token == "" {
		return nil, store.NotFound("Provider callback")
	}
	return s.callback(ctx, `WHERE provider = $1 AND token = $2`, provider, token)
}

// MarkCallback records outcome once.
func (s *Store) MarkCallback(ctx context.Context, key, outcome string) (bool, error) {
	if err := store.CheckOutcome(outcome); err != nil {
		return false, err
	}
	res, err := s.c().exec(ctx, `UPDATE provider_callbacks SET outcome = $2, arrived_at = $3
		WHERE task_key = $1 AND outcome = ''`, key, outcome, s.Time(store.Now()))
	if err != nil {
		return false, s.Err(err, "mark provider callback")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := s.GetCallback(ctx, key); err != nil {
		return false, err
	}
	return false, nil
}
