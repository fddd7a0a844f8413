package sqlite

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlstore"
)

// AppendEvent adds an event to the session's log with the next sequence
// number. Reading the last number and inserting are one statement, which
// SQLite runs under its single write lock (taken at the statement's start,
// also across processes, waiting up to the busy timeout), so numbers are
// gapless and never repeat. A missing session is ENOTFOUND.
func (d *DB) AppendEvent(ctx context.Context, sessionID, typ string, data []byte) (shoot.Event, error) {
	e, err := sqlstore.NewEvent(sessionID, typ, data)
	if err != nil {
		return e, err
	}
	err = d.QueryRow(ctx, `INSERT INTO events (session_id, seq, type, data, created_at)
		SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM events WHERE session_id = $1
		RETURNING seq`, sessionID, typ, string(data), d.Time(e.CreatedAt)).Scan(&e.Seq)
	if err != nil {
		return shoot.Event{}, d.Err(err, "append event")
	}
	return e, nil
}
