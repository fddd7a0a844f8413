package events

import (
	"context"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// cacheMax bounds the events a hub keeps in memory; older ones are read
// from the store by the (rare) subscriber that needs them.
const cacheMax = 4096

// hub serves all subscribers of one session in this process: one reader of
// the store fans out to any number of subscribers, so 500 viewers cost one
// query per batch, not 500.
type hub struct {
	log       *Log
	sessionID string
	refs      int // guarded by log.mu
	kick      chan struct{}

	// ctx lives as long as the hub: it is cancelled when the last
	// subscriber leaves, which stops the pump and any store read it has in
	// flight; done closes when the pump has returned.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	cache   []shoot.Event // contiguous by Seq
	last    int64         // highest Seq read from the store
	primed  bool
	changed chan struct{} // closed and replaced when cache grows
}

// newHub returns a hub and starts its pump. The hub's context is its own
// root, not a subscriber's: it outlives the subscriber that opened it, and
// ends when close is called.
func newHub(l *Log, sessionID string) *hub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &hub{
		log: l, sessionID: sessionID, kick: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, done: make(chan struct{}),
		changed: make(chan struct{}),
	}
	go h.pump()
	return h
}

// close stops the pump and waits until it has returned.
func (h *hub) close() {
	h.cancel()
	<-h.done
}

func (h *hub) wake() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// pump reads new events from the store whenever woken or every poll period.
func (h *hub) pump() {
	defer close(h.done)
	t := time.NewTicker(h.log.poll)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-h.kick:
		case <-t.C:
		}
		if err := h.fetch(h.ctx); err != nil && h.ctx.Err() == nil {
			h.log.logger.Warn("event log read failed", "session_id", h.sessionID, "err", err)
		}
	}
}

// fetch appends every stored event after h.last to the cache.
func (h *hub) fetch(ctx context.Context) error {
	h.mu.Lock()
	after := h.last
	h.mu.Unlock()
	for {
		evs, err := h.log.src.EventsAfter(ctx, h.sessionID, after, 1000)
		if err != nil || len(evs) == 0 {
			return err
		}
		after = evs[len(evs)-1].Seq
		h.add(evs)
		if len(evs) < 1000 {
			return nil
		}
	}
}

func (h *hub) add(evs []shoot.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range evs {
		if ev.Seq <= h.last {
			continue
		}
		h.cache = append(h.cache, ev)
		h.last = ev.Seq
	}
	if over := len(h.cache) - cacheMax; over > 0 {
		h.cache = append([]shoot.Event(nil), h.cache[over:]...)
	}
	h.primed = true
	close(h.changed)
	h.changed = make(chan struct{})
}

// since returns the events after cursor that are known, and a channel that
// closes when more arrive. A cursor older than the cache reads the store.
func (h *hub) since(ctx context.Context, cursor int64) ([]shoot.Event, <-chan struct{}, error) {
	h.mu.Lock()
	if !h.primed {
		h.mu.Unlock()
		if err := h.fetch(ctx); err != nil {
			return nil, nil, err
		}
		h.mu.Lock()
		h.primed = true
	}
	defer h.mu.Unlock()
	if len(h.cache) > 0 && cursor+1 < h.cache[0].Seq {
		evs, err := h.log.src.EventsAfter(ctx, h.sessionID, cursor, 1000)
		return evs, h.changed, err
	}
	var out []shoot.Event
	for i, ev := range h.cache {
		if ev.Seq > cursor {
			out = h.cache[i:len(h.cache):len(h.cache)]
			break
		}
	}
	return out, h.changed, nil
}
