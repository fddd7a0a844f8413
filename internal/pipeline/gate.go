package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// ErrHeld marks an action a director may not take in its current turn: the
// checkpoint waits for the user, or this request already started its one
// stage. Directors test for it with errors.Is and stop asking for work; the
// error itself is ECONFLICT with a message for the model and the user.
var ErrHeld = errors.New("held for the user")

// gate decides which stage work one director turn may start. The server
// owns the checkpoints: whatever a director decides, it cannot pass one
// the user has not answered.
//
//   - A result turn (a stage finished) may only describe the result.
//   - A start turn may make the hero; a reply turn may redo anything up to
//     the stage after the checkpoint it answers, never beyond.
//   - One request starts one stage: after the first start, only more items
//     of that same stage (another frame, another clip) that this request has
//     not started yet.
//
// The zero gate (kind "") lets everything through: it is for callers that
// are not a director turn.
type gate struct {
	kind       string // the turn's kind
	checkpoint string // stage of the checkpoint the turn answers, "" for none
	limit      string // the furthest stage the turn may start
}

// gateFor builds the gate of a turn from the session's latest checkpoint.
func gateFor(kind string, cp *shoot.Checkpoint) gate {
	g := gate{kind: kind, limit: shoot.StageHero}
	if cp != nil && kind == TurnReply {
		g.checkpoint = cp.Stage
		g.limit = shoot.NextStage(cp.Stage)
		if cp.Stage == shoot.StageComplete {
			g.limit = shoot.StageFinal // a finished film may be re-cut
		}
	}
	if cp != nil && kind == TurnResult {
		g.checkpoint = cp.Stage
	}
	return g
}

// admit checks, inside the transaction that starts the work, whether the
// turn may start works on stage, and records them as this request's.
// approving says the work comes from approving the checkpoint, which picks
// the next stage that needs work itself.
func (g gate) admit(m *runMeta, stage string, works []Work, approving bool) error {
	switch g.kind {
	case "":
		return nil
	case TurnResult:
		return held("the user has not answered the %s checkpoint yet: describe the result and wait for their reply", stageLabel(g.checkpoint))
	}
	if !approving && shoot.StageIndex(stage) > shoot.StageIndex(g.limit) {
		return held("the %s comes after the user approves the %s; wait for their reply", stageLabel(stage), stageLabel(shoot.PreviousStage(stage)))
	}
	if m.TurnStage != "" && (approving || m.TurnStage != stage) {
		return held("this reply already started the %s; the next step waits for the user's answer", stageLabel(m.TurnStage))
	}
	for _, w := range works {
		if slices.Contains(m.TurnItems, w.Item()) {
			return held("this reply already started that part of the %s", stageLabel(stage))
		}
	}
	m.TurnStage = stage
	for _, w := range works {
		m.TurnItems = append(m.TurnItems, w.Item())
	}
	return nil
}

// precheck runs the gate's check on the session as it is now, recording
// nothing, so a refused action changes nothing (not even the checkpoint's
// status). The check that counts runs again in startWork's transaction.
func (a *actions) precheck(ctx context.Context, stage string, works []Work, approving bool) error {
	if a.gate.kind == "" {
		return nil
	}
	s, err := a.e.store.GetSession(ctx, a.sid)
	if err != nil {
		return err
	}
	m := readMeta(s)
	return a.gate.admit(&m, stage, works, approving)
}

func held(format string, args ...any) error {
	return shoot.Wrap(ErrHeld, shoot.ECONFLICT, fmt.Sprintf(format, args...))
}

// guarded wraps a stage run's mutation with the gate's check, so the check
// and the start are one transaction.
func (g gate) guarded(stage string, works []Work, approving bool, mutate func(*runMeta, *shoot.Session) error) func(*runMeta, *shoot.Session) error {
	return func(m *runMeta, s *shoot.Session) error {
		if err := g.admit(m, stage, works, approving); err != nil {
			return err
		}
		if mutate == nil {
			return nil
		}
		return mutate(m, s)
	}
}

// turnActions returns the gated Actions of one director turn.
func (e *Engine) turnActions(ctx context.Context, sid, kind string) Actions {
	var cp *shoot.Checkpoint
	if c, err := e.store.LatestCheckpoint(ctx, sid); err == nil {
		cp = c
	}
	return &actions{e: e, sid: sid, gate: gateFor(kind, cp)}
}
