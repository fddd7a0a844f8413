package rules

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/directortest"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// fakeActions records the director's Actions calls.
type fakeActions = directortest.Actions

// fakeEmitter records the events a turn emits, like the engine's emitter.
type fakeEmitter struct{ directortest.Emitter }

// messages returns the assistant messages, checking on the way that each
// was announced with a response hint and that its deltas add up to it.
func (e *fakeEmitter) messages(t *testing.T) []string {
	t.Helper()
	var msgs []string
	var deltas strings.Builder
	hinted := false
	for _, u := range e.Usage {
		t.Errorf("usage of %q recorded; the rules director calls no paid model", u.Model)
	}
	for _, ev := range e.Events {
		switch ev.Kind {
		case "hint":
			hinted = ev.Text == "response"
			deltas.Reset()
		case "delta":
			deltas.WriteString(ev.Text)
		case "message":
			if !hinted {
				t.Errorf("message %q without a response hint", ev.Text)
			}
			if deltas.String() != ev.Text {
				t.Errorf("deltas %q do not add up to the message %q", deltas.String(), ev.Text)
			}
			msgs = append(msgs, ev.Text)
			hinted = false
		}
	}
	return msgs
}

func (e *fakeEmitter) text(t *testing.T) string { return strings.Join(e.messages(t), "\n") }

// toolEvents lists tool_call/tool_result names in order.
func (e *fakeEmitter) toolEvents() string {
	var out []string
	for _, ev := range e.Events {
		if ev.Kind == "tool_call" {
			out = append(out, "call:"+ev.Name)
		}
		if ev.Kind == "tool_result" {
			out = append(out, "result:"+ev.Name+":"+ev.Text)
		}
	}
	return strings.Join(out, " ")
}

var testEasings = []string{"linear", "dramaticSwoop", "cinematic", "luxurious", "easeInOutCubic"}

func newDirector(t *testing.T) *Director {
	t.Helper()
	lib, err := prompt.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return New(lib, testEasings)
}

func session(stage, brief string, o shoot.Options) *shoot.Session {
	return &shoot.Session{ID: "s1", PipelineStage: stage, Brief: brief, Options: o}
}

// runReply runs a reply turn at the checkpoint of stage.
func runReply(t *testing.T, stage, text string, o shoot.Options) (*fakeActions, *fakeEmitter) {
	t.Helper()
	act, out := &fakeActions{}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnReply, Session: session(stage, "a linen suit", o), Text: text,
		Checkpoint: &shoot.Checkpoint{Stage: stage, Status: shoot.CheckpointPending}}
	if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
		t.Fatalf("reply %q at %s: %v", text, stage, err)
	}
	if len(out.messages(t)) == 0 {
		t.Errorf("reply %q at %s: the director said nothing", text, stage)
	}
	return act, out
}
