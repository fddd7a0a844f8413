package claude

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func smallJPEG(t *testing.T) shoot.Reference {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	return shoot.Reference{Name: "look.jpg", ContentType: "image/jpeg", Data: buf.Bytes()}
}

// TestFullShoot drives a whole shoot through the real SDK against the fake:
// the model plans, calls tools at each checkpoint, and every request carries
// the conversation so far, valid for the API.
func TestFullShoot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.director()

	// Start: the model explains and starts the hero in one message.
	e.api.Script(
		claudetest.Reply(claudetest.Text("Linen wants air and light: a relaxed pose on warm daylight."),
			claudetest.ToolUse("generate_hero", map[string]any{"pose": "relaxed-natural", "background": "warm-daylight", "extra": "let the linen crease"})),
		claudetest.Reply(claudetest.Text("The hero is being shot.")),
	)
	act, out := e.mustTurn(d, start("a linen suit for a summer campaign", smallJPEG(t)))
	if act.Names() != "GenerateHero" {
		t.Fatalf("start calls %q", act.Names())
	}
	if p := act.Calls[0].Arg.(pipeline.HeroParams); p.Pose != "relaxed-natural" || p.Background != "warm-daylight" || p.Extra != "let the linen crease" || p.Prompt != "" {
		t.Errorf("hero params %+v", p)
	}
	first := e.api.Requests()[0]
	if imgs := first.Images(); len(imgs) != 1 || imgs[0].MediaType != "image/jpeg" {
		t.Errorf("first request images %+v", imgs)
	}
	if txt := first.Last().Text(); !strings.Contains(txt, "Brief: a linen suit") || !strings.Contains(txt, "aspect ratio 3:2") {
		t.Errorf("opening message %q", txt)
	}
	if !strings.Contains(first.System, "creative director") || !strings.Contains(first.System, "relaxed-natural") {
		t.Error("system prompt lacks the role or the presets")
	}
	if len(first.Tools) != 10 {
		t.Errorf("tools offered: %v", first.Tools)
	}
	second := e.lastRequest()
	res := second.Last().Blocks("tool_result")
	if len(res) != 1 || res[0].IsError || !strings.HasPrefix(res[0].Content, "started: hero") {
		t.Fatalf("tool result sent back: %+v", res)
	}
	if msgs := out.messages(t); len(msgs) != 2 || msgs[1] != "The hero is being shot." {
		t.Errorf("assistant messages %q", msgs)
	}

	// The hero arrives as the next turn; the model comments.
	e.api.Script(claudetest.Reply(claudetest.Text("The hero is in. Continue for the contact sheet, or tell me what to change.")))
	act, _ = e.mustTurn(d, result(shoot.StageHero, "outputs/session_1_test/hero.png"))
	if act.Names() != "" {
		t.Errorf("a result turn acted: %s", act.Names())
	}
	if txt := e.lastRequest().Last().Text(); !strings.Contains(txt, "[Step finished: generate_hero]") || !strings.Contains(txt, "hero.png") {
		t.Errorf("continuation %q", txt)
	}

	// The user approves; the model approves and says so.
	e.api.Script(claudetest.Reply(claudetest.ToolUse("approve", map[string]any{})), claudetest.Reply(claudetest.Text("On to the sheet.")))
	act, _ = e.mustTurn(d, replyAt(shoot.StageHero, "continue"))
	if act.Names() != "Approve" {
		t.Errorf("reply calls %q", act.Names())
	}
	if txt := e.api.Requests()[3].Last().Text(); !strings.Contains(txt, "hero checkpoint") || !strings.Contains(txt, "User: continue") {
		t.Errorf("reply message %q", txt)
	}

	// Frames: two tool calls in one message, both run, both answered.
	e.api.Script(
		claudetest.Reply(claudetest.ToolUse("regenerate_frame", map[string]any{"frame": 3, "instruction": "warmer light"}),
			claudetest.ToolUse("resize_frames", map[string]any{"aspectRatio": "9:16"})),
		claudetest.Reply(claudetest.Text("Reworking frame 3 and going vertical.")),
	)
	act, _ = e.mustTurn(d, replyAt(shoot.StageFrames, "frame 3 warmer, and make them vertical"))
	if act.Names() != "RegenerateFrame,ResizeFrames" || act.Calls[0].Arg != "3|warmer light" || act.Calls[1].Arg != "9:16" {
		t.Errorf("frame calls %+v", act.Calls)
	}
	if res := e.lastRequest().Last().Blocks("tool_result"); len(res) != 2 {
		t.Errorf("two calls need two results: %+v", res)
	}

	// Clips and film: per-clip prompts and an easing.
	e.api.Script(
		claudetest.Reply(claudetest.ToolUse("generate_all_clips", map[string]any{"prompts": map[string]string{"2": "slow dolly in"}, "includeLoop": true}),
			claudetest.ToolUse("set_options", map[string]any{"easing": "cinematic"})),
		claudetest.Reply(claudetest.Text("Six clips on the way, cut with cinematic easing.")),
	)
	act, _ = e.mustTurn(d, replyAt(shoot.StageFrames, "animate it, loop it, cinematic easing"))
	if act.Names() != "GenerateAllClips,SetOptions" {
		t.Fatalf("clip calls %q", act.Names())
	}
	if p := act.Calls[0].Arg.(pipeline.ClipsParams); p.Prompts[2] != "slow dolly in" || p.IncludeLoop == nil || !*p.IncludeLoop {
		t.Errorf("clips params %+v", p)
	}
	e.api.Script(claudetest.Reply(claudetest.ToolUse("stitch_final", map[string]any{"easingCurve": "cinematic", "clipDuration": 1.2})),
		claudetest.Reply(claudetest.Text("Stitching.")))
	act, _ = e.mustTurn(d, replyAt(shoot.StageClips, "continue"))
	if p := act.Calls[0].Arg.(pipeline.StitchParams); p.Easing != "cinematic" || p.ClipDuration != 1.2 {
		t.Errorf("stitch params %+v", p)
	}

	e.checkAccepted()
	// The last request holds the whole shoot, and the references only once.
	last := e.lastRequest()
	if got := len(e.stored()); len(last.Messages)+1 != got {
		t.Errorf("last request has %d messages, the store %d (plus the final answer)", len(last.Messages), got)
	}
	if n := len(last.Images()); n != 1 {
		t.Errorf("references sent %d times in the history, want once", n)
	}
}

