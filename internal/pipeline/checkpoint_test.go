package pipeline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/claude"
	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/director/rules"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/qa"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// The checkpoints belong to the server: whatever a director does, a stage
// starts only on the user's reply (or with autoApprove), one stage per
// reply. These tests run the same shoot with every director: the rules
// director, a Claude model that behaves, and a Claude model that calls
// every tool in every message, in the most dangerous order (approve
// first), even when it is asked for words only.

// everyTool is what the reckless model calls each time, approve first.
var everyTool = []struct {
	name  string
	input map[string]any
}{
	{"approve", map[string]any{}},
	{"stitch_final", map[string]any{}},
	{"generate_all_clips", map[string]any{}},
	{"generate_video_clip", map[string]any{"clip": 2}},
	{"regenerate_frame", map[string]any{"frame": 3, "instruction": "brighter"}},
	{"resize_frames", map[string]any{"aspectRatio": "9:16"}},
	{"extract_frames", map[string]any{}},
	{"generate_contact_sheet", map[string]any{}},
	{"generate_hero", map[string]any{}},
}

func reckless(claudetest.Request) claudetest.Response {
	blocks := []claudetest.Block{claudetest.Text("Pressing on with everything.")}
	for _, t := range everyTool {
		blocks = append(blocks, claudetest.ToolUse(t.name, t.input))
	}
	return claudetest.Reply(blocks...)
}

// obedient starts the hero, approves on a reply and only talks otherwise.
func obedient(r claudetest.Request) claudetest.Response {
	last := r.Last()
	switch text := last.Text(); {
	case len(last.Blocks("tool_result")) > 0:
		return claudetest.Reply(claudetest.Text("Under way."))
	case strings.Contains(text, "[New shoot]"):
		return claudetest.Reply(claudetest.Text("Starting the hero."), claudetest.ToolUse("generate_hero", map[string]any{}))
	case strings.Contains(text, "[User reply"):
		return claudetest.Reply(claudetest.Text("On we go."), claudetest.ToolUse("approve", map[string]any{}))
	}
	return claudetest.Reply(claudetest.Text("That came out well. Continue, or tell me what to change."))
}

type directorCase struct {
	name  string
	make  func(t *testing.T, st store.Store, lib *prompt.Library) pipeline.Director
	model func(claudetest.Request) claudetest.Response // nil for rules
	api   *claudetest.Server
}

func directorCases() []*directorCase {
	cases := []*directorCase{
		{name: "rules", make: func(_ *testing.T, _ store.Store, lib *prompt.Library) pipeline.Director {
			return rules.New(lib, media.Names())
		}},
		{name: "claude-obedient", model: obedient},
		{name: "claude-reckless", model: reckless},
	}
	for _, c := range cases {
		if c.model == nil {
			continue
		}
		c.make = func(t *testing.T, st store.Store, lib *prompt.Library) pipeline.Director {
			c.api = claudetest.Start(t)
			c.api.Handle(c.model)
			d, err := claude.New(claude.Options{APIKey: claudetest.TestKey, BaseURL: c.api.URL, Store: st,
				Library: lib, Easings: media.Names(), Retry: claude.Retry{Attempts: 2}})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	return cases
}

// provided is what the providers were asked to make so far.
func (h *harness) provided() [3]int {
	return [3]int{h.calls.count(shoot.ImageHero), h.calls.count(shoot.ImageContactSheet), h.calls.count("clip")}
}

// stagesStarted lists the stages an exchange started work on.
func stagesStarted(evs []shoot.Event) []string {
	var out []string
	for _, ev := range evs {
		if ev.Type != shoot.EventStatus {
			continue
		}
		var m map[string]any
		_ = json.Unmarshal(ev.Data, &m)
		if st, ok := m["stage"].(string); ok {
			out = append(out, st)
		}
	}
	return out
}

func TestCheckpointsHoldForEveryDirector(t *testing.T) {
	t.Parallel()
	// Each step: the reply that opens it ("" for the brief), the checkpoint
	// it must end at, the one stage it may start, and the provider calls
	// (hero, sheet, clips) made by then.
	steps := []struct {
		reply, checkpoint, stage string
		provided                 [3]int
	}{
		{"", shoot.StageHero, shoot.StageHero, [3]int{1, 0, 0}},
		{"continue", shoot.StageContactSheet, shoot.StageContactSheet, [3]int{1, 1, 0}},
		{"continue", shoot.StageFrames, shoot.StageFrames, [3]int{1, 1, 0}},
		{"continue", shoot.StageClips, shoot.StageClips, [3]int{1, 1, 5}},
		{"continue", shoot.StageComplete, shoot.StageFinal, [3]int{1, 1, 5}},
	}
	for _, dc := range directorCases() {
		t.Run(dc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessOptions{clipConcurrency: 5, director: dc.make})
			var sid string
			for i, st := range steps {
				var evs []shoot.Event
				if st.reply == "" {
					sid, evs = h.start(fast, h.upload(1))
				} else {
					evs = h.reply(sid, st.reply)
				}
				end := last(t, evs)
				if end["type"] != shoot.EventComplete || end["stage"] != st.checkpoint || checkpointOf(t, evs) != st.checkpoint {
					t.Fatalf("step %d ended with %v (checkpoint %q), want the %s checkpoint: %s", i, end, checkpointOf(t, evs), st.checkpoint, types(evs))
				}
				if got := stagesStarted(evs); len(got) != 1 || got[0] != st.stage {
					t.Fatalf("step %d started %v, want only the %s", i, got, st.stage)
				}
				if got := h.provided(); got != st.provided {
					t.Fatalf("step %d: providers made (hero, sheet, clips) %v, want %v", i, got, st.provided)
				}
			}
			if v := h.latestAsset(sid, shoot.AssetFinal, 0).Version; v != 1 {
				t.Errorf("the film is version %d, want 1", v)
			}
			if dc.name == "claude-reckless" {
				checkHeldTurnsEnd(t, dc.api.Requests())
			}
		})
	}
}

