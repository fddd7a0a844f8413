package claude

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Conversation roles, as the API and the messages table name them.
const (
	roleUser      = "user"
	roleAssistant = "assistant"
)

// interrupted answers a tool call whose outcome was lost (the process
// stopped between the model's call and the stored result).
const interrupted = "interrupted: the studio restarted before this call's outcome was recorded. Check the latest step before calling it again."

// entry is one message of the conversation as the API takes it.
type entry struct {
	Role    string            `json:"role"`
	Content []json.RawMessage `json:"content"`
}

// peek is what the director reads of a content block.
type peek struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Text      string          `json:"text"`
	Source    struct {
		Data string `json:"data"`
	} `json:"source"`
}

func peekAt(raw json.RawMessage) peek {
	var p peek
	_ = json.Unmarshal(raw, &p) // a block we cannot read is kept and sent as it is
	return p
}

// conversation is a session's stored messages plus the ones this turn adds.
// Every model call is built from it, so after a restart the model gets the
// whole earlier conversation with no special "catch up" prompt.
type conversation struct {
	d      *Director
	sid    string
	stored []entry
	// pending is the turn's opening message: stored only together with the
	// model's first reply, so a call that fails leaves nothing half-written
	// and the engine's retry of the turn starts clean.
	pending []entry
}

// load reads the session's conversation from the store.
func (d *Director) load(ctx context.Context, sid string) (*conversation, error) {
	msgs, err := d.store.ListMessages(ctx, sid)
	if err != nil {
		return nil, err
	}
	c := &conversation{d: d, sid: sid}
	for _, m := range msgs {
		c.stored = append(c.stored, entry{Role: m.Role, Content: contentBlocks(m.Content)})
	}
	return c, nil
}

// contentBlocks reads stored content: an array of blocks, or a plain string
// (the API's shorthand for one text block).
func contentBlocks(raw json.RawMessage) []json.RawMessage {
	var blocks []json.RawMessage
	if json.Unmarshal(raw, &blocks) == nil {
		return blocks
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	b, _ := json.Marshal(anthropic.NewTextBlock(s))
	return []json.RawMessage{b}
}

// assistants counts the model's stored replies: one per model call.
func (c *conversation) assistants() int {
	n := 0
	for _, e := range c.stored {
		if e.Role == roleAssistant {
			n++
		}
	}
	return n
}

func (c *conversation) hasImages() bool {
	for _, e := range c.stored {
		for _, b := range e.Content {
			if peekAt(b).Type == "image" {
				return true
			}
		}
	}
	return false
}

// unanswered returns the tool calls of the last stored message if it is
// the model's and nothing answered them.
func (c *conversation) unanswered() []peek {
	if len(c.stored) == 0 || c.stored[len(c.stored)-1].Role != roleAssistant {
		return nil
	}
	return toolUses(c.stored[len(c.stored)-1].Content)
}

func toolUses(blocks []json.RawMessage) []peek {
	var out []peek
	for _, b := range blocks {
		if p := peekAt(b); p.Type == "tool_use" {
			out = append(out, p)
		}
	}
	return out
}

// resumes reports whether open repeats the latest opening message of a turn
// that never finished: the engine is retrying a turn that failed part-way
// (after its tools ran, say), and the turn should carry on from where it
// stopped instead of asking the model the same thing twice. A finished
// turn is never resumed: the same words sent again are a new question.
func (c *conversation) resumes(open []json.RawMessage) bool {
	n := len(c.stored)
	if n == 0 || (c.stored[n-1].Role == roleAssistant && len(c.unanswered()) == 0) {
		return false
	}
	for i := n - 1; i >= 0; i-- {
		if e := c.stored[i]; e.Role == roleUser && !onlyResults(e.Content) {
			return sameText(e.Content, open)
		}
	}
	return false
}

func onlyResults(blocks []json.RawMessage) bool {
	for _, b := range blocks {
		if peekAt(b).Type != "tool_result" {
			return false
		}
	}
	return true
}

// sameText compares the text blocks of two messages by meaning, not bytes:
// a PostgreSQL store may reformat the JSON it keeps. Images are left out
// because the first opening carries them and a repeat does not.
func sameText(a, b []json.RawMessage) bool {
	texts := func(blocks []json.RawMessage) []string {
		var out []string
		for _, raw := range blocks {
			if p := peekAt(raw); p.Type == "text" {
				out = append(out, p.Text)
			}
		}
		return out
	}
	return reflect.DeepEqual(texts(a), texts(b))
}

// save appends a message to the store and to the conversation.
func (c *conversation) save(ctx context.Context, role string, content []json.RawMessage) error {
	raw, err := json.Marshal(content)
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "encoding a conversation message")
	}
	if err := c.d.store.AppendMessage(ctx, &shoot.Message{SessionID: c.sid, Role: role, Content: raw}); err != nil {
		return err
	}
	c.stored = append(c.stored, entry{Role: role, Content: content})
	return nil
}

// answerInterrupted stores "interrupted" results for tool calls left
// without any, so the conversation stays valid for the API.
func (c *conversation) answerInterrupted(ctx context.Context) error {
	uses := c.unanswered()
	if len(uses) == 0 {
		return nil
	}
	results := make([]anthropic.ContentBlockParamUnion, len(uses))
	for i, u := range uses {
		results[i] = anthropic.NewToolResultBlock(u.ID, interrupted, true)
	}
	blocks, err := marshalBlocks(results)
	if err != nil {
		return err
	}
	return c.save(ctx, roleUser, blocks)
}

// commit stores the pending opening message, then the model's reply. An
// empty reply is not stored: the API refuses empty messages in a history.
func (c *conversation) commit(ctx context.Context, reply []json.RawMessage) error {
	for _, e := range c.pending {
		if err := c.save(ctx, e.Role, e.Content); err != nil {
			return err
		}
	}
	c.pending = nil
	if len(reply) == 0 {
		return nil
	}
	return c.save(ctx, roleAssistant, reply)
}
