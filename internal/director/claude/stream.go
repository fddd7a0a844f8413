package claude

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/retry"
)

// errCut is a stream that ended before message_stop: the connection
// dropped part of the way through a message.
var errCut = errors.New("the response stream ended before the message was complete")

// reply is one complete message from the model.
type reply struct {
	id      string
	content []json.RawMessage // the blocks to store and send back
	uses    []peek            // its tool calls, in order
	stop    string
}

// call asks the model for its next message, retrying transient failures
// (429, 529 overloaded, 5xx, a dropped stream) with backoff. The partial
// message of a failed attempt is never stored.
//
// noTools asks for an answer in words only (tool_choice none): the tools
// stay in the request, so the cached prefix is unchanged.
func (d *Director) call(ctx context.Context, sid string, msgs []anthropic.MessageParam, out pipeline.Emitter, noTools bool) (*reply, error) {
	params := d.params(msgs)
	if noTools {
		params.ToolChoice = anthropic.ToolChoiceUnionParam{OfNone: &anthropic.ToolChoiceNoneParam{}}
	}
	var r *reply
	err := d.retry.policy().Do(ctx, func(ctx context.Context) error {
		actx, cancel := context.WithTimeout(ctx, d.timeout)
		defer cancel()
		got, err := d.stream(actx, params, out)
		if err != nil {
			return d.transient(ctx, err)
		}
		r = got
		return nil
	}, func(attempt int, wait time.Duration, err error) {
		d.logger.Warn("claude call failed; retrying", "session_id", sid, "attempt", attempt, "wait", wait, "err", d.redact(err))
	})
	var t *retry.TransientError
	switch {
	case err == nil:
		return r, nil
	case errors.As(err, &t):
		return nil, d.unavailable(t.Err) // the tries ran out
	}
	return nil, d.permanent(ctx, err)
}

func (d *Director) params(msgs []anthropic.MessageParam) anthropic.MessageNewParams {
	p := anthropic.MessageNewParams{
		Model:     d.model,
		MaxTokens: d.maxTokens,
		System:    []anthropic.TextBlockParam{{Text: d.system}},
		Tools:     d.toolParams,
		Messages:  msgs,
		// Cache everything up to the newest block: each call resends the
		// whole conversation, so all but the last message is a cache read.
		CacheControl: anthropic.NewCacheControlEphemeralParam(),
	}
	if d.effort != "" {
		p.OutputConfig.Effort = anthropic.OutputConfigEffort(d.effort)
	}
	return p
}

// stream makes one streamed request, narrating it into out as it arrives,
// and returns the finished message. Usage is recorded even for a message
// cut short: the tokens were billed.
func (d *Director) stream(ctx context.Context, params anthropic.MessageNewParams, out pipeline.Emitter) (*reply, error) {
	s := d.client.Messages.NewStreaming(ctx, params)
	defer s.Close()
	var acc anthropic.Message
	n := narrator{out: out}
	complete := false
	for s.Next() {
		ev := s.Current()
		if err := acc.Accumulate(ev); err != nil {
			d.recordUsage(ctx, out, &acc)
			return nil, err
		}
		n.event(ctx, ev)
		complete = complete || ev.Type == "message_stop"
	}
	d.recordUsage(ctx, out, &acc)
	if err := s.Err(); err != nil {
		return nil, err
	}
	if !complete {
		return nil, errCut
	}
	n.finish(ctx)
	return newReply(&acc)
}

// newReply turns the accumulated message into the blocks to store, using
// the SDK's own conversion so the blocks are valid request content
// (thinking blocks keep their signatures, tool inputs their JSON).
func newReply(m *anthropic.Message) (*reply, error) {
	r := &reply{id: m.ID, stop: string(m.StopReason)}
	for _, b := range m.Content {
		raw, err := json.Marshal(b.ToParam())
		if err != nil {
			return nil, err
		}
		r.content = append(r.content, raw)
		if b.Type == "tool_use" {
			r.uses = append(r.uses, peek{Type: b.Type, ID: b.ID, Name: b.Name, Input: b.Input})
		}
	}
	return r, nil
}

// narrator turns stream events into the session's events: a response hint
// when text starts, a thinking hint when the message turns to tools (its
// text was the director thinking aloud), each text delta, and the whole
// text when the message ends. The deltas add up to the message exactly.
type narrator struct {
	out                pipeline.Emitter
	text               strings.Builder
	hinted, toolHinted bool
	separate           bool // a later text block starts: put a blank line first
}

func (n *narrator) event(ctx context.Context, ev anthropic.MessageStreamEventUnion) {
	switch ev.Type {
	case "content_block_start":
		n.blockStart(ctx, ev.ContentBlock.Type, ev.ContentBlock.Text)
	case "content_block_delta":
		if ev.Delta.Type == "text_delta" {
			n.delta(ctx, ev.Delta.Text)
		}
	}
}

func (n *narrator) blockStart(ctx context.Context, typ, text string) {
	switch typ {
	case "text":
		if !n.hinted {
			n.out.TypeHint(ctx, "response")
			n.hinted = true
		}
		n.separate = n.text.Len() > 0
		n.delta(ctx, text)
	case "tool_use":
		if !n.toolHinted {
			n.out.TypeHint(ctx, "thinking")
			n.toolHinted = true
		}
	}
}

func (n *narrator) delta(ctx context.Context, text string) {
	if text == "" {
		return
	}
	if n.separate {
		n.separate = false
		n.delta(ctx, "\n\n")
	}
	n.text.WriteString(text)
	n.out.TextDelta(ctx, text)
}

func (n *narrator) finish(ctx context.Context) {
	if n.text.Len() > 0 {
		n.out.AssistantMessage(ctx, n.text.String())
	}
}
