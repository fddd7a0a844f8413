package sqlstore

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendEvent is the adapters' own: numbering events is where the two
// databases differ most. NewEvent and the query below are shared.

// NewEvent checks an event to append and returns it with its time set.
func NewEvent(sessionID, typ string, data []byte) (shoot.Event, error) {
	if err := store.CheckEvent(sessionID, typ, data); err != nil {
		return shoot.Event{}, err
	}
	return shoot.Event{SessionID: sessionID, Type: typ, Data: append([]byte(nil), data...), CreatedAt: store.Now()}, nil
}

// EventsAfter returns up to limit events of the session with Seq > after, in
// order (limit <= 0 means store.DefaultEventLimit). An unknown session has
// no events.
func (s *Store) EventsAfter(ctx context.Context, sessionID string, after int64, limit int) ([]shoot.Event, error) {
	return list(ctx, s.c(), "events", func(row *sql.Rows) (shoot.Event, error) {
		e := shoot.Event{SessionID: sessionID}
		err := row.Scan(&e.Seq, &e.Type, scanRawJSON(&e.Data), scanTime(&e.CreatedAt))
		return e, err
	}, `SELECT seq, type, data, created_at FROM events
		WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		sessionID, after, store.EventLimit(limit))
}
