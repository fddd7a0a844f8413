package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// heartbeatEvery keeps idle streams open through proxies that drop quiet
// connections (Cloudflare's is 100 s).
const heartbeatEvery = 15 * time.Second

// lastEventID reads where a client's stream resumes: the Last-Event-ID
// header (sent by EventSource on reconnect) or the lastEventId query
// parameter (for a first connection that already knows). Anything but a
// non-negative integer is EINVALID.
func lastEventID(r *http.Request) (int64, error) {
	raw := r.Header.Get("Last-Event-ID")
	if raw == "" {
		raw = r.URL.Query().Get("lastEventId")
	}
	return parseEventID(raw)
}

// parseEventID parses an SSE event id; "" means from the start.
func parseEventID(raw string) (int64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 || len(raw) > 19 {
		return 0, shoot.Errorf(shoot.EINVALID, "Last-Event-ID must be a non-negative event number")
	}
	return n, nil
}

// streamOptions say when a stream ends.
type streamOptions struct {
	// untilTerminal ends the stream after a complete or error event.
	untilTerminal bool
	// done, when closed, ends the stream (server shutdown).
	done <-chan struct{}
	// heartbeat is the interval of keep-alive comments; 0 means heartbeatEvery.
	heartbeat time.Duration
}

// streamOptions are the options of the pipeline's streams.
func (p *generation) streamOptions(untilTerminal bool) streamOptions {
	return streamOptions{untilTerminal: untilTerminal, done: p.srv.Closing(), heartbeat: p.heartbeat}
}

// streamEvents writes the session's events after `after` as SSE, with
// heartbeats, until the client leaves, the server shuts down, or (with
// untilTerminal) the exchange ends. It returns nil in every case: once the
// headers are out, errors can only end the stream.
func streamEvents(ctx context.Context, w http.ResponseWriter, log *events.Log, sid string, after int64, o streamOptions) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // streams outlive the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.done != nil {
		go func() {
			select {
			case <-o.done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	sw := &sseWriter{w: w, rc: rc}
	every := o.heartbeat
	if every <= 0 {
		every = heartbeatEvery
	}
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		sw.heartbeats(ctx, cancel, every)
	}()
	// The heartbeat goroutine must be gone before the handler returns: a
	// write to the ResponseWriter after that is a race with net/http.
	defer func() { cancel(); <-beating }()
	_ = log.Subscribe(ctx, sid, after, func(ev shoot.Event) bool {
		if !sw.event(ev) {
			return false
		}
		return !(o.untilTerminal && ev.Terminal())
	})
}

// sseWriter serialises writes of events and heartbeats.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	mu sync.Mutex
}

func (s *sseWriter) write(b []byte) bool {
	if _, err := s.w.Write(b); err != nil {
		return false
	}
	return s.rc.Flush() == nil
}

func (s *sseWriter) event(ev shoot.Event) bool {
	var b strings.Builder
	b.WriteString("id: ")
	b.WriteString(strconv.FormatInt(ev.Seq, 10))
	b.WriteString("\ndata: ")
	b.Write(ev.Data) // compact JSON: never contains a newline
	b.WriteString("\n\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write([]byte(b.String()))
}

func (s *sseWriter) heartbeats(ctx context.Context, cancel context.CancelFunc, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			ok := s.write([]byte(": heartbeat\n\n"))
			s.mu.Unlock()
			if !ok {
				cancel()
				return
			}
		}
	}
}
