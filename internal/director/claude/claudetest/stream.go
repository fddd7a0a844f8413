package claudetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// message is a reply ready to send.
type message struct {
	id, model, stop string
	blocks          []Block
	usage           Usage
}

func newMessage(r Response, req Request, n int) message {
	m := message{id: r.ID, model: req.Model, stop: r.stopReason(), usage: r.Usage}
	if m.id == "" {
		m.id = fmt.Sprintf("msg_fake_%d", n)
	}
	for i, b := range r.Blocks {
		if b.Type == "tool_use" && b.ID == "" {
			b.ID = fmt.Sprintf("toolu_fake_%d_%d", n, i)
		}
		if b.Type == "tool_use" && len(b.Input) == 0 {
			b.Input = json.RawMessage(`{}`)
		}
		m.blocks = append(m.blocks, b)
	}
	if m.usage.InputTokens == 0 {
		m.usage.InputTokens = int64(len(req.Body)/4 + 1)
	}
	if m.usage.OutputTokens == 0 {
		m.usage.OutputTokens = m.outputTokens()
	}
	return m
}

// outputTokens estimates the reply's size in tokens, about four bytes each.
func (m message) outputTokens() int64 {
	n := 1
	for _, b := range m.blocks {
		n += (len(b.Text) + len(b.Input) + len(b.Thinking)) / 4
	}
	return int64(n)
}

// wire renders a block as it appears in a complete message.
func wire(b Block) map[string]any {
	switch b.Type {
	case "tool_use":
		return map[string]any{"type": "tool_use", "id": b.ID, "name": b.Name, "input": b.Input}
	case "thinking":
		return map[string]any{"type": "thinking", "thinking": b.Thinking, "signature": b.Signature}
	}
	return map[string]any{"type": "text", "text": b.Text}
}

// start renders a block as content_block_start shows it: empty, filled in
// by the deltas that follow.
func start(b Block) map[string]any {
	switch b.Type {
	case "tool_use":
		return map[string]any{"type": "tool_use", "id": b.ID, "name": b.Name, "input": map[string]any{}}
	case "thinking":
		return map[string]any{"type": "thinking", "thinking": "", "signature": ""}
	}
	return map[string]any{"type": "text", "text": ""}
}

func (m message) envelope(content []map[string]any, stop any, usage Usage) map[string]any {
	return map[string]any{"id": m.id, "type": "message", "role": "assistant", "model": m.model,
		"content": content, "stop_reason": stop, "stop_sequence": nil, "usage": usage}
}

// json renders the whole message, for a request without stream: true.
func (m message) json() []byte {
	content := make([]map[string]any, len(m.blocks))
	for i, b := range m.blocks {
		content[i] = wire(b)
	}
	out, _ := json.Marshal(m.envelope(content, m.stop, m.usage))
	return out
}

// event is one server-sent event.
type event struct {
	name string
	data any
}

// events lists the stream of m in the order the API sends it.
func (m message) events() []event {
	startUsage := m.usage
	startUsage.OutputTokens = 1
	evs := []event{
		{"message_start", map[string]any{"type": "message_start", "message": m.envelope([]map[string]any{}, nil, startUsage)}},
		{"ping", map[string]any{"type": "ping"}},
	}
	for i, b := range m.blocks {
		evs = append(evs, event{"content_block_start", map[string]any{"type": "content_block_start", "index": i, "content_block": start(b)}})
		for _, d := range deltas(b) {
			evs = append(evs, event{"content_block_delta", map[string]any{"type": "content_block_delta", "index": i, "delta": d}})
		}
		evs = append(evs, event{"content_block_stop", map[string]any{"type": "content_block_stop", "index": i}})
	}
	return append(evs,
		event{"message_delta", map[string]any{"type": "message_delta",
			"delta": map[string]any{"type": "message_delta", "stop_reason": m.stop, "stop_sequence": nil},
			"usage": map[string]any{"output_tokens": m.usage.OutputTokens}}},
		event{"message_stop", map[string]any{"type": "message_stop"}})
}

// deltas splits a block into the deltas that build it: text a few words at
// a time, tool input in small pieces that cut through keys and strings.
func deltas(b Block) []map[string]any {
	var out []map[string]any
	switch b.Type {
	case "tool_use":
		for _, p := range pieces(string(b.Input), 7) {
			out = append(out, map[string]any{"type": "input_json_delta", "partial_json": p})
		}
	case "thinking":
		for _, p := range pieces(b.Thinking, 16) {
			out = append(out, map[string]any{"type": "thinking_delta", "thinking": p})
		}
		out = append(out, map[string]any{"type": "signature_delta", "signature": b.Signature})
	default:
		for _, p := range words(b.Text, 3) {
			out = append(out, map[string]any{"type": "text_delta", "text": p})
		}
	}
	return out
}

// pieces cuts s into parts of at most n bytes, never inside a UTF-8
// sequence.
func pieces(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		end := min(n, len(s))
		for end < len(s) && end > 0 && !startsRune(s[end]) {
			end--
		}
		if end == 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

func startsRune(b byte) bool { return b&0xC0 != 0x80 }

// words cuts s after every n-th space; the parts join back to s.
func words(s string, n int) []string {
	var out []string
	spaces, from := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if spaces++; spaces == n {
				out = append(out, s[from:i+1])
				from, spaces = i+1, 0
			}
		}
	}
	if from < len(s) {
		out = append(out, s[from:])
	}
	return out
}

// streamMessage writes m as server-sent events. Each delta event goes out
// in two network writes split mid-JSON, so a client that parses per read
// instead of per line breaks here as it would against the real service.
func streamMessage(w http.ResponseWriter, m message, r Response) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	for i, ev := range m.events() {
		if r.CutAfter > 0 && i == r.CutAfter {
			drop(rc)
			return
		}
		if r.StreamErrorAfter > 0 && i == r.StreamErrorAfter {
			writeEvent(w, rc, "error", json.RawMessage(errorBody(r.StreamErrorType, streamErrorMessage(r.StreamErrorType), "")))
			return
		}
		writeEvent(w, rc, ev.name, ev.data)
	}
}

func streamErrorMessage(typ string) string {
	if typ == "overloaded_error" {
		return "Overloaded"
	}
	return strings.ReplaceAll(typ, "_", " ")
}

func writeEvent(w http.ResponseWriter, rc *http.ResponseController, name string, data any) {
	payload, _ := json.Marshal(data)
	frame := "event: " + name + "\ndata: " + string(payload) + "\n\n"
	if name == "content_block_delta" {
		half := len(frame) / 2
		_, _ = w.Write([]byte(frame[:half]))
		_ = rc.Flush()
		frame = frame[half:]
	}
	_, _ = w.Write([]byte(frame))
	_ = rc.Flush()
}

// drop closes the connection under a response in progress, so the client
// sees the body end early, as on a network failure.
func drop(rc *http.ResponseController) {
	_ = rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		return
	}
	_ = conn.Close()
}
