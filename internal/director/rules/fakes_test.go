package rules

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/directortest"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// fakeActions records the director's Actions calls.
type fakeActions = directortest.Actions

// event is one recorded Emitter call.
type event struct {
	kind, text string
	input      json.RawMessage
	isError    bool
}

type fakeEmitter struct{ events []event }

func (e *fakeEmitter) TextDelta(_ context.Context, text string) {
	e.events = append(e.events, event{kind: "delta", text: text})
}
func (e *fakeEmitter) TypeHint(_ context.Context, t string) {
	e.events = append(e.events, event{kind: "hint", text: t})
}
func (e *fakeEmitter) AssistantMessage(_ context.Context, t string) {
	e.events = append(e.events, event{kind: "message", text: t})
}
func (e *fakeEmitter) ToolCall(_ context.Context, name string, input json.RawMessage) {
	e.events = append(e.events, event{kind: "tool_call", text: name, input: input})
}
func (e *fakeEmitter) ToolResult(_ context.Context, name, summary string, isError bool) {
	e.events = append(e.events, event{kind: "tool_result", text: name + ":" + summary, isError: isError})
}

// RecordUsage records a "usage" event: the rules director calls no paid
// model, so a test that finds one has caught a bug.
func (e *fakeEmitter) RecordUsage(_ context.Context, model string, _, _ int64, _ float64, _ string) {
	e.events = append(e.events, event{kind: "usage", text: model})
}

// messages returns the assistant messages, checking on the way that each
// was announced with a response hint and that its deltas add up to it.
func (e *fakeEmitter) messages(t *testing.T) []string {
	t.Helper()
	var msgs []string
	var deltas strings.Builder
	hinted := false
	for _, ev := range e.events {
		switch ev.kind {
		case "hint":
			hinted = ev.text == "response"
			deltas.Reset()
		case "usage":
			t.Errorf("usage of %q recorded; the rules director calls no paid model", ev.text)
		case "delta":
			deltas.WriteString(ev.text)
		case "message":
			if !hinted {
				t.Errorf("message %q without a response hint", ev.text)
			}
			if deltas.String() != ev.text {
				t.Errorf("deltas %q do not add up to the message %q", deltas.String(), ev.text)
			}
			msgs = append(msgs, ev.text)
			hinted = false
		}
	}
	return msgs
}

func (e *fakeEmitter) text(t *testing.T) string { return strings.Join(e.messages(t), "\n") }

// toolEvents lists tool_call/tool_result names in order.
func (e *fakeEmitter) toolEvents() string {
	var out []string
	for _, ev := range e.events {
		if ev.kind == "tool_call" {
			out = append(out, "call:"+ev.text)
		}
		if ev.kind == "tool_result" {
			out = append(out, "result:"+ev.text)
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
