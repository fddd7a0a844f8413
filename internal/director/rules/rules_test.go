package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestStartPicksPresetsByVibe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		brief            string
		opts             shoot.Options
		pose, background string
		aspect           string
		glasses          bool
	}{
		{"an edgy evening look with sunglasses", shoot.Options{AspectRatio: "9:16"}, "editorial-drama", "studio-black", "9:16", true},
		{"Relaxed weekend linen", shoot.Options{}, "relaxed-natural", "studio-grey", "3:2", false},
		{"streetwear drop", shoot.Options{Pose: "urban-lean"}, "urban-lean", "outdoor-urban", "3:2", false},
		{"a navy suit", shoot.Options{Background: "industrial"}, "confident-standing", "industrial", "3:2", false},
		{"a navy suit", shoot.Options{}, "confident-standing", "studio-grey", "3:2", false},
	}
	for _, c := range cases {
		act, out := &fakeActions{}, &fakeEmitter{}
		in := pipeline.TurnInput{Kind: pipeline.TurnStart, Session: session(shoot.StageInit, "", c.opts), Text: c.brief}
		if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
			t.Fatal(err)
		}
		if act.Names() != "GenerateHero" {
			t.Fatalf("%q: calls %s", c.brief, act.Names())
		}
		p := act.Calls[0].Arg.(pipeline.HeroParams)
		if p.Pose != c.pose || p.Background != c.background || p.AspectRatio != c.aspect || p.Extra != "" {
			t.Errorf("%q: hero params %+v", c.brief, p)
		}
		if !strings.Contains(p.Prompt, c.aspect+" aspect ratio") || (c.aspect != "3:2" && strings.Contains(p.Prompt, "3:2")) {
			t.Errorf("%q: prompt has the wrong ratio:\n%s", c.brief, p.Prompt)
		}
		if strings.Contains(p.Prompt, "eyewear") != c.glasses {
			t.Errorf("%q: glasses clause present = %v", c.brief, !c.glasses)
		}
		if !strings.Contains(p.Prompt, c.brief) {
			t.Errorf("%q: the brief is missing from the prompt", c.brief)
		}
		pose, _ := newDirector(t).lib.Pose(c.pose)
		if !strings.Contains(p.Prompt, pose.Snippet) || !strings.Contains(out.text(t), pose.Name) {
			t.Errorf("%q: pose snippet or name not used", c.brief)
		}
		if got := out.toolEvents(); got != "call:generate_hero result:generate_hero:started" {
			t.Errorf("%q: tool events %s", c.brief, got)
		}
		var shown pipeline.HeroParams
		if err := json.Unmarshal(out.Events[len(out.Events)-2].Input, &shown); err != nil || shown.Prompt != p.Prompt {
			t.Errorf("%q: the tool call does not show the prompt sent (%v)", c.brief, err)
		}
	}
}

func TestStartStreamsBeforeActing(t *testing.T) {
	t.Parallel()
	act, out := &fakeActions{}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnStart, Session: session(shoot.StageInit, "warm and intimate knitwear", shoot.Options{})}
	if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
		t.Fatal(err)
	}
	if out.Events[0].Kind != "hint" || out.Events[0].Text != "response" {
		t.Errorf("first event %+v, want the response hint", out.Events[0])
	}
	deltas := 0
	for _, ev := range out.Events {
		if ev.Kind == "delta" {
			deltas++
		}
	}
	if deltas < 3 {
		t.Errorf("only %d text deltas; the message should stream", deltas)
	}
	msgs := out.messages(t)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Seated editorial") || !strings.Contains(msgs[0], "Warm daylight") {
		t.Errorf("messages %q", msgs)
	}
	if p := act.Calls[0].Arg.(pipeline.HeroParams); !strings.Contains(p.Prompt, "warm and intimate knitwear") {
		t.Error("the brief from the session was not used")
	}
}

func TestStartUnknownPresetOption(t *testing.T) {
	t.Parallel()
	act, out := &fakeActions{}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnStart, Session: session(shoot.StageInit, "x", shoot.Options{Pose: "moonwalk"})}
	err := newDirector(t).Turn(t.Context(), in, act, out)
	if shoot.ErrorCode(err) != shoot.EINVALID || len(act.Calls) != 0 {
		t.Fatalf("err = %v, calls %s", err, act.Names())
	}
}

