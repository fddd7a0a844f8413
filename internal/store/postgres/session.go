package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const sessionColumns = `id, created_at, updated_at, status, pipeline_stage, sdk_session_id,
	total_cost_usd, total_turns, error_message, metadata, owner, run_state, brief, options`

// CreateSession inserts s, filling its defaults (status active, stage init,
// run state idle, times now). A taken id is ECONFLICT.
func (d *DB) CreateSession(ctx context.Context, s *shoot.Session) error {
	if err := store.PrepareSession(s); err != nil {
		return err
	}
	opts, err := json.Marshal(s.Options)
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "invalid session options")
	}
	_, err = d.db.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		s.ID, s.CreatedAt, s.UpdatedAt, s.Status, s.PipelineStage,
		nullString(s.SDKSessionID), s.TotalCostUSD, s.TotalTurns, s.ErrorMessage,
		nullJSON(s.Metadata), s.Owner, s.RunState, s.Brief, string(opts))
	if shoot.ErrorCode(dbError(err, "")) == shoot.ECONFLICT {
		return shoot.Wrap(err, shoot.ECONFLICT, "Session already exists.")
	}
	return dbError(err, "insert session")
}

// GetSession returns the session with id, or ENOTFOUND.
func (d *DB) GetSession(ctx context.Context, id string) (*shoot.Session, error) {
	return getSession(ctx, d.db, id, "")
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// getSession reads a session; lock is "" or a locking clause such as
// " FOR NO KEY UPDATE".
func getSession(ctx context.Context, q querier, id, lock string) (*shoot.Session, error) {
	if !shoot.ValidSessionID(id) {
		return nil, store.NotFound("Session")
	}
	row := q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`+lock, id)
	s, err := scanSession(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Session")
	}
	return s, dbError(err, "read session")
}

// ListSessions returns sessions newest first (by updated_at, then id).
func (d *DB) ListSessions(ctx context.Context, f store.SessionFilter) ([]*shoot.Session, error) {
	limit, err := store.SessionLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	var before any
	if !f.Before.IsZero() {
		before = store.Normalize(f.Before)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE ($1 = '' OR owner = $1) AND ($2::timestamptz IS NULL OR updated_at < $2)
		ORDER BY updated_at DESC, id DESC LIMIT $3`, f.Owner, before, limit)
	if err != nil {
		return nil, dbError(err, "list sessions")
	}
	defer rows.Close()
	list := []*shoot.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, dbError(err, "read session")
		}
		list = append(list, s)
	}
	return list, dbError(rows.Err(), "list sessions")
}

// UpdateSession reads the session, calls fn and writes the result back, all
// in one transaction, holding the row lock (FOR NO KEY UPDATE, which lets
// event and asset inserts for the session go on meanwhile). fn should be
// quick and must not wait on another update of the same session. fn may not
// change the id.
func (d *DB) UpdateSession(ctx context.Context, id string, fn func(*shoot.Session) error) (*shoot.Session, error) {
	var out *shoot.Session
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		s, err := getSession(ctx, tx, id, " FOR NO KEY UPDATE")
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
		if s.ID != id {
			return shoot.Errorf(shoot.EINVALID, "a session's id cannot change")
		}
		s.UpdatedAt = store.Now()
		if err := writeSession(ctx, tx, s); err != nil {
			return err
		}
		out = s
		return nil
	})
	return out, err
}

func writeSession(ctx context.Context, tx *sql.Tx, s *shoot.Session) error {
	if err := store.CheckSession(s); err != nil {
		return err
	}
	opts, err := json.Marshal(s.Options)
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "invalid session options")
	}
	_, err = tx.ExecContext(ctx, `UPDATE sessions SET updated_at = $1, status = $2,
		pipeline_stage = $3, sdk_session_id = $4, total_cost_usd = $5, total_turns = $6,
		error_message = $7, metadata = $8, owner = $9, run_state = $10, brief = $11, options = $12
		WHERE id = $13`,
		s.UpdatedAt, s.Status, s.PipelineStage, nullString(s.SDKSessionID),
		s.TotalCostUSD, s.TotalTurns, s.ErrorMessage, nullJSON(s.Metadata), s.Owner,
		s.RunState, s.Brief, string(opts), s.ID)
	return dbError(err, "update session")
}

// DeleteSession removes the session; foreign keys cascade to every row that
// belongs to it. A missing session is ENOTFOUND.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	if !shoot.ValidSessionID(id) {
		return store.NotFound("Session")
	}
	res, err := d.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return dbError(err, "delete session")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Session")
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanSession(row scanner) (*shoot.Session, error) {
	var (
		s             shoot.Session
		sdk, errMsg   sql.NullString
		meta, options sql.NullString
	)
	err := row.Scan(&s.ID, scanTime(&s.CreatedAt), scanTime(&s.UpdatedAt), &s.Status,
		&s.PipelineStage, &sdk, &s.TotalCostUSD, &s.TotalTurns, &errMsg, &meta, &s.Owner,
		&s.RunState, &s.Brief, &options)
	if err != nil {
		return nil, err
	}
	s.SDKSessionID = sdk.String
	if errMsg.Valid {
		s.ErrorMessage = &errMsg.String
	}
	if meta.Valid {
		s.Metadata = json.RawMessage(meta.String)
	}
	if options.Valid && options.String != "" {
		if err := json.Unmarshal([]byte(options.String), &s.Options); err != nil {
			return nil, err
		}
	}
	return &s, nil
}
