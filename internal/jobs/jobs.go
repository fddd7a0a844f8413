// Package jobs runs the pipeline's work as durable River jobs, on SQLite
// (riversqlite) in the embedded default and on PostgreSQL (riverpgxv5) at
// scale, with the same worker code.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// WorkArgs is the River job of one unit of pipeline work.
type WorkArgs struct {
	pipeline.Work
}

// Kind is the River job kind.
func (WorkArgs) Kind() string { return "shoot_work" }

// InsertOpts bounds retries of transient failures.
func (WorkArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// Runner is the doer behind the workers (the pipeline engine).
type Runner interface {
	Do(ctx context.Context, w pipeline.Work, lastAttempt bool) error
}

// RunnerFunc is a Runner made of a function. The engine and its queue need
// each other; the composition root builds the queue first with a RunnerFunc
// that calls the engine, which exists by the time the queue starts its
// workers.
type RunnerFunc func(ctx context.Context, w pipeline.Work, lastAttempt bool) error

// Do calls f.
func (f RunnerFunc) Do(ctx context.Context, w pipeline.Work, lastAttempt bool) error {
	return f(ctx, w, lastAttempt)
}

// worker adapts the engine to River: snoozes, permanent errors and a
// backoff suited to provider hiccups (seconds, not River's minutes).
type worker struct {
	river.WorkerDefaults[WorkArgs]
	runner  Runner
	timeout time.Duration
	logger  *slog.Logger
	id      string
	observe func(kind, outcome string, d time.Duration)
	tracing trace.TracerProvider
}

// Work runs one job under a span continuing the enqueuer's trace (see
// trace.go) and reports how it ended (see observe.go).
func (w *worker) Work(ctx context.Context, job *river.Job[WorkArgs]) error {
	start := time.Now()
	ctx, span := w.startJobSpan(ctx, job)
	outcome, err := w.work(ctx, job)
	span.SetAttributes(attribute.String("shoot.job.outcome", outcome))
	if outcome == OutcomeRetry || outcome == OutcomeFailed {
		telemetry.End(span, err)
	} else {
		span.End()
	}
	w.ran(job, outcome, time.Since(start))
	return err
}

func (w *worker) work(ctx context.Context, job *river.Job[WorkArgs]) (string, error) {
	err := w.runner.Do(pipeline.WithJobID(ctx, job.ID), job.Args.Work, job.Attempt >= job.MaxAttempts)
	if s, ok := pipeline.AsSnooze(err); ok {
		return OutcomeSnoozed, river.JobSnooze(s.After)
	}
	var p *pipeline.Permanent
	if errors.As(err, &p) {
		return OutcomeFailed, river.JobCancel(err)
	}
	if err != nil {
		w.logger.Warn("work failed; will retry", "kind", job.Args.Work.Kind, "session_id", job.Args.SessionID,
			"attempt", job.Attempt, "err", err, "code", shoot.ErrorCode(err))
		return OutcomeRetry, err
	}
	return OutcomeDone, nil
}

// NextRetry backs off exponentially from one second to a minute, with jitter.
func (w *worker) NextRetry(job *river.Job[WorkArgs]) time.Time {
	d := time.Second << min(job.Attempt, 6)
	d = min(d, time.Minute)
	d += time.Duration(rand.Int64N(int64(d / 4)))
	return time.Now().Add(d)
}

// Timeout bounds one run of a job; provider waits snooze long before it.
func (w *worker) Timeout(*river.Job[WorkArgs]) time.Duration { return w.timeout }

// Options configure the queue.
type Options struct {
	// Workers is the number of jobs worked at once in this process; 0 makes
	// an insert-only client (an API process without workers).
	Workers int
	// JobTimeout bounds one job run; RescueAfter is when another process
	// takes over a job whose worker died (must exceed JobTimeout).
	JobTimeout  time.Duration
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs.
	PollInterval time.Duration
	Logger       *slog.Logger
	// ID names this process's workers in River (river_job.attempted_by,
	// the leader table) and in the per-job log line; "" lets River choose
	// one from the host name and start time. At most 100 characters.
	ID string
	// Observe, when set, is called after every job run with the work kind,
	// its outcome (Outcome* constants) and how long the run took.
	Observe func(kind, outcome string, d time.Duration)
	// Webhooks, when set, delivers webhook messages: the queue accepts
	// them (EnqueueDeliveries) and its workers make the attempts.
	Webhooks Deliverer
	// TracerProvider records a span per job run; nil means the global
	// provider (see internal/telemetry).
	TracerProvider trace.TracerProvider
}

func (o *Options) defaults() {
	if o.JobTimeout <= 0 {
		o.JobTimeout = 5 * time.Minute
	}
	if o.RescueAfter <= o.JobTimeout {
		o.RescueAfter = o.JobTimeout + time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// config builds the River configuration shared by both drivers.
func config(r Runner, o Options) *river.Config {
	cfg := &river.Config{
		Logger:               slog.New(quiet{o.Logger.Handler()}).With("component", "river"),
		JobTimeout:           o.JobTimeout,
		RescueStuckJobsAfter: o.RescueAfter,
		FetchCooldown:        min(50*time.Millisecond, o.PollInterval),
		FetchPollInterval:    o.PollInterval,
		MaxAttempts:          10,
		ID:                   o.ID,
	}
	if o.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &worker{runner: r, timeout: o.JobTimeout, logger: o.Logger, id: o.ID, observe: o.Observe, tracing: o.TracerProvider})
		if o.Webhooks != nil {
			river.AddWorker(workers, &deliveryWorker{d: o.Webhooks})
		}
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}}
	}
	return cfg
}

