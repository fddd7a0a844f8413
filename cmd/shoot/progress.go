package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// exchangeEnd is the event that ended an exchange: a complete (at a
// checkpoint or the end) or an error.
type exchangeEnd struct {
	Type      string
	Stage     string
	Message   string
	Artifacts []string
}

// progressView draws per-stage and per-clip progress bars. On a terminal
// the bars redraw in place; elsewhere each bar prints a line when it moves
// by a quarter, so logs stay readable.
type progressView struct {
	w     io.Writer
	tty   bool
	order []string
	pct   map[string]int
	drawn int
	last  exchangeEnd
	// local rewrites the storage keys a message names into the files
	// they were exported to; nil leaves messages as they are.
	local func(string) string
}

// newProgressView draws on w; tty says whether w is a terminal that
// understands cursor movement (see isTerminal).
func newProgressView(w io.Writer, tty bool) *progressView {
	return &progressView{w: w, tty: tty, pct: map[string]int{}}
}

// follow renders the session's events after `after` until the exchange
// ends, and returns how it ended.
func (v *progressView) follow(ctx context.Context, log *events.Log, sid string, after int64) (exchangeEnd, error) {
	var end exchangeEnd
	err := log.Subscribe(ctx, sid, after, func(ev shoot.Event) bool {
		var m map[string]any
		if json.Unmarshal(ev.Data, &m) != nil {
			return true
		}
		v.render(ev.Type, m)
		if ev.Terminal() {
			end = v.endOf(ev.Type, m)
			return false
		}
		return true
	})
	return end, err
}

func (v *progressView) endOf(typ string, m map[string]any) exchangeEnd {
	if typ != shoot.EventComplete {
		return exchangeEnd{Type: typ, Message: str(m["message"])}
	}
	end := v.last // the checkpoint this exchange reached
	end.Type, end.Stage = typ, str(m["stage"])
	return end
}

func (v *progressView) render(typ string, m map[string]any) {
	switch typ {
	case shoot.EventAssistantMessage:
		msg := strings.TrimSpace(str(m["content"]))
		if v.local != nil {
			msg = v.local(msg)
		}
		v.line("director: " + msg)
	case shoot.EventStatus:
		v.line("· " + str(m["message"]))
	case shoot.EventCheckpoint:
		v.checkpoint(m)
	case shoot.EventError:
		v.line("✗ " + str(m["message"]))
	case shoot.EventSystem:
		if m["subtype"] == shoot.SubtypeProgress {
			if d, ok := m["data"].(map[string]any); ok {
				v.bar(d)
			}
		}
	}
}

func (v *progressView) checkpoint(m map[string]any) {
	stage := str(m["stage"])
	v.set(stage, 100)
	e := exchangeEnd{Stage: stage, Message: str(m["message"])}
	if a := str(m["artifact"]); a != "" {
		e.Artifacts = []string{a}
	}
	if list, ok := m["artifacts"].([]any); ok {
		for _, a := range list {
			e.Artifacts = append(e.Artifacts, str(a))
		}
	}
	v.last = e
	v.line("✔ " + e.Message)
}

func (v *progressView) bar(d map[string]any) {
	name := str(d["stage"])
	if c, ok := d["clip"].(float64); ok {
		name = fmt.Sprintf("clip %d", int(c))
	}
	pct, _ := d["percent"].(float64)
	v.set(name, int(pct))
}

func (v *progressView) set(name string, pct int) {
	prev, seen := v.pct[name]
	if !seen {
		v.order = append(v.order, name)
	}
	v.pct[name] = pct
	if v.tty {
		v.redraw()
		return
	}
	if !seen || pct/25 != prev/25 {
		fmt.Fprintln(v.w, barLine(name, pct))
	}
}

func (v *progressView) redraw() {
	if v.drawn > 0 {
		fmt.Fprintf(v.w, "\x1b[%dA", v.drawn)
	}
	for _, name := range v.order {
		fmt.Fprintf(v.w, "\x1b[2K%s\n", barLine(name, v.pct[name]))
	}
	v.drawn = len(v.order)
}

// line prints a message above the bars.
func (v *progressView) line(s string) {
	if v.tty && v.drawn > 0 {
		fmt.Fprintf(v.w, "\x1b[%dA\x1b[J", v.drawn)
		v.drawn = 0
		fmt.Fprintln(v.w, s)
		v.redraw()
		return
	}
	fmt.Fprintln(v.w, s)
}

func barLine(name string, pct int) string {
	pct = max(0, min(100, pct))
	n := pct / 5
	return fmt.Sprintf("%-14s [%s%s] %3d%%", name, strings.Repeat("█", n), strings.Repeat("░", 20-n), pct)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
