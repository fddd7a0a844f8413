package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Event-driven completion. With Options.PublicURL set, a task of a provider
// that makes callbacks (pipeline.Callbacks) is submitted with the URL of
// our callback route, and a row is recorded for it first
// (shoot.ProviderCallback). The worker waiting on the task then does not
// poll on the learned schedule: it waits for the callback and polls once
// when it lands, or at the slow CallbackBackstop cadence should it never
// come. A callback does not record anything itself; it marks the row once
// and wakes the waiter, which polls and records the result as always, so a
// callback and a poll that both see the end record it once, and a forged or
// mistaken callback costs one poll at most.
//
// The wake-up reaches the waiter however they are placed:
//   - same process, waiting within its run: an in-memory signal;
//   - another process, waiting within its run: it reads the row's mark
//     every CallbackCheck;
//   - any process, job snoozed: the job is made due now through the queue's
//     database (Waker).

// Defaults of the callback options.
const (
	DefaultCallbackBackstop = 30 * time.Second
	DefaultCallbackCheck    = time.Second
)

// Waker is implemented by queues that can make a snoozed job due at once.
// Wake must leave jobs that are not snoozed (running, finished) alone.
type Waker interface {
	Wake(ctx context.Context, jobIDs ...int64) error
}

type jobIDKey struct{}

// WithJobID tells the engine which queue job runs the work of ctx, so a
// callback can wake it when it snoozes (the queue sets it).
func WithJobID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, jobIDKey{}, id)
}

func jobIDFrom(ctx context.Context) int64 {
	id, _ := ctx.Value(jobIDKey{}).(int64)
	return id
}

// wakeups are the in-memory signals of tasks waited on in this process.
type wakeups struct {
	mu sync.Mutex
	ch map[string]chan struct{}
}

// listen returns the channel that wake(key) signals, and a release func.
func (w *wakeups) listen(key string) (<-chan struct{}, func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = map[string]chan struct{}{}
	}
	c, ok := w.ch[key]
	if !ok {
		c = make(chan struct{}, 1)
		w.ch[key] = c
	}
	return c, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.ch[key] == c {
			delete(w.ch, key)
		}
	}
}

// wake signals key's waiter, if it waits in this process.
func (w *wakeups) wake(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.ch[key] <- struct{}{}:
	default: // nobody waits here, or a signal is already pending
	}
}

// callbacksFor returns the callbacks of call's provider when they are on.
func (e *Engine) callbacksFor(c providerCall) Callbacks {
	if e.opts.PublicURL == "" || c.local {
		return nil
	}
	return c.callbacks
}

// prepareCallback records the callback row of a task about to be
// submitted and returns the URL to give the provider ("" when callbacks
// are off). A re-run keeps the first token, so the URL of a task already
// submitted before a crash stays valid.
func (e *Engine) prepareCallback(ctx context.Context, sid string, c providerCall) (string, error) {
	cb := e.callbacksFor(c)
	if cb == nil {
		return "", nil
	}
	row := &shoot.ProviderCallback{TaskKey: c.key, SessionID: sid, Provider: c.provider, Token: newToken()}
	if err := e.store.ExpectCallback(ctx, row); err != nil {
		return "", err
	}
	return strings.TrimRight(e.opts.PublicURL, "/") + cb.CallbackPath(row.Token), nil
}

// bindCallback records the provider's id of a submitted task, which its
// callbacks name. It reports whether a callback is expected.
func (e *Engine) bindCallback(ctx context.Context, c providerCall, handle string) bool {
	cb := e.callbacksFor(c)
	if cb == nil {
		return false
	}
	row, err := e.store.GetCallback(ctx, c.key)
	if err != nil {
		if shoot.ErrorCode(err) != shoot.ENOTFOUND {
			e.logger.Warn("reading a provider callback failed; polling instead", "key", c.key, "err", err)
		}
		return false // submitted without a callback URL
	}
	if row.RemoteID == "" {
		id := cb.CallbackID(handle)
		if id == "" {
			return false
		}
		if err := e.store.SetCallbackTarget(ctx, c.key, id, 0); err != nil {
			e.logger.Warn("recording a provider callback failed; polling instead", "key", c.key, "err", err)
			return false
		}
	}
	return true
}

