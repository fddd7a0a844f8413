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
func (d *Director) runTools(ctx context.Context, sid string, uses []peek, truncated bool, act pipeline.Actions, out pipeline.Emitter) ([]json.RawMessage, error) {
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
		results = append(results, anthropic.NewToolResultBlock(u.ID, text, isErr))
		if err != nil && failed == nil {
			d.logger.Warn("director tool failed", "session_id", sid, "tool", u.Name, "err", err)
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
