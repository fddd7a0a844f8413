package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// sleeper snoozes a "held" job for an hour on its first run and finishes it
// on the second; every other kind finishes at once. It counts the runs.
type sleeper struct {
	mu    sync.Mutex
	calls map[string]int
	slept chan struct{} // closed when the held job has snoozed
	woken chan struct{} // closed when the held job runs again
}

func newSleeper() *sleeper {
	return &sleeper{calls: map[string]int{}, slept: make(chan struct{}), woken: make(chan struct{})}
}

func (s *sleeper) Do(_ context.Context, w pipeline.Work, _ bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := string(w.Kind)
	s.calls[kind]++
	if kind != "held" {
		return nil
	}
	switch s.calls[kind] {
	case 1:
		close(s.slept)
		return &pipeline.Snooze{After: time.Hour}
	case 2:
		close(s.woken)
	}
	return nil
}

func (s *sleeper) runs(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

// wakeQueue is a queue with workers on one database, and that database as
// *sql.DB for reading River's table.
type wakeQueue struct {
	q       jobs.Queue
	db      *sql.DB
	dialect string
}

// queueDB opens a fresh SQLite database for a queue, closed when the test
// ends.
func queueDB(t *testing.T) *sql.DB {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st.DB()
}

func sqliteWakeQueue(t *testing.T, r jobs.Runner) wakeQueue {
	t.Helper()
	db := queueDB(t)
	q, err := jobs.NewSQLite(t.Context(), db, r, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return wakeQueue{q: q, db: db, dialect: "sqlite"}
}

func postgresWakeQueue(t *testing.T, r jobs.Runner) wakeQueue {
	t.Helper()
	u, _ := postgrestest.FreshSchema(t)
	pool, err := pgxpool.New(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	q, err := jobs.NewPostgres(t.Context(), pool, r, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	return wakeQueue{q: q, db: db, dialect: "postgres"}
}

// TestWakeRunsASnoozedJobAtOnce: a job snoozed for an hour runs again soon
// after Wake, on both databases; Wake leaves a finished job and an unknown
// id alone.
func TestWakeRunsASnoozedJobAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(*testing.T, jobs.Runner) wakeQueue
	}{
		{"sqlite", sqliteWakeQueue},
		{"postgres", postgresWakeQueue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			r := newSleeper()
			wq := tc.open(t, r)
			ids, err := wq.q.Enqueue(ctx, pipeline.Work{Kind: "held", SessionID: "s1"}, pipeline.Work{Kind: "quick", SessionID: "s1"})
			if err != nil {
				t.Fatal(err)
			}
			if err := wq.q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer wq.q.Stop(context.WithoutCancel(ctx))
			select {
			case <-r.slept:
			case <-time.After(30 * time.Second):
				t.Fatal("the held job never ran")
			}
			waitCounts(t, wq, map[string]int64{"held/scheduled": 1, "quick/completed": 1})

			waker, ok := wq.q.(pipeline.Waker)
			if !ok {
				t.Fatalf("the %s queue cannot wake jobs", tc.name)
			}
			if err := waker.Wake(ctx, append(ids, 1<<40)...); err != nil {
				t.Fatalf("wake: %v", err)
			}
			// Snoozed for an hour: only the wake-up can run it again
			// within the test's lifetime.
			select {
			case <-r.woken:
			case <-time.After(60 * time.Second):
				t.Fatal("the snoozed job did not run again after Wake")
			}
			waitCounts(t, wq, map[string]int64{"held/completed": 1, "quick/completed": 1})
			if n := r.runs("quick"); n != 1 {
				t.Errorf("the finished job ran %d times, want 1: Wake must leave it alone", n)
			}
		})
	}
}

// waitCounts polls River's table until the jobs by kind/state are exactly
// want.
func waitCounts(t *testing.T, wq wakeQueue, want map[string]int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		counts, err := jobs.CountJobs(t.Context(), wq.db, wq.dialect)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Kind+"/"+c.State] = c.N
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs %v, want %v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
