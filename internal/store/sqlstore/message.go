package sqlstore

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// AppendMessage adds an entry to the session's conversation and assigns its
// ID and CreatedAt. Content is kept byte for byte.
func (s *Store) AppendMessage(ctx context.Context, m *shoot.Message) error {
	if err := store.CheckMessage(m); err != nil {
		return err
	}
	err := s.c().row(ctx, `INSERT INTO messages (session_id, role, content, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`,
		m.SessionID, m.Role, string(m.Content), s.Time(m.CreatedAt)).Scan(&m.ID)
	return s.Err(err, "insert message")
}

// ListMessages returns the session's conversation in the order it was
// appended.
func (s *Store) ListMessages(ctx context.Context, sessionID string) ([]*shoot.Message, error) {
	return list(ctx, s.c(), "messages", func(row *sql.Rows) (*shoot.Message, error) {
		m := &shoot.Message{SessionID: sessionID}
		return m, row.Scan(&m.ID, &m.Role, scanRawJSON(&m.Content), scanTime(&m.CreatedAt))
	}, `SELECT id, role, content, created_at FROM messages WHERE session_id = $1 ORDER BY id`, sessionID)
}
