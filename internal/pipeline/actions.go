package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// actions implements Actions for one session, for one director turn.
type actions struct {
	e    *Engine
	sid  string
	gate gate
}

// ActionsFor returns ungated Actions on session sid, for callers that are
// not a director turn (tools, tests). Director turns get turnActions.
func (e *Engine) ActionsFor(sid string) Actions { return &actions{e: e, sid: sid} }

// start checks the gate, marks the pending checkpoint modified with
// response, and starts works on stage; mutate changes the run state in the
// same transaction as the gate's final check.
func (a *actions) start(ctx context.Context, stage string, works []Work, response string, mutate func(*runMeta, *shoot.Session) error) error {
	if err := a.precheck(ctx, stage, works, false); err != nil {
		return err
	}
	a.resolve(ctx, shoot.CheckpointModified, response)
	return a.e.startWork(ctx, a.sid, stage, works, a.gate.guarded(stage, works, false, mutate))
}

// resolve marks the pending checkpoint modified (a change was asked for).
func (a *actions) resolve(ctx context.Context, status, response string) {
	cp, err := a.e.store.LatestCheckpoint(ctx, a.sid)
	if err != nil || cp.Status != shoot.CheckpointPending {
		return
	}
	if err := a.e.store.ResolveCheckpoint(ctx, cp.ID, status, response); err != nil {
		a.e.logger.Warn("resolving checkpoint failed", "session_id", a.sid, "err", err)
	}
}

func (a *actions) GenerateHero(ctx context.Context, p HeroParams) error {
	if err := checkImageParams(p.AspectRatio, p.Resolution); err != nil {
		return err
	}
	if _, ok := a.e.presets.Pose(p.Pose); p.Pose != "" && !ok {
		return shoot.Errorf(shoot.EINVALID, "unknown pose preset %q", p.Pose)
	}
	if _, ok := a.e.presets.Background(p.Background); p.Background != "" && !ok {
		return shoot.Errorf(shoot.EINVALID, "unknown background preset %q", p.Background)
	}
	v, err := a.e.nextVersion(ctx, a.sid, shoot.AssetHero, 0)
	if err != nil {
		return err
	}
	return a.start(ctx, shoot.StageHero, []Work{{Kind: WorkHero, Version: v}}, p.Extra, func(m *runMeta, s *shoot.Session) error {
		if p.Pose != "" {
			m.Pose = p.Pose
		}
		if p.Background != "" {
			m.Background = p.Background
		}
		m.Hero = p
		return nil
	})
}

func (a *actions) GenerateContactSheet(ctx context.Context, p SheetParams) error {
	if err := checkImageParams(p.AspectRatio, p.Resolution); err != nil {
		return err
	}
	if err := a.e.require(ctx, a.sid, shoot.AssetHero, 0, "a hero image"); err != nil {
		return err
	}
	v, err := a.e.nextVersion(ctx, a.sid, shoot.AssetContactSheet, 0)
	if err != nil {
		return err
	}
	return a.start(ctx, shoot.StageContactSheet, []Work{{Kind: WorkSheet, Version: v}}, p.Extra, func(m *runMeta, _ *shoot.Session) error {
		m.Sheet = p
		return nil
	})
}

func (a *actions) ExtractFrames(ctx context.Context, p FramesParams) error {
	if p.Rows < 0 || p.Rows > 4 || p.Cols < 0 || p.Cols > 4 {
		return shoot.Errorf(shoot.EINVALID, "rows and cols must be between 1 and 4")
	}
	if p.Grid != "" && p.Grid != "auto" {
		return shoot.Errorf(shoot.EINVALID, `grid must be "auto" or empty`)
	}
	if err := a.e.require(ctx, a.sid, shoot.AssetContactSheet, 0, "a contact sheet"); err != nil {
		return err
	}
	return a.start(ctx, shoot.StageFrames, []Work{{Kind: WorkFrames}}, "extract frames", func(m *runMeta, _ *shoot.Session) error {
		m.Frames = p
		return nil
	})
}

