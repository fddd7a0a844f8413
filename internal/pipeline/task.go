package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/fashionshoot/shoot/internal/retry"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// providerCall abstracts one image or clip request so the submit/poll/
// re-attach logic is written once.
// localPollInterval is the pace of polling a Local provider.
const localPollInterval = time.Second

type providerCall struct {
	kind     string // "image" or "clip"
	provider string
	key      string
	class    string // what tasks of the same usual duration share
	local    bool   // polls cost nothing: keep the fixed pace (see Local)
	estimate float64
	// callbacks are the provider's (nil: it makes none); see callback.go.
	callbacks Callbacks
	// submit sends the request, with the URL the provider should call back
	// when the task ends ("" for none).
	submit   func(ctx context.Context, callbackURL string) (string, error)
	poll     func(ctx context.Context, handle string) (shoot.TaskStatus, error)
	progress func(pct float64, logs []string)
}

// runTask submits the request once (recording the handle before polling),
// or re-attaches to the recorded handle, then polls until done on the
// adaptive schedule of poll.go. When the provider is slow it returns
// *Snooze so the job frees its worker and comes back; the next run
// re-attaches. A provider task is never submitted twice.
func (e *Engine) runTask(ctx context.Context, w Work, c providerCall) (*shoot.Artifact, error) {
	sid := w.SessionID
	requests := 0
	defer func() { e.countRequests(context.WithoutCancel(ctx), sid, c.provider, requests) }()
	t, err := e.store.GetProviderTask(ctx, c.key)
	switch {
	case shoot.ErrorCode(err) == shoot.ENOTFOUND:
		requests++
		callbackURL, err := e.prepareCallback(ctx, sid, c)
		if err != nil {
			return nil, err
		}
		if t, err = e.submitTask(ctx, sid, c, callbackURL); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case t.State == shoot.TaskFailed:
		return nil, shoot.Errorf(shoot.EINVALID, "the provider already rejected this request; ask for a retry")
	}
	submitted := t.CreatedAt
	if submitted.IsZero() || submitted.After(e.now()) {
		submitted = e.now()
	}
	expected, ceiling := e.learnedLatency(ctx, c.class), e.opts.PollInterval
	if c.local {
		// Polls cost nothing: a steady pace, so the progress the user
		// watches moves at least every second.
		expected, ceiling = 0, min(ceiling, localPollInterval)
	}
	deadline := e.now().Add(e.opts.PollWindow)
	lastPending := submitted
	callback := e.bindCallback(ctx, c, t.Handle)
	var arrived time.Time // when the callback announced the end
	for first := true; ; first = false {
		switch {
		case callback:
			if arrived, err = e.awaitCallback(ctx, w, c.key, lastPending, deadline); err != nil {
				return nil, err
			}
		case !first || expected > 0:
			if err := e.waitToPoll(ctx, w, e.now().Sub(submitted), expected, ceiling, deadline); err != nil {
				return nil, err
			}
		}
		st, err := c.poll(ctx, t.Handle)
		requests++
		if err != nil {
			if shoot.IsPermanent(err) {
				t.State = shoot.TaskFailed
				e.putTask(ctx, sid, t, c.kind, false)
			}
			return nil, err
		}
		if c.progress != nil {
			c.progress(st.Progress, st.Logs)
		}
		if st.Done {
			if st.Result == nil || len(st.Result.Data) == 0 {
				return nil, shoot.Errorf(shoot.EUNAVAILABLE, "the provider finished without a result")
			}
			e.learnLatency(ctx, c.class, tookBetween(submitted, lastPending, e.now(), arrived, st.Took))
			return st.Result, nil
		}
		lastPending = e.now()
	}
}

// tookBetween is the best guess of how long a task that was still
// pending at lastPending and done at now ran since submitted: what the
// provider says it took, else when the callback came, else the midpoint.
// A guess outside the window the polls saw is brought inside it.
func tookBetween(submitted, lastPending, now, arrived time.Time, said time.Duration) time.Duration {
	lo, hi := lastPending.Sub(submitted), now.Sub(submitted)
	switch {
	case said > 0:
		return min(max(said, lo), hi)
	case !arrived.IsZero() && arrived.After(submitted):
		return min(max(arrived.Sub(submitted), lo), hi)
	}
	return lo + (hi-lo)/2
}

// waitToPoll sleeps until the next poll is due, or asks for a snooze when
// that is past the job's polling window, or stops work that is no longer
// wanted.
func (e *Engine) waitToPoll(ctx context.Context, w Work, elapsed, expected, ceiling time.Duration, deadline time.Time) error {
	d := pollDelay(elapsed, expected, ceiling)
	if e.now().Add(d).After(deadline) {
		return &Snooze{After: d}
	}
	if err := retry.SleepContext(ctx, d); err != nil {
		return err
	}
	// A cancel or delete from another process cannot interrupt this run
	// (SQLite has no way to signal it), so look between polls.
	if e.superseded(ctx, w) {
		return errSuperseded
	}
	return nil
}

// countRequests adds a task's provider requests to the session's count.
func (e *Engine) countRequests(ctx context.Context, sid, provider string, n int) {
	if n == 0 {
		return
	}
	if e.opts.CountRequests != nil {
		e.opts.CountRequests(provider, n)
	}
	_, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		m.Requests += n
		writeMeta(s, m)
		return nil
	})
	if err != nil && shoot.ErrorCode(err) != shoot.ENOTFOUND {
		e.logger.Warn("counting provider requests failed", "session_id", sid, "err", err)
	}
}

