package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// heldQueue records enqueued work and runs none of it, so handler tests see
// exactly what a request asked for and nothing moves underneath them.
type heldQueue struct {
	mu        sync.Mutex
	works     []pipeline.Work
	cancelled []int64
}

func (q *heldQueue) Enqueue(_ context.Context, works ...pipeline.Work) ([]int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := make([]int64, len(works))
	for i, w := range works {
		q.works = append(q.works, w)
		ids[i] = int64(len(q.works))
	}
	return ids, nil
}

func (q *heldQueue) Cancel(_ context.Context, ids []int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cancelled = append(q.cancelled, ids...)
	return nil
}

// Alive: held work never runs, so it stays alive.
func (q *heldQueue) Alive(context.Context, []int64) (bool, error) { return true, nil }

func (q *heldQueue) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.works)
}

// pipeEnv is the API with the generation routes on a real database and
// blob folder, over a loopback test server, with a held queue.
type pipeEnv struct {
	ts     *httptest.Server
	store  *sqlite.DB
	bucket *blob.Bucket
	eng    *pipeline.Engine
	queue  *heldQueue
}

// newPipeEnv builds a pipeEnv; setup, when given, adjusts the server's
// parts before it is built.
func newPipeEnv(t testing.TB, setup func(*httpapi.Deps)) *pipeEnv {
	t.Helper()
	b := newBackend(t, nil)
	cfg, st, bucket, eng, q := b.cfg, b.store, b.bucket, b.eng, b.queue
	d := httpapi.Deps{Config: cfg, Store: st, Bucket: bucket, Engine: eng}
	if setup != nil {
		setup(&d)
	}
	_, ts := httpapitest.Serve(t, d)
	return &pipeEnv{ts: ts, store: st, bucket: bucket, eng: eng, queue: q}
}

// post sends a JSON body and returns the status and body (for an SSE
// answer, only its first event).
func (e *pipeEnv) post(t *testing.T, path, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp := send(t, e.ts, req)
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") && sc.Text() == "" {
			break // the first event is enough
		}
	}
	return resp.StatusCode, b.String()
}

