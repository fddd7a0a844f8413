// Package rules is the offline director: it picks presets from the brief
// with the vibe mapping, fills the prompt templates, and reads checkpoint
// replies with director.ParseReply. It needs no key and no network, and the
// same input always gives the same actions.
package rules

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Director is the rules director. It keeps no state between turns: what it
// needs is in the session (brief, options) and the checkpoint.
type Director struct {
	lib     *prompt.Library
	easings []string
}

// New returns a rules director using the presets in lib and the easing
// names the stitcher knows (media.Names()).
func New(lib *prompt.Library, easings []string) *Director {
	return &Director{lib: lib, easings: easings}
}

// Name returns "rules".
func (d *Director) Name() string { return "rules" }

// Turn handles one input. Start turns plan the hero; reply turns act on the
// user's answer at a checkpoint; result turns say, in one sentence, what was
// made and what the user can say next. A refused action (EINVALID,
// ECONFLICT) is explained to the user and the turn ends normally, so the
// checkpoint stays open for another reply; other errors are returned.
func (d *Director) Turn(ctx context.Context, in pipeline.TurnInput, act pipeline.Actions, out pipeline.Emitter) error {
	if in.Session == nil {
		return shoot.Errorf(shoot.EINVALID, "director turn without a session")
	}
	switch in.Kind {
	case pipeline.TurnStart:
		return d.start(ctx, in, act, out)
	case pipeline.TurnReply:
		return d.reply(ctx, in, act, out)
	case pipeline.TurnResult:
		return d.result(ctx, in, out)
	}
	return shoot.Errorf(shoot.EINVALID, "unknown turn kind %q", in.Kind)
}

// step is one action with the tool name and input shown to the user.
type step struct {
	tool    string
	input   any
	summary string // tool_result text on success
	run     func(ctx context.Context) error
}

// plan is what a turn says, then does.
type plan struct {
	say   string
	steps []step
}

// execute narrates the plan, then runs its steps in order, each wrapped in
// tool_call / tool_result events. It stops at the first failure.
func (d *Director) execute(ctx context.Context, p plan, out pipeline.Emitter) error {
	say(ctx, out, p.say)
	for _, s := range p.steps {
		raw, err := json.Marshal(s.input)
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "encoding tool input")
		}
		out.ToolCall(ctx, s.tool, raw)
		if err := s.run(ctx); err != nil {
			out.ToolResult(ctx, s.tool, shoot.ErrorMessage(err), true)
			return refused(ctx, out, err)
		}
		out.ToolResult(ctx, s.tool, s.summary, false)
	}
	return nil
}

// refused tells the user why the engine said no when it is something they
// can fix, and hands every other error back to the engine.
func refused(ctx context.Context, out pipeline.Emitter, err error) error {
	switch shoot.ErrorCode(err) {
	case shoot.EINVALID, shoot.ECONFLICT:
		say(ctx, out, "That didn't go through: "+strings.TrimSuffix(shoot.ErrorMessage(err), ".")+". Tell me what you'd like instead.")
		return nil
	}
	return err
}

// say streams text as a few deltas, then the whole message, the way a
// model's reply arrives, so clients need only one code path.
func say(ctx context.Context, out pipeline.Emitter, text string) {
	if text == "" {
		return
	}
	out.TypeHint(ctx, "response")
	for _, c := range chunks(text, 4) {
		out.TextDelta(ctx, c)
	}
	out.AssistantMessage(ctx, text)
}

// chunks splits text after every n-th space; the pieces concatenate back to
// text exactly.
func chunks(text string, n int) []string {
	var out []string
	start, spaces := 0, 0
	for i, r := range text {
		if r != ' ' {
			continue
		}
		if spaces++; spaces == n {
			out = append(out, text[start:i+1])
			start, spaces = i+1, 0
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}
