// Package retry is the one retry policy of the studio's outbound calls
// (image and video providers, the director's model): exponential backoff
// with jitter, bounded tries, and one reading of a server's wish to wait
// (Retry-After as delta-seconds or an HTTP date, and retry-after-ms).
//
// It knows nothing about any one service: callers mark what is worth
// another try by returning a *TransientError.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy says how often and how patiently a call is retried.
type Policy struct {
	// Attempts is the total number of tries, the first included (≥ 1).
	Attempts int
	// Base is the backoff before the second try; it doubles per try.
	Base time.Duration
	// Max caps one backoff.
	Max time.Duration
	// MaxRetryAfter caps a server's Retry-After so one call stays bounded;
	// a longer wait is the job queue's business, not this call's.
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx ends. Tests inject an instant one.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultPolicy is four tries with 0.5 s, 1 s, 2 s backoff (jittered),
// honouring Retry-After up to 30 s.
func DefaultPolicy() Policy {
	return Policy{Attempts: 4, Base: 500 * time.Millisecond, Max: 8 * time.Second, MaxRetryAfter: 30 * time.Second}
}

// withDefaults fills zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.Attempts < 1 {
		p.Attempts = d.Attempts
	}
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	if p.Sleep == nil {
		p.Sleep = SleepContext
	}
	return p
}

// Backoff returns the jittered wait before try n+1 (n counts from 1): the
// exponential delay halved plus a random share of the other half, so
// concurrent clients spread out instead of retrying in step.
func (p Policy) Backoff(n int) time.Duration {
	p = p.withDefaults()
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// TransientError marks a failure worth retrying. After, when set, is how
// long the server asked us to wait.
type TransientError struct {
	Err   error
	After time.Duration
	// Status is the HTTP status of the last answer, 0 for network errors.
	Status int
	// Body is the last answer's body (for the provider's message).
	Body []byte
}

// Error returns the cause's text.
func (e *TransientError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *TransientError) Unwrap() error { return e.Err }

// IsTransient reports whether err (or its chain) is a *TransientError.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}

// Do runs op until it succeeds, fails with a non-transient error, the tries
// run out (the last *TransientError is returned) or ctx ends (ctx.Err()).
// onRetry, if not nil, hears about every retry before its wait.
func (p Policy) Do(ctx context.Context, op func(ctx context.Context) error, onRetry func(attempt int, wait time.Duration, err error)) error {
	p = p.withDefaults()
	var err error
	for attempt := 1; ; attempt++ {
		if err = op(ctx); err == nil || !IsTransient(err) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= p.Attempts {
			return err
		}
		wait := p.wait(attempt, err)
		if onRetry != nil {
			onRetry(attempt, wait, err)
		}
		if serr := p.Sleep(ctx, wait); serr != nil {
			return serr
		}
	}
}

// wait picks the server's Retry-After when it gave one, else the backoff.
func (p Policy) wait(attempt int, err error) time.Duration {
	var t *TransientError
	if errors.As(err, &t) && t.After > 0 {
		return min(t.After, p.MaxRetryAfter)
	}
	return p.Backoff(attempt)
}

// SleepContext waits d or until ctx ends, returning ctx.Err() then.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// After reads how long a server asked us to wait before trying again:
// the retry-after-ms header (milliseconds, as some APIs send), else
// Retry-After as delta-seconds or an HTTP date (RFC 9110, section 10.2.3).
// It returns 0 for a missing, malformed, negative or past value.
func After(h http.Header, now time.Time) time.Duration {
	if ms := strings.TrimSpace(h.Get("Retry-After-Ms")); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v > 0 && v < 1e12 {
			return time.Duration(v * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > 1e9 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	when, err := http.ParseTime(v)
	if err != nil || !when.After(now) {
		return 0
	}
	return when.Sub(now)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
