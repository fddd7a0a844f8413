package sqlite

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendEvent adds an event to the session's log with the next sequence
// number. Reading the last number and inserting are one statement, which
// SQLite runs under its single write lock (taken at the statement's start,
// also across processes, waiting up to the busy timeout), so numbers are
// gapless and never repeat. A missing session is ENOTFOUND.
func (d *DB) AppendEvent(ctx context.Context, sessionID, typ string, data []byte) (shoot.Event, error) {
	if err := store.CheckEvent(sessionID, typ, data); err != nil {
		return shoot.Event{}, err
	}
	e := shoot.Event{SessionID: sessionID, Type: typ, Data: append([]byte(nil), data...), CreatedAt: store.Now()}
	err := d.db.QueryRowContext(ctx, `INSERT INTO events (session_id, seq, type, data, created_at)
		SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4 FROM events WHERE session_id = ?1
		RETURNING seq`, sessionID, typ, string(data), formatTime(e.CreatedAt)).Scan(&e.Seq)
	if err != nil {
		return shoot.Event{}, dbError(err, "append event")
	}
	return e, nil
}

// EventsAfter returns up to limit events of the session with Seq > after, in
// order (limit <= 0 means store.DefaultEventLimit). An unknown session has
// no events.
func (d *DB) EventsAfter(ctx context.Context, sessionID string, after int64, limit int) ([]shoot.Event, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, type, data, created_at FROM events
		WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		sessionID, after, store.EventLimit(limit))
	if err != nil {
		return nil, dbError(err, "read events")
	}
	defer rows.Close()
	list := []shoot.Event{}
	for rows.Next() {
		e := shoot.Event{SessionID: sessionID}
		if err := rows.Scan(&e.Seq, &e.Type, store.RawJSON(&e.Data), scanTime(&e.CreatedAt)); err != nil {
			return nil, dbError(err, "read event")
		}
		list = append(list, e)
	}
	return list, dbError(rows.Err(), "read events")
}
