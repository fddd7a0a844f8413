package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestReplyActions checks the action calls each kind of reply makes at each
// checkpoint.
func TestReplyActions(t *testing.T) {
	t.Parallel()
	loop := shoot.Options{Loop: true}
	cases := []struct {
		stage, text string
		opts        shoot.Options
		calls       string // names in order
		check       func(t *testing.T, a *fakeActions)
	}{
		// Approvals start the next stage.
		{shoot.StageHero, "continue", shoot.Options{}, "Approve", nil},
		{shoot.StageContactSheet, "looks good", shoot.Options{}, "Approve", nil},
		{shoot.StageFrames, "👍", shoot.Options{}, "Approve", nil},
		{shoot.StageClips, "yes, go ahead", shoot.Options{}, "Approve", nil},
		{shoot.StageComplete, "continue", shoot.Options{}, "", nil},

		// Changes redo the current stage with the reply added.
		{shoot.StageHero, "looks good but make the background warmer", shoot.Options{}, "GenerateHero", func(t *testing.T, a *fakeActions) {
			p := a.Calls[0].Arg.(pipeline.HeroParams)
			if p.Extra != "make the background warmer" || strings.Contains(p.Prompt, "warmer") {
				t.Errorf("extra %q; the prompt should leave it to Extra", p.Extra)
			}
			if p.Pose != prompt.DefaultPose || p.Background != prompt.DefaultBackground {
				t.Errorf("presets changed without mood words: %s %s", p.Pose, p.Background)
			}
		}},
		{shoot.StageHero, "make it edgy and bold", shoot.Options{}, "SetOptions,GenerateHero", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["pose"] != "editorial-drama" || m["background"] != "studio-black" {
				t.Errorf("options %v", m)
			}
			if p := a.Calls[1].Arg.(pipeline.HeroParams); p.Pose != "editorial-drama" || p.Extra != "make it edgy and bold" {
				t.Errorf("hero %+v", p)
			}
		}},
		{shoot.StageHero, "try again", shoot.Options{}, "GenerateHero", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[0].Arg.(pipeline.HeroParams); p.Extra != "" {
				t.Errorf("a bare retry added %q", p.Extra)
			}
		}},
		{shoot.StageHero, "add round sunglasses", shoot.Options{}, "GenerateHero", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[0].Arg.(pipeline.HeroParams); !strings.Contains(p.Prompt, "eyewear") {
				t.Error("glasses named in the reply should switch on the eyewear clause")
			}
		}},
		{shoot.StageContactSheet, "more contrast in every frame", shoot.Options{AspectRatio: "4:5"}, "GenerateContactSheet", func(t *testing.T, a *fakeActions) {
			p := a.Calls[0].Arg.(pipeline.SheetParams)
			if p.Extra != "more contrast in every frame" || p.AspectRatio != "4:5" || !strings.Contains(p.Prompt, "sheet is 4:5") {
				t.Errorf("sheet %+v", p)
			}
		}},
		{shoot.StageFrames, "warmer light please", shoot.Options{}, "RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame", func(t *testing.T, a *fakeActions) {
			for i, c := range a.Calls {
				if want := fmt.Sprintf("%d|warmer light please", i+1); c.Arg != want {
					t.Errorf("call %d = %v, want %s", i, c.Arg, want)
				}
			}
		}},
		{shoot.StageClips, "slower camera moves", loop, "GenerateAllClips", func(t *testing.T, a *fakeActions) {
			p := a.Calls[0].Arg.(pipeline.ClipsParams)
			if len(p.Prompts) != 6 || p.IncludeLoop == nil || !*p.IncludeLoop || p.NegativePrompt == "" {
				t.Fatalf("clips %+v", p)
			}
			for n, pr := range p.Prompts {
				if !strings.HasPrefix(pr, prompt.Clip(n, true)) || !strings.Contains(pr, "slower camera moves") {
					t.Errorf("clip %d prompt %q", n, pr)
				}
			}
		}},
		{shoot.StageComplete, "make it warmer", shoot.Options{}, "", nil},

		// Frames.
		{shoot.StageFrames, "regenerate frames 2 and 5 with a red hat", shoot.Options{}, "RegenerateFrame,RegenerateFrame", func(t *testing.T, a *fakeActions) {
			if a.Calls[0].Arg != "2|a red hat" || a.Calls[1].Arg != "5|a red hat" {
				t.Errorf("calls %v", a.Calls)
			}
		}},
		{shoot.StageFrames, "regenerate all frames", shoot.Options{}, "RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame,RegenerateFrame", nil},
		{shoot.StageClips, "regenerate frame 3", shoot.Options{}, "RegenerateFrame", func(t *testing.T, a *fakeActions) {
			if a.Calls[0].Arg != "3|" {
				t.Errorf("calls %v", a.Calls)
			}
		}},
		{shoot.StageHero, "regenerate frame 3", shoot.Options{}, "", nil},
		{shoot.StageFrames, "regenerate frame 9", shoot.Options{}, "", nil},

		// Clips.
		{shoot.StageClips, "redo clip 2", shoot.Options{}, "GenerateClip", func(t *testing.T, a *fakeActions) {
			if a.Calls[0].Arg != "2|"+prompt.Clip(2, false) {
				t.Errorf("calls %v", a.Calls)
			}
		}},
		{shoot.StageClips, "regenerate clips 1, 4 slower", shoot.Options{}, "GenerateClip,GenerateClip", func(t *testing.T, a *fakeActions) {
			if a.Calls[0].Arg != "1|"+prompt.Clip(1, false)+" Extra direction: slower" || !strings.HasPrefix(a.Calls[1].Arg.(string), "4|") {
				t.Errorf("calls %v", a.Calls)
			}
		}},
		{shoot.StageClips, "redo clip 6", shoot.Options{}, "", nil},
		{shoot.StageClips, "redo clip 6", loop, "GenerateClip", func(t *testing.T, a *fakeActions) {
			if a.Calls[0].Arg != "6|"+prompt.Clip(6, true) {
				t.Errorf("calls %v", a.Calls)
			}
		}},
		{shoot.StageClips, "redo all clips", shoot.Options{}, "GenerateAllClips", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[0].Arg.(pipeline.ClipsParams); len(p.Prompts) != 5 || *p.IncludeLoop {
				t.Errorf("clips %+v", p)
			}
		}},
		{shoot.StageFrames, "redo clip 2", shoot.Options{}, "", nil},

		// Aspect ratio.
		{shoot.StageHero, "use 9:16", shoot.Options{}, "SetOptions,GenerateHero", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["aspectRatio"] != "9:16" || len(m) != 1 {
				t.Errorf("options %v", m)
			}
			p := a.Calls[1].Arg.(pipeline.HeroParams)
			if p.AspectRatio != "9:16" || !strings.Contains(p.Prompt, "9:16 aspect ratio") || strings.Contains(p.Prompt, "3:2") {
				t.Errorf("hero %+v", p)
			}
		}},
		{shoot.StageContactSheet, "square", shoot.Options{}, "SetOptions,GenerateContactSheet", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[1].Arg.(pipeline.SheetParams); p.AspectRatio != "1:1" || !strings.Contains(p.Prompt, "sheet is 1:1") {
				t.Errorf("sheet %+v", p)
			}
		}},
		{shoot.StageFrames, "make it vertical 9:16", shoot.Options{}, "SetOptions,ResizeFrames", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["frameAspect"] != "9:16" {
				t.Errorf("options %v", m)
			}
			if a.Calls[1].Arg != "9:16" {
				t.Errorf("resize %v", a.Calls[1].Arg)
			}
		}},
		{shoot.StageHero, "use 4:5 and warm it up", shoot.Options{}, "SetOptions,GenerateHero", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[1].Arg.(pipeline.HeroParams); p.AspectRatio != "4:5" || p.Extra != "use 4:5 and warm it up" {
				t.Errorf("hero %+v", p)
			}
		}},
		{shoot.StageFrames, "use 4:5", shoot.Options{}, "", nil},

		// Loop and easing.
		{shoot.StageClips, "loop it", shoot.Options{}, "SetOptions,GenerateClip", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["loop"] != true {
				t.Errorf("options %v", m)
			}
			if a.Calls[1].Arg != "6|"+prompt.Clip(6, true) {
				t.Errorf("clip %v", a.Calls[1].Arg)
			}
		}},
		{shoot.StageClips, "loop it", loop, "", nil},
		{shoot.StageFrames, "make it loop", shoot.Options{}, "SetOptions", nil},
		{shoot.StageClips, "no loop", loop, "SetOptions", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["loop"] != false {
				t.Errorf("options %v", m)
			}
		}},
		{shoot.StageClips, "use cinematic easing", shoot.Options{}, "SetOptions", func(t *testing.T, a *fakeActions) {
			if m := a.Calls[0].Arg.(map[string]any); m["easing"] != "cinematic" {
				t.Errorf("options %v", m)
			}
		}},
		{shoot.StageComplete, "use luxurious easing", shoot.Options{}, "SetOptions,StitchFinal", func(t *testing.T, a *fakeActions) {
			if p := a.Calls[1].Arg.(pipeline.StitchParams); p.Easing != "luxurious" {
				t.Errorf("stitch %+v", p)
			}
		}},
		{shoot.StageClips, "use wobbly easing", shoot.Options{}, "", nil},
	}
	for _, c := range cases {
		t.Run(c.stage+"/"+c.text, func(t *testing.T) {
			t.Parallel()
			act, out := runReply(t, c.stage, c.text, c.opts)
			if act.Names() != c.calls {
				t.Fatalf("calls %q, want %q", act.Names(), c.calls)
			}
			if c.check != nil {
				c.check(t, act)
			}
			checkToolEvents(t, act, out)
		})
	}
}

