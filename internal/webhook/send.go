package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// maxRedirects bounds how many redirects one delivery follows; each one's
// connection is checked against the policy like the first.
const maxRedirects = 3

// Sender delivers signed webhook requests within a Policy.
type Sender struct {
	client *http.Client
}

// DialFunc connects to one checked address ("ip:port"); net.Dialer's
// DialContext is one.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// SenderOptions configure a Sender.
type SenderOptions struct {
	// Policy says which addresses may be reached.
	Policy Policy
	// Resolver looks names up; nil is the system resolver.
	Resolver Resolver
	// Dial makes the connection to an address the policy permitted; nil is
	// a plain dialer. Tests use it to stand a local server behind a
	// public-looking address.
	Dial DialFunc
	// Timeout bounds one attempt, answer included; 0 means 15 s.
	Timeout time.Duration
}

// NewSender returns a Sender with the system resolver and dialer; see New.
func NewSender(p Policy, r Resolver, timeout time.Duration) *Sender {
	return New(SenderOptions{Policy: p, Resolver: r, Timeout: timeout})
}

// New returns a Sender whose every connection, the first and each
// redirect's, resolves its host once, checks each address against the
// policy and connects to a checked address: redirects are followed (at most
// maxRedirects), but a redirect to a refused address fails like a refused
// URL. Proxies from the environment are not used: a proxy would make the
// connection on our behalf, unchecked.
func New(o SenderOptions) *Sender {
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Dial == nil {
		o.Dial = (&net.Dialer{Timeout: 10 * time.Second}).DialContext
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           o.Policy.dialContext(o.Resolver, o.Dial),
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
	return &Sender{client: &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: checkRedirect}}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("webhook: more than %d redirects", maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("webhook: redirect to a %s URL", req.URL.Scheme)
	}
	// A redirect is a new request the receiver did not sign up for; never
	// let it carry the signature to another host.
	if req.URL.Host != via[0].URL.Host {
		for _, h := range []string{HeaderID, HeaderTimestamp, HeaderSignature} {
			req.Header.Del(h)
		}
	}
	return nil
}

// Message is one delivery's content: its id (the same on every retry, so
// receivers can drop duplicates), its time and its JSON body.
type Message struct {
	ID   string
	At   time.Time
	Body []byte
}

// Result is how one attempt went.
type Result struct {
	// Status is the receiver's HTTP status, 0 when there was no answer.
	Status int
	// Err is why the attempt failed; nil for a 2xx answer.
	Err error
	// Duration is how long the attempt took.
	Duration time.Duration
}

// OK reports whether the receiver took the delivery.
func (r Result) OK() bool { return r.Err == nil }

// Send makes one signed POST of m to url. A 2xx answer is success; any
// other answer, a refused address, or no answer is an error.
func (s *Sender) Send(ctx context.Context, url, secret string, m Message) Result {
	start := time.Now()
	res := s.send(ctx, url, secret, m)
	res.Duration = time.Since(start)
	return res
}

func (s *Sender) send(ctx context.Context, url, secret string, m Message) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(m.Body))
	if err != nil {
		return Result{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "shoot-webhooks/1")
	if err := SetHeaders(req.Header, secret, m.ID, m.At, m.Body); err != nil {
		return Result{Err: err}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return Result{Err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Result{Status: resp.StatusCode, Err: fmt.Errorf("webhook: the receiver answered %d", resp.StatusCode)}
	}
	return Result{Status: resp.StatusCode}
}

// IsRefused reports whether err is a refusal of the target's address.
func IsRefused(err error) bool { return errors.Is(err, ErrRefused) }

// Schedule is how long to wait before each retry: Schedule(n) is the wait
// after the n-th failed attempt (n from 1).
type Schedule func(n int) time.Duration

// Backoff returns the exponential schedule that waits first after the first
// failure and four times longer after each next one, the growth ending at
// the seventh wait.
func Backoff(first time.Duration) Schedule {
	return func(n int) time.Duration {
		return first << (2 * uint(min(max(n, 1), 7)-1))
	}
}

// DefaultFirstRetry is the first wait of the default schedule.
const DefaultFirstRetry = 15 * time.Second

// DefaultSchedule retries with exponential back-off: 15 s, 1 min, 4 min,
// 16 min, 64 min, ~4.3 h and ~17 h, so the last of the eight attempts comes
// about 23 hours after the first.
var DefaultSchedule = Backoff(DefaultFirstRetry)

// MaxAttempts is how many times a delivery is tried in all.
const MaxAttempts = 8
