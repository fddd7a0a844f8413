package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

type note struct {
	id  string
	seq int64
}

// listen runs ListenEvents in the background. stop cancels it and returns
// its error.
func listen(db *postgres.DB) (notes <-chan note, stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan note, 1000)
	done := make(chan error, 1)
	go func() { done <- db.ListenEvents(ctx, func(id string, seq int64) { ch <- note{id, seq} }) }()
	return ch, sync.OnceValue(func() error { cancel(); return <-done })
}

// next returns the next notification for session id or the ready signal
// (""), skipping other tests' sessions (the channel is database-wide).
func next(t *testing.T, notes <-chan note, id string) note {
	t.Helper()
	timeout := time.After(30 * time.Second) // a hang guard, not a latency check
	for {
		select {
		case n := <-notes:
			if n.id == id || n.id == "" {
				return n
			}
		case <-timeout:
			t.Fatal("no notification")
		}
	}
}

// TestListenEvents: a listener on one pool sees, in order, the events
// another pool (standing in for another process) appends; after its
// connection is killed it signals a resync and keeps delivering; it stops
// with ctx.
func TestListenEvents(t *testing.T) {
	t.Parallel()
	u, schema := postgrestest.FreshSchema(t)
	ctx := context.Background()
	reader, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	sess := &shoot.Session{ID: "listen_" + schema}
	if err := writer.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	notes, stop := listen(reader)
	defer stop()
	if n := next(t, notes, sess.ID); n.id != "" {
		t.Fatalf("first call %+v, want the ready signal", n)
	}
	appendN(t, writer, sess.ID, 3)
	for want := int64(1); want <= 3; want++ {
		if n := next(t, notes, sess.ID); n != (note{sess.ID, want}) {
			t.Fatalf("notification %+v, want seq %d", n, want)
		}
	}
	killListener(t, u, schema)
	if n := next(t, notes, sess.ID); n.id != "" {
		t.Fatalf("after reconnect got %+v, want the ready signal", n)
	}
	appendN(t, writer, sess.ID, 1)
	if n := next(t, notes, sess.ID); n != (note{sess.ID, 4}) {
		t.Fatalf("after reconnect got %+v, want seq 4", n)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("ListenEvents returned %v, want context.Canceled", err)
	}
}

func appendN(t *testing.T, db *postgres.DB, id string, n int) {
	t.Helper()
	for i := range n {
		if _, err := db.AppendEvent(context.Background(), id, shoot.EventStatus, fmt.Appendf(nil, `{"type":"status","i":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// killListener terminates this test's listening backend (found by its
// application_name and its LISTEN), as a network failure would.
func killListener(t *testing.T, u, schema string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var killed int
	err = c.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`, schema).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listeners (%v), want 1", killed, err)
	}
}

func TestListenEventsCancelled(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t)
	// A cancelled context: the first connection fails at once and the error
	// comes back instead of a retry loop.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.ListenEvents(ctx, func(string, int64) { t.Error("fn called") })
	if err == nil {
		t.Fatal("ListenEvents on a cancelled context returned nil")
	}
}
