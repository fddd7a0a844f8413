package events

import (
	"context"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// stuckSource answers no read until the reader's context ends, then reports
// that it saw the end on seen.
type stuckSource struct {
	reading chan struct{}
	seen    chan error
}

func (s *stuckSource) AppendEvent(context.Context, string, string, []byte) (shoot.Event, error) {
	return shoot.Event{}, nil
}

func (s *stuckSource) EventsAfter(ctx context.Context, _ string, _ int64, _ int) ([]shoot.Event, error) {
	select {
	case s.reading <- struct{}{}:
	default:
	}
	<-ctx.Done()
	select {
	case s.seen <- ctx.Err():
	default:
	}
	return nil, ctx.Err()
}

// The hub's pump runs under the hub's own context: when the last
// subscriber leaves, a store read it has in flight is cancelled and the
// pump has returned by the time leave does.
func TestHubClosesItsPump(t *testing.T) {
	src := &stuckSource{reading: make(chan struct{}, 1), seen: make(chan error, 1)}
	l := New(src, nil, time.Hour)
	h := l.join("s")
	l.Notify("s")
	<-src.reading // the pump is inside a store read that only ends with its context
	l.leave("s", h)
	select {
	case <-h.done:
	default:
		t.Fatal("leave returned while the hub's pump was still running")
	}
	if err := <-src.seen; err != context.Canceled {
		t.Errorf("the pump's read ended with %v, want context.Canceled", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hubs) != 0 {
		t.Errorf("%d hubs left after the last subscriber went", len(l.hubs))
	}
}
