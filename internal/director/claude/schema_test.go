package claude

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestToolInputValidation checks each rule of the schema subset through the
// real tool schemas: what passes reaches the engine, what fails names why.
func TestToolInputValidation(t *testing.T) {
	t.Parallel()
	tools := map[string]tool{}
	for _, tl := range catalog([]string{"confident-standing"}, []string{"studio-grey"}, []string{"linear", "cinematic"}) {
		tools[tl.name] = tl
	}
	cases := []struct {
		tool, input string
		wantErr     string // "" = valid
	}{
		{toolHero, `{}`, ""},
		{toolHero, ``, ""},
		{toolHero, `{"pose":"confident-standing","aspectRatio":"9:16","resolution":"4K","extra":"red scarf"}`, ""},
		{toolHero, `{"aspectRatio":"7:3"}`, `aspectRatio is "7:3", which is not one of 21:9`},
		{toolHero, `{"pose":"floating"}`, `pose is "floating"`},
		{toolHero, `{"aspectRatio":3}`, "aspectRatio must be a string"},
		{toolHero, `{"mood":"happy"}`, `unknown field "mood"`},
		{toolHero, `{"extra":"` + strings.Repeat("é", maxNote+1) + `"}`, "extra is too long"},
		{toolHero, `[]`, "input must be a JSON object"},
		{toolHero, `{"extra":"a"} {}`, "trailing data"},
		{toolHero, `{"extra":`, "not valid JSON"},
		{toolFrame, `{"frame":3,"instruction":"warmer"}`, ""},
		{toolFrame, `{"instruction":"warmer"}`, `missing the required field "frame"`},
		{toolFrame, `{"frame":7}`, "frame is 7, outside the allowed range 1 to 6"},
		{toolFrame, `{"frame":2.5}`, "frame must be a whole number"},
		{toolFrame, `{"frame":"2"}`, "frame must be an integer"},
		{toolFrame, `{"frame":2.0}`, ""},
		{toolResize, `{}`, `missing the required field "aspectRatio"`},
		{toolResize, `{"aspectRatio":"21:9"}`, "not one of 16:9"},
		{toolAllClips, `{"prompts":{"2":"dolly in","6":"pull back"},"duration":10,"includeLoop":true}`, ""},
		{toolAllClips, `{"prompts":{"7":"x"}}`, `prompts has an unknown field "7"`},
		{toolAllClips, `{"duration":7}`, "duration is 7, which is not one of 5, 10"},
		{toolAllClips, `{"includeLoop":"yes"}`, "includeLoop must be true or false"},
		{toolStitch, `{"clipDuration":0.25}`, "clipDuration is 0.25, outside the allowed range 0.5 to 5"},
		{toolStitch, `{"easingCurve":"wobble"}`, `easingCurve is "wobble"`},
		{toolStitch, `{"outputFps":1e400}`, "outputFps must be a finite number"},
		{toolOptions, `{}`, "needs at least 1 field"},
		{toolOptions, `{"loop":true,"easing":"linear","videoSeconds":10}`, ""},
		{toolApprove, `{}`, ""},
		{toolApprove, `{"stage":"hero"}`, `unknown field "stage"; allowed: none`},
	}
	for _, c := range cases {
		err := tools[c.tool].input.validate(json.RawMessage(c.input))
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s %s: unexpected error %v", c.tool, c.input, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s %s: error %v, want %q", c.tool, c.input, err, c.wantErr)
		}
	}
}

// TestToolSchemasSent: every tool goes out as an object schema that forbids
// unknown fields and names its enums, as the model must see them.
func TestToolSchemasSent(t *testing.T) {
	t.Parallel()
	want := []string{toolHero, toolSheet, toolFrames, toolResize, toolFrame, toolClip, toolAllClips, toolStitch, toolOptions, toolApprove}
	got := catalog(nil, nil, nil)
	if len(got) != len(want) {
		t.Fatalf("%d tools", len(got))
	}
	for i, tl := range got {
		if tl.name != want[i] || tl.description == "" {
			t.Errorf("tool %d: %q", i, tl.name)
		}
		raw, err := json.Marshal(tl.input)
		if err != nil {
			t.Fatal(err)
		}
		var s map[string]any
		_ = json.Unmarshal(raw, &s)
		if s["type"] != "object" || s["additionalProperties"] != false {
			t.Errorf("%s schema %s", tl.name, raw)
		}
	}
	raw, _ := json.Marshal(heroTool(nil, nil).input)
	if !strings.Contains(string(raw), `"enum":["21:9","16:9"`) || !strings.Contains(string(raw), `"maxLength":4000`) {
		t.Errorf("hero schema %s", raw)
	}
}

