package sqlstore

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// sessionRow maps the columns of a session row to the fields of x. A new
// column of the sessions table is one line here.
func sessionRow(x *shoot.Session) []column {
	return []column{
		fixed(plain("id", &x.ID)),
		fixed(timeCol("created_at", &x.CreatedAt)),
		timeCol("updated_at", &x.UpdatedAt),
		plain("status", &x.Status),
		plain("pipeline_stage", &x.PipelineStage),
		nullText("sdk_session_id", &x.SDKSessionID),
		plain("total_cost_usd", &x.TotalCostUSD),
		plain("total_turns", &x.TotalTurns),
		textPtr("error_message", &x.ErrorMessage),
		rawJSON("metadata", &x.Metadata),
		plain("owner", &x.Owner),
		plain("run_state", &x.RunState),
		plain("brief", &x.Brief),
		jsonDoc("options", &x.Options),
	}
}

var sessions = newTable("sessions", sessionRow(new(shoot.Session)))

func scanSession(row *sql.Rows) (*shoot.Session, error) {
	var x shoot.Session
	if err := row.Scan(dests(sessionRow(&x))...); err != nil {
		return nil, err
	}
	return &x, nil
}

// CreateSession inserts s, filling its defaults (status active, stage init,
// run state idle, times now). A taken id is ECONFLICT.
func (s *Store) CreateSession(ctx context.Context, x *shoot.Session) error {
	if err := store.PrepareSession(x); err != nil {
		return err
	}
	args, err := s.args(sessionRow(x))
	if err != nil {
		return err
	}
	_, err = s.c().exec(ctx, sessions.insert, args...)
	if shoot.ErrorCode(s.Err(err, "")) == shoot.ECONFLICT {
		return shoot.Wrap(err, shoot.ECONFLICT, "Session already exists.")
	}
	return s.Err(err, "insert session")
}

// GetSession returns the session with id, or ENOTFOUND.
func (s *Store) GetSession(ctx context.Context, id string) (*shoot.Session, error) {
	return s.getSession(ctx, s.c(), id, "")
}

// getSession reads a session; lock is "" or the dialect's LockRow.
func (s *Store) getSession(ctx context.Context, c conn, id, lock string) (*shoot.Session, error) {
	if !shoot.ValidSessionID(id) {
		return nil, store.NotFound("Session")
	}
	return one(ctx, c, "Session", scanSession, `SELECT `+sessions.columns+` FROM sessions WHERE id = $1`+lock, id)
}

// ListSessions returns sessions newest first (by updated_at, then id).
func (s *Store) ListSessions(ctx context.Context, f store.SessionFilter) ([]*shoot.Session, error) {
	limit, err := store.SessionLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	var before any
	if !f.Before.IsZero() {
		before = s.Time(f.Before)
	}
	return list(ctx, s.c(), "sessions", scanSession, `SELECT `+sessions.columns+` FROM sessions
		WHERE ($1 = '' OR owner = $1) AND ($2::timestamptz IS NULL OR updated_at < $2)
		ORDER BY updated_at DESC, id DESC LIMIT $3`, f.Owner, before, limit)
}

// UpdateSession reads the session, calls fn and writes the result back, all
// in one transaction, holding the row (on PostgreSQL with FOR NO KEY UPDATE,
// which lets event and asset inserts for the session go on meanwhile; SQLite
// runs one writing transaction at a time). fn should be quick, must not wait
// on another update of the same session and must not call the store (a
// SQLite pool has one connection and the transaction holds it). fn may not
// change the id.
func (s *Store) UpdateSession(ctx context.Context, id string, fn func(*shoot.Session) error) (*shoot.Session, error) {
	var out *shoot.Session
	err := s.inTx(ctx, func(tx conn) error {
		x, err := s.getSession(ctx, tx, id, s.dialect.LockRow)
		if err != nil {
			return err
		}
		if err := fn(x); err != nil {
			return err
		}
		if x.ID != id {
			return shoot.Errorf(shoot.EINVALID, "a session's id cannot change")
		}
		x.UpdatedAt = store.Now()
		if err := s.writeSession(ctx, tx, x); err != nil {
			return err
		}
		out = x
		return nil
	})
	return out, err
}

func (s *Store) writeSession(ctx context.Context, tx conn, x *shoot.Session) error {
	if err := store.CheckSession(x); err != nil {
		return err
	}
	args, err := s.updateArgs(sessionRow(x))
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, sessions.update, args...)
	return s.Err(err, "update session")
}

// DeleteSession removes the session; foreign keys cascade to every row that
// belongs to it. A missing session is ENOTFOUND.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if !shoot.ValidSessionID(id) {
		return store.NotFound("Session")
	}
	res, err := s.c().exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return s.Err(err, "delete session")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Session")
	}
	return nil
}
