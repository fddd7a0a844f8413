package pipeline

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// emitter writes a director's output into the session's event log. It
// holds the session, never a context: each call brings the turn's own.
type emitter struct {
	e   *Engine
	sid string
}

func (m *emitter) TextDelta(ctx context.Context, text string) {
	m.e.emit(ctx, m.sid, shoot.EventTextDelta, map[string]any{"text": text})
}

func (m *emitter) TypeHint(ctx context.Context, messageType string) {
	m.e.emit(ctx, m.sid, shoot.EventMessageTypeHint, map[string]any{"messageType": messageType})
}

func (m *emitter) AssistantMessage(ctx context.Context, text string) {
	m.e.emit(ctx, m.sid, shoot.EventAssistantMessage, map[string]any{"content": text})
}

func (m *emitter) ToolCall(ctx context.Context, name string, input json.RawMessage) {
	if len(input) == 0 {
		input = json.RawMessage("{}")
	}
	m.e.emit(ctx, m.sid, shoot.EventSystem, map[string]any{"subtype": shoot.SubtypeToolCall,
		"data": map[string]any{"tool_name": name, "input": input}})
}

func (m *emitter) ToolResult(ctx context.Context, name, summary string, isError bool) {
	m.e.emit(ctx, m.sid, shoot.EventSystem, map[string]any{"subtype": shoot.SubtypeToolResult,
		"data": map[string]any{"tool_name": name, "summary": summary, "is_error": isError}})
}

func (m *emitter) RecordUsage(ctx context.Context, model string, in, out int64, usd float64, ref string) {
	c := &shoot.Cost{SessionID: m.sid, Provider: "anthropic", Model: model,
		Units: float64(in + out), Unit: "token", USD: usd, Ref: ref}
	if err := m.e.store.AddCost(ctx, c); err != nil {
		m.e.logger.Warn("cost ledger write failed", "session_id", m.sid, "err", err)
	}
}

// progress emits a system/progress event.
//
// Updates are paced (see pacer): most of a fast stream of them is dropped.
// An update without words gets a message saying what is being made and
// how far along it is.
func (e *Engine) progress(ctx context.Context, sid, stage string, pct float64, msg string, extra map[string]any) {
	percent := min(max(int(pct*100+0.5), 0), 100)
	msg = strings.TrimSpace(msg)
	if !e.pacer.allow(e.now(), sid, stage, progressItem(extra), percent, msg != "") {
		return
	}
	e.appendProgress(ctx, sid, stage, percent, msg, extra)
}

// notice emits a progress event the user must see, such as a warning about
// the contact sheet: it is never paced away, however soon it follows
// another update of the same stage.
func (e *Engine) notice(ctx context.Context, sid, stage string, pct float64, msg string, extra map[string]any) {
	percent := min(max(int(pct*100+0.5), 0), 100)
	e.appendProgress(ctx, sid, stage, percent, strings.TrimSpace(msg), extra)
}

func (e *Engine) appendProgress(ctx context.Context, sid, stage string, percent int, msg string, extra map[string]any) {
	if msg == "" {
		msg = progressMessage(stage, percent, extra)
	}
	data := map[string]any{"stage": stage, "percent": percent, "message": msg}
	for k, v := range extra {
		data[k] = v
	}
	if _, err := e.events.Append(ctx, sid, shoot.EventSystem, map[string]any{"subtype": shoot.SubtypeProgress, "data": data}); err != nil {
		e.logger.Warn("event append failed", "session_id", sid, "err", err)
	}
}

// emit appends an event, logging (not returning) a failure: events describe
// work that already happened, so a failed append must not undo it.
func (e *Engine) emit(ctx context.Context, sid, typ string, payload any) {
	if _, err := e.events.Append(ctx, sid, typ, payload); err != nil {
		e.logger.Warn("event append failed", "session_id", sid, "type", typ, "err", err)
	}
}
