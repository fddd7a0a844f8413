package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// scripted answers each work kind with a fixed result: "ok" finishes,
// "wait" snoozes once then finishes, "bad" fails for good, "flaky" fails
// once then finishes.
type scripted struct {
	mu    sync.Mutex
	calls map[string]int
}

func (s *scripted) Do(_ context.Context, w pipeline.Work, _ bool) error {
	s.mu.Lock()
	s.calls[w.Kind]++
	n := s.calls[w.Kind]
	s.mu.Unlock()
	switch {
	case w.Kind == "wait" && n == 1:
		return &pipeline.Snooze{After: time.Millisecond}
	case w.Kind == "bad":
		return &pipeline.Permanent{Err: shoot.Errorf(shoot.EINVALID, "refused")}
	case w.Kind == "flaky" && n == 1:
		return errors.New("hiccup")
	}
	return nil
}

// outcomes collects what Observe reports, per kind.
type outcomes struct {
	mu  sync.Mutex
	got map[string][]string
}

func (o *outcomes) observe(kind, outcome string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		outcome += "(negative duration)"
	}
	o.got[kind] = append(o.got[kind], outcome)
}

func (o *outcomes) of(kind string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got[kind]...)
}

func TestObserveCheckAndCount(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := queueDB(t)
	obs := &outcomes{got: map[string][]string{}}
	q, err := jobs.NewSQLite(ctx, db, &scripted{calls: map[string]int{}},
		jobs.Options{Workers: 4, PollInterval: 20 * time.Millisecond, ID: "worker-a", Observe: obs.observe})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Check(ctx); err != nil {
		t.Fatalf("check on an empty queue: %v", err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.WithoutCancel(ctx))
	if _, err := q.Enqueue(ctx, pipeline.Work{Kind: "ok"}, pipeline.Work{Kind: "wait"},
		pipeline.Work{Kind: "bad"}, pipeline.Work{Kind: "flaky"}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"ok":   {jobs.OutcomeDone},
		"wait": {jobs.OutcomeSnoozed, jobs.OutcomeDone},
		"bad":  {jobs.OutcomeFailed},
		// The retry waits River's backoff (about 2 s) before the second run.
		"flaky": {jobs.OutcomeRetry, jobs.OutcomeDone},
	}
	deadline := time.Now().Add(30 * time.Second)
	for kind, w := range want {
		for len(obs.of(kind)) < len(w) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if got := obs.of(kind); !equal(got, w) {
			t.Errorf("%s: outcomes %v, want %v", kind, got, w)
		}
	}
	// River records a finished job's state shortly after the run returns.
	wantStates := map[string]string{"ok": "completed", "wait": "completed", "bad": "cancelled", "flaky": "completed"}
	var counts []jobs.JobCount
	for {
		if counts, err = jobs.CountJobs(ctx, db, "sqlite"); err != nil {
			t.Fatal(err)
		}
		if sameStates(counts, wantStates) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sameStates(counts, wantStates) {
		t.Errorf("job counts %+v, want one job each in %v", counts, wantStates)
	}
	if _, err := jobs.CountJobs(ctx, db, "oracle"); err == nil {
		t.Error("an unknown dialect was counted")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameStates reports whether counts hold exactly one job per kind, in the
// wanted state.
func sameStates(counts []jobs.JobCount, want map[string]string) bool {
	if len(counts) != len(want) {
		return false
	}
	for _, c := range counts {
		if c.N != 1 || want[c.Kind] != c.State {
			return false
		}
	}
	return true
}
