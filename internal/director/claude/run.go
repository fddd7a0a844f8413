package claude

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Reasons a tool call is answered without being run.
const (
	notRunTruncated = "not run: your reply hit the max_tokens limit before this call was complete; call it again with a shorter input"
	notRunEarlier   = "not run: an earlier call in this message failed"
	notNowHeld      = "not run: the user has not answered the checkpoint yet. Nothing more can start in this turn; end it and wait for their reply"
)

// runTools runs the model's tool calls in order and returns the
// tool_result blocks that answer them, one per call. A call with bad input,
// or one the engine refuses as invalid or conflicting (EINVALID,
// ECONFLICT), is answered with is_error so the model can correct itself,
// as the rules director explains a refusal to the user; held reports a
// refusal because the checkpoint waits for the user (pipeline.ErrHeld).
// Any other failure is answered too, skips the calls after it, and is
// returned so the engine sees it. When skip is set no call is run, and
// each is answered with skip: a reply cut off at max_tokens may parse yet
// lack what the model meant to send, and after a hold nothing may start.
func (d *Director) runTools(ctx context.Context, uses []peek, skip string, act pipeline.Actions, out pipeline.Emitter) ([]json.RawMessage, bool, error) {
	results := make([]anthropic.ContentBlockParamUnion, 0, len(uses))
	var failed error
	held := false
	for _, u := range uses {
		input := u.Input
		if !json.Valid(input) {
			input = json.RawMessage(`{}`)
		}
		out.ToolCall(ctx, u.Name, input)
		text, isErr, err := d.invoke(ctx, u.Name, input, act, skip)
		out.ToolResult(ctx, u.Name, text, isErr)
		results = append(results, anthropic.NewToolResultBlock(u.ID, forModel(text, isErr), isErr))
		held = held || errors.Is(err, pipeline.ErrHeld)
		if err != nil && !errors.Is(err, pipeline.ErrHeld) && failed == nil {
			failed = err
			skip = notRunEarlier
		}
	}
	blocks, err := marshalBlocks(results)
	if err != nil {
		return nil, false, err
	}
	return blocks, held, failed
}

// afterStart reminds the model, with every started job, that the job's
// outcome is not in this answer.
const afterStart = ". The outcome comes back as a later message; do not wait for it."

// forModel is the tool_result text: the summary shown to the user, plus the
// reminder for a started job.
func forModel(summary string, isErr bool) string {
	if !isErr && strings.HasPrefix(summary, "started:") {
		return summary + afterStart
	}
	return summary
}

// invoke validates one call and hands it to the engine, unless skip gives
// a reason not to. It returns the result text, whether it is an error, and
// the error the turn must return.
func (d *Director) invoke(ctx context.Context, name string, input json.RawMessage, act pipeline.Actions, skip string) (string, bool, error) {
	if skip != "" {
		return skip, true, nil
	}
	t, ok := d.tools[name]
	if !ok {
		return fmt.Sprintf("unknown tool %q; the tools are: %s", name, strings.Join(sortedKeys(d.tools), ", ")), true, nil
	}
	if err := t.input.validate(input); err != nil {
		return "invalid input: " + err.Error() + ". Fix the input and call " + name + " again.", true, nil
	}
	summary, err := t.run(ctx, act, input)
	switch shoot.ErrorCode(err) {
	case "":
		return summary, false, nil
	case shoot.EINVALID, shoot.ECONFLICT:
		if errors.Is(err, pipeline.ErrHeld) {
			return "refused: " + shoot.ErrorMessage(err) + ". Do not call more tools in this turn.", true, err
		}
		return "refused: " + shoot.ErrorMessage(err), true, nil
	}
	return "failed: " + shoot.ErrorMessage(err), true, err
}
