package claude

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/retry"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Retry bounds the director's own retries of a model call. The SDK's
// retries are switched off so that one loop, with these knobs, covers HTTP
// errors, errors sent inside the stream and streams cut short alike.
type Retry struct {
	// Attempts is the number of tries per model call, the first included;
	// default 5.
	Attempts int
	// BaseDelay is the wait before the second try, doubling after each
	// failure; default 1 s.
	BaseDelay time.Duration
	// MaxDelay caps each wait, including a server's retry-after; default 30 s.
	MaxDelay time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = time.Second
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 30 * time.Second
	}
	return r
}

// backoff is the wait before try attempt+1: exponential with some jitter so
// workers that failed together do not retry together.
func (r Retry) backoff(attempt int) time.Duration {
	d := r.BaseDelay << min(attempt-1, 20)
	if d <= 0 || d > r.MaxDelay {
		d = r.MaxDelay
	}
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// classify says whether err is worth another try, and how long to wait.
// Overload, rate limits, server errors and broken streams are; a refused
// key or a malformed request are not; a cancelled context ends the turn.
func (d *Director) classify(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	wait := d.retry.backoff(attempt)
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) {
		return wait, true // a network failure or a stream cut short
	}
	if after, ok := retryAfter(apiErr.Response); ok {
		wait = min(after, d.retry.MaxDelay)
	}
	switch apiErr.Type() {
	case "overloaded_error", "rate_limit_error", "api_error", "timeout_error":
		return wait, true
	}
	switch code := apiErr.StatusCode; {
	case code == http.StatusOK: // an error event inside a stream that had started
		return wait, true
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return wait, true
	}
	return 0, false
}

// retryAfter reads the server's wish with the studio's one parser
// (retry-after-ms, or Retry-After in seconds or as a date).
func retryAfter(res *http.Response) (time.Duration, bool) {
	if res == nil {
		return 0, false
	}
	d := retry.After(res.Header, time.Now())
	return d, d > 0
}

// permanent maps an error no retry can fix to a *shoot.Error with a message
// safe to show the user.
func (d *Director) permanent(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) {
		return shoot.Wrap(d.redact(err), shoot.EINTERNAL, "the Claude director failed")
	}
	kind := string(apiErr.Type())
	switch apiErr.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return shoot.Wrap(d.redact(err), shoot.EUNAUTHORIZED, "the Anthropic API did not accept the API key; check ANTHROPIC_API_KEY")
	case http.StatusPaymentRequired:
		return shoot.Wrap(d.redact(err), shoot.ELIMIT, "the Anthropic account has no credit or reached its spend limit")
	case http.StatusRequestEntityTooLarge:
		return shoot.Wrap(d.redact(err), shoot.ETOOLARGE, "the conversation is too large for the Anthropic API")
	case http.StatusNotFound:
		return shoot.Wrap(d.redact(err), shoot.EINVALID, "the Anthropic API does not know model "+d.model+"; check SHOOT_CLAUDE_MODEL")
	}
	return shoot.Wrap(d.redact(err), shoot.EINVALID, "the Anthropic API refused the director's request ("+firstNonEmpty(kind, "invalid_request_error")+")")
}

// unavailable is the error after the last retry: transient, so the engine
// may run the whole turn again later.
func (d *Director) unavailable(err error) error {
	return shoot.Wrap(d.redact(err), shoot.EUNAVAILABLE, "the Claude API is unavailable right now; try again shortly")
}

// redact removes the API key from an error's text, in case a proxy or the
// SDK ever echoes it. The result does not unwrap to the original, so the
// key cannot leak through a caller that formats the chain.
func (d *Director) redact(err error) error {
	if d.key == "" || err == nil || !strings.Contains(err.Error(), d.key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), d.key, "[redacted]"))
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
