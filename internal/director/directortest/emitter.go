package directortest

import (
	"context"
	"encoding/json"
)

// Event is one recorded Emitter call: Kind is "delta", "hint", "message",
// "tool_call" or "tool_result"; Text the delta, hint, message or result
// summary; Name and Input the tool's.
type Event struct {
	Kind, Name, Text string
	Input            json.RawMessage
	IsError          bool
}

// Usage is one recorded RecordUsage call.
type Usage struct {
	Model   string
	In, Out int64
	USD     float64
	Ref     string
}

// Emitter records the events and usage a director emits, in order, as the
// engine's emitter would receive them.
type Emitter struct {
	Events []Event
	Usage  []Usage
}

// TextDelta records a "delta" event.
func (e *Emitter) TextDelta(_ context.Context, t string) {
	e.Events = append(e.Events, Event{Kind: "delta", Text: t})
}

// TypeHint records a "hint" event.
func (e *Emitter) TypeHint(_ context.Context, t string) {
	e.Events = append(e.Events, Event{Kind: "hint", Text: t})
}

// AssistantMessage records a "message" event.
func (e *Emitter) AssistantMessage(_ context.Context, t string) {
	e.Events = append(e.Events, Event{Kind: "message", Text: t})
}

// ToolCall records a "tool_call" event.
func (e *Emitter) ToolCall(_ context.Context, name string, input json.RawMessage) {
	e.Events = append(e.Events, Event{Kind: "tool_call", Name: name, Input: input})
}

// ToolResult records a "tool_result" event.
func (e *Emitter) ToolResult(_ context.Context, name, summary string, isError bool) {
	e.Events = append(e.Events, Event{Kind: "tool_result", Name: name, Text: summary, IsError: isError})
}

// RecordUsage records the usage.
func (e *Emitter) RecordUsage(_ context.Context, model string, in, out int64, usd float64, ref string) {
	e.Usage = append(e.Usage, Usage{model, in, out, usd, ref})
}
