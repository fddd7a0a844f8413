package claudetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// MaxImageBytes is the API's limit on one image: its base64 data may not be
// longer than 5 MB.
const MaxImageBytes = 5 << 20

// Request is one recorded call to POST /v1/messages.
type Request struct {
	Header http.Header
	Body   []byte

	Model     string
	MaxTokens int64
	Stream    bool
	// System is the text of the system prompt (blocks joined by "\n").
	System string
	// Tools are the names of the offered tools, in order; ToolSchemas holds
	// each one's input_schema.
	Tools       []string
	ToolSchemas map[string]json.RawMessage
	// ToolChoice is tool_choice.type ("auto", "any", "tool", "none"), ""
	// when the request has none (the API then means "auto").
	ToolChoice string
	Messages   []Message

	// Rejection is the reason the fake answered 400, "" if it did not.
	Rejection string
}

// Message is one message of a recorded request.
type Message struct {
	Role    string
	Content []Block
}

// Text joins the message's text blocks.
func (m Message) Text() string {
	var parts []string
	for _, b := range m.Content {
		if b.Type == "text" {
			parts = append(parts, b.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// Blocks returns the message's blocks of type typ.
func (m Message) Blocks(typ string) []Block {
	var out []Block
	for _, b := range m.Content {
		if b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// Last returns the request's last message.
func (r Request) Last() Message {
	if len(r.Messages) == 0 {
		return Message{}
	}
	return r.Messages[len(r.Messages)-1]
}

// Images returns every image block of the request.
func (r Request) Images() []Block {
	var out []Block
	for _, m := range r.Messages {
		out = append(out, m.Blocks("image")...)
	}
	return out
}

// wireRequest is the part of the request body the fake reads.
type wireRequest struct {
	Model     string          `json:"model"`
	MaxTokens int64           `json:"max_tokens"`
	Stream    bool            `json:"stream"`
	System    json.RawMessage `json:"system"`
	Tools     []struct {
		Name        string          `json:"name"`
		InputSchema json.RawMessage `json:"input_schema"`
	} `json:"tools"`
	ToolChoice *struct {
		Type string `json:"type"`
	} `json:"tool_choice"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

// parseRequest reads body into a Request; the error is the 400 message the
// API would send.
func parseRequest(h http.Header, body []byte) (Request, error) {
	r := Request{Header: h.Clone(), Body: body, ToolSchemas: map[string]json.RawMessage{}}
	var w wireRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return r, fmt.Errorf("request body is not valid JSON: %v", err)
	}
	r.Model, r.MaxTokens, r.Stream = w.Model, w.MaxTokens, w.Stream
	r.System = systemText(w.System)
	for _, t := range w.Tools {
		r.Tools = append(r.Tools, t.Name)
		r.ToolSchemas[t.Name] = t.InputSchema
	}
	if w.ToolChoice != nil {
		r.ToolChoice = w.ToolChoice.Type
		switch r.ToolChoice {
		case "auto", "any", "tool", "none":
		default:
			return r, fmt.Errorf("tool_choice.type: Input tag '%s' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'", r.ToolChoice)
		}
	}
	for i, m := range w.Messages {
		blocks, err := parseContent(m.Content)
		if err != nil {
			return r, fmt.Errorf("messages.%d.content: %v", i, err)
		}
		r.Messages = append(r.Messages, Message{Role: m.Role, Content: blocks})
	}
	return r, nil
}

func systemText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var blocks []Block
	_ = json.Unmarshal(raw, &blocks)
	var parts []string
	for _, b := range blocks {
		parts = append(parts, b.Text)
	}
	return strings.Join(parts, "\n")
}

// parseContent reads a message's content: a string or an array of blocks.
func parseContent(raw json.RawMessage) ([]Block, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []Block{{Type: "text", Text: s, Raw: raw}}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(raw, &raws); err != nil {
		return nil, fmt.Errorf("must be a string or an array of content blocks")
	}
	out := make([]Block, 0, len(raws))
	for j, br := range raws {
		b, err := parseBlock(br)
		if err != nil {
			return nil, fmt.Errorf("%d: %v", j, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// wireBlock is every field of a request content block the fake reads.
type wireBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	Thinking  string          `json:"thinking"`
	Signature string          `json:"signature"`
	ToolUseID string          `json:"tool_use_id"`
	IsError   bool            `json:"is_error"`
	Content   json.RawMessage `json:"content"`
	Source    struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
	} `json:"source"`
}

func parseBlock(raw json.RawMessage) (Block, error) {
	var w wireBlock
	if err := json.Unmarshal(raw, &w); err != nil {
		return Block{}, fmt.Errorf("not a content block: %v", err)
	}
	if w.Type == "" {
		return Block{}, fmt.Errorf("type: Field required")
	}
	b := Block{Type: w.Type, Text: w.Text, ID: w.ID, Name: w.Name, Input: w.Input, Thinking: w.Thinking,
		Signature: w.Signature, ToolUseID: w.ToolUseID, IsError: w.IsError, Raw: raw}
	if w.Type == "tool_result" {
		inner, err := parseContent(w.Content)
		if len(w.Content) > 0 && err != nil {
			return Block{}, fmt.Errorf("content: %v", err)
		}
		b.Content = Message{Content: inner}.Text()
	}
	if w.Type == "image" {
		b.MediaType, b.DataLen = w.Source.MediaType, len(w.Source.Data)
	}
	return b, nil
}

// validate applies the API's rules that a client can break: the checks a
// director bug would trip (unanswered tool calls, oversized images,
// assistant prefill) answer 400 as the real service does.
func (r Request) validate() error {
	switch {
	case r.Model == "":
		return fmt.Errorf("model: Field required")
	case r.MaxTokens <= 0:
		return fmt.Errorf("max_tokens: must be at least 1")
	case len(r.Messages) == 0:
		return fmt.Errorf("messages: at least one message is required")
	}
	for name, s := range r.ToolSchemas {
		var schema struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(s, &schema) != nil || schema.Type != "object" {
			return fmt.Errorf("tools.%s.input_schema.type: Input should be 'object'", name)
		}
	}
	if len(r.Tools) == 0 && r.usesTools() {
		return fmt.Errorf("requests which include tool_use or tool_result blocks must define tools")
	}
	msgs := merge(r.Messages)
	if last := msgs[len(msgs)-1]; last.Role != "user" {
		return fmt.Errorf("this model does not support assistant message prefill; the conversation must end with a user message")
	}
	for i, m := range msgs {
		if err := checkMessage(msgs, i, m); err != nil {
			return err
		}
	}
	return nil
}

func (r Request) usesTools() bool {
	for _, m := range r.Messages {
		if len(m.Blocks("tool_use"))+len(m.Blocks("tool_result")) > 0 {
			return true
		}
	}
	return false
}

// merge combines consecutive messages of the same role, as the API does
// before it checks them.
func merge(msgs []Message) []Message {
	var out []Message
	for _, m := range msgs {
		if n := len(out); n > 0 && out[n-1].Role == m.Role {
			out[n-1].Content = append(slices.Clone(out[n-1].Content), m.Content...)
			continue
		}
		out = append(out, m)
	}
	return out
}

func checkMessage(msgs []Message, i int, m Message) error {
	if m.Role != "user" && m.Role != "assistant" {
		return fmt.Errorf("messages.%d.role: Input should be 'user' or 'assistant'", i)
	}
	for _, b := range m.Content {
		if b.Type == "image" && b.DataLen > MaxImageBytes {
			return fmt.Errorf("messages.%d: image exceeds 5 MB maximum: %d bytes > %d bytes", i, b.DataLen, MaxImageBytes)
		}
		if b.Type == "image" && !slices.Contains([]string{"image/jpeg", "image/png", "image/gif", "image/webp"}, b.MediaType) {
			return fmt.Errorf("messages.%d: image media_type %q is not supported", i, b.MediaType)
		}
	}
	if m.Role == "assistant" {
		return checkAnswered(msgs, i)
	}
	return checkResults(msgs, i)
}

// checkAnswered requires every tool_use of assistant message i to have a
// tool_result at the start of the next message.
func checkAnswered(msgs []Message, i int) error {
	uses := msgs[i].Blocks("tool_use")
	if len(uses) == 0 {
		return nil
	}
	if i+1 >= len(msgs) {
		return fmt.Errorf("messages.%d: tool_use ids were found without tool_result blocks immediately after", i)
	}
	answered := map[string]bool{}
	for _, b := range msgs[i+1].Content {
		if b.Type != "tool_result" {
			break // results must come first
		}
		answered[b.ToolUseID] = true
	}
	for _, u := range uses {
		if !answered[u.ID] {
			return fmt.Errorf("messages.%d: tool_use ids were found without tool_result blocks immediately after: %s", i+1, u.ID)
		}
	}
	return nil
}

// checkResults requires every tool_result of user message i to answer a
// tool_use of the message before it.
func checkResults(msgs []Message, i int) error {
	asked := map[string]bool{}
	if i > 0 {
		for _, u := range msgs[i-1].Blocks("tool_use") {
			asked[u.ID] = true
		}
	}
	for _, b := range msgs[i].Blocks("tool_result") {
		if !asked[b.ToolUseID] {
			return fmt.Errorf("messages.%d: unexpected tool_use_id found in tool_result blocks: %s", i, b.ToolUseID)
		}
	}
	return nil
}