// checkHeldTurnsEnd checks how the Claude director handled the model
// that will not stop: after the engine refused a call as held, the next
// request offered no tools, and no request after that continued the turn.
func checkHeldTurnsEnd(t *testing.T, reqs []claudetest.Request) {
	t.Helper()
	reqs = withoutChecks(reqs)
	none := 0
	for i, r := range reqs {
		if r.ToolChoice != "none" {
			continue
		}
		none++
		held := false
		for _, b := range r.Last().Blocks("tool_result") {
			held = held || (b.IsError && strings.Contains(b.Content, "Do not call more tools in this turn"))
		}
		if !held {
			t.Errorf("request %d asked for words only without a held call before it", i)
		}
		if i+1 < len(reqs) && !opensTurn(reqs[i+1].Last().Text()) {
			t.Errorf("request %d went on with the turn after the words-only request: %q", i+1, reqs[i+1].Last().Text())
		}
	}
	if none < 5 {
		t.Errorf("%d words-only requests, want one after each of the 5+ turns the model overreached in", none)
	}
}

// opensTurn reports whether a message opens a director turn: a brief, a
// user's reply or a stage's result.
func opensTurn(text string) bool {
	for _, p := range []string{"[New shoot]", "[User reply", "[User message", "[Step finished"} {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

func TestAutoApproveRunsThroughForEveryDirector(t *testing.T) {
	t.Parallel()
	for _, dc := range directorCases() {
		t.Run(dc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessOptions{clipConcurrency: 5, director: dc.make})
			opts := fast
			opts.AutoApprove = true
			sid, evs := h.start(opts, h.upload(2))
			if end := last(t, evs); end["stage"] != shoot.StageComplete {
				t.Fatalf("auto-approved shoot ended with %v: %s", end, types(evs))
			}
			if got := h.provided(); got != [3]int{1, 1, 5} {
				t.Errorf("providers made (hero, sheet, clips) %v, want one hero, one sheet, five clips", got)
			}
			if v := h.latestAsset(sid, shoot.AssetFinal, 0).Version; v != 1 {
				t.Errorf("the film is version %d, want 1", v)
			}
		})
	}
}

// withoutChecks drops the picture checks' requests (forced to the
// qa_verdict tool), which the stage jobs make beside the director's turns.
func withoutChecks(reqs []claudetest.Request) []claudetest.Request {
	var out []claudetest.Request
	for _, r := range reqs {
		if r.ToolChoice == "tool" && len(r.Tools) == 1 && r.Tools[0] == qa.VerdictTool {
			continue
		}
		out = append(out, r)
	}
	return out
}
