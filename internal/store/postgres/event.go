package postgres

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlstore"
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
	e, err := sqlstore.NewEvent(sessionID, typ, data)
	if err != nil {
		return e, err
	}
	var notified any
	err = d.QueryRow(ctx, `WITH counter AS (
			INSERT INTO event_counters AS c (session_id, last_seq) VALUES ($1, 1)
			ON CONFLICT (session_id) DO UPDATE SET last_seq = c.last_seq + 1
			RETURNING last_seq
		), inserted AS (
			INSERT INTO events (session_id, seq, type, data, created_at)
			SELECT $1, last_seq, $2, $3::json, $4 FROM counter
			RETURNING seq
		)
		SELECT seq, pg_notify('`+EventChannel+`', $1::text || ':' || seq) FROM inserted`,
		sessionID, typ, string(data), d.Time(e.CreatedAt)).Scan(&e.Seq, &notified)
	if err != nil {
		return shoot.Event{}, d.Err(err, "append event")
	}
	return e, nil
}
