package pipeline

import (
	"context"
	"encoding/json"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// enqueueResultTurn hands a finished stage to the director, whose result
// turn comments on it and ends the exchange.
func (e *Engine) enqueueResultTurn(ctx context.Context, sid string, res StageResult) error {
	s, err := e.store.GetSession(ctx, sid)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(res)
	gen := readMeta(s).Gen
	if err := e.enqueue(ctx, sid, Work{Kind: WorkTurn, SessionID: sid, Gen: gen, TurnKind: TurnResult, Result: raw}); err != nil {
		return err
	}
	_, err = e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		if m.Gen == gen {
			m.Handover = ""
			writeMeta(s, m)
		}
		return nil
	})
	return err
}

// runTurn runs one director turn. A turn that started no work ends the
// exchange with a complete event so the client knows it is the user's move.
func (e *Engine) runTurn(ctx context.Context, w Work, s *shoot.Session) error {
	in := TurnInput{Kind: w.TurnKind, Session: s, Text: w.Text}
	if cp, err := e.store.LatestCheckpoint(ctx, s.ID); err == nil {
		in.Checkpoint = cp
	}
	if len(w.Result) > 0 {
		var res StageResult
		if err := json.Unmarshal(w.Result, &res); err == nil {
			in.Result = &res
		}
	}
	if w.TurnKind == TurnStart || w.TurnKind == TurnReply {
		refs, err := e.modelRefs(ctx, s.ID)
		if err != nil {
			return err
		}
		in.References = refs
	}
	if _, err := e.store.UpdateSession(ctx, s.ID, func(s *shoot.Session) error {
		s.TotalTurns++
		return nil
	}); err != nil {
		return err
	}
	out := &emitter{e: e, sid: s.ID}
	if err := e.director.Turn(ctx, in, e.turnActions(ctx, s.ID, w.TurnKind), out); err != nil {
		return e.turnFailed(ctx, w, err)
	}
	return e.endTurn(ctx, w)
}

// endTurn closes an exchange that started no stage work.
func (e *Engine) endTurn(ctx context.Context, w Work) error {
	var idle bool
	s, err := e.store.UpdateSession(ctx, w.SessionID, func(s *shoot.Session) error {
		m := readMeta(s)
		if m.Gen != w.Gen || len(m.Pending) > 0 || (m.Acted && w.TurnKind != TurnResult) {
			return nil
		}
		idle = true
		if s.RunState == shoot.RunRunning {
			s.RunState = shoot.RunAwaiting
			if s.PipelineStage == shoot.StageComplete {
				s.RunState = shoot.RunDone
			}
		}
		return nil
	})
	if err != nil || !idle {
		return err
	}
	e.emitComplete(ctx, s, nil)
	return nil
}

// turnFailed reports a director failure. Permanent failures end the
// exchange with an error event; transient ones are retried by the queue.
func (e *Engine) turnFailed(ctx context.Context, w Work, err error) error {
	if !shoot.IsPermanent(err) {
		return err
	}
	if e.superseded(ctx, w) {
		return &Permanent{Err: err} // a newer request took over: stay quiet
	}
	_, uerr := e.store.UpdateSession(ctx, w.SessionID, func(s *shoot.Session) error {
		if readMeta(s).Gen == w.Gen && s.RunState == shoot.RunRunning {
			s.RunState = shoot.RunAwaiting
		}
		return nil
	})
	if uerr != nil {
		e.logger.Warn("session update failed", "session_id", w.SessionID, "err", uerr)
	}
	e.emit(ctx, w.SessionID, shoot.EventError, map[string]any{"message": shoot.ErrorMessage(err)})
	return &Permanent{Err: err}
}
