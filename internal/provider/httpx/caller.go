package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/fashionshoot/shoot/internal/retry"
)

// Request is one logical HTTP call. Header is called before every try so a
// client can mint a fresh token each time (Kling's JWTs).
type Request struct {
	Method string
	URL    string
	Body   []byte
	// ContentType of Body; empty means no Content-Type header.
	ContentType string
	Header      func() (http.Header, error)
	// Op names the call in logs and errors ("submit", "status", …).
	Op string
}

// Response is a finished, fully read HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Classifier decides whether an answer is transient. It returns nil for an
// answer the caller should interpret, or a *TransientError to retry.
type Classifier func(r *Response, now time.Time) error

// DefaultClassifier treats 5xx and 429 as transient, honouring Retry-After.
func DefaultClassifier(r *Response, now time.Time) error {
	if r.Status >= 500 || r.Status == http.StatusTooManyRequests {
		return &TransientError{
			Err:    fmt.Errorf("HTTP %d", r.Status),
			After:  retry.After(r.Header, now),
			Status: r.Status,
			Body:   r.Body,
		}
	}
	return nil
}

// Caller sends Requests with a per-try timeout and retries transient
// failures according to Policy.
type Caller struct {
	HTTP *http.Client
	// Timeout bounds one try (connect, send, whole body read).
	Timeout time.Duration
	Policy  Policy
	// MaxBody caps how much of an answer is read; more is an error.
	MaxBody int64
	// Classify picks transient answers; nil means DefaultClassifier.
	Classify Classifier
	Logger   *slog.Logger
	// Now is the clock for Retry-After dates; nil means time.Now.
	Now func() time.Time
}

// Call sends req, retrying transient failures. It returns the first
// non-transient answer (2xx, or a 4xx the caller must interpret), a
// *TransientError when the tries ran out, or ctx's error.
func (c *Caller) Call(ctx context.Context, req Request) (*Response, error) {
	var resp *Response
	op := func(ctx context.Context) error {
		r, err := c.try(ctx, req)
		if err != nil {
			return err
		}
		resp = r
		return nil
	}
	err := c.Policy.Do(ctx, op, func(attempt int, wait time.Duration, err error) {
		c.logger().Debug("provider call retry", "op", req.Op, "attempt", attempt, "wait", wait, "error", err)
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// try makes one attempt under its own timeout.
func (c *Caller) try(ctx context.Context, req Request) (*Response, error) {
	tctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	hreq, err := c.build(tctx, req)
	if err != nil {
		return nil, err
	}
	hresp, err := c.client().Do(hreq)
	if err != nil {
		return nil, c.networkError(ctx, req, err)
	}
	defer hresp.Body.Close()
	body, err := readLimited(hresp.Body, c.maxBody())
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("%s: answer larger than %d bytes", req.Op, c.maxBody())
		}
		return nil, c.networkError(ctx, req, err)
	}
	r := &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: body}
	if err := c.classify()(r, c.now()); err != nil {
		return nil, err
	}
	return r, nil
}

// build makes the http.Request with fresh headers.
func (c *Caller) build(ctx context.Context, req Request) (*http.Request, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: bad request URL: %w", req.Op, StripURL(err))
	}
	if req.Header != nil {
		h, err := req.Header()
		if err != nil {
			return nil, err
		}
		for k, vs := range h {
			hreq.Header[k] = vs
		}
	}
	if req.ContentType != "" {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	return hreq, nil
}

// networkError turns a transport failure into a transient error, unless the
// caller's own context ended (then there is nothing left to retry).
func (c *Caller) networkError(ctx context.Context, req Request, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &TransientError{Err: fmt.Errorf("%s: %w", req.Op, StripURL(err))}
}

// StripURL drops the URL from a *url.Error: signed upload and download URLs
// carry credentials and must not reach logs or error messages.
func StripURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if uerr.Timeout() {
			return fmt.Errorf("%s: timed out", uerr.Op)
		}
		return fmt.Errorf("%s: %w", uerr.Op, uerr.Err)
	}
	return err
}

var errTooLarge = errors.New("body too large")

// readLimited reads all of r, failing with errTooLarge past limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

func (c *Caller) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Caller) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 60 * time.Second
}

func (c *Caller) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return 8 << 20
}

func (c *Caller) classify() Classifier {
	if c.Classify != nil {
		return c.Classify
	}
	return DefaultClassifier
}

func (c *Caller) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Caller) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}
