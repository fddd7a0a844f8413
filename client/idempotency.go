package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
)

// IdempotencyKeyHeader is the header every POST of this client carries: the
// studio answers a repeat of the same key and body with the first answer
// instead of running (and paying for) the action twice.
const IdempotencyKeyHeader = "Idempotency-Key"

type idemKey struct{}

// WithIdempotencyKey makes the POST sent with ctx carry key. Retrying an
// action with the same key is safe; without one, every call draws a fresh
// key (one per action).
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idemKey{}, key)
}

// NewIdempotencyKey returns a random (version 4) UUID.
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// idempotencyKey is ctx's key or a fresh one, as a structured-field string.
func idempotencyKey(ctx context.Context) string {
	key, _ := ctx.Value(idemKey{}).(string)
	if key == "" {
		key = NewIdempotencyKey()
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(key) + `"`
}
