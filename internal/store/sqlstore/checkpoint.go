package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const checkpointColumns = `id, session_id, stage, status, artifact_keys, message, user_response,
	created_at, resolved_at`

// CreateCheckpoint inserts c (status pending unless set) and assigns its ID
// and CreatedAt.
func (s *Store) CreateCheckpoint(ctx context.Context, c *shoot.Checkpoint) error {
	if err := store.PrepareCheckpoint(c); err != nil {
		return err
	}
	keys, err := json.Marshal(c.ArtifactKeys)
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "invalid artifact keys")
	}
	err = s.c().row(ctx, `INSERT INTO checkpoints
		(session_id, stage, status, artifact_keys, message, user_response, created_at, resolved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.SessionID, c.Stage, c.Status, string(keys), c.Message, c.UserResponse,
		s.Time(c.CreatedAt), s.nullTime(c.ResolvedAt)).Scan(&c.ID)
	return s.Err(err, "insert checkpoint")
}

// LatestCheckpoint returns the session's most recently created checkpoint,
// or ENOTFOUND.
func (s *Store) LatestCheckpoint(ctx context.Context, sessionID string) (*shoot.Checkpoint, error) {
	return one(ctx, s.c(), "Checkpoint", scanCheckpoint, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = $1 ORDER BY id DESC LIMIT 1`, sessionID)
}

// ResolveCheckpoint records the user's decision on a pending checkpoint.
// An unknown id is ENOTFOUND; a checkpoint already decided is ECONFLICT, so
// a double click cannot decide twice.
func (s *Store) ResolveCheckpoint(ctx context.Context, id int64, status, response string) error {
	if err := store.CheckResolution(status); err != nil {
		return err
	}
	res, err := s.c().exec(ctx, `UPDATE checkpoints SET status = $1, user_response = $2,
		resolved_at = $3 WHERE id = $4 AND status = 'pending'`, status, response, s.Time(store.Now()), id)
	if err != nil {
		return s.Err(err, "resolve checkpoint")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists bool
	err = s.c().row(ctx, `SELECT EXISTS (SELECT 1 FROM checkpoints WHERE id = $1)`, id).Scan(&exists)
	switch {
	case err != nil:
		return s.Err(err, "read checkpoint")
	case !exists:
		return store.NotFound("Checkpoint")
	}
	return shoot.Errorf(shoot.ECONFLICT, "Checkpoint already resolved.")
}

// ListCheckpoints returns the session's checkpoints, oldest first.
func (s *Store) ListCheckpoints(ctx context.Context, sessionID string) ([]*shoot.Checkpoint, error) {
	return list(ctx, s.c(), "checkpoints", scanCheckpoint, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = $1 ORDER BY id`, sessionID)
}

func scanCheckpoint(row *sql.Rows) (*shoot.Checkpoint, error) {
	var (
		c        shoot.Checkpoint
		keys     json.RawMessage
		resolved = newTime()
	)
	err := row.Scan(&c.ID, &c.SessionID, &c.Stage, &c.Status, scanRawJSON(&keys), scanNullString(&c.Message),
		textPtrDest{&c.UserResponse}, scanTime(&c.CreatedAt), resolved)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(keys, &c.ArtifactKeys); err != nil {
		return nil, err
	}
	if c.ArtifactKeys == nil {
		c.ArtifactKeys = []string{}
	}
	c.ResolvedAt = resolved.ptr()
	return &c, nil
}
