// Package events is the per-session event log and its live fan-out. Every
// event is written to the store first (which numbers it), then subscribers
// are woken; they always read from the log, so a reconnecting client, a
// second tab and an API process on another machine all see the same events
// in the same order, without gaps.
package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Source is the part of the store the log needs.
type Source interface {
	AppendEvent(ctx context.Context, sessionID, typ string, data []byte) (shoot.Event, error)
	EventsAfter(ctx context.Context, sessionID string, after int64, limit int) ([]shoot.Event, error)
}

// Log appends events and serves subscriptions.
type Log struct {
	src    Source
	logger *slog.Logger
	// poll is how often a hub re-reads the store without a local wake-up: the
	// bound on cross-process delivery latency when no notifier is wired.
	poll time.Duration

	mu   sync.Mutex
	hubs map[string]*hub
	taps []func(context.Context, shoot.Event)
}

// New returns a Log over src. poll bounds the latency of events appended by
// other processes (0 means 250 ms).
func New(src Source, logger *slog.Logger, poll time.Duration) *Log {
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Log{src: src, logger: logger, poll: poll, hubs: map[string]*hub{}}
}

// Append writes one event. payload is marshalled to a JSON object and gets a
// "type" field; it must be a struct or map that marshals to an object.
func (l *Log) Append(ctx context.Context, sessionID, typ string, payload any) (shoot.Event, error) {
	data, err := encode(typ, payload)
	if err != nil {
		return shoot.Event{}, err
	}
	ev, err := l.src.AppendEvent(ctx, sessionID, typ, data)
	if err != nil {
		return shoot.Event{}, err
	}
	l.Notify(sessionID)
	l.mu.Lock()
	taps := l.taps
	l.mu.Unlock()
	for _, f := range taps {
		f(ctx, ev)
	}
	return ev, nil
}

// OnAppend adds f to what is called with every event appended through this
// Log, after it is stored, in the appending goroutine (e.g. to dispatch
// webhooks: once, by the process that recorded the event). f must not
// block for long.
func (l *Log) OnAppend(f func(context.Context, shoot.Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taps = append(l.taps[:len(l.taps):len(l.taps)], f)
}

// encode merges {"type": typ} into payload's JSON object.
func encode(typ string, payload any) ([]byte, error) {
	m := map[string]any{}
	if payload != nil {
		raw, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "event payload is not an object")
		}
	}
	m["type"] = typ
	return json.Marshal(m)
}

// Notify wakes the subscribers of a session: called after a local append,
// and by a cross-process notifier (e.g. PostgreSQL LISTEN) when another
// process appended.
func (l *Log) Notify(sessionID string) {
	l.mu.Lock()
	h := l.hubs[sessionID]
	l.mu.Unlock()
	if h != nil {
		h.wake()
	}
}

// Subscribe streams the session's events with Seq > after into fn, first
// those already stored, then live ones, until ctx ends or fn returns false.
// It returns ctx's error, nil when fn stopped it, or a store error.
func (l *Log) Subscribe(ctx context.Context, sessionID string, after int64, fn func(shoot.Event) bool) error {
	h := l.join(sessionID)
	defer l.leave(sessionID, h)
	cursor := after
	for {
		evs, changed, err := h.since(ctx, cursor)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if !fn(ev) {
				return nil
			}
			cursor = ev.Seq
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

func (l *Log) join(sessionID string) *hub {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hubs[sessionID]
	if h == nil {
		h = newHub(l, sessionID)
		l.hubs[sessionID] = h
	}
	h.refs++
	return h
}

func (l *Log) leave(sessionID string, h *hub) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h.refs--
	if h.refs == 0 {
		delete(l.hubs, sessionID)
		h.close()
	}
}
