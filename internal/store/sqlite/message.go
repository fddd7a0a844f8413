package sqlite

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendMessage adds an entry to the session's conversation and assigns its
// ID and CreatedAt. Content is kept byte for byte.
func (d *DB) AppendMessage(ctx context.Context, m *shoot.Message) error {
	if err := store.CheckMessage(m); err != nil {
		return err
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO messages (session_id, role, content, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`,
		m.SessionID, m.Role, string(m.Content), formatTime(m.CreatedAt)).Scan(&m.ID)
	return dbError(err, "insert message")
}

// ListMessages returns the session's conversation in the order it was
// appended.
func (d *DB) ListMessages(ctx context.Context, sessionID string) ([]*shoot.Message, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, role, content, created_at FROM messages
		WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, dbError(err, "list messages")
	}
	defer rows.Close()
	list := []*shoot.Message{}
	for rows.Next() {
		m := &shoot.Message{SessionID: sessionID}
		if err := rows.Scan(&m.ID, &m.Role, store.RawJSON(&m.Content), scanTime(&m.CreatedAt)); err != nil {
			return nil, dbError(err, "read message")
		}
		list = append(list, m)
	}
	return list, dbError(rows.Err(), "list messages")
}
