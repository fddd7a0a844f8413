package pipeline

import (
	"context"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Do runs one unit of durable work. It returns nil when the work is done
// (or no longer wanted), *Snooze to be called again later, a permanent
// *shoot.Error when retrying cannot help (the session is then in error), or
// another error to be retried with backoff. lastAttempt says whether the
// queue will give up after this run.
func (e *Engine) Do(ctx context.Context, w Work, lastAttempt bool) error {
	s, ok, err := e.current(ctx, w)
	if err != nil || !ok {
		return err
	}
	if w.Kind == WorkTurn {
		return e.runTurn(ctx, w, s)
	}
	if w.Kind == WorkSegment {
		e.doSegment(ctx, w, s)
		return nil
	}
	err = e.doStage(ctx, w, s)
	if _, snooze := AsSnooze(err); snooze {
		return err
	}
	if err != nil && e.superseded(ctx, w) {
		// Cancelled, replaced or deleted while it ran (a cancelled provider
		// task or a vanished session row is the usual error then): nobody
		// waits for this work any more, so it ends without a word.
		return nil
	}
	if err != nil {
		if shoot.IsPermanent(err) || lastAttempt {
			e.fail(context.WithoutCancel(ctx), w, err)
			return &Permanent{Err: err}
		}
		e.notice(ctx, w.SessionID, stageOf(w.Kind), 0, "Retrying after a problem: "+shoot.ErrorMessage(err), nil)
		return err
	}
	return e.finishItem(ctx, w)
}

// superseded reports whether w no longer belongs to its session's current
// run. A store error counts as "still current", so real failures are never
// swallowed.
func (e *Engine) superseded(ctx context.Context, w Work) bool {
	_, ok, err := e.current(context.WithoutCancel(ctx), w)
	return err == nil && !ok
}

// Permanent wraps an error the queue must not retry.
type Permanent struct{ Err error }

func (p *Permanent) Error() string { return p.Err.Error() }

// Unwrap returns the cause.
func (p *Permanent) Unwrap() error { return p.Err }

func (e *Engine) doStage(ctx context.Context, w Work, s *shoot.Session) error {
	switch w.Kind {
	case WorkHero:
		return e.doHero(ctx, w, s)
	case WorkSheet:
		return e.doSheet(ctx, w, s)
	case WorkFrames:
		return e.doFrames(ctx, w, s)
	case WorkFrameEdit:
		return e.doFrameEdit(ctx, w, s)
	case WorkResize:
		return e.doResize(ctx, w, s)
	case WorkClip:
		return e.doClip(ctx, w, s)
	case WorkFinal:
		return e.doFinal(ctx, w, s)
	}
	return shoot.Errorf(shoot.EINVALID, "unknown work kind %q", w.Kind)
}
