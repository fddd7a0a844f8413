package events_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// memSource is an in-memory event log with the store's numbering rules.
type memSource struct {
	mu   sync.Mutex
	evs  map[string][]shoot.Event
	hits int // EventsAfter calls, to show that subscribers share reads
}

func newMem() *memSource { return &memSource{evs: map[string][]shoot.Event{}} }

func (m *memSource) AppendEvent(_ context.Context, sid, typ string, data []byte) (shoot.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ev := shoot.Event{SessionID: sid, Seq: int64(len(m.evs[sid]) + 1), Type: typ, Data: data}
	m.evs[sid] = append(m.evs[sid], ev)
	return ev, nil
}

func (m *memSource) EventsAfter(_ context.Context, sid string, after int64, limit int) ([]shoot.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hits++
	all := m.evs[sid]
	if after >= int64(len(all)) {
		return nil, nil
	}
	out := all[after:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]shoot.Event(nil), out...), nil
}

// collect subscribes after `after` and returns the seqs seen until n arrive.
func collect(t *testing.T, l *events.Log, sid string, after int64, n int) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var seqs []int64
	err := l.Subscribe(ctx, sid, after, func(ev shoot.Event) bool {
		seqs = append(seqs, ev.Seq)
		return len(seqs) < n
	})
	if err != nil {
		t.Fatalf("subscribe: %v after %d events", err, len(seqs))
	}
	return seqs
}

func TestReplayThenLiveWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	l := events.New(newMem(), nil, time.Hour) // only local wake-ups deliver
	ctx := t.Context()
	for i := 0; i < 5; i++ {
		if _, err := l.Append(ctx, "s", shoot.EventStatus, map[string]any{"message": i}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan []int64)
	go func() { done <- collect(t, l, "s", 2, 8) }()
	for i := 5; i < 10; i++ {
		time.Sleep(time.Millisecond)
		if _, err := l.Append(ctx, "s", shoot.EventTextDelta, map[string]any{"text": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	got := <-done
	for i, seq := range got {
		if seq != int64(i+3) {
			t.Fatalf("seqs = %v, want 3..10", got)
		}
	}
}

func TestPayloadGetsTypeField(t *testing.T) {
	t.Parallel()
	l := events.New(newMem(), nil, 0)
	ev, err := l.Append(t.Context(), "s", shoot.EventCheckpoint, map[string]any{"stage": "hero"})
	if err != nil {
		t.Fatal(err)
	}
	if string(ev.Data) != `{"stage":"hero","type":"checkpoint"}` {
		t.Fatalf("data = %s", ev.Data)
	}
	if _, err := l.Append(t.Context(), "s", shoot.EventStatus, []int{1}); err == nil {
		t.Fatal("a non-object payload was accepted")
	}
}

func TestOtherProcessAppendsArriveByPolling(t *testing.T) {
	t.Parallel()
	src := newMem()
	l := events.New(src, nil, 10*time.Millisecond)
	go func() {
		time.Sleep(20 * time.Millisecond)
		// Written straight to the source, as another process would: no Notify.
		_, _ = src.AppendEvent(t.Context(), "s", shoot.EventStatus, []byte(`{"type":"status"}`))
	}()
	if got := collect(t, l, "s", 0, 1); got[0] != 1 {
		t.Fatalf("got %v", got)
	}
}

func TestManySubscribersShareReads(t *testing.T) {
	t.Parallel()
	src := newMem()
	l := events.New(src, nil, time.Hour)
	const subs, n = 200, 50
	var wg sync.WaitGroup
	results := make([][]int64, subs)
	ready := make(chan struct{}, subs)
	for i := 0; i < subs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready <- struct{}{}
			results[i] = collect(t, l, "s", 0, n)
		}()
	}
	for i := 0; i < subs; i++ {
		<-ready
	}
	for i := 0; i < n; i++ {
		if _, err := l.Append(t.Context(), "s", shoot.EventTextDelta, map[string]any{"text": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for i, r := range results {
		if len(r) != n || r[0] != 1 || r[n-1] != n {
			t.Fatalf("subscriber %d got %d events (%v…)", i, len(r), r[:min(3, len(r))])
		}
	}
	src.mu.Lock()
	hits := src.hits
	src.mu.Unlock()
	if hits > 2*n+subs {
		t.Fatalf("%d store reads for %d subscribers × %d events: reads are not shared", hits, subs, n)
	}
}
