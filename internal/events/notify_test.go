package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestNotifyAllWakesEverySession appends behind the log's back (as another
// process would) to two followed sessions; with polling off, only
// NotifyAll can deliver them.
func TestNotifyAllWakesEverySession(t *testing.T) {
	t.Parallel()
	src := newMem()
	l := events.New(src, nil, time.Hour)
	got := make(chan int64, 2)
	for _, sid := range []string{"a", "b"} {
		go func() {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_ = l.Subscribe(ctx, sid, 0, func(ev shoot.Event) bool { got <- ev.Seq; return false })
		}()
	}
	// Append only after both hubs have read the empty log: otherwise their
	// first read would deliver without any wake-up.
	for deadline := time.Now().Add(5 * time.Second); src.reads() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("subscribers never read the log")
		}
	}
	for _, sid := range []string{"a", "b"} {
		if _, err := src.AppendEvent(t.Context(), sid, shoot.EventStatus, []byte(`{"type":"status"}`)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-got:
		t.Fatal("an event arrived before NotifyAll")
	case <-time.After(100 * time.Millisecond):
	}
	l.NotifyAll()
	for range 2 {
		select {
		case seq := <-got:
			if seq != 1 {
				t.Fatalf("seq %d, want 1", seq)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("NotifyAll did not wake every session")
		}
	}
}

func (m *memSource) reads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits
}
