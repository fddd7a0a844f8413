package claude

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/retry"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Retry bounds the director's retries of a model call. The SDK's own
// retries are switched off (option.WithMaxRetries(0) in clientOptions), and
// the call runs under the studio's one retry policy (internal/retry), so one
// loop with these knobs covers HTTP errors, errors sent inside the stream
// and streams cut short alike. The loop sits around the whole streamed call
// rather than in the HTTP client because a stream can fail after its 200
// answer, which an HTTP-level retry cannot see.
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

// policy is r as the studio's retry policy: exponential backoff with
// jitter from BaseDelay, each wait (a server's retry-after included) capped
// at MaxDelay.
func (r Retry) policy() retry.Policy {
	return retry.Policy{Attempts: r.Attempts, Base: r.BaseDelay, Max: r.MaxDelay, MaxRetryAfter: r.MaxDelay}
}

// transient marks err for another try when it is worth one, carrying the
// server's retry-after; otherwise it returns err unchanged. Overload, rate
// limits, server errors and broken streams are worth a retry; a refused key
// or a malformed request are not; a cancelled context ends the turn.
func (d *Director) transient(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) {
		return &retry.TransientError{Err: err} // a network failure or a stream cut short
	}
	after, _ := retryAfter(apiErr.Response)
	t := &retry.TransientError{Err: err, After: after, Status: apiErr.StatusCode}
	switch apiErr.Type() {
	case "overloaded_error", "rate_limit_error", "api_error", "timeout_error":
		return t
	}
	switch code := apiErr.StatusCode; {
	case code == http.StatusOK: // an error event inside a stream that had started
		return t
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return t
	}
	return err
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
