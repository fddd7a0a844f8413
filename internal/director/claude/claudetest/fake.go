// Package claudetest is a local stand-in for the Anthropic Messages API,
// for tests: an httptest server that answers POST /v1/messages the way the
// real service does — the same headers, error bodies and server-sent event
// stream, with deltas split across network writes — from a script of
// replies the test chooses. It records every request so a test can check
// what a client sent.
package claudetest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestKey is the API key Start accepts.
const TestKey = "sk-ant-fake-test-key"

// Server is a fake Messages API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give a client (no trailing slash).
	URL string
	// Key is the only API key accepted.
	Key string

	srv *httptest.Server
	seq atomic.Int64

	mu       sync.Mutex
	queue    []Response
	handler  func(Request) Response
	requests []Request
	served   int
}

// New starts a fake that accepts key. Close it when done.
func New(key string) *Server {
	s := &Server{Key: key}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Start starts a fake accepting TestKey and closes it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := New(TestKey)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Script queues replies; each request takes the next one.
func (s *Server) Script(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// Handle sets a function that answers requests when the script is empty.
func (s *Server) Handle(fn func(Request) Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = fn
}

// Requests returns every request received so far, rejected ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Pending returns how many scripted replies are still unused.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// next picks the reply to req and numbers it: the next scripted reply,
// else the handler's, else a 500 saying the script ran out.
func (s *Server) next(req Request) (Response, int) {
	s.mu.Lock()
	s.served++
	n := s.served
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return r, n
	}
	h := s.handler
	s.mu.Unlock()
	if h != nil {
		return h(req), n
	}
	return Error(http.StatusInternalServerError, "api_error", "claudetest: no scripted reply left"), n
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("req_fake_%d", s.seq.Add(1))
	w.Header().Set("request-id", reqID)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
		writeError(w, Error(http.StatusNotFound, "not_found_error", "Not Found"), reqID)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, Error(http.StatusBadRequest, "invalid_request_error", "unreadable body"), reqID)
		return
	}
	req, perr := parseRequest(r.Header, body)
	if rejected := s.refuse(w, r, req, perr, reqID); rejected {
		return
	}
	s.record(req)
	resp, n := s.next(req)
	if resp.Status != 0 {
		writeError(w, resp, reqID)
		return
	}
	m := newMessage(resp, req, n)
	if !req.Stream {
		writeJSON(w, m.json())
		return
	}
	streamMessage(w, m, resp)
}

// refuse answers the errors the real API gives before looking at the
// conversation's meaning: bad credentials, a missing version header, a
// malformed or invalid body. It records rejected requests too.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, req Request, perr error, reqID string) bool {
	var fail Response
	switch {
	case !s.authorized(r):
		fail = Unauthorized()
	case r.Header.Get("anthropic-version") == "":
		fail = Error(http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required")
	case perr != nil:
		fail = Error(http.StatusBadRequest, "invalid_request_error", perr.Error())
	default:
		if err := req.validate(); err != nil {
			fail = Error(http.StatusBadRequest, "invalid_request_error", err.Error())
		}
	}
	if fail.Status == 0 {
		return false
	}
	req.Rejection = fail.ErrorMessage
	s.record(req)
	writeError(w, fail, reqID)
	return true
}

// authorized accepts the key as x-api-key (the documented header) or as a
// bearer token (what the official Go SDK sends).
func (s *Server) authorized(r *http.Request) bool {
	if k := r.Header.Get("x-api-key"); k != "" {
		return k == s.Key
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && token == s.Key
}

func writeError(w http.ResponseWriter, r Response, reqID string) {
	if r.RetryAfter != "" {
		w.Header().Set("retry-after", r.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	// No x-should-retry header: like most real answers, the client's own
	// policy decides whether to try again.
	w.WriteHeader(r.Status)
	_, _ = w.Write(errorBody(r.ErrorType, r.ErrorMessage, reqID))
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