// session makes a session in the given run state.
func (e *pipeEnv) session(t testing.TB, id, runState string) {
	t.Helper()
	s := &shoot.Session{ID: id, Status: shoot.StatusActive, PipelineStage: shoot.StageHero, RunState: runState, Brief: "b"}
	if err := e.store.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

const (
	awaitingID = "session_1736860000000_await001"
	runningID  = "session_1736860000000_running1"
	missingID  = "session_1736860000000_missing1"
)

// TestGenerateRefusesBadRequestsBeforeAnyWork checks that every malformed
// start is a 4xx JSON error that creates no session and queues nothing.
func TestGenerateRefusesBadRequestsBeforeAnyWork(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"not json", `prompt=hi`, 400, "not valid JSON"},
		{"unknown field", `{"prompt":"hi","colour":"red"}`, 400, "colour"},
		{"wrong type", `{"prompt":7}`, 400, "prompt"},
		{"no prompt", `{"prompt":"  "}`, 400, "prompt is required"},
		{"absolute path", `{"prompt":"hi","inputImages":["/etc/passwd"]}`, 400, "inputImages"},
		{"climbing out", `{"prompt":"hi","inputImages":["uploads/../../shoot.db"]}`, 400, "inputImages"},
		{"unknown upload", `{"prompt":"hi","inputImages":["/uploads/1736860000000-abcdefghij.png"]}`, 400, "unknown upload"},
		{"url", `{"prompt":"hi","inputImages":["http://127.0.0.1/a.png"]}`, 400, "inputImages"},
		{"aspect", `{"prompt":"hi","options":{"aspectRatio":"7:3"}}`, 400, "aspectRatio"},
		{"clip duration", `{"prompt":"hi","options":{"clipDuration":99}}`, 400, "clipDuration"},
		{"easing", `{"prompt":"hi","options":{"easing":"wobble"}}`, 400, "easing"},
		{"bad session id", `{"prompt":"hi","sessionId":"../../x"}`, 400, "sessionId"},
		{"too large", `{"prompt":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "larger"},
	}
	for _, c := range cases {
		for _, path := range []string{"/api/generate-stream", "/api/generate"} {
			status, body := e.post(t, path, c.body)
			if status != c.status || !strings.Contains(body, c.want) || !strings.Contains(body, `"success":false`) {
				t.Errorf("%s %s: %d %s, want %d mentioning %q", c.name, path, status, body, c.status, c.want)
			}
		}
	}
	list, _ := e.store.ListSessions(context.Background(), store.SessionFilter{})
	if len(list) != 0 || e.queue.count() != 0 {
		t.Fatalf("refused requests left %d sessions and %d queued works", len(list), e.queue.count())
	}
}

// TestContinueStatuses checks continue-stream's answers: 404 for an
// unknown session, 409 while a stage runs, and a stream that opens with
// the reply's status event otherwise.
func TestContinueStatuses(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, awaitingID, shoot.RunAwaiting)
	e.session(t, runningID, shoot.RunRunning)
	if status, body := e.post(t, "/api/sessions/"+missingID+"/continue-stream", `{"prompt":"continue"}`); status != 404 {
		t.Errorf("unknown session: %d %s", status, body)
	}
	if status, body := e.post(t, "/api/sessions/not-an-id/continue-stream", `{"prompt":"continue"}`); status != 400 && status != 404 {
		t.Errorf("malformed id: %d %s", status, body)
	}
	if status, body := e.post(t, "/api/sessions/"+runningID+"/continue-stream", `{"prompt":"continue"}`); status != 409 || !strings.Contains(body, "already running") {
		t.Errorf("running session: %d %s", status, body)
	}
	if status, body := e.post(t, "/api/sessions/"+awaitingID+"/continue-stream", `{"prompt":""}`); status != 400 {
		t.Errorf("empty reply: %d %s", status, body)
	}
	if e.queue.count() != 0 {
		t.Fatalf("refused answers queued %d works", e.queue.count())
	}
	status, body := e.post(t, "/api/sessions/"+awaitingID+"/continue-stream", `{"prompt":"continue"}`)
	if status != 200 || !strings.Contains(body, "id: 1\n") || !strings.Contains(body, `"type":"status"`) {
		t.Fatalf("continue: %d %q", status, body)
	}
	if e.queue.count() != 1 {
		t.Fatalf("continue queued %d works, want the director's turn", e.queue.count())
	}
	if status, _ := e.post(t, "/api/sessions/"+awaitingID+"/continue-stream", `{"prompt":"continue"}`); status != 409 {
		t.Errorf("a second answer while the first runs: %d, want 409", status)
	}
}

func TestCancelStatuses(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	e.session(t, runningID, shoot.RunRunning)
	if status, body := e.post(t, "/api/sessions/"+missingID+"/cancel", ``); status != 404 {
		t.Errorf("cancel unknown: %d %s", status, body)
	}
	status, body := e.post(t, "/api/sessions/"+runningID+"/cancel", ``)
	if status != 200 || !strings.Contains(body, `"runState":"cancelled"`) {
		t.Fatalf("cancel: %d %s", status, body)
	}
}

// TestDeleteStopsTheSessionsJobsFirst checks that DELETE cancels a
// session's queued and running work (and so its provider tasks) before the
// rows go, instead of leaving paid work running for a session nobody has.
func TestDeleteStopsTheSessionsJobsFirst(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	status, body := e.post(t, "/api/generate-stream", `{"prompt":"a look","sessionId":"session_1736860000000_delete01"}`)
	if status != 200 || e.queue.count() != 1 {
		t.Fatalf("start: %d %s (queued %d)", status, body, e.queue.count())
	}
	req, _ := http.NewRequest(http.MethodDelete, e.ts.URL+"/api/sessions/session_1736860000000_delete01", nil)
	resp := send(t, e.ts, req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	e.queue.mu.Lock()
	defer e.queue.mu.Unlock()
	if len(e.queue.cancelled) != 1 || e.queue.cancelled[0] != 1 {
		t.Fatalf("jobs cancelled by the delete = %v, want [1]", e.queue.cancelled)
	}
}

// TestGenerateSentTwiceStartsOnce: a client that sends the request that
// created a session again (a retry after its timeout) gets 409 and starts
// nothing; the first request started one turn, the repeat none.
func TestGenerateSentTwiceStartsOnce(t *testing.T) {
	t.Parallel()
	e := newPipeEnv(t, nil)
	body := `{"prompt":"linen suit, warm concrete","sessionId":"retry-me-1"}`
	if status, b := e.post(t, "/api/generate-stream", body); status != 200 {
		t.Fatalf("first: %d %s", status, b)
	}
	works := e.queue.count()
	for _, path := range []string{"/api/generate-stream", "/api/generate"} {
		if status, b := e.post(t, path, body); status != 409 || !strings.Contains(b, "just started") {
			t.Errorf("repeat on %s: %d %s, want 409", path, status, b)
		}
	}
	if e.queue.count() != works {
		t.Errorf("the repeats queued %d more works", e.queue.count()-works)
	}
}
