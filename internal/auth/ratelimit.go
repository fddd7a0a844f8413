package auth

import (
	"math"
	"sync"
	"time"
)

// maxBuckets bounds the limiter's memory: past it, buckets that have
// refilled completely (idle keys) are dropped, which loses nothing.
const maxBuckets = 10_000

// Limiter is a token bucket per key (a user name, or a client address for
// failed sign-ins): it holds up to a minute's worth of requests and refills
// evenly, so a page that fires many requests at once is fine while a client
// that keeps going is slowed to the configured rate. It is safe for
// concurrent use. Buckets live in this process: with several API processes
// each enforces the rate on its own share of the traffic.
type Limiter struct {
	perMin float64
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter of perMin requests a minute per key; perMin
// <= 0 allows everything. now is the clock (nil: time.Now).
func NewLimiter(perMin int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{perMin: float64(perMin), now: now, buckets: map[string]*bucket{}}
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
	b := l.bucket(key, now)
	b.tokens = math.Min(l.perMin, b.tokens+now.Sub(b.at).Minutes()*l.perMin)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.perMin * float64(time.Minute))
	return false, max(wait, time.Second)
}

// Remaining returns how many requests key could make right now.
func (l *Limiter) Remaining(key string) int {
	if l == nil || l.perMin <= 0 {
		return -1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return int(l.perMin)
	}
	return int(math.Min(l.perMin, b.tokens+l.now().Sub(b.at).Minutes()*l.perMin))
}

// bucket returns key's bucket, creating a full one. Called with mu held.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if len(l.buckets) >= maxBuckets {
		l.sweep(now)
	}
	b := &bucket{tokens: l.perMin, at: now}
	l.buckets[key] = b
	return b
}

// sweep drops buckets that have refilled to full; if every bucket is in
// use, it drops them all rather than grow without bound.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Minutes()*l.perMin >= l.perMin {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}
