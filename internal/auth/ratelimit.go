package auth

import (
	"math"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// DefaultMaxKeys bounds a limiter's memory: past it, the least recently
// used key is forgotten. A key in use is never the one dropped, so no
// amount of new keys (addresses cycled by a client) resets the bucket of
// one that is still being limited.
const DefaultMaxKeys = 10_000

// Limiter is a token bucket per key (a user name, or a client address):
// it holds up to a minute's worth of requests and refills evenly, so a page
// that fires many requests at once is fine while a client that keeps going
// is slowed to the configured rate. The buckets are golang.org/x/time/rate
// limiters in a bounded LRU. It is safe for concurrent use. Buckets live in
// this process: with several API processes each enforces the rate on its
// own share of the traffic.
type Limiter struct {
	perMin int
	now    func() time.Time

	mu      sync.Mutex // makes get-or-create and the bucket's use one step
	buckets *lru.Cache[string, *rate.Limiter]
}

// NewLimiter returns a limiter of perMin requests a minute per key, for up
// to DefaultMaxKeys keys; perMin <= 0 allows everything. now is the clock
// (nil: time.Now).
func NewLimiter(perMin int, now func() time.Time) *Limiter {
	return NewLimiterSize(perMin, DefaultMaxKeys, now)
}

// NewLimiterSize is NewLimiter remembering at most maxKeys keys.
func NewLimiterSize(perMin, maxKeys int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	c, _ := lru.New[string, *rate.Limiter](max(maxKeys, 1)) // only a size < 1 fails
	return &Limiter{perMin: perMin, now: now, buckets: c}
}

// Allow takes one request from key's bucket. When the bucket is empty it
// returns false and how long until the next request would be allowed.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.perMin <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucket(key)
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, max(wait, time.Second)
	}
	return true, 0
}

// Quota describes key's bucket for RateLimit-* headers.
type Quota struct {
	Limit     int           // requests a full bucket holds (a minute's worth)
	Remaining int           // requests key could make right now
	Reset     time.Duration // until the bucket is full again
}

// Quota returns key's state without taking a request; ok is false when the
// limiter does not limit.
func (l *Limiter) Quota(key string) (Quota, bool) {
	if l == nil || l.perMin <= 0 {
		return Quota{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tokens := float64(l.perMin)
	if b, ok := l.buckets.Peek(key); ok {
		tokens = math.Max(0, b.TokensAt(l.now()))
	}
	missing := float64(l.perMin) - tokens
	return Quota{Limit: l.perMin, Remaining: int(tokens),
		Reset: time.Duration(missing / float64(l.perMin) * float64(time.Minute))}, true
}

// Remaining returns how many requests key could make right now, or -1 when
// the limiter does not limit.
func (l *Limiter) Remaining(key string) int {
	q, ok := l.Quota(key)
	if !ok {
		return -1
	}
	return q.Remaining
}

// bucket returns key's bucket, creating a full one. Called with mu held.
func (l *Limiter) bucket(key string) *rate.Limiter {
	if b, ok := l.buckets.Get(key); ok {
		return b
	}
	b := rate.NewLimiter(rate.Limit(float64(l.perMin)/60), l.perMin)
	l.buckets.Add(key, b)
	return b
}
