package postgres_test

import (
	"context"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

var benchData = []byte(`{"type":"text_delta","text":"The coat catches the last light as the camera swings left.","seq":1}`)

// BenchmarkAppendEvent: committed appends (counter upsert, insert, notify)
// to one session, one appender.
func BenchmarkAppendEvent(b *testing.B) {
	db, _ := openTemp(b)
	ctx := context.Background()
	if err := db.CreateSession(ctx, &shoot.Session{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.AppendEvent(ctx, "bench", shoot.EventTextDelta, benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEventsAfter reads 100-event pages from a 2,000-event log.
func BenchmarkEventsAfter(b *testing.B) {
	db, _ := openTemp(b)
	ctx := context.Background()
	if err := db.CreateSession(ctx, &shoot.Session{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	const total, page = 2000, 100
	for range total {
		if _, err := db.AppendEvent(ctx, "bench", shoot.EventTextDelta, benchData); err != nil {
			b.Fatal(err)
		}
	}
	var after int64
	for b.Loop() {
		list, err := db.EventsAfter(ctx, "bench", after, page)
		if err != nil || len(list) != page {
			b.Fatalf("%d events, %v", len(list), err)
		}
		after = (after + page) % (total - page)
	}
	b.ReportMetric(float64(page*b.N)/b.Elapsed().Seconds(), "events/s")
}
