package claude

import (
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/director/directortest"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// fakeActions records the director's Actions calls.
type fakeActions = directortest.Actions

// event is one recorded Emitter call.
type event = directortest.Event

// fakeEmitter records events and usage, like the engine's emitter.
type fakeEmitter struct{ directortest.Emitter }

// messages returns the assistant messages, checking that the text deltas
// since the last hint add up to each.
func (e *fakeEmitter) messages(t *testing.T) []string {
	t.Helper()
	var msgs []string
	var deltas strings.Builder
	for _, ev := range e.Events {
		switch ev.Kind {
		case "hint":
			if ev.Text == "response" {
				deltas.Reset()
			}
		case "delta":
			deltas.WriteString(ev.Text)
		case "message":
			if deltas.String() != ev.Text {
				t.Errorf("deltas %q do not add up to the message %q", deltas.String(), ev.Text)
			}
			msgs = append(msgs, ev.Text)
			deltas.Reset()
		}
	}
	return msgs
}

// tools returns the tool_call and tool_result events in order.
func (e *fakeEmitter) tools() []event {
	var out []event
	for _, ev := range e.Events {
		if ev.Kind == "tool_call" || ev.Kind == "tool_result" {
			out = append(out, ev)
		}
	}
	return out
}

// env is one test's director world: a real SQLite store, a fake API.
type env struct {
	t     *testing.T
	store store.Store
	api   *claudetest.Server
	sess  *shoot.Session
	opts  Options
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &shoot.Session{ID: "session_1_test", Status: shoot.StatusActive, PipelineStage: shoot.StageInit,
		RunState: shoot.RunRunning, Brief: "a linen suit for a summer campaign", Metadata: json.RawMessage(`{}`)}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	api := claudetest.Start(t)
	lib, err := prompt.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: db, api: api, sess: s}
	e.opts = Options{APIKey: claudetest.TestKey, BaseURL: api.URL, Store: db, Logger: testLogger(t),
		Library: lib, Easings: []string{"linear", "dramaticSwoop", "cinematic"},
		Retry: Retry{Attempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}}
	return e
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// director returns a new director on the env's store and fake, as a
// restarted server would build it.
func (e *env) director() *Director {
	e.t.Helper()
	d, err := New(e.opts)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// turn runs one turn with fresh recorders.
func (e *env) turn(d *Director, in pipeline.TurnInput) (*fakeActions, *fakeEmitter, error) {
	e.t.Helper()
	act, out := &fakeActions{}, &fakeEmitter{}
	if in.Session == nil {
		in.Session = e.sess
	}
	err := d.Turn(e.t.Context(), in, act, out)
	return act, out, err
}

// mustTurn runs a turn that must succeed.
func (e *env) mustTurn(d *Director, in pipeline.TurnInput) (*fakeActions, *fakeEmitter) {
	e.t.Helper()
	act, out, err := e.turn(d, in)
	if err != nil {
		e.t.Fatalf("%s turn: %v", in.Kind, err)
	}
	return act, out
}

// stored returns the stored conversation.
func (e *env) stored() []*shoot.Message {
	e.t.Helper()
	msgs, err := e.store.ListMessages(e.t.Context(), e.sess.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// lastRequest returns the fake's latest request.
func (e *env) lastRequest() claudetest.Request {
	e.t.Helper()
	reqs := e.api.Requests()
	if len(reqs) == 0 {
		e.t.Fatal("no request reached the fake")
	}
	return reqs[len(reqs)-1]
}

// checkAccepted fails if the fake refused any request as invalid.
func (e *env) checkAccepted() {
	e.t.Helper()
	for i, r := range e.api.Requests() {
		if r.Rejection != "" {
			e.t.Errorf("request %d was rejected: %s", i, r.Rejection)
		}
	}
}

func start(text string, refs ...shoot.Reference) pipeline.TurnInput {
	return pipeline.TurnInput{Kind: pipeline.TurnStart, Text: text, References: refs}
}

func replyAt(stage, text string) pipeline.TurnInput {
	return pipeline.TurnInput{Kind: pipeline.TurnReply, Text: text,
		Checkpoint: &shoot.Checkpoint{ID: 1, Stage: stage, Status: shoot.CheckpointPending,
			ArtifactKeys: []string{"outputs/session_1_test/" + stage + ".png"}}}
}

func result(stage string, artifacts ...string) pipeline.TurnInput {
	return pipeline.TurnInput{Kind: pipeline.TurnResult,
		Result: &pipeline.StageResult{Stage: stage, Success: true, Artifacts: artifacts, DurationMS: 4200}}
}