// TestRestartCarriesConversation: a new director on the same store (a
// restarted server) sends the whole earlier conversation with the reply.
func TestRestartCarriesConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.Script(
		claudetest.Reply(claudetest.Thinking("sig-1"), claudetest.Text("Starting the hero."),
			claudetest.ToolUse("generate_hero", map[string]any{"pose": "confident-standing"})),
		claudetest.Reply(claudetest.Text("Shooting now.")),
	)
	e.mustTurn(e.director(), start("tailored grey coat", smallJPEG(t)))
	before := e.lastRequest()

	e.api.Script(claudetest.Reply(claudetest.Text("Warmer it is.")))
	e.mustTurn(e.director(), replyAt(shoot.StageHero, "make it warmer"))
	after := e.lastRequest()

	// Everything sent before, plus the last reply, plus the new message.
	if len(after.Messages) != len(before.Messages)+2 {
		t.Fatalf("after restart %d messages, before %d", len(after.Messages), len(before.Messages))
	}
	for i, m := range before.Messages {
		if a := after.Messages[i]; a.Role != m.Role || len(a.Content) != len(m.Content) {
			t.Fatalf("message %d changed across the restart", i)
		}
		for j, b := range m.Content {
			if !jsonEqual(t, b.Raw, after.Messages[i].Content[j].Raw) {
				t.Errorf("message %d block %d differs: %s vs %s", i, j, b.Raw, after.Messages[i].Content[j].Raw)
			}
		}
	}
	if txt := after.Messages[len(after.Messages)-2].Text(); txt != "Shooting now." {
		t.Errorf("the earlier reply is missing: %q", txt)
	}
	// The thinking block went back with its signature.
	if th := after.Messages[1].Blocks("thinking"); len(th) != 1 || th[0].Signature != "sig-1" {
		t.Errorf("thinking block not kept: %+v", after.Messages[1].Content)
	}
	if strings.Contains(strings.ToLower(after.Last().Text()), "reconstruct") {
		t.Error("no context reconstruction prompt expected")
	}
	e.checkAccepted()
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}

// TestCrashLeavesToolCallUnanswered: a stored tool call with no result
// (the process died after storing the model's message) is answered
// "interrupted" before the next request, which the API then accepts.
func TestCrashLeavesToolCallUnanswered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed(`[{"type":"text","text":"[New shoot]"}]`, `[{"type":"tool_use","id":"toolu_lost","name":"generate_hero","input":{}}]`)
	e.api.Script(claudetest.Reply(claudetest.Text("Let me check where we are.")))
	e.mustTurn(e.director(), replyAt(shoot.StageHero, "continue"))
	e.checkAccepted()
	res := e.lastRequest().Messages[2].Blocks("tool_result")
	if len(res) != 1 || res[0].ToolUseID != "toolu_lost" || !res[0].IsError || !strings.HasPrefix(res[0].Content, "interrupted") {
		t.Fatalf("interrupted result %+v", res)
	}
	if got := len(e.stored()); got != 5 {
		t.Errorf("stored %d messages, want 5 (seed 2, interrupted, reply, answer)", got)
	}
}

// seed stores messages alternating user/assistant.
func (e *env) seed(contents ...string) {
	e.t.Helper()
	for i, c := range contents {
		role := roleUser
		if i%2 == 1 {
			role = roleAssistant
		}
		if err := e.store.AppendMessage(e.t.Context(), &shoot.Message{SessionID: e.sess.ID, Role: role, Content: json.RawMessage(c)}); err != nil {
			e.t.Fatal(err)
		}
	}
}
