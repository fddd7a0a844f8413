package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/fashionshoot/shoot/internal/store"
)

var _ store.Idempotency = (*Store)(nil)

const idemColumns = `owner, idem_key, fingerprint, state, status, header, body, session_id, after_seq,
	created_at, expires_at`

// ClaimIdempotencyKey records k as in flight unless its key is held; see
// store.Idempotency.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, k *store.IdemKey, staleBefore time.Time) (*store.IdemKey, error) {
	if err := store.CheckIdemKey(k); err != nil {
		return nil, err
	}
	header, _ := json.Marshal(k.Header)
	// A race with the sweeper can delete the held row between the insert
	// and the read; the next round then claims it.
	for range 3 {
		var owner string
		err := s.c().row(ctx, `INSERT INTO idempotency_keys (`+idemColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (owner, idem_key) DO UPDATE SET fingerprint = excluded.fingerprint,
				state = excluded.state, status = excluded.status, header = excluded.header,
				body = excluded.body, session_id = excluded.session_id, after_seq = excluded.after_seq,
				created_at = excluded.created_at, expires_at = excluded.expires_at
			WHERE idempotency_keys.expires_at <= excluded.created_at
				OR (idempotency_keys.state = 'running' AND idempotency_keys.session_id = ''
					AND idempotency_keys.created_at <= $12)
			RETURNING owner`,
			k.Owner, k.Key, k.Fingerprint, k.State, k.Status, string(header), k.Body, k.SessionID, k.AfterSeq,
			s.Time(k.CreatedAt), s.Time(k.ExpiresAt), s.Time(staleBefore)).Scan(&owner)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, s.Err(err, "claim idempotency key")
		}
		held, err := s.idemKey(ctx, k.Owner, k.Key)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return held, s.Err(err, "read idempotency key")
		}
	}
	return nil, s.Err(errors.New("idempotency key claimed and swept over and over"), "claim idempotency key")
}

func (s *Store) idemKey(ctx context.Context, owner, key string) (*store.IdemKey, error) {
	var k store.IdemKey
	var header string
	err := s.c().row(ctx, `SELECT `+idemColumns+` FROM idempotency_keys
		WHERE owner = $1 AND idem_key = $2`, owner, key).
		Scan(&k.Owner, &k.Key, &k.Fingerprint, &k.State, &k.Status, &header, &k.Body, &k.SessionID,
			&k.AfterSeq, scanTime(&k.CreatedAt), scanTime(&k.ExpiresAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(header), &k.Header); err != nil {
		return nil, err
	}
	return &k, nil
}

// SaveIdempotencyKey writes k's state, answer and session.
func (s *Store) SaveIdempotencyKey(ctx context.Context, k *store.IdemKey) error {
	if err := store.CheckIdemKey(k); err != nil {
		return err
	}
	header, _ := json.Marshal(k.Header)
	res, err := s.c().exec(ctx, `UPDATE idempotency_keys SET state = $1, status = $2, header = $3,
		body = $4, session_id = $5, after_seq = $6 WHERE owner = $7 AND idem_key = $8`,
		k.State, k.Status, string(header), k.Body, k.SessionID, k.AfterSeq, k.Owner, k.Key)
	if err != nil {
		return s.Err(err, "save idempotency key")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.NotFound("Idempotency key")
	}
	return nil
}

// DeleteIdempotencyKey forgets one key.
func (s *Store) DeleteIdempotencyKey(ctx context.Context, owner, key string) error {
	_, err := s.c().exec(ctx, `DELETE FROM idempotency_keys WHERE owner = $1 AND idem_key = $2`, owner, key)
	return s.Err(err, "delete idempotency key")
}

// DeleteExpiredIdempotencyKeys removes the records that expired before now.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.c().exec(ctx, `DELETE FROM idempotency_keys WHERE expires_at <= $1`, s.Time(now))
	if err != nil {
		return 0, s.Err(err, "sweep idempotency keys")
	}
	n, _ := res.RowsAffected()
	return n, nil
}