// checkToolEvents asserts one tool_call and one successful tool_result per
// action, in order, after the narration.
func checkToolEvents(t *testing.T, act *fakeActions, out *fakeEmitter) {
	t.Helper()
	calls, results := 0, 0
	for _, ev := range out.Events {
		switch ev.Kind {
		case "tool_call":
			calls++
			if results != calls-1 {
				t.Errorf("tool_call %s before the previous result", ev.Name)
			}
		case "tool_result":
			results++
			if ev.IsError {
				t.Errorf("unexpected error result %s: %s", ev.Name, ev.Text)
			}
		}
	}
	if calls != len(act.Calls) || results != len(act.Calls) {
		t.Errorf("%d tool calls, %d results for %d actions", calls, results, len(act.Calls))
	}
	if len(out.Events) > 0 && out.Events[0].Kind != "hint" {
		t.Errorf("the turn should speak before acting; first event %+v", out.Events[0])
	}
}

func TestReplyNarration(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		shoot.StageFrames + "|regenerate frames 2 and 5": {"frames 2 and 5"},
		shoot.StageClips + "|redo clip 2":                {"clip 2", "descending arc"},
		shoot.StageFrames + "|frame 9":                   {"no frame 9"},
		shoot.StageClips + "|redo clip 6":                {"loop it"},
		shoot.StageFrames + "|redo clip 2":               {"no clips yet"},
		shoot.StageHero + "|regenerate frame 3":          {"no frames yet"},
		shoot.StageClips + "|continue":                   {"dramaticSwoop"},
	}
	for key, wants := range cases {
		stage, text, _ := strings.Cut(key, "|")
		_, out := runReply(t, stage, text, shoot.Options{})
		msg := out.text(t)
		for _, w := range wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s at %s: %q lacks %q", text, stage, msg, w)
			}
		}
	}
}
