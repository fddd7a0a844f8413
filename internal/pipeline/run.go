package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// stageOf maps a work kind to the stage it belongs to.
func stageOf(kind string) string {
	switch kind {
	case WorkHero:
		return shoot.StageHero
	case WorkSheet:
		return shoot.StageContactSheet
	case WorkFrames, WorkFrameEdit, WorkResize:
		return shoot.StageFrames
	case WorkClip:
		return shoot.StageClips
	case WorkFinal:
		return shoot.StageFinal
	}
	return ""
}

// enqueue puts works on the queue and remembers their job ids for Cancel.
// A work of no known kind is refused before anything is queued: no worker
// could run it.
func (e *Engine) enqueue(ctx context.Context, sid string, works ...Work) error {
	for _, w := range works {
		if !WorkKind(w.Kind).Valid() {
			return shoot.Errorf(shoot.EINTERNAL, "refusing to queue work of unknown kind %q", w.Kind)
		}
	}
	ids, err := e.queue.Enqueue(ctx, works...)
	if err != nil {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "could not queue the work; try again")
	}
	_, err = e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		m.Jobs = append(m.Jobs, ids...)
		if len(m.Jobs) > 64 {
			m.Jobs = m.Jobs[len(m.Jobs)-64:]
		}
		writeMeta(s, m)
		return nil
	})
	return err
}

// startWork begins a stage run made of works (all with the session's
// current Gen): it resolves the pending checkpoint as modified or approved
// by the caller, records the pending items, and enqueues the works. mutate,
// if set, changes the run state in the same transaction.
func (e *Engine) startWork(ctx context.Context, sid, stage string, works []Work, mutate func(*runMeta, *shoot.Session) error) error {
	if len(works) == 0 {
		return shoot.Errorf(shoot.ECONFLICT, "nothing to do for the %s stage: it is up to date", stage)
	}
	_, err := e.store.UpdateSession(ctx, sid, func(s *shoot.Session) error {
		m := readMeta(s)
		if s.RunState == shoot.RunCancelled {
			return shoot.Errorf(shoot.ECONFLICT, "the session was cancelled")
		}
		if mutate != nil {
			if err := mutate(&m, s); err != nil {
				return err
			}
		}
		if m.Stage != stage || len(m.Pending) == 0 {
			m.Pending = map[string]bool{}
			m.StartedAt = e.now()
		}
		m.Stage, m.Handover = stage, ""
		for i := range works {
			works[i].Gen = m.Gen
			works[i].SessionID = sid
			m.Pending[works[i].Item()] = true
		}
		m.Acted = true
		s.RunState, s.Status, s.ErrorMessage = shoot.RunRunning, shoot.StatusActive, nil
		s.PipelineStage = stage
		writeMeta(s, m)
		return nil
	})
	if err != nil {
		return err
	}
	e.emit(ctx, sid, shoot.EventStatus, map[string]any{"message": fmt.Sprintf("Working on the %s…", stageLabel(stage)), "stage": stage})
	return e.enqueue(ctx, sid, works...)
}

func stageLabel(stage string) string {
	switch stage {
	case shoot.StageContactSheet:
		return "contact sheet"
	case shoot.StageFinal:
		return "final film"
	case shoot.StageFrames:
		return "frames"
	case shoot.StageClips:
		return "clips"
	}
	return stage
}

// current loads the session and reports whether w still belongs to its
// current generation; stale work (cancelled or superseded) must do nothing.
func (e *Engine) current(ctx context.Context, w Work) (*shoot.Session, bool, error) {
	s, err := e.store.GetSession(ctx, w.SessionID)
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return nil, false, nil // deleted meanwhile
	}
	if err != nil {
		return nil, false, err
	}
	m := readMeta(s)
	if m.Gen != w.Gen || s.RunState == shoot.RunCancelled {
		return s, false, nil
	}
	return s, true, nil
}