// Queue is the durable queue: it enqueues and cancels work, and runs the
// workers when it has any.
type Queue interface {
	pipeline.Enqueuer
	webhook.Enqueuer
	Start(ctx context.Context) error
	// Stop soft-stops: no new jobs; running ones finish or are cancelled
	// when ctx ends.
	Stop(ctx context.Context) error
	// Check runs one cheap query through River, for deep health checks.
	Check(ctx context.Context) error
}

// client is the part of *river.Client[TTx] the queue uses.
type client interface {
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

type queue struct {
	c        client
	workers  int
	webhooks Deliverer
	// wake makes one snoozed job due now (see Wake).
	wake func(ctx context.Context, id int64) error
}

// Wake makes snoozed jobs due at once, so a provider callback need not
// wait for the end of the snooze. Only jobs in River's "scheduled" state
// (snoozed) change: one that runs or has finished is left alone. The update
// goes through the database, so a worker in any process picks the job up
// at its next fetch.
func (q *queue) Wake(ctx context.Context, ids ...int64) error {
	var errs []error
	for _, id := range ids {
		if q.wake != nil {
			errs = append(errs, q.wake(ctx, id))
		}
	}
	return errors.Join(errs...)
}

func (q *queue) Enqueue(ctx context.Context, works ...pipeline.Work) ([]int64, error) {
	meta := traceMetadata(ctx)
	params := make([]river.InsertManyParams, len(works))
	for i, w := range works {
		params[i] = river.InsertManyParams{Args: WorkArgs{Work: w}, InsertOpts: &river.InsertOpts{Metadata: meta}}
	}
	res, err := q.c.InsertMany(ctx, params)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res))
	for i, r := range res {
		ids[i] = r.Job.ID
	}
	return ids, nil
}

func (q *queue) Cancel(ctx context.Context, ids []int64) error {
	var errs []error
	for _, id := range ids {
		if _, err := q.c.JobCancel(ctx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Alive reports whether any of the jobs can still run: queued, scheduled
// (snoozed), retrying or running. A job River no longer has is not alive.
func (q *queue) Alive(ctx context.Context, ids []int64) (bool, error) {
	for _, id := range ids {
		row, err := q.c.JobGet(ctx, id)
		if errors.Is(err, river.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		switch row.State {
		case rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled:
			return true, nil
		}
	}
	return false, nil
}

func (q *queue) Start(ctx context.Context) error {
	if q.workers == 0 {
		return nil
	}
	return q.c.Start(ctx)
}

func (q *queue) Stop(ctx context.Context) error {
	if q.workers == 0 {
		return nil
	}
	err := q.c.Stop(ctx)
	if ctx.Err() != nil {
		return q.c.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}
