package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var eventTests = []test{
	{"EventAppendAndRead", testEventAppend},
	{"EventPaging", testEventPaging},
	{"EventConcurrentAppenders", testEventConcurrent},
	{"EventInvalid", testEventInvalid},
}

func eventData(typ string, n int) []byte {
	return fmt.Appendf(nil, `{"type":%q,  "n":%d, "text":"héllo \u2603"}`, typ, n)
}

func testEventAppend(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := mkSession(t, s), mkSession(t, s)
	var appended []shoot.Event
	for i, typ := range []string{shoot.EventSessionInit, shoot.EventTextDelta, shoot.EventComplete} {
		e, err := s.AppendEvent(ctx, a.ID, typ, eventData(typ, i))
		must(t, err)
		if e.Seq != int64(i+1) || e.SessionID != a.ID || e.Type != typ {
			t.Errorf("append %d = %+v", i, e)
		}
		wantRecent(t, "created_at", e.CreatedAt)
		appended = append(appended, e)
	}
	// Another session numbers from 1 on its own.
	e, err := s.AppendEvent(ctx, b.ID, shoot.EventStatus, eventData(shoot.EventStatus, 0))
	must(t, err)
	if e.Seq != 1 {
		t.Errorf("second session's first seq = %d", e.Seq)
	}
	got, err := s.EventsAfter(ctx, a.ID, 0, 0)
	must(t, err)
	if len(got) != len(appended) {
		t.Fatalf("EventsAfter: %d events, want %d", len(got), len(appended))
	}
	for i, g := range got {
		w := appended[i]
		// Data is kept byte for byte: it is what SSE clients receive.
		if g.Seq != w.Seq || g.Type != w.Type || g.SessionID != a.ID || string(g.Data) != string(w.Data) {
			t.Errorf("event %d = %+v (%s), want %+v (%s)", i, g, g.Data, w, w.Data)
		}
		wantTime(t, "created_at", g.CreatedAt, w.CreatedAt)
	}
	if !got[2].Terminal() {
		t.Error("complete event not terminal")
	}
}

func testEventPaging(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	const n = 25
	for i := range n {
		_, err := s.AppendEvent(ctx, sess.ID, shoot.EventTextDelta, eventData(shoot.EventTextDelta, i))
		must(t, err)
	}
	cases := []struct {
		after          int64
		limit          int
		first, wantLen int64
	}{
		{0, 10, 1, 10}, {10, 10, 11, 10}, {20, 10, 21, 5}, {25, 10, 0, 0}, {100, 10, 0, 0},
		{0, 0, 1, n}, {0, -5, 1, n}, {-3, 3, 1, 3}, {24, 1, 25, 1},
	}
	for _, tc := range cases {
		got, err := s.EventsAfter(ctx, sess.ID, tc.after, tc.limit)
		must(t, err)
		if got == nil || int64(len(got)) != tc.wantLen {
			t.Fatalf("after %d limit %d: %d events (nil=%t), want %d", tc.after, tc.limit, len(got), got == nil, tc.wantLen)
		}
		for i, e := range got {
			if e.Seq != tc.first+int64(i) {
				t.Fatalf("after %d limit %d: event %d has seq %d", tc.after, tc.limit, i, e.Seq)
			}
		}
	}
	// Paging to the end visits every event exactly once.
	var seen, after int64
	for {
		page, err := s.EventsAfter(ctx, sess.ID, after, 7)
		must(t, err)
		if len(page) == 0 {
			break
		}
		seen += int64(len(page))
		after = page[len(page)-1].Seq
	}
	if seen != n {
		t.Errorf("paged through %d events, want %d", seen, n)
	}
	none, err := s.EventsAfter(ctx, newID(), 0, 10)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("unknown session has %d events", len(none))
	}
}

// testEventConcurrent: 20 appenders at once on one session get the numbers
// 1..N exactly once each, and each appender sees its own numbers rise.
func testEventConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	const workers, each = 20, 5
	seqs := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := s.AppendEvent(ctx, sess.ID, shoot.EventSystem, eventData(shoot.EventSystem, w*100+i))
				if err != nil {
					t.Errorf("appender %d: %v", w, err)
					return
				}
				seqs[w] = append(seqs[w], e.Seq)
			}
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for w, list := range seqs {
		for i, q := range list {
			if seen[q] {
				t.Errorf("seq %d handed out twice", q)
			}
			seen[q] = true
			if i > 0 && q <= list[i-1] {
				t.Errorf("appender %d: seq %d after %d", w, q, list[i-1])
			}
		}
	}
	got, err := s.EventsAfter(ctx, sess.ID, 0, 0)
	must(t, err)
	if len(got) != workers*each {
		t.Fatalf("%d events stored, want %d", len(got), workers*each)
	}
	for i, e := range got {
		if e.Seq != int64(i+1) || !seen[e.Seq] {
			t.Fatalf("stored seq %d at position %d: not gapless", e.Seq, i)
		}
	}
}

func testEventInvalid(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	cases := []struct {
		name, session, typ string
		data               []byte
		code               string
	}{
		{"unknown session", newID(), shoot.EventStatus, []byte(`{"type":"status"}`), shoot.ENOTFOUND},
		{"malformed session", "a/b", shoot.EventStatus, []byte(`{"type":"status"}`), shoot.ENOTFOUND},
		{"empty type", sess.ID, "", []byte(`{}`), shoot.EINVALID},
		{"bad JSON", sess.ID, shoot.EventStatus, []byte(`{"type":`), shoot.EINVALID},
		{"not an object", sess.ID, shoot.EventStatus, []byte(`[1]`), shoot.EINVALID},
		{"no data", sess.ID, shoot.EventStatus, nil, shoot.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AppendEvent(t.Context(), tc.session, tc.typ, tc.data)
			wantCode(t, err, tc.code)
		})
	}
	// Failed appends leave no gap.
	e, err := s.AppendEvent(t.Context(), sess.ID, shoot.EventStatus, []byte(`{"type":"status"}`))
	must(t, err)
	if e.Seq != 1 {
		t.Errorf("first good append got seq %d", e.Seq)
	}
}