// TestToolsMapToActions: each tool's validated input arrives at the right
// Actions method with the right values.
func TestToolsMapToActions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tool, input, call string
		check             func(any) bool
	}{
		{toolSheet, `{"aspectRatio":"1:1","extra":"tighter crops"}`, "GenerateContactSheet", func(a any) bool {
			p := a.(pipeline.SheetParams)
			return p.AspectRatio == "1:1" && p.Extra == "tighter crops"
		}},
		{toolFrames, `{"rows":2,"cols":3,"grid":"auto"}`, "ExtractFrames", func(a any) bool {
			return a.(pipeline.FramesParams) == pipeline.FramesParams{Rows: 2, Cols: 3, Grid: "auto"}
		}},
		{toolClip, `{"clip":6,"prompt":"pull back to the portrait"}`, "GenerateClip", func(a any) bool { return a == "6|pull back to the portrait" }},
		{toolFrame, `{"frame":2}`, "RegenerateFrame", func(a any) bool { return a == "2|" }},
		{toolOptions, `{"aspectRatio":"4:5","loop":true}`, "SetOptions", func(a any) bool {
			m := a.(map[string]any)
			return m["aspectRatio"] == "4:5" && m["loop"] == true && len(m) == 2
		}},
		{toolStitch, `{"outputFps":30,"includeLoop":false}`, "StitchFinal", func(a any) bool {
			p := a.(pipeline.StitchParams)
			return p.FPS == 30 && p.IncludeLoop != nil && !*p.IncludeLoop
		}},
	}
	e := newEnv(t)
	d := e.director()
	for _, c := range cases {
		act, out := &fakeActions{}, &fakeEmitter{}
		results, _, err := d.runTools(t.Context(), []peek{{ID: "toolu_x", Name: c.tool, Input: json.RawMessage(c.input)}}, "", act, out)
		if err != nil || len(results) != 1 {
			t.Fatalf("%s: %v", c.tool, err)
		}
		if act.Names() != c.call || !c.check(act.Calls[0].Arg) {
			t.Errorf("%s: calls %+v", c.tool, act.Calls)
		}
		if ev := out.tools(); len(ev) != 2 || ev[1].IsError || ev[1].Name != c.tool {
			t.Errorf("%s: events %+v", c.tool, ev)
		}
	}
	// An unknown tool is answered with the list of real ones.
	act, out := &fakeActions{}, &fakeEmitter{}
	if _, _, err := d.runTools(t.Context(), []peek{{ID: "t", Name: "bash", Input: json.RawMessage(`{}`)}}, "", act, out); err != nil {
		t.Fatal(err)
	}
	if ev := out.tools()[1]; !ev.IsError || !strings.Contains(ev.Text, "generate_hero") || act.Names() != "" {
		t.Errorf("unknown tool: %+v", ev)
	}
}

func TestPricesAndBackoff(t *testing.T) {
	t.Parallel()
	if p, ok := PricesFor("claude-sonnet-5-5"); !ok || p.Input != 2 || p.Output != 10 || p.CacheRead != 0.1 {
		t.Errorf("sonnet 5.5 prices %+v", p)
	}
	if p, ok := PricesFor("claude-sonnet-4-5-20250929"); !ok || p.Input != 3 || p.CacheWrite != 3.75 {
		t.Errorf("dated id prices %+v", p)
	}
	if _, ok := PricesFor("gpt-4"); ok {
		t.Error("an unknown model has a price")
	}
	// The director's knobs become the studio's one retry policy: the
	// doubling backoff from BaseDelay, every wait (a server's retry-after
	// too) capped at MaxDelay.
	r := Retry{Attempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	p := r.policy()
	if p.Attempts != 3 || p.MaxRetryAfter != time.Second {
		t.Errorf("policy %+v, want 3 tries and retry-after capped at 1 s", p)
	}
	for attempt, hi := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second, 80: time.Second} {
		if got := p.Backoff(attempt); got > hi || got < hi/2 {
			t.Errorf("backoff(%d) = %v, want between half of %v and %v", attempt, got, hi, hi)
		}
	}
	if d := (Retry{}).withDefaults(); d.Attempts != 5 || d.BaseDelay != time.Second || d.MaxDelay != 30*time.Second {
		t.Errorf("defaults %+v", d)
	}
}

func TestSettingsLine(t *testing.T) {
	t.Parallel()
	got := settings(shoot.Options{Loop: true, Pose: "street-walk", FrameAspect: "9:16"})
	for _, want := range []string{"aspect ratio 3:2", "loop on (6 clips)", "easing dramaticSwoop", "pose street-walk", "background (you choose)", "frames re-cropped to 9:16"} {
		if !strings.Contains(got, want) {
			t.Errorf("settings %q lack %q", got, want)
		}
	}
}
