package store

import (
	"context"
	"regexp"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Idempotency keeps the answers to requests sent with an Idempotency-Key
// header, so a client's retry is answered again instead of run again. It is
// a port of its own, next to Store and Auth; both implementations satisfy
// all three.
type Idempotency interface {
	// ClaimIdempotencyKey records k as in flight (State IdemRunning) unless
	// its (Owner, Key) is held already, and returns nil then. Otherwise it
	// returns the held record and changes nothing. A held record that has
	// expired, or that is still in flight without a session since before
	// staleBefore (its process died before it started anything), is replaced
	// as if it were not there.
	ClaimIdempotencyKey(ctx context.Context, k *IdemKey, staleBefore time.Time) (*IdemKey, error)
	// SaveIdempotencyKey writes k's state, answer and session over the
	// record of its (Owner, Key); a missing record is ENOTFOUND.
	SaveIdempotencyKey(ctx context.Context, k *IdemKey) error
	// DeleteIdempotencyKey forgets a key, so that the next request with it
	// runs afresh; a missing one is not an error.
	DeleteIdempotencyKey(ctx context.Context, owner, key string) error
	// DeleteExpiredIdempotencyKeys removes the records that expired before
	// now and returns how many.
	DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error)
}

// States of an idempotency record.
const (
	IdemRunning = "running" // the first request is still being answered
	IdemDone    = "done"    // the answer (or the stream's session) is kept
)

// IdempotencyTTL is how long a key and its answer are kept.
const IdempotencyTTL = 24 * time.Hour

// IdemKey is one idempotency record: who sent which key with which request
// (Fingerprint), and the answer to replay. A request that started a
// session's event stream keeps SessionID and AfterSeq instead of a body: its
// replay is the same events read again from the session's log.
type IdemKey struct {
	Owner       string
	Key         string
	Fingerprint string
	State       string
	Status      int
	Header      map[string]string // the answer's headers that matter on a replay
	Body        []byte
	SessionID   string
	AfterSeq    int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

var idemKeyRe = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// ValidIdempotencyKey reports whether key can be stored: 1–255 visible
// ASCII characters.
func ValidIdempotencyKey(key string) bool { return idemKeyRe.MatchString(key) }

// CheckIdemKey validates a record before it is stored and fills CreatedAt
// and ExpiresAt (CreatedAt + IdempotencyTTL) when they are zero.
func CheckIdemKey(k *IdemKey) error {
	switch {
	case k.Owner == "":
		return shoot.Errorf(shoot.EINVALID, "an idempotency key needs an owner")
	case !ValidIdempotencyKey(k.Key):
		return shoot.Errorf(shoot.EINVALID, "an idempotency key is 1–255 visible ASCII characters")
	case !hashRe.MatchString(k.Fingerprint):
		return shoot.Errorf(shoot.EINVALID, "an idempotency fingerprint is 64 hex digits")
	case k.State != IdemRunning && k.State != IdemDone:
		return shoot.Errorf(shoot.EINVALID, "unknown idempotency state %q", k.State)
	case k.Status < 0 || k.Status > 999 || k.AfterSeq < 0:
		return shoot.Errorf(shoot.EINVALID, "bad idempotency answer")
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = Now()
	}
	if k.ExpiresAt.IsZero() {
		k.ExpiresAt = k.CreatedAt.Add(IdempotencyTTL)
	}
	k.CreatedAt, k.ExpiresAt = Normalize(k.CreatedAt), Normalize(k.ExpiresAt)
	if k.Header == nil {
		k.Header = map[string]string{}
	}
	return nil
}
