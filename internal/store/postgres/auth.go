package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var _ store.Auth = (*DB)(nil)

const tokenColumns = `id, name, hash, admin, created_at, last_used_at, revoked_at`

// CreateToken records t. A name with an active token is ECONFLICT.
func (d *DB) CreateToken(ctx context.Context, t *store.Token) error {
	if err := store.CheckToken(t); err != nil {
		return err
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO tokens (name, hash, admin, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, t.Name, t.Hash, t.Admin, t.CreatedAt).Scan(&t.ID)
	if shoot.ErrorCode(dbError(err, "")) == shoot.ECONFLICT {
		return shoot.Wrap(err, shoot.ECONFLICT, "A token named "+t.Name+" already exists; revoke it first.")
	}
	return dbError(err, "insert token")
}

// ListTokens returns every token, oldest first.
func (d *DB) ListTokens(ctx context.Context) ([]*store.Token, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, dbError(err, "list tokens")
	}
	defer rows.Close()
	list := []*store.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, dbError(err, "read token")
		}
		list = append(list, t)
	}
	return list, dbError(rows.Err(), "list tokens")
}

// RevokeToken revokes name's active token and ends its browser sessions.
func (d *DB) RevokeToken(ctx context.Context, name string, at time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL
			RETURNING id`, store.Normalize(at), name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.NotFound("Token")
		}
		if err != nil {
			return dbError(err, "revoke token")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_id = $1`, id)
		return dbError(err, "end browser sessions")
	})
}

// TokenByHash returns the active token with hash.
func (d *DB) TokenByHash(ctx context.Context, hash string) (*store.Token, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash)
	return oneToken(row)
}

// TouchToken records a use of the token, at most once per TouchInterval.
func (d *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	at = store.Normalize(at)
	_, err := d.db.ExecContext(ctx, `UPDATE tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`, at, id, at.Add(-store.TouchInterval))
	return dbError(err, "touch token")
}

// CreateWebSession records a browser sign-in for an active token.
func (d *DB) CreateWebSession(ctx context.Context, ws *store.WebSession) error {
	if err := store.CheckWebSession(ws); err != nil {
		return err
	}
	res, err := d.db.ExecContext(ctx, `INSERT INTO web_sessions (id_hash, token_id, created_at, expires_at)
		SELECT $1, id, $2, $3 FROM tokens WHERE id = $4 AND revoked_at IS NULL`,
		ws.IDHash, ws.CreatedAt, ws.ExpiresAt, ws.TokenID)
	if err != nil {
		return dbError(err, "insert browser session")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return store.NotFound("Token")
	}
	return nil
}

// WebSessionToken returns the active token behind an unexpired session.
func (d *DB) WebSessionToken(ctx context.Context, idHash string, now time.Time) (*store.Token, error) {
	row := d.db.QueryRowContext(ctx, `SELECT t.id, t.name, t.hash, t.admin, t.created_at, t.last_used_at,
		t.revoked_at FROM web_sessions w JOIN tokens t ON t.id = w.token_id
		WHERE w.id_hash = $1 AND w.expires_at > $2 AND t.revoked_at IS NULL`, idHash, store.Normalize(now))
	return oneToken(row)
}

// DeleteWebSession removes one browser session.
func (d *DB) DeleteWebSession(ctx context.Context, idHash string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash)
	return dbError(err, "delete browser session")
}

// DeleteExpiredWebSessions removes sessions that expired before now.
func (d *DB) DeleteExpiredWebSessions(ctx context.Context, now time.Time) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_at <= $1`, store.Normalize(now))
	return dbError(err, "delete expired browser sessions")
}

// rowScanner is what *sql.Row and *sql.Rows share.
type rowScanner interface{ Scan(dest ...any) error }

func scanToken(r rowScanner) (*store.Token, error) {
	var t store.Token
	var used, revoked time.Time
	usedDest, revokedDest := scanTime(&used), scanTime(&revoked)
	if err := r.Scan(&t.ID, &t.Name, &t.Hash, &t.Admin, scanTime(&t.CreatedAt), usedDest, revokedDest); err != nil {
		return nil, err
	}
	t.LastUsedAt, t.RevokedAt = usedDest.ptr(), revokedDest.ptr()
	return &t, nil
}

func oneToken(row *sql.Row) (*store.Token, error) {
	t, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Token")
	}
	if err != nil {
		return nil, dbError(err, "read token")
	}
	return t, nil
}
