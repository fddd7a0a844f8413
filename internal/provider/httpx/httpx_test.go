package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sleeps records requested waits without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func TestBackoffGrowsWithinBounds(t *testing.T) {
	t.Parallel()
	p := Policy{Base: 100 * time.Millisecond, Max: time.Second}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 9: time.Second} {
		for range 50 {
			got := p.Backoff(n)
			if got < want/2 || got > want {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", n, got, want/2, want)
			}
		}
	}
}

func TestDoStopsOnPermanentAndExhausts(t *testing.T) {
	t.Parallel()
	s := &sleeps{}
	p := Policy{Attempts: 3, Sleep: s.sleep}
	calls := 0
	perm := errors.New("bad input")
	err := p.Do(context.Background(), func(context.Context) error { calls++; return perm }, nil)
	if !errors.Is(err, perm) || calls != 1 {
		t.Fatalf("permanent: err=%v calls=%d", err, calls)
	}
	calls = 0
	err = p.Do(context.Background(), func(context.Context) error {
		calls++
		return &TransientError{Err: errors.New("busy"), After: time.Hour}
	}, nil)
	if !IsTransient(err) || calls != 3 {
		t.Fatalf("exhausted: err=%v calls=%d", err, calls)
	}
	for _, d := range s.all() {
		if d != DefaultPolicy().MaxRetryAfter {
			t.Fatalf("Retry-After not capped: waited %v", d)
		}
	}
}

func TestDoHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	p := Policy{Attempts: 10, Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }}
	err := p.Do(ctx, func(context.Context) error { return &TransientError{Err: errors.New("x")} }, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestCallRetriesUntilSuccessWithFreshHeaders(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			time.Sleep(300 * time.Millisecond) // a hang longer than the try timeout
		default:
			w.Write([]byte(r.Header.Get("X-Try")))
		}
	}))
	defer srv.Close()
	s := &sleeps{}
	var tries atomic.Int32
	c := &Caller{Timeout: 100 * time.Millisecond, Policy: Policy{Attempts: 5, Sleep: s.sleep}}
	resp, err := c.Call(context.Background(), Request{Method: "GET", URL: srv.URL, Op: "probe", Header: func() (http.Header, error) {
		return http.Header{"X-Try": {string(rune('0' + tries.Add(1)))}}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "3" {
		t.Fatalf("body %q: headers not rebuilt per try", resp.Body)
	}
	if got := s.all(); len(got) != 2 || got[0] != 3*time.Second {
		t.Fatalf("waits = %v, want Retry-After 3s then a backoff", got)
	}
}

func TestCallReturnsInterpretable4xxAndExhaustedTransient(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"detail":"nope"}`))
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("upstream"))
	}))
	defer srv.Close()
	c := &Caller{Policy: Policy{Attempts: 2, Sleep: (&sleeps{}).sleep}}
	resp, err := c.Call(context.Background(), Request{Method: "GET", URL: srv.URL + "/bad"})
	if err != nil || resp.Status != 422 || !strings.Contains(string(resp.Body), "nope") {
		t.Fatalf("4xx: resp=%v err=%v", resp, err)
	}
	_, err = c.Call(context.Background(), Request{Method: "GET", URL: srv.URL + "/down"})
	var te *TransientError
	if !errors.As(err, &te) || te.Status != 502 || string(te.Body) != "upstream" {
		t.Fatalf("exhausted: err=%#v", err)
	}
}

func TestNetworkErrorsHideURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // connection refused from now on
	c := &Caller{Policy: Policy{Attempts: 2, Sleep: (&sleeps{}).sleep}}
	_, err := c.Call(context.Background(), Request{Method: "PUT", URL: addr + "/upload?signature=SECRET123", Op: "upload"})
	if !IsTransient(err) {
		t.Fatalf("refused connection should be transient, got %v", err)
	}
	if strings.Contains(err.Error(), "SECRET123") {
		t.Fatalf("error leaks the signed URL: %v", err)
	}
}

func TestDownloadLimitsAndSchemes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("download sent credentials")
		}
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	c := &Caller{Policy: Policy{Attempts: 1}}
	if _, err := Download(context.Background(), c, "file:///etc/passwd", 10, time.Second); err == nil {
		t.Fatal("file URL accepted")
	}
	if r, err := Download(context.Background(), c, srv.URL+"/ok", 100, time.Second); err != nil || len(r.Body) != 100 {
		t.Fatalf("download: %v", err)
	}
	if _, err := Download(context.Background(), c, srv.URL+"/ok", 99, time.Second); err == nil || IsTransient(err) {
		t.Fatalf("oversized download: %v", err)
	}
	var se *StatusError
	if _, err := Download(context.Background(), c, srv.URL+"/gone", 99, time.Second); !errors.As(err, &se) || se.Status != 404 {
		t.Fatalf("404 download: %v", err)
	}
}
