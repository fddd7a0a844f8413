package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const callbackColumns = `task_key, session_id, provider, remote_id, token, job_id, outcome, arrived_at, created_at`

func scanCallback(row interface{ Scan(...any) error }) (*shoot.ProviderCallback, error) {
	var c shoot.ProviderCallback
	err := row.Scan(&c.TaskKey, store.NullString(&c.SessionID), &c.Provider, &c.RemoteID, &c.Token, &c.JobID,
		&c.Outcome, scanTime(&c.ArrivedAt), scanTime(&c.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Provider callback")
	}
	if err != nil {
		return nil, dbError(err, "read provider callback")
	}
	return &c, nil
}

// ExpectCallback records c unless its task key has a row, then loads the
// stored row into c.
func (d *DB) ExpectCallback(ctx context.Context, c *shoot.ProviderCallback) error {
	if err := store.CheckCallback(c); err != nil {
		return err
	}
	_, err := d.db.ExecContext(ctx, `INSERT INTO provider_callbacks
		(task_key, session_id, provider, remote_id, token, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
		ON CONFLICT (task_key) DO NOTHING`,
		c.TaskKey, nullString(c.SessionID), c.Provider, c.RemoteID, c.Token, formatTime(store.Now()))
	if err != nil {
		return dbError(err, "record provider callback")
	}
	got, err := d.GetCallback(ctx, c.TaskKey)
	if err != nil {
		return err
	}
	*c = *got
	return nil
}

// SetCallbackTarget sets the remote id (unless "") and the job to wake.
func (d *DB) SetCallbackTarget(ctx context.Context, key, remoteID string, jobID int64) error {
	res, err := d.db.ExecContext(ctx, `UPDATE provider_callbacks
		SET remote_id = CASE WHEN ?2 <> '' THEN ?2 ELSE remote_id END, job_id = ?3 WHERE task_key = ?1`,
		key, remoteID, jobID)
	if err != nil {
		return dbError(err, "update provider callback")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Provider callback")
	}
	return nil
}

// GetCallback returns the row of the task key, or ENOTFOUND.
func (d *DB) GetCallback(ctx context.Context, key string) (*shoot.ProviderCallback, error) {
	return scanCallback(d.db.QueryRowContext(ctx, `SELECT `+callbackColumns+` FROM provider_callbacks WHERE task_key = ?`, key))
}

// FindCallback returns the row of provider's remoteID, or the row holding
// token when remoteID is "".
func (d *DB) FindCallback(ctx context.Context, provider, remoteID, token string) (*shoot.ProviderCallback, error) {
	if remoteID != "" {
		return scanCallback(d.db.QueryRowContext(ctx, `SELECT `+callbackColumns+` FROM provider_callbacks
			WHERE provider = ? AND remote_id = ? LIMIT 1`, provider, remoteID))
	}
	if token == "" {
		return nil, store.NotFound("Provider callback")
	}
	return scanCallback(d.db.QueryRowContext(ctx, `SELECT `+callbackColumns+` FROM provider_callbacks
		WHERE provider = ? AND token = ?`, provider, token))
}

// MarkCallback records outcome once.
func (d *DB) MarkCallback(ctx context.Context, key, outcome string) (bool, error) {
	if err := store.CheckOutcome(outcome); err != nil {
		return false, err
	}
	res, err := d.db.ExecContext(ctx, `UPDATE provider_callbacks SET outcome = ?2, arrived_at = ?3
		WHERE task_key = ?1 AND outcome = ''`, key, outcome, formatTime(store.Now()))
	if err != nil {
		return false, dbError(err, "mark provider callback")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := d.GetCallback(ctx, key); err != nil {
		return false, err
	}
	return false, nil
}
