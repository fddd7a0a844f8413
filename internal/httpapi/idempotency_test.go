package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// keyed sends a POST with an optional Idempotency-Key and returns the
// open response; the caller closes it.
func (e *pipeEnv) keyed(ctx context.Context, t *testing.T, path, body, key string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp := send(t, e.ts, req)
	return resp
}

// firstEvent reads the data line of a stream's first event.
func firstEvent(t *testing.T, resp *http.Response) string {
	t.Helper()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			return data
		}
	}
	t.Fatalf("the stream ended without an event: %v", sc.Err())
	return ""
}

var sessionIDRe = regexp.MustCompile(`"sessionId":"(session_[0-9a-z_]+)"`)

// TestIdempotencyKeyStreams checks the key's whole contract on
// generate-stream: while the first stream runs a repeat is 409; once it has
// ended a repeat replays the same session's events and starts nothing; the
// same key with another body is 422; no key starts anew each time.
func TestIdempotencyKeyStreams(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	const body = `{"prompt":"linen suit on a rooftop"}`
	first := e.keyed(ctx, t, "/api/generate-stream", body, `"retry-1"`)
	firstData := firstEvent(t, first)
	m := sessionIDRe.FindStringSubmatch(firstData)
	if first.StatusCode != 200 || m == nil {
		t.Fatalf("first: %d %s", first.StatusCode, firstData)
	}
	sid := m[1]
	// The first stream is still open: its answer is not finished.
	busy := e.keyed(ctx, t, "/api/generate-stream", body, `"retry-1"`)
	msg, _ := io.ReadAll(busy.Body)
	busy.Body.Close()
	if busy.StatusCode != http.StatusConflict || !strings.Contains(string(msg), "still running") {
		t.Fatalf("repeat while the first runs: %d %s", busy.StatusCode, msg)
	}
	first.Body.Close() // the client gives up, as before a retry
	replay := waitReplay(ctx, t, e, body, `"retry-1"`)
	got := firstEvent(t, replay)
	replay.Body.Close()
	if replay.Header.Get("Idempotent-Replayed") != "true" || got != firstData {
		t.Fatalf("replay: %v %s, want the first stream's first event %s", replay.Header, got, firstData)
	}
	if n := e.queue.count(); n != 1 {
		t.Fatalf("a request sent twice with one key queued %d works, want 1", n)
	}
	other := e.keyed(ctx, t, "/api/generate-stream", `{"prompt":"another look"}`, `"retry-1"`)
	msg, _ = io.ReadAll(other.Body)
	other.Body.Close()
	if other.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(msg), "idempotency_key_reused") {
		t.Fatalf("same key, other body: %d %s", other.StatusCode, msg)
	}
	for range 2 {
		r := e.keyed(ctx, t, "/api/generate-stream", body, "")
		if d := firstEvent(t, r); strings.Contains(d, sid) {
			t.Errorf("a request without a key was replayed: %s", d)
		}
		r.Body.Close()
	}
	if n := e.queue.count(); n != 3 {
		t.Fatalf("after two requests without a key: %d works queued, want 3", n)
	}
}

// waitReplay sends the request again until the first has finished (its
// handler noticed the client left) and the answer is a replay.
func waitReplay(ctx context.Context, t *testing.T, e *pipeEnv, body, key string) *http.Response {
	t.Helper()
	for {
		r := e.keyed(ctx, t, "/api/generate-stream", body, key)
		if r.StatusCode != http.StatusConflict {
			return r
		}
		r.Body.Close()
		select {
		case <-ctx.Done():
			t.Fatal("the first request never finished")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestIdempotencyKeyAnswers checks replays of kept answers: cancel and
// upload (whose multipart boundary may differ on a retry), and that a
// malformed key is refused before anything runs.
func TestIdempotencyKeyAnswers(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, runningID, "running")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var answers []string
	for range 2 {
		r := e.keyed(ctx, t, "/api/sessions/"+runningID+"/cancel", "", "cancel-1")
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("cancel: %d %s", r.StatusCode, b)
		}
		answers = append(answers, string(b))
	}
	if answers[0] != answers[1] {
		t.Errorf("replayed cancel %q differs from the first %q", answers[1], answers[0])
	}
	e.queue.mu.Lock()
	cancelled := len(e.queue.cancelled)
	e.queue.mu.Unlock()
	if cancelled > 1 {
		t.Errorf("a cancel sent twice with one key cancelled %d times", cancelled)
	}

	for _, bad := range []string{`"`, `"a b"`, `"x\n"`, `""`, strings.Repeat("k", 256), `"a"b"`} {
		r := e.keyed(ctx, t, "/api/generate-stream", `{"prompt":"x"}`, bad)
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Idempotency-Key") {
			t.Errorf("key %q: %d %s, want 400", bad, r.StatusCode, b)
		}
	}
	if n := e.queue.count(); n != 0 {
		t.Fatalf("malformed keys queued %d works", n)
	}
}

// TestIdempotencyKeyUpload checks that an upload retried with the same key
// (and a fresh multipart boundary) stores the files once and answers the
// same, while the same files under another key are stored again.
func TestIdempotencyKeyUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	data := pngBytes(t)
	send := func(key string) map[string]any {
		t.Helper()
		body, ct := multipartBody(t, img("look.png", "image/png", data))
		resp, out := e.do(t, "POST", "/api/upload", body, "Content-Type", ct, "Idempotency-Key", key)
		if resp.StatusCode != 200 {
			t.Fatalf("upload: %d %s", resp.StatusCode, out)
		}
		return decodeJSON(t, resp, out)
	}
	name := func(m map[string]any) string {
		return m["files"].([]any)[0].(map[string]any)["filename"].(string)
	}
	a, b, c := send(`"up-1"`), send(`"up-1"`), send(`"up-2"`)
	if name(a) != name(b) {
		t.Errorf("a retried upload stored %s and %s", name(a), name(b))
	}
	if name(c) == name(a) {
		t.Errorf("another key replayed the first upload")
	}
	body, ct := multipartBody(t, img("other.png", "image/png", append(bytes.Clone(data), 0)))
	resp, out := e.do(t, "POST", "/api/upload", body, "Content-Type", ct, "Idempotency-Key", `"up-1"`)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("same key, other files: %d %s", resp.StatusCode, out)
	}
}
