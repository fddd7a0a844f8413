package claude

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// runTools runs the model's tool calls in order and returns the
// tool_result blocks that answer them, one per call. A call with bad input,
// or one the engine refuses as invalid or conflicting (EINVALID,
// ECONFLICT), is answered with is_error so the model can correct itself,
// as the rules director explains a refusal to the user. Any other failure
// is answered too, skips the calls after it, and is returned so the engine
// sees it. When the reply was cut off at max_tokens (truncated), no call is
// run: a cut-off input may parse yet lack what the model meant to send.
func (d *Director) runTools(ctx context.Context, uses []peek, truncated bool, act pipeline.Actions, out pipeline.Emitter) ([]json.RawMessage, error) {
	results := make([]anthropic.ContentBlockParamUnion, 0, len(uses))
	var failed error
	skip := ""
	if truncated {
		skip = "not run: your reply hit the max_tokens limit before this call was complete; call it again with a shorter input"
	}
	for _, u := range uses {
		input := u.Input
		if !json.Valid(input) {
			input = json.RawMessage(`{}`)
		}
		out.ToolCall(u.Name, input)
		text, isErr, err := d.invoke(ctx, u.Name, input, act, skip)
		out.ToolResult(u.Name, text, isErr)
		results = append(results, anthropic.NewToolResultBlock(u.ID, forModel(text, isErr), isErr))
		if err != nil && failed == nil {
			failed = err
			skip = "not run: an earlier call in this message failed"
		}
	}
	blocks, err := marshalBlocks(results)
	if err != nil {
		return nil, err
	}
	return blocks, failed
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
		return "refused: " + shoot.ErrorMessage(err), true, nil
	}
	return "failed: " + shoot.ErrorMessage(err), true, err
}