func (a *actions) ResizeFrames(ctx context.Context, aspect string) error {
	if !slices.Contains(shoot.FrameAspectRatios, aspect) {
		return shoot.Errorf(shoot.EINVALID, "aspect ratio must be one of %v", shoot.FrameAspectRatios)
	}
	if err := a.e.require(ctx, a.sid, shoot.AssetFrame, 1, "frames"); err != nil {
		return err
	}
	return a.start(ctx, shoot.StageFrames, []Work{{Kind: WorkResize}}, "resize to "+aspect, func(_ *runMeta, s *shoot.Session) error {
		s.Options.FrameAspect = aspect
		return nil
	})
}

func (a *actions) RegenerateFrame(ctx context.Context, n int, instruction string) error {
	s, err := a.e.store.GetSession(ctx, a.sid)
	if err != nil {
		return err
	}
	if last := s.Options.FrameCount(); n < 1 || n > last {
		return shoot.Errorf(shoot.EINVALID, "frame number must be between 1 and %d", last)
	}
	if err := a.e.require(ctx, a.sid, shoot.AssetFrame, n, fmt.Sprintf("frame %d", n)); err != nil {
		return err
	}
	v, err := a.e.nextVersion(ctx, a.sid, shoot.AssetFrame, n)
	if err != nil {
		return err
	}
	return a.start(ctx, shoot.StageFrames, []Work{{Kind: WorkFrameEdit, N: n, Version: v}}, instruction, func(m *runMeta, _ *shoot.Session) error {
		if m.FrameEdits == nil {
			m.FrameEdits = map[int]string{}
		}
		m.FrameEdits[n] = strings.TrimSpace(instruction)
		return nil
	})
}

func (a *actions) GenerateClip(ctx context.Context, n int, prompt string) error {
	s, err := a.e.store.GetSession(ctx, a.sid)
	if err != nil {
		return err
	}
	last := s.Options.FrameCount() // the loop clip's number
	if n < 1 || n > last {
		return shoot.Errorf(shoot.EINVALID, "clip number must be between 1 and %d", last)
	}
	w, err := a.e.clipWork(ctx, s, n)
	if err != nil {
		return err
	}
	return a.start(ctx, shoot.StageClips, []Work{w}, fmt.Sprintf("redo clip %d", n), func(m *runMeta, s *shoot.Session) error {
		if n == last {
			s.Options.Loop = true
		}
		if prompt != "" {
			if m.ClipPrompts == nil {
				m.ClipPrompts = map[int]string{}
			}
			m.ClipPrompts[n] = prompt
		}
		return nil
	})
}

func (a *actions) GenerateAllClips(ctx context.Context, p ClipsParams) error {
	if p.Seconds != 0 && p.Seconds != 5 && p.Seconds != 10 {
		return shoot.Errorf(shoot.EINVALID, "duration must be 5 or 10 seconds")
	}
	s, err := a.e.store.GetSession(ctx, a.sid)
	if err != nil {
		return err
	}
	for n := range p.Prompts {
		if last := s.Options.FrameCount(); n < 1 || n > last {
			return shoot.Errorf(shoot.EINVALID, "clip numbers must be between 1 and %d", last)
		}
	}
	loop := s.Options.Loop
	if p.IncludeLoop != nil {
		loop = *p.IncludeLoop
	}
	count := s.Options.FrameCount() - 1
	if loop {
		count++
	}
	var works []Work
	for n := 1; n <= count; n++ {
		w, err := a.e.clipWork(ctx, s, n)
		if err != nil {
			return err
		}
		works = append(works, w)
	}
	return a.start(ctx, shoot.StageClips, works, "regenerate clips", func(m *runMeta, s *shoot.Session) error {
		s.Options.Loop = loop
		if p.Seconds != 0 {
			s.Options.VideoSeconds = p.Seconds
		}
		if p.NegativePrompt != "" {
			m.Negative = p.NegativePrompt
		}
		if len(p.Prompts) > 0 && m.ClipPrompts == nil {
			m.ClipPrompts = map[int]string{}
		}
		for n, pr := range p.Prompts {
			m.ClipPrompts[n] = pr
		}
		return nil
	})
}

