package mcpserver

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestInProcessStreams checks the in-process transport: status and headers
// arrive before the handler ends, each flushed write is readable at once,
// prepare sees the request, and closing the body cancels the handler.
func TestInProcessStreams(t *testing.T) {
	t.Parallel()
	step := make(chan struct{})
	cancelled := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Auth", r.Header.Get("Authorization")+"|"+r.Host+"|"+r.RemoteAddr)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "one\n")
		w.(http.Flusher).Flush()
		<-step
		_, _ = io.WriteString(w, "two\n")
		<-r.Context().Done()
		close(cancelled)
	})
	rt := InProcess(h, func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer x")
		r.Host, r.RemoteAddr = "studio.test", "10.0.0.1:5"
	})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://localhost/s", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("X-Auth") != "Bearer x|studio.test|10.0.0.1:5" {
		t.Fatalf("status %d, header %q", resp.StatusCode, resp.Header.Get("X-Auth"))
	}
	br := bufio.NewReader(resp.Body)
	if line, _ := br.ReadString('\n'); line != "one\n" {
		t.Fatalf("first line %q", line)
	}
	close(step)
	if line, _ := br.ReadString('\n'); line != "two\n" {
		t.Fatalf("second line %q", line)
	}
	_ = resp.Body.Close()
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("closing the body did not cancel the handler")
	}
}

// TestInProcessAnswers covers handlers that write nothing, only a status,
// or panic: each gives a response rather than a hang.
func TestInProcessAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		h      http.HandlerFunc
		status int
		body   string
	}{
		{"nothing", func(http.ResponseWriter, *http.Request) {}, 200, ""},
		{"status only", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }, 404, ""},
		{"body", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"a":1}`) }, 200, `{"a":1}`},
		{"panic", func(http.ResponseWriter, *http.Request) { panic("boom") }, 500, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodPost, "http://localhost/x", strings.NewReader("in"))
			resp, err := InProcess(tc.h, nil).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.status || string(b) != tc.body {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, b, tc.status, tc.body)
			}
		})
	}
}