// errSuperseded ends polling for work that is no longer wanted; Do sees the
// work is superseded and ends it quietly.
var errSuperseded = shoot.Errorf(shoot.ECONFLICT, "the work was cancelled or replaced")

func (e *Engine) submitTask(ctx context.Context, sid string, c providerCall, callbackURL string) (*shoot.ProviderTask, error) {
	if err := e.checkMonthlyBudget(ctx, sid, c.estimate); err != nil {
		return nil, err
	}
	if err := e.reserveBudget(ctx, sid, c.key, c.estimate); err != nil {
		return nil, err
	}
	handle, err := c.submit(ctx, callbackURL)
	if err != nil {
		e.releaseBudget(ctx, sid, c.key)
		return nil, err
	}
	if callbackURL != "" {
		e.bindCallback(ctx, c, handle) // at once: the callback may be quick
	}
	t := &shoot.ProviderTask{Key: c.key, SessionID: sid, Provider: c.provider, Handle: handle, State: shoot.TaskSubmitted}
	// Stored before the first poll: a crash from here on re-attaches.
	if err := e.store.PutProviderTask(ctx, t); err != nil {
		return nil, err
	}
	e.putTask(ctx, sid, t, c.kind, true)
	return t, nil
}

// putTask records the task's state and tracks in-flight tasks for Cancel.
func (e *Engine) putTask(ctx context.Context, sid string, t *shoot.ProviderTask, kind string, inFlight bool) {
	if !inFlight {
		if err := e.store.PutProviderTask(ctx, t); err != nil {
			e.logger.Warn("provider task update failed", "session_id", sid, "err", err)
		}
	}
	_, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		if m.Tasks == nil {
			m.Tasks = map[string]string{}
		}
		if inFlight {
			m.Tasks[t.Key] = kind
		} else {
			delete(m.Tasks, t.Key)
			delete(m.Reserved, t.Key) // now in the ledger, or never to be paid
		}
		writeMeta(s, m)
		return nil
	})
	if err != nil {
		e.logger.Warn("tracking provider task failed", "session_id", sid, "err", err)
	}
}

// taskDone closes a task after its result is stored.
func (e *Engine) taskDone(ctx context.Context, sid, key, kind string) {
	t, err := e.store.GetProviderTask(ctx, key)
	if err != nil {
		return
	}
	t.State = shoot.TaskDone
	e.putTask(ctx, sid, t, kind, false)
}

// reserveBudget refuses a paid call that would take the session past the
// per-session budget, counting the calls already submitted but not yet in
// the ledger, and otherwise holds the call's estimate until its cost is
// recorded. Check and hold are one transaction: clips submitted at once
// cannot each see the same spare budget and overspend it together.
func (e *Engine) reserveBudget(ctx context.Context, sid, key string, estimate float64) error {
	if e.opts.MaxCostUSD <= 0 || estimate <= 0 {
		return nil
	}
	_, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		held := 0.0
		for k, usd := range m.Reserved {
			if k != key {
				held += usd
			}
		}
		if s.TotalCostUSD+held+estimate > e.opts.MaxCostUSD+1e-9 {
			return shoot.Errorf(shoot.ELIMIT, "this call (about $%.2f) would take the session past its budget of $%.2f (spent $%.2f, $%.2f more in calls under way)",
				estimate, e.opts.MaxCostUSD, s.TotalCostUSD, held)
		}
		if m.Reserved == nil {
			m.Reserved = map[string]float64{}
		}
		m.Reserved[key] = estimate
		writeMeta(s, m)
		return nil
	})
	return err
}

// releaseBudget drops the hold of a call that was not submitted after all.
func (e *Engine) releaseBudget(ctx context.Context, sid, key string) {
	if e.opts.MaxCostUSD <= 0 {
		return
	}
	_, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		delete(m.Reserved, key)
		writeMeta(s, m)
		return nil
	})
	if err != nil {
		e.logger.Warn("releasing a budget hold failed", "session_id", sid, "err", err)
	}
}

// cancelTasks asks providers to stop the session's in-flight tasks.
func (e *Engine) cancelTasks(ctx context.Context, sid string, tasks map[string]string) {
	for key, kind := range tasks {
		t, err := e.store.GetProviderTask(ctx, key)
		if err != nil || t.State != shoot.TaskSubmitted {
			continue
		}
		if kind == "clip" {
			err = e.videos.CancelClip(ctx, t.Handle)
		} else {
			err = e.images.CancelImage(ctx, t.Handle)
		}
		if err != nil {
			e.logger.Warn("provider cancel failed", "session_id", sid, "provider", t.Provider, "err", err)
		}
		t.State = shoot.TaskCancelled
		if err := e.store.PutProviderTask(ctx, t); err != nil {
			e.logger.Warn("provider task update failed", "session_id", sid, "err", err)
		}
	}
}

// taskKey is the idempotency key of one paid request: session, artifact
// slot, version and generation — the same on a re-run after a crash, new
// after a retry or a change.
func taskKey(w Work, typ string) string {
	return fmt.Sprintf("%s-%s%d-v%d-g%d", w.SessionID, typ, w.N, w.Version, w.Gen)
}