// awaitCallback waits until the task's callback has landed or the backstop
// poll is due (since is the last poll, or the submission), then returns nil
// to poll. When that is past the job's polling window it records the job
// to wake and asks for a snooze until the backstop.
func (e *Engine) awaitCallback(ctx context.Context, w Work, key string, since, deadline time.Time) (arrived time.Time, err error) {
	signal, release := e.wakes.listen(key)
	defer release()
	backstop := since.Add(e.opts.CallbackBackstop)
	recorded := false
	for {
		row, err := e.store.GetCallback(ctx, key)
		if err == nil && row.Outcome != "" {
			return row.ArrivedAt, nil
		}
		now := e.now()
		if !now.Before(backstop) {
			return time.Time{}, nil
		}
		next := min(backstop.Sub(now), e.opts.CallbackCheck)
		if now.Add(next).After(deadline) {
			if id := jobIDFrom(ctx); id != 0 && !recorded {
				// Record the job, then look again: a callback that landed
				// in between found no job to wake.
				if err := e.store.SetCallbackTarget(ctx, key, "", id); err != nil {
					e.logger.Warn("recording the job to wake failed", "key", key, "err", err)
				}
				recorded = true
				continue
			}
			return time.Time{}, &Snooze{After: backstop.Sub(now)}
		}
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return time.Time{}, ctx.Err()
		case <-signal:
		case <-t.C:
		}
		t.Stop()
		if e.superseded(ctx, w) {
			return time.Time{}, errSuperseded
		}
	}
}

// CallbackNotice is one provider callback, as the HTTP route read it
// (after checking its signature, for providers that sign).
type CallbackNotice struct {
	Provider string
	// RemoteID is the provider's id of the task the callback is about.
	RemoteID string
	// Token is the secret of the callback URL ("" for signed callbacks,
	// which are found by RemoteID alone).
	Token string
	// ExternalID is our key of the task when the provider echoes it
	// (Kling's external_task_id).
	ExternalID string
	// Signed says the provider's signature covers RemoteID, so a callback
	// found by its token may name the task before the submission's answer
	// recorded the task's id.
	Signed bool
	// Ended says the task is over; OK that it succeeded.
	Ended, OK bool
}

// Callback answers.
const (
	CallbackAccepted  = "accepted"  // the task is marked and its waiter woken
	CallbackDuplicate = "duplicate" // it was marked before; nothing changed
	CallbackPending   = "pending"   // the task is not over yet; nothing changed
)

// ProviderCallback handles one callback: it finds the task (ENOTFOUND when
// none of ours matches), marks it once, and wakes whoever waits on it. It
// never records a result: the waiter polls for it.
func (e *Engine) ProviderCallback(ctx context.Context, n CallbackNotice) (string, error) {
	if n.RemoteID == "" && n.Token == "" {
		return "", shoot.Errorf(shoot.ENOTFOUND, "the callback names no task")
	}
	var row *shoot.ProviderCallback
	var err error
	if n.Token != "" {
		row, err = e.store.FindCallback(ctx, n.Provider, "", n.Token)
		if err == nil && !sameTask(row, n) {
			err = shoot.Errorf(shoot.ENOTFOUND, "the callback's task is not the one of its URL")
		}
	} else {
		row, err = e.store.FindCallback(ctx, n.Provider, n.RemoteID, "")
	}
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return "", shoot.Errorf(shoot.ENOTFOUND, "no task of ours matches this callback")
	}
	if err != nil {
		return "", err
	}
	if row.RemoteID == "" && n.RemoteID != "" {
		// It landed before the submission's answer was recorded.
		if err := e.store.SetCallbackTarget(ctx, row.TaskKey, n.RemoteID, row.JobID); err != nil {
			return "", err
		}
	}
	if !n.Ended {
		return CallbackPending, nil
	}
	outcome := shoot.CallbackDone
	if !n.OK {
		outcome = shoot.CallbackFailed
	}
	fresh, err := e.store.MarkCallback(ctx, row.TaskKey, outcome)
	if err != nil {
		return "", err
	}
	if !fresh {
		return CallbackDuplicate, nil
	}
	e.wakes.wake(row.TaskKey)
	if wk, ok := e.queue.(Waker); ok && row.JobID != 0 {
		if err := wk.Wake(ctx, row.JobID); err != nil {
			e.logger.Warn("waking a snoozed job failed; its backstop poll will find the result", "key", row.TaskKey, "err", err)
		}
	}
	return CallbackAccepted, nil
}

// sameTask reports whether a callback found by its URL token is about the
// row's task: the same remote id once it is known; else, before the
// submission's answer is recorded, any id the provider signed, or our own
// key echoed.
func sameTask(row *shoot.ProviderCallback, n CallbackNotice) bool {
	switch {
	case row.RemoteID != "":
		return n.RemoteID == row.RemoteID
	case n.Signed:
		return n.RemoteID != ""
	}
	return n.ExternalID != "" && n.ExternalID == row.TaskKey
}

// newToken is a fresh unguessable URL secret (256 bits).
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported systems
	return base64.RawURLEncoding.EncodeToString(b)
}
