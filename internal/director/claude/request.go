package claude

import (
	"encoding/json"
	"slices"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/param"
)

// imageOmitted replaces an image the API would refuse.
const imageOmitted = "[a reference image was left out here: it was over the 5 MB limit]"

// messages builds the request's message list from the stored conversation
// and the pending opening: messages of one role in a row merged (as the API
// would), every tool call answered, stray results dropped, and no image over
// the limit. The stored history is sent as stored, block for block.
func (c *conversation) messages() []anthropic.MessageParam {
	all := merge(append(slices.Clone(c.stored), c.pending...))
	all = c.repair(all)
	out := make([]anthropic.MessageParam, 0, len(all))
	for _, e := range all {
		e.Content = c.guardImages(e.Content)
		raw, _ := json.Marshal(e) // entry is plain JSON; it cannot fail
		out = append(out, param.Override[anthropic.MessageParam](json.RawMessage(raw)))
	}
	return out
}

// merge joins consecutive messages of the same role, tool results first in
// a user message, where the API requires them.
func merge(list []entry) []entry {
	var out []entry
	for _, e := range list {
		if n := len(out); n > 0 && out[n-1].Role == e.Role {
			out[n-1].Content = append(slices.Clone(out[n-1].Content), e.Content...)
			continue
		}
		out = append(out, entry{Role: e.Role, Content: slices.Clone(e.Content)})
	}
	for i := range out {
		if out[i].Role == roleUser {
			slices.SortStableFunc(out[i].Content, func(a, b json.RawMessage) int {
				return rank(a) - rank(b)
			})
		}
	}
	return out
}

func rank(b json.RawMessage) int {
	if peekAt(b).Type == "tool_result" {
		return 0
	}
	return 1
}

// repair makes the list valid for the API whatever happened before: a tool
// call with no result gets an "interrupted" one, a result whose call is not
// in the message before it is dropped.
func (c *conversation) repair(list []entry) []entry {
	for i := 0; i < len(list); i++ {
		if list[i].Role == roleUser {
			list[i].Content = c.keepAnswers(list, i)
			continue
		}
		uses := toolUses(list[i].Content)
		if len(uses) == 0 {
			continue
		}
		if i+1 == len(list) || list[i+1].Role != roleUser {
			list = slices.Insert(list, i+1, entry{Role: roleUser})
		}
		list[i+1].Content = append(missingResults(uses, list[i+1].Content), list[i+1].Content...)
	}
	return list
}

// keepAnswers drops tool results of user message i that answer no call of
// the message before it; a message left empty says so in words.
func (c *conversation) keepAnswers(list []entry, i int) []json.RawMessage {
	asked := map[string]bool{}
	if i > 0 {
		for _, u := range toolUses(list[i-1].Content) {
			asked[u.ID] = true
		}
	}
	var out []json.RawMessage
	for _, b := range list[i].Content {
		if p := peekAt(b); p.Type == "tool_result" && !asked[p.ToolUseID] {
			c.d.logger.Warn("dropping a tool result with no matching call", "session_id", c.sid, "tool_use_id", p.ToolUseID)
			continue
		}
		out = append(out, b)
	}
	if len(out) == 0 && len(list[i].Content) > 0 {
		out = append(out, textBlock("(earlier tool results were lost)"))
	}
	return out
}

// missingResults returns "interrupted" results for the calls in uses that
// content does not answer.
func missingResults(uses []peek, content []json.RawMessage) []json.RawMessage {
	answered := map[string]bool{}
	for _, b := range content {
		if p := peekAt(b); p.Type == "tool_result" {
			answered[p.ToolUseID] = true
		}
	}
	var out []json.RawMessage
	for _, u := range uses {
		if !answered[u.ID] {
			raw, _ := json.Marshal(anthropic.NewToolResultBlock(u.ID, interrupted, true))
			out = append(out, raw)
		}
	}
	return out
}

// guardImages is the last check before anything leaves the process: an
// image block over the API's limit is replaced by a note (and logged).
func (c *conversation) guardImages(blocks []json.RawMessage) []json.RawMessage {
	var out []json.RawMessage // nil until something changes
	for i, b := range blocks {
		p := peekAt(b)
		if p.Type != "image" || len(p.Source.Data) <= maxImageBase64 {
			continue
		}
		c.d.logger.Warn("image over 5 MB not sent to the model", "session_id", c.sid, "bytes", len(p.Source.Data))
		if out == nil {
			out = slices.Clone(blocks)
		}
		out[i] = textBlock(imageOmitted)
	}
	if out == nil {
		return blocks
	}
	return out
}

func textBlock(text string) json.RawMessage {
	raw, _ := json.Marshal(anthropic.NewTextBlock(text))
	return raw
}