func (a *actions) StitchFinal(ctx context.Context, p StitchParams) error {
	if p.ClipDuration != 0 && (p.ClipDuration < 0.5 || p.ClipDuration > 5) {
		return shoot.Errorf(shoot.EINVALID, "clipDuration must be between 0.5 and 5 seconds")
	}
	if p.Easing != "" && !a.e.validEasing(p.Easing) {
		return shoot.Errorf(shoot.EINVALID, "unknown easing %q", p.Easing)
	}
	if p.FPS != 0 && (p.FPS < 12 || p.FPS > 120) {
		return shoot.Errorf(shoot.EINVALID, "outputFps must be between 12 and 120")
	}
	v, err := a.e.nextVersion(ctx, a.sid, shoot.AssetFinal, 0)
	if err != nil {
		return err
	}
	works := []Work{{Kind: WorkFinal, Version: v}}
	if err := a.precheck(ctx, shoot.StageFinal, works, false); err != nil {
		return err
	}
	a.resolve(ctx, shoot.CheckpointApproved, "stitch")
	return a.e.startWork(ctx, a.sid, shoot.StageFinal, works, a.gate.guarded(shoot.StageFinal, works, false, func(m *runMeta, s *shoot.Session) error {
		m.Stitch = p
		if p.IncludeLoop != nil {
			s.Options.Loop = *p.IncludeLoop
		}
		if p.Easing != "" {
			s.Options.Easing = p.Easing
		}
		if p.ClipDuration != 0 {
			s.Options.ClipDuration = p.ClipDuration
		}
		if p.FPS != 0 {
			s.Options.FPS = p.FPS
		}
		return nil
	}))
}

func (a *actions) SetOptions(ctx context.Context, patch json.RawMessage) error {
	_, err := a.e.store.UpdateSession(ctx, a.sid, func(s *shoot.Session) error {
		o := s.Options
		dec := json.NewDecoder(strings.NewReader(string(patch)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			return shoot.Errorf(shoot.EINVALID, "options: %v", err)
		}
		if err := a.e.validateOptions(o); err != nil {
			return err
		}
		if !slices.Equal(o.Frames, s.Options.Frames) {
			return shoot.Errorf(shoot.EINVALID, "options.frames are fixed when the shoot starts")
		}
		s.Options = o
		return nil
	})
	return err
}

func (a *actions) Approve(ctx context.Context) error {
	if err := a.precheck(ctx, "", nil, true); err != nil {
		return err
	}
	return a.e.approve(ctx, a.sid, "approved", a.gate)
}

// approve accepts the pending checkpoint and starts whatever comes next,
// through g when a director turn asked for it.
func (e *Engine) approve(ctx context.Context, sid, response string, g gate) error {
	cp, err := e.store.LatestCheckpoint(ctx, sid)
	if err != nil {
		return shoot.Errorf(shoot.ECONFLICT, "there is no checkpoint to approve yet")
	}
	if cp.Stage == shoot.StageComplete {
		return shoot.Errorf(shoot.ECONFLICT, "the film is already finished")
	}
	if cp.Status == shoot.CheckpointPending {
		if err := e.store.ResolveCheckpoint(ctx, cp.ID, shoot.CheckpointApproved, response); err != nil {
			return err
		}
	}
	for stage := shoot.NextStage(cp.Stage); stage != shoot.StageComplete; stage = shoot.NextStage(stage) {
		works, err := e.defaultWorks(ctx, sid, stage)
		if err != nil {
			return err
		}
		if len(works) > 0 {
			return e.startWork(ctx, sid, stage, works, g.guarded(stage, works, true, nil))
		}
	}
	return shoot.Errorf(shoot.ECONFLICT, "everything is up to date")
}

func checkImageParams(aspect, res string) error {
	if aspect != "" && !slices.Contains(shoot.ImageAspectRatios, aspect) {
		return shoot.Errorf(shoot.EINVALID, "aspectRatio must be one of %v", shoot.ImageAspectRatios)
	}
	if res != "" && !slices.Contains(shoot.Resolutions, res) {
		return shoot.Errorf(shoot.EINVALID, "resolution must be one of %v", shoot.Resolutions)
	}
	return nil
}