// finishItem marks w's item done; when it was the stage's last, the stage
// ends: a checkpoint (or the end of the shoot) and the next turn.
func (e *Engine) finishItem(ctx context.Context, w Work) error {
	var done, failed bool
	var stage string
	s, err := e.store.UpdateSession(ctx, w.SessionID, func(s *shoot.Session) error {
		m := readMeta(s)
		if m.Gen != w.Gen || s.RunState == shoot.RunCancelled {
			return nil
		}
		if !m.Pending[w.Item()] {
			// This job ended the stage before, but its hand-over failed
			// part-way (or the process died): finish the hand-over now.
			done, stage = m.Handover == w.Item(), m.Stage
			return nil
		}
		delete(m.Pending, w.Item())
		if w.Kind == WorkClip {
			m.ClipSlots = slices.DeleteFunc(m.ClipSlots, func(n int) bool { return n == w.N })
		}
		if len(m.Pending) == 0 && m.FailedWork != nil {
			// The last item next to one that failed: the run ends failed.
			failed, stage = true, m.Stage
			s.RunState, m.Pending, m.ClipSlots, m.Jobs = shoot.RunFailed, nil, nil, nil
		} else if len(m.Pending) == 0 {
			done, stage = true, m.Stage
			m.Handover = w.Item()
			m.Jobs = nil
			s.PipelineStage = stage
			s.RunState = shoot.RunAwaiting
			if stage == shoot.StageFinal {
				s.PipelineStage, s.Status, s.RunState = shoot.StageComplete, shoot.StatusCompleted, shoot.RunDone
			}
		}
		writeMeta(s, m)
		return nil
	})
	if err == nil && failed {
		e.settleFailed(ctx, s, stage)
	}
	if err != nil || !done {
		return err
	}
	return e.stageDone(ctx, s, stage)
}

// stageDone records the checkpoint of a finished stage and hands over to
// the director (or, with auto-approve, straight to the next stage).
func (e *Engine) stageDone(ctx context.Context, s *shoot.Session, stage string) error {
	keys, err := e.stageArtifacts(ctx, s, stage)
	if err != nil {
		return err
	}
	cp, err := e.stageCheckpoint(ctx, s, stage, keys)
	if err != nil {
		return err
	}
	auto := s.Options.AutoApprove && stage != shoot.StageFinal
	e.emit(ctx, s.ID, shoot.EventCheckpoint, withQA(checkpointEvent(s.ID, cp, !auto && stage != shoot.StageFinal), e.stageQA(ctx, s.ID, cp.ArtifactKeys)))
	if auto {
		return e.approve(ctx, s.ID, "auto-approved", gate{})
	}
	res := StageResult{Stage: stage, Success: true, Artifacts: keys, Message: cp.Message}
	return e.enqueueResultTurn(ctx, s.ID, res)
}

// stageCheckpoint records the checkpoint of a finished stage run, or
// returns the one an earlier, interrupted try of the same hand-over made.
func (e *Engine) stageCheckpoint(ctx context.Context, s *shoot.Session, stage string, keys []string) (*shoot.Checkpoint, error) {
	cp := &shoot.Checkpoint{SessionID: s.ID, Stage: stage, Status: shoot.CheckpointPending,
		ArtifactKeys: keys, Message: checkpointMessage(stage, len(keys)) + e.frameDoubts(ctx, s, stage) + qaNotice(e.stageQA(ctx, s.ID, keys))}
	if stage == shoot.StageFinal {
		cp.Stage, cp.Status = shoot.StageComplete, shoot.CheckpointApproved
	}
	prev, err := e.store.LatestCheckpoint(ctx, s.ID)
	if err == nil && prev.Stage == cp.Stage && !prev.CreatedAt.Before(readMeta(s).StartedAt) {
		return prev, nil
	}
	return cp, e.store.CreateCheckpoint(ctx, cp)
}

func checkpointMessage(stage string, n int) string {
	switch stage {
	case shoot.StageHero:
		return `Hero image ready. Reply "continue" or describe what to change.`
	case shoot.StageContactSheet:
		return `Contact sheet ready: six camera angles. Reply "continue" or describe what to change.`
	case shoot.StageFrames:
		return fmt.Sprintf(`%d frames cropped. Reply "continue", "regenerate frame N", or "use 9:16".`, n)
	case shoot.StageClips:
		return fmt.Sprintf(`%d clips ready. Reply "continue" to cut the film, "redo clip N", or "loop it".`, n)
	}
	return "Your fashion film is ready."
}

