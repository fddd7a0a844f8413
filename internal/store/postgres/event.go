package postgres

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// EventChannel is the NOTIFY channel AppendEvent announces events on, with
// the payload "<sessionID>:<seq>".
const EventChannel = "shoot_events"

// AppendEvent adds an event to the session's log with the next sequence
// number and announces it on EventChannel, in one statement: the counter
// row's lock serialises appenders of a session (also across processes) and
// a failed insert rolls the counter back, so numbers are gapless and never
// repeat. The notification is delivered when the statement commits. A
// missing session is ENOTFOUND.
func (d *DB) AppendEvent(ctx context.Context, sessionID, typ string, data []byte) (shoot.Event, error) {
	if err := store.CheckEvent(sessionID, typ, data); err != nil {
		return shoot.Event{}, err
	}
	e := shoot.Event{SessionID: sessionID, Type: typ, Data: append([]byte(nil), data...), CreatedAt: store.Now()}
	var notified any
	err := d.db.QueryRowContext(ctx, `WITH counter AS (
			INSERT INTO event_counters AS c (session_id, last_seq) VALUES ($1, 1)
			ON CONFLICT (session_id) DO UPDATE SET last_seq = c.last_seq + 1
			RETURNING last_seq
		), inserted AS (
			INSERT INTO events (session_id, seq, type, data, created_at)
			SELECT $1, last_seq, $2, $3::json, $4 FROM counter
			RETURNING seq
		)
		SELECT seq, pg_notify('`+EventChannel+`', $1::text || ':' || seq) FROM inserted`,
		sessionID, typ, string(data), e.CreatedAt).Scan(&e.Seq, &notified)
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
		WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
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
