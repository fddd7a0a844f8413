package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/shoot"
)

const quietID = "session_1736860000000_quiet001"

// openEvents opens GET /api/sessions/{id}/events with an optional
// Last-Event-ID header.
func (e *pipeEnv) openEvents(ctx context.Context, t testing.TB, sid, lastID string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+"/api/sessions/"+sid+"/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp := send(t, e.ts, req)
	return resp
}

// sseLine reads one line of a stream without a size limit.
func sseLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	return strings.TrimSuffix(line, "\n"), err
}

// nextEvent reads up to the end of the next event and returns its id and
// data; comment lines are passed to onComment.
func nextEvent(r *bufio.Reader, onComment func(string)) (int64, string, error) {
	var id int64
	var data strings.Builder
	for {
		line, err := sseLine(r)
		if err != nil {
			return 0, "", err
		}
		switch {
		case line == "" && data.Len() > 0:
			return id, data.String(), nil
		case strings.HasPrefix(line, ":"):
			if onComment != nil {
				onComment(line)
			}
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "data: "):
			data.WriteString(line[6:])
		}
	}
}

// appendN appends n progress events to the session.
func (e *pipeEnv) appendN(t testing.TB, sid string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		_, err := e.eng.Events().Append(context.Background(), sid, shoot.EventSystem,
			map[string]any{"subtype": "progress", "data": map[string]any{"stage": "clips", "percent": i}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestEventsRejectsBadLastEventID(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, quietID, shoot.RunAwaiting)
	for _, bad := range []string{"abc", "-1", "1.5", "1e3", "99999999999999999999", "0x10", "7 8"} {
		resp := e.openEvents(t.Context(), t, quietID, bad)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(string(body), "Last-Event-ID") {
			t.Errorf("Last-Event-ID %q: %d %s %s", bad, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, err := e.ts.Client().Get(e.ts.URL + "/api/sessions/" + quietID + "/events?lastEventId=nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("lastEventId=nope: %d", resp.StatusCode)
	}
	resp = e.openEvents(t.Context(), t, missingID, "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("events of an unknown session: %d", resp.StatusCode)
	}
}

// TestEventsResumeWithoutGapOrDuplicate reads part of a log, disconnects
// while more is written, reconnects with Last-Event-ID and reads on while
// events keep coming: the union is 1..N, each once.
func TestEventsResumeWithoutGapOrDuplicate(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, quietID, shoot.RunRunning)
	e.appendN(t, quietID, 20)
	var ids []int64
	read := func(lastID string, until int64, live func()) {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		resp := e.openEvents(ctx, t, quietID, lastID)
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		for first := true; ; first = false {
			id, _, err := nextEvent(r, nil)
			if err != nil {
				t.Fatalf("stream broke after %v: %v", ids, err)
			}
			ids = append(ids, id)
			if first && live != nil {
				go live()
			}
			if id == until {
				return // the client goes away mid-stream
			}
		}
	}
	read("", 8, nil)
	e.appendN(t, quietID, 10) // written while nobody listens
	read("8", 35, func() { e.appendN(t, quietID, 5) })
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("ids %v: a gap or a duplicate at position %d", ids, i)
		}
	}
}

// TestEventsHeartbeatOnQuietStream checks that a stream with nothing to
// say still sends keep-alive comments.
func TestEventsHeartbeatOnQuietStream(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, func(d *httpapi.Deps) { d.Heartbeat = 20 * time.Millisecond })
	e.session(t, quietID, shoot.RunAwaiting)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	resp := e.openEvents(ctx, t, quietID, "")
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	beats := 0
	for beats < 3 {
		line, err := sseLine(r)
		if err != nil {
			t.Fatalf("after %d heartbeats: %v", beats, err)
		}
		if line == ": heartbeat" {
			beats++
		} else if line != "" {
			t.Fatalf("a quiet stream sent %q", line)
		}
	}
}

// TestEventsCarryLongMultilineTextWhole sends an assistant message with
// newlines and 200 KB of text: it arrives as one event, byte for byte (a
// writer that splits JSON lines across chunks would lose them).
func TestEventsCarryLongMultilineTextWhole(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, quietID, shoot.RunAwaiting)
	text := "first line\nsecond line\r\n\n" + strings.Repeat("éclat ", 200<<10/7) + "\ndata: not an event\n\n"
	if _, err := e.eng.Events().Append(context.Background(), quietID, shoot.EventAssistantMessage, map[string]any{"content": text}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	resp := e.openEvents(ctx, t, quietID, "")
	defer resp.Body.Close()
	id, data, err := nextEvent(bufio.NewReader(resp.Body), nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatalf("event %d is not one JSON object: %v", id, err)
	}
	if id != 1 || m["type"] != shoot.EventAssistantMessage || m["content"] != text {
		t.Fatalf("event %d %v: the text did not arrive whole (%d bytes)", id, m["type"], len(data))
	}
}

// BenchmarkSSEFanout500 connects 500 subscribers over loopback HTTP to one
// session's event stream, appends b.N events, and checks that every
// subscriber gets every event in order. It reports the delivery lag from
// append to receipt (p50, p99, max).
//
//	go test ./internal/httpapi -run '^$' -bench SSEFanout500 -benchtime 200x -cpu 2
func BenchmarkSSEFanout500(b *testing.B) {
	const subscribers = 500
	e := newPipeEnv(b, nil)
	e.session(b, quietID, shoot.RunRunning)
	e.appendN(b, quietID, 1) // event 1 tells each subscriber it is connected
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	last := int64(b.N + 1)
	subs := make([]*fanoutSub, subscribers)
	var ready, done sync.WaitGroup
	for i := range subs {
		subs[i] = &fanoutSub{recv: make([]time.Time, last+1)}
		ready.Add(1)
		done.Add(1)
		go subs[i].run(ctx, b, e, last, &ready, &done)
	}
	ready.Wait()
	sent := make([]time.Time, last+1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sent[i+2] = time.Now()
		e.appendN(b, quietID, 1)
		time.Sleep(2 * time.Millisecond) // a busy shoot's pace, not a flood
	}
	done.Wait()
	b.StopTimer()
	var lags []time.Duration
	for n, s := range subs {
		if s.err != nil {
			b.Fatalf("subscriber %d: %v", n, s.err)
		}
		for id := int64(2); id <= last; id++ {
			lags = append(lags, s.recv[id].Sub(sent[id]))
		}
	}
	slices.Sort(lags)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lags[len(lags)/2]), "lag-p50-ms")
	b.ReportMetric(ms(lags[len(lags)*99/100]), "lag-p99-ms")
	b.ReportMetric(ms(lags[len(lags)-1]), "lag-max-ms")
	b.ReportMetric(float64(len(lags)), "deliveries")
}

// fanoutSub is one benchmark subscriber.
type fanoutSub struct {
	recv []time.Time // receipt time by event id
	err  error
}

func (s *fanoutSub) run(ctx context.Context, b *testing.B, e *pipeEnv, last int64, ready, done *sync.WaitGroup) {
	defer done.Done()
	signalled := false
	defer func() {
		if !signalled {
			ready.Done()
		}
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+"/api/sessions/"+quietID+"/events", nil)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		s.err = err
		return
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for want := int64(1); want <= last; want++ {
		id, _, err := nextEvent(r, nil)
		if err != nil {
			s.err = err
			return
		}
		s.recv[want] = time.Now()
		if id != want {
			s.err = fmt.Errorf("got event %d, want %d", id, want)
			return
		}
		if want == 1 {
			ready.Done()
			signalled = true
		}
	}
}
