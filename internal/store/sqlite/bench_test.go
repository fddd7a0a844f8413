package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// benchData is a typical text_delta event (~100 bytes).
var benchData = []byte(`{"type":"text_delta","text":"The coat catches the last light as the camera swings left.","seq":1}`)

func benchSession(b *testing.B, s store.Store) string {
	b.Helper()
	id := shoot.NewSessionID(store.Now())
	if err := s.CreateSession(context.Background(), &shoot.Session{ID: id}); err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkAppendEvent: one appender, one session (the pipeline streaming
// deltas). Each op is a committed insert.
func BenchmarkAppendEvent(b *testing.B) {
	s := openTemp(b)
	id := benchSession(b, s)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AppendEvent(ctx, id, shoot.EventTextDelta, benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendEventParallel: many appenders on one session, serialised
// by the single connection.
func BenchmarkAppendEventParallel(b *testing.B) {
	s := openTemp(b)
	id := benchSession(b, s)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AppendEvent(ctx, id, shoot.EventTextDelta, benchData); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkEventsAfter reads pages from a 10,000-event log (an SSE client
// catching up after Last-Event-ID).
func BenchmarkEventsAfter(b *testing.B) {
	for _, page := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("page=%d", page), func(b *testing.B) {
			s := openTemp(b)
			id := benchSession(b, s)
			ctx := context.Background()
			const total = 10000
			for range total {
				if _, err := s.AppendEvent(ctx, id, shoot.EventTextDelta, benchData); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			var after int64
			for b.Loop() {
				list, err := s.EventsAfter(ctx, id, after, page)
				if err != nil || len(list) != page {
					b.Fatalf("%d events, %v", len(list), err)
				}
				after = (after + int64(page)) % (total - int64(page))
			}
			b.ReportMetric(float64(page*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkAppendThenTail is the live path: append one event, then a
// follower reads everything after the last seq it saw.
func BenchmarkAppendThenTail(b *testing.B) {
	s := openTemp(b)
	id := benchSession(b, s)
	ctx := context.Background()
	var last int64
	for b.Loop() {
		if _, err := s.AppendEvent(ctx, id, shoot.EventTextDelta, benchData); err != nil {
			b.Fatal(err)
		}
		list, err := s.EventsAfter(ctx, id, last, 100)
		if err != nil || len(list) != 1 {
			b.Fatalf("%d events, %v", len(list), err)
		}
		last = list[0].Seq
	}
}