// checkpointEvent is the checkpoint event of the SSE protocol: top-level stage, artifact
// or artifacts, message, sessionId and awaitingInput, plus the same facts
// nested under "checkpoint", a form clients of the HTTP API read as well.
func checkpointEvent(sid string, cp *shoot.Checkpoint, awaiting bool) map[string]any {
	ev := map[string]any{"stage": cp.Stage, "message": cp.Message, "sessionId": sid, "awaitingInput": awaiting}
	nested := map[string]any{"id": cp.ID, "stage": cp.Stage, "status": "complete", "message": cp.Message}
	if len(cp.ArtifactKeys) == 1 {
		ev["artifact"], nested["artifact"] = cp.ArtifactKeys[0], cp.ArtifactKeys[0]
	} else {
		ev["artifacts"], nested["artifacts"] = cp.ArtifactKeys, cp.ArtifactKeys
	}
	nested["type"] = "image"
	if cp.Stage == shoot.StageClips || cp.Stage == shoot.StageComplete {
		nested["type"] = "video"
	}
	ev["checkpoint"] = nested
	return ev
}

// emitComplete ends the current exchange: the stream's last event.
func (e *Engine) emitComplete(ctx context.Context, s *shoot.Session, extra map[string]any) {
	fresh, err := e.store.GetSession(ctx, s.ID)
	if err == nil {
		s = fresh
	}
	ev := map[string]any{"sessionId": s.ID, "stage": s.PipelineStage, "status": s.Status,
		"awaitingInput": s.RunState == shoot.RunAwaiting,
		"sessionStats": map[string]any{"totalCostUsd": s.TotalCostUSD, "totalTurns": s.TotalTurns,
			"pipelineStage": s.PipelineStage, "runState": s.RunState}}
	ev["checkpoint"] = nil
	if cp, err := e.store.LatestCheckpoint(ctx, s.ID); err == nil {
		ev["checkpoint"] = withQA(checkpointEvent(s.ID, cp, cp.Status == shoot.CheckpointPending), e.stageQA(ctx, s.ID, cp.ArtifactKeys))["checkpoint"]
	}
	for k, v := range extra {
		ev[k] = v
	}
	e.emit(ctx, s.ID, shoot.EventComplete, ev)
}

// fail puts the session in error with a clear message and a way to retry.
//
// Other items of the stage already in flight (clips running next to the
// one that failed) are left to finish in their own places: the session
// stays running until they are done, so a retry cannot pay for them twice.
func (e *Engine) fail(ctx context.Context, w Work, cause error) {
	msg := shoot.ErrorMessage(cause)
	stage := stageOf(w.Kind)
	recorded, others := false, false
	_, err := e.store.UpdateSession(ctx, w.SessionID, func(s *shoot.Session) error {
		m := readMeta(s)
		if m.Gen != w.Gen || s.RunState == shoot.RunCancelled {
			return nil
		}
		recorded = true
		full := fmt.Sprintf("%s stage failed: %s", stageLabel(stage), msg)
		s.Status, s.ErrorMessage = shoot.StatusError, &full
		failed := w
		m.FailedWork = &failed
		delete(m.Pending, w.Item())
		m.ClipSlots = slices.DeleteFunc(m.ClipSlots, func(n int) bool { return w.Kind == WorkClip && n == w.N })
		if others = len(m.Pending) > 0; !others {
			s.RunState = shoot.RunFailed
			m.Pending, m.ClipSlots, m.Jobs = nil, nil, nil
		}
		writeMeta(s, m)
		return nil
	})
	if err != nil {
		e.logger.Error("recording a failure failed", "session_id", w.SessionID, "err", err)
	}
	if !recorded && err == nil {
		return // superseded work: its failure is nobody's news
	}
	next := `Reply "retry" to try again.`
	if others {
		next = `The rest of the stage is still being made; reply "retry" once it is done.`
	}
	e.emit(ctx, w.SessionID, shoot.EventError, map[string]any{"message": fmt.Sprintf("The %s stage failed: %s %s", stageLabel(stage), ensureStop(msg), next),
		"stage": stage, "retryable": true})
}

// settleFailed ends a stage run that had a failure once its other items
// are done: the session is now failed and can be retried.
func (e *Engine) settleFailed(ctx context.Context, s *shoot.Session, stage string) {
	why := ""
	if s.ErrorMessage != nil {
		why = *s.ErrorMessage
	}
	e.emit(ctx, s.ID, shoot.EventError, map[string]any{"message": fmt.Sprintf("The rest of the %s is done; %s Reply \"retry\" to make what failed.",
		stageLabel(stage), ensureStop(why)), "stage": stage, "retryable": true})
}

func ensureStop(s string) string {
	if s == "" || s[len(s)-1] == '.' {
		return s
	}
	return s + "."
}