func TestTurnRejectsBadInput(t *testing.T) {
	t.Parallel()
	d := newDirector(t)
	if err := d.Turn(t.Context(), pipeline.TurnInput{Kind: pipeline.TurnStart}, &fakeActions{}, &fakeEmitter{}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("nil session: %v", err)
	}
	in := pipeline.TurnInput{Kind: "dance", Session: session(shoot.StageHero, "", shoot.Options{})}
	if err := d.Turn(t.Context(), in, &fakeActions{}, &fakeEmitter{}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	in.Kind = pipeline.TurnResult
	if err := d.Turn(t.Context(), in, &fakeActions{}, &fakeEmitter{}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("result without result: %v", err)
	}
	if d.Name() != "rules" {
		t.Errorf("Name() = %q", d.Name())
	}
}

func TestRefusedActionIsExplained(t *testing.T) {
	t.Parallel()
	act, out := &fakeActions{Fail: map[string]error{"Approve": shoot.Errorf(shoot.ECONFLICT, "a stage is already running")}}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnReply, Session: session(shoot.StageHero, "", shoot.Options{}), Text: "continue"}
	if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
		t.Fatalf("a refused action should end the turn normally: %v", err)
	}
	last := out.Events[len(out.Events)-1]
	if !strings.Contains(last.Text, "a stage is already running") {
		t.Errorf("the refusal is not explained: %+v", last)
	}
	var sawError bool
	for _, ev := range out.Events {
		sawError = sawError || (ev.Kind == "tool_result" && ev.IsError)
	}
	if !sawError {
		t.Error("no tool_result with isError")
	}
}

func TestFailedActionStopsAndReturns(t *testing.T) {
	t.Parallel()
	boom := shoot.Errorf(shoot.EUNAVAILABLE, "database is busy")
	act, out := &fakeActions{Fail: map[string]error{"SetOptions": boom}}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnReply, Session: session(shoot.StageHero, "", shoot.Options{}), Text: "use 9:16"}
	err := newDirector(t).Turn(t.Context(), in, act, out)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the transient error back", err)
	}
	if act.Names() != "SetOptions" {
		t.Errorf("calls after a failure: %s", act.Names())
	}
}

func TestReplyWithoutCheckpointUsesSessionStage(t *testing.T) {
	t.Parallel()
	act, out := &fakeActions{}, &fakeEmitter{}
	in := pipeline.TurnInput{Kind: pipeline.TurnReply, Session: session(shoot.StageFrames, "", shoot.Options{}), Text: "redo 4"}
	if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
		t.Fatal(err)
	}
	if act.Names() != "RegenerateFrame" || act.Calls[0].Arg != "4|" {
		t.Errorf("calls %v", act.Calls)
	}
}

func TestResultTurn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		res  pipeline.StageResult
		want []string
	}{
		{pipeline.StageResult{Stage: shoot.StageHero, Success: true, Artifacts: []string{"hero.png"}}, []string{"hero is ready", "continue"}},
		{pipeline.StageResult{Stage: shoot.StageContactSheet, Success: true}, []string{"contact sheet is ready", "continue"}},
		{pipeline.StageResult{Stage: shoot.StageFrames, Success: true, Artifacts: make([]string, 6)}, []string{"six frames", "regenerate frame 3", "9:16"}},
		{pipeline.StageResult{Stage: shoot.StageFrames, Success: true, Artifacts: []string{"f3"}}, []string{"new frame"}},
		{pipeline.StageResult{Stage: shoot.StageClips, Success: true, Artifacts: make([]string, 6)}, []string{"All 6 clips", "redo clip 2", "loop it"}},
		{pipeline.StageResult{Stage: shoot.StageClips, Success: true, Artifacts: []string{"c2"}}, []string{"new clip"}},
		{pipeline.StageResult{Stage: shoot.StageFinal, Success: true, Artifacts: []string{"outputs/s1/final/fashion-video.mp4"}}, []string{"final/fashion-video.mp4"}},
		{pipeline.StageResult{Stage: shoot.StageContactSheet, Error: "provider refused:\nbad image."}, []string{"contact sheet step failed (provider refused: bad image)", "try again"}},
	}
	for _, c := range cases {
		act, out := &fakeActions{}, &fakeEmitter{}
		in := pipeline.TurnInput{Kind: pipeline.TurnResult, Session: session(c.res.Stage, "", shoot.Options{}), Result: &c.res}
		if err := newDirector(t).Turn(t.Context(), in, act, out); err != nil {
			t.Fatal(err)
		}
		msgs := out.messages(t)
		if len(msgs) != 1 || len(act.Calls) != 0 || out.toolEvents() != "" {
			t.Fatalf("%s: messages %q, calls %s", c.res.Stage, msgs, act.Names())
		}
		for _, w := range c.want {
			if !strings.Contains(msgs[0], w) {
				t.Errorf("%s result %q lacks %q", c.res.Stage, msgs[0], w)
			}
		}
	}
}

func TestChunks(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "one", "a b c d e f g h i", "  lead and trail  ", "héllo wörld ✨ ok"} {
		if got := strings.Join(chunks(s, 4), ""); got != s {
			t.Errorf("chunks(%q) rejoin to %q", s, got)
		}
	}
	if n := len(chunks("a b c d e f g h i", 4)); n != 3 {
		t.Errorf("got %d chunks, want 3", n)
	}
}

func TestClipPromptNote(t *testing.T) {
	t.Parallel()
	if got := clipPrompt(2, 6, false, ""); got != prompt.Clip(2, false) {
		t.Error("a clip prompt without a note should be the template")
	}
	if got := clipPrompt(2, 6, false, "slower"); !strings.HasSuffix(got, "Extra direction: slower") {
		t.Errorf("note not added: %s", got)
	}
}
