package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// How a job run ended, as reported to Options.Observe.
const (
	OutcomeDone    = "done"    // the work is finished
	OutcomeSnoozed = "snoozed" // waiting on a provider or a clip slot; runs again later
	OutcomeRetry   = "retry"   // failed; River retries it with backoff
	OutcomeFailed  = "failed"  // failed for good; the session shows the error
)

// ran reports one finished run: to the observer, and as a debug line that
// names the worker, so an operator can see which process did what.
func (w *worker) ran(job *river.Job[WorkArgs], outcome string, d time.Duration) {
	if w.observe != nil {
		w.observe(job.Args.Work.Kind, outcome, d)
	}
	w.logger.LogAttrs(context.Background(), slog.LevelDebug, "job ran",
		slog.String("worker", w.id), slog.Int64("job_id", job.ID), slog.String("kind", job.Args.Work.Kind),
		slog.Int("n", job.Args.N), slog.String("session_id", job.Args.SessionID),
		slog.Int("attempt", job.Attempt), slog.String("outcome", outcome), slog.Duration("duration", d))
}

// Check lists at most one job: it proves River's tables answer.
func (q *queue) Check(ctx context.Context) error {
	if _, err := q.c.JobList(ctx, river.NewJobListParams().First(1)); err != nil {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "job queue unavailable")
	}
	return nil
}

// JobCount is how many jobs of one work kind are in one River state
// (available, running, scheduled, retryable, completed, cancelled, …).
type JobCount struct {
	Kind  string
	State string
	N     int64
}

// countSQL groups River's jobs by work kind and state. The work kind lives
// in the job's JSON arguments, read with each dialect's JSON operator; a
// job without one (a webhook delivery) counts under River's own kind.
func countSQL(dialect string) (string, bool) {
	switch dialect {
	case "postgres":
		return `SELECT COALESCE(args->>'kind', kind), state::text, count(*) FROM river_job GROUP BY 1, 2`, true
	case "sqlite":
		return `SELECT COALESCE(json_extract(args, '$.kind'), kind), state, count(*) FROM river_job GROUP BY 1, 2`, true
	}
	return "", false
}

// CountJobs returns the queue's jobs by work kind and state, read from the
// database River shares with the store (dialect "sqlite" or "postgres").
// Finished jobs are counted until River's cleaner deletes them.
func CountJobs(ctx context.Context, db *sql.DB, dialect string) ([]JobCount, error) {
	query, ok := countSQL(dialect)
	if !ok {
		return nil, fmt.Errorf("jobs: no job count for dialect %q", dialect)
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot count jobs")
	}
	defer rows.Close()
	var out []JobCount
	for rows.Next() {
		var c JobCount
		if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "cannot read job counts")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
