package sqlite

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
	var resolved any
	if c.ResolvedAt != nil {
		resolved = formatTime(*c.ResolvedAt)
	}
	err = d.db.QueryRowContext(ctx, `INSERT INTO checkpoints
		(session_id, stage, status, artifact_keys, message, user_response, created_at, resolved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.SessionID, c.Stage, c.Status, string(keys), c.Message, c.UserResponse,
		formatTime(c.CreatedAt), resolved).Scan(&c.ID)
	return dbError(err, "insert checkpoint")
}

// LatestCheckpoint returns the session's most recently created checkpoint,
// or ENOTFOUND.
func (d *DB) LatestCheckpoint(ctx context.Context, sessionID string) (*shoot.Checkpoint, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = ? ORDER BY id DESC LIMIT 1`, sessionID)
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
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT status FROM checkpoints WHERE id = ?`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return store.NotFound("Checkpoint")
		}
		if err != nil {
			return dbError(err, "read checkpoint")
		}
		if current != shoot.CheckpointPending {
			return shoot.Errorf(shoot.ECONFLICT, "Checkpoint already resolved.")
		}
		_, err = tx.ExecContext(ctx, `UPDATE checkpoints SET status = ?, user_response = ?,
			resolved_at = ? WHERE id = ?`, status, response, formatTime(store.Now()), id)
		return dbError(err, "resolve checkpoint")
	})
}

// ListCheckpoints returns the session's checkpoints, oldest first.
func (d *DB) ListCheckpoints(ctx context.Context, sessionID string) ([]*shoot.Checkpoint, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+checkpointColumns+` FROM checkpoints
		WHERE session_id = ? ORDER BY id`, sessionID)
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
		keys     string
		response sql.NullString
		resolved = new(sqlTimeValue)
	)
	err := row.Scan(&c.ID, &c.SessionID, &c.Stage, &c.Status, &keys, store.NullString(&c.Message),
		&response, scanTime(&c.CreatedAt), resolved.dest())
	if err != nil {
		return nil, err
	}
	c.ArtifactKeys = []string{}
	if err := json.Unmarshal([]byte(keys), &c.ArtifactKeys); err != nil {
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

// sqlTimeValue scans a nullable time into a *time.Time.
type sqlTimeValue struct {
	st sqlTime
}

func (v *sqlTimeValue) dest() *sqlTime {
	v.st.t = new(time.Time)
	return &v.st
}

func (v *sqlTimeValue) ptr() *time.Time {
	if !v.st.valid {
		return nil
	}
	return v.st.t
}
