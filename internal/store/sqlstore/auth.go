package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var _ store.Auth = (*Store)(nil)

const tokenColumns = `id, name, hash, admin, created_at, last_used_at, revoked_at`

// CreateToken records t. A name with an active token is ECONFLICT.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	if err := store.CheckToken(t); err != nil {
		return err
	}
	err := s.c().row(ctx, `INSERT INTO tokens (name, hash, admin, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, t.Name, t.Hash, t.Admin, s.Time(t.CreatedAt)).Scan(&t.ID)
	if shoot.ErrorCode(s.Err(err, "")) == shoot.ECONFLICT {
		return shoot.Wrap(err, shoot.ECONFLICT, "A token named "+t.Name+" already exists; revoke it first.")
	}
	return s.Err(err, "insert token")
}

// ListTokens returns every token, oldest first.
func (s *Store) ListTokens(ctx context.Context) ([]*store.Token, error) {
	return list(ctx, s.c(), "tokens", scanToken, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
}

// RevokeToken revokes name's active token and ends its browser sessions.
func (s *Store) RevokeToken(ctx context.Context, name string, at time.Time) error {
	return s.inTx(ctx, func(tx conn) error {
		var id int64
		err := tx.row(ctx, `UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL
			RETURNING id`, s.Time(at), name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.NotFound("Token")
		}
		if err != nil {
			return s.Err(err, "revoke token")
		}
		_, err = tx.exec(ctx, `DELETE FROM web_sessions WHERE token_id = $1`, id)
		return s.Err(err, "end browser sessions")
	})
}

// TokenByHash returns the active token with hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*store.Token, error) {
	return one(ctx, s.c(), "Token", scanToken, `SELECT `+tokenColumns+` FROM tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash)
}

// TouchToken records a use of the token, at most once per TouchInterval.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.c().exec(ctx, `UPDATE tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`, s.Time(at), id, s.Time(at.Add(-store.TouchInterval)))
	return s.Err(err, "touch token")
}

// CreateWebSession records a browser sign-in for an active token.
func (s *Store) CreateWebSession(ctx context.Context, ws *store.WebSession) error {
	if err := store.CheckWebSession(ws); err != nil {
		return err
	}
	res, err := s.c().exec(ctx, `INSERT INTO web_sessions (id_hash, token_id, created_at, expires_at)
		SELECT $1, id, $2, $3 FROM tokens WHERE id = $4 AND revoked_at IS NULL`,
		ws.IDHash, s.Time(ws.CreatedAt), s.Time(ws.ExpiresAt), ws.TokenID)
	if err != nil {
		return s.Err(err, "insert browser session")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return store.NotFound("Token")
	}
	return nil
}

// WebSessionToken returns the active token behind an unexpired session.
func (s *Store) WebSessionToken(ctx context.Context, idHash string, now time.Time) (*store.Token, error) {
	return one(ctx, s.c(), "Token", scanToken, `SELECT t.id, t.name, t.hash, t.admin, t.created_at,
		t.last_used_at, t.revoked_at FROM web_sessions w JOIN tokens t ON t.id = w.token_id
		WHERE w.id_hash = $1 AND w.expires_at > $2 AND t.revoked_at IS NULL`, idHash, s.Time(now))
}

// DeleteWebSession removes one browser session.
func (s *Store) DeleteWebSession(ctx context.Context, idHash string) error {
	_, err := s.c().exec(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash)
	return s.Err(err, "delete browser session")
}

// DeleteExpiredWebSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredWebSessions(ctx context.Context, now time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM web_sessions WHERE expires_at <= $1`, s.Time(now))
	return s.Err(err, "delete expired browser sessions")
}

func scanToken(r *sql.Rows) (*store.Token, error) {
	var t store.Token
	var used, revoked time.Time
	usedDest, revokedDest := scanTime(&used), scanTime(&revoked)
	if err := r.Scan(&t.ID, &t.Name, &t.Hash, &t.Admin, scanTime(&t.CreatedAt), usedDest, revokedDest); err != nil {
		return nil, err
	}
	t.LastUsedAt, t.RevokedAt = usedDest.ptr(), revokedDest.ptr()
	return &t, nil
}
