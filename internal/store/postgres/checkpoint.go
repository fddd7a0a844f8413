package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const checkpointColumns = `id, session_id, stage, status, artifact_keys, message, user_response,
	created_at, resolved_at`

// CreateCheckpoint inserts c (status pending unless set) and assigns its ID
// and CreatedAt.
func (d *DB) CreateCheckpoint(ctx context.Context, c *shoot.Checkpoint) error {
	if err := store.PrepareCheckpoint(c); err != nil {
		return err
	}
	keys, err := json.Marshal(c.ArtifactKeys)
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "invalid artifact keys")
	}
	err = d.db.QueryRowContext(ctx, `INSERT INTO checkpoints
		(session_id, stage, status, artifact_keys, message, user_response, created_at, resolved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.SessionID, c.Stage, c.Status, string(keys), c.Message, c.UserResponse,
		c.CreatedAt, c.ResolvedAt).Scan(&c.ID)
	return dbError(err, "insert checkpoint")
}

// LatestCheckpoint returns the session's most recently created checkpoint,
// or ENOTFOUND.
func (d *DB) LatestCheckpoint(ctx context.Context, sessionID string) (*shoot.Checkpoint, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = $1 ORDER BY id DESC LIMIT 1`, sessionID)
	c, err := scanCheckpoint(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Checkpoint")
	}
	return c, dbError(err, "read checkpoint")
}

// ResolveCheckpoint records the user's decision on a pending checkpoint.
// An unknown id is ENOTFOUND; a checkpoint already decided is ECONFLICT, so
// a double click cannot decide twice.
func (d *DB) ResolveCheckpoint(ctx context.Context, id int64, status, response string) error {
	if err := store.CheckResolution(status); err != nil {
		return err
	}
	res, err := d.db.ExecContext(ctx, `UPDATE checkpoints SET status = $1, user_response = $2,
		resolved_at = $3 WHERE id = $4 AND status = 'pending'`, status, response, store.Now(), id)
	if err != nil {
		return dbError(err, "resolve checkpoint")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists bool
	err = d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkpoints WHERE id = $1)`, id).Scan(&exists)
	switch {
	case err != nil:
		return dbError(err, "read checkpoint")
	case !exists:
		return store.NotFound("Checkpoint")
	}
	return shoot.Errorf(shoot.ECONFLICT, "Checkpoint already resolved.")
}

// ListCheckpoints returns the session's checkpoints, oldest first.
func (d *DB) ListCheckpoints(ctx context.Context, sessionID string) ([]*shoot.Checkpoint, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = $1 ORDER BY id`, sessionID)
	if err != nil {
		return nil, dbError(err, "list checkpoints")
	}
	defer rows.Close()
	list := []*shoot.Checkpoint{}
	for rows.Next() {
		c, err := scanCheckpoint(rows)
		if err != nil {
			return nil, dbError(err, "read checkpoint")
		}
		list = append(list, c)
	}
	return list, dbError(rows.Err(), "list checkpoints")
}

func scanCheckpoint(row scanner) (*shoot.Checkpoint, error) {
	var (
		c        shoot.Checkpoint
		keys     json.RawMessage
		response sql.NullString
		resolved = scanTime(new(time.Time))
	)
	err := row.Scan(&c.ID, &c.SessionID, &c.Stage, &c.Status, store.RawJSON(&keys), store.NullString(&c.Message),
		&response, scanTime(&c.CreatedAt), resolved)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(keys, &c.ArtifactKeys); err != nil {
		return nil, err
	}
	if c.ArtifactKeys == nil {
		c.ArtifactKeys = []string{}
	}
	if response.Valid {
		c.UserResponse = &response.String
	}
	c.ResolvedAt = resolved.ptr()
	return &c, nil
}
