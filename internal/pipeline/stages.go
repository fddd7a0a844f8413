package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // providers answer PNG or JPEG
	_ "image/png"
	"time"

	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// imageWork runs one image request through the provider and stores the
// result as the asset slot (typ, index) at w.Version, with the picture
// check's verdict. A failed verdict may earn one regeneration (see
// retryImage), stored as the next version.
func (e *Engine) imageWork(ctx context.Context, w Work, s *shoot.Session, typ string, index int, req shoot.ImageRequest, inputs []string) (*shoot.Asset, error) {
	l, err := e.latest(ctx, w.SessionID)
	if err != nil {
		return nil, err
	}
	if a := l.get(typ, index); a != nil && a.Version >= w.Version {
		// Made by an earlier run of this work, which may have been cut
		// short before the retry it planned.
		if r := qaOf(a); a.Version == w.Version && r != nil && r.Retry != nil && r.Retry.Status == retryMade {
			return e.retryImage(ctx, w, s, typ, index, req, inputs, r)
		}
		return a, nil
	}
	started := e.now()
	req.Key = taskKey(w, typ)
	art, err := e.runTask(ctx, w, e.imageCall(ctx, w, req))
	if err != nil {
		return nil, err
	}
	if err := e.recordCost(ctx, w.SessionID, req.Key, art); err != nil {
		return nil, err
	}
	report := e.checkPicture(ctx, s, art.Data, typ == shoot.AssetContactSheet)
	if err := e.planRetry(ctx, s, report, req, w.Version+1); err != nil {
		return nil, err
	}
	a, err := e.saveImage(ctx, w, typ, index, req, inputs, art, started, report)
	if err != nil {
		return nil, err
	}
	e.taskDone(ctx, w.SessionID, req.Key, "image")
	if report != nil && report.Retry != nil && report.Retry.Status == retryMade {
		return e.retryImage(ctx, w, s, typ, index, req, inputs, report)
	}
	return a, nil
}

func (e *Engine) saveImage(ctx context.Context, w Work, typ string, index int, req shoot.ImageRequest, inputs []string, art *shoot.Artifact, started time.Time, report *QAReport) (*shoot.Asset, error) {
	meta := shoot.AssetMeta{Prompt: req.Prompt, Provider: art.Provider, Model: art.Model, Seed: art.Seed,
		CostUSD: art.CostUSD, DurationMS: e.now().Sub(started).Milliseconds(), Inputs: inputs, Details: art.Details, QA: report.raw()}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(art.Data)); err == nil {
		meta.Width, meta.Height = cfg.Width, cfg.Height
	}
	return e.saveAsset(ctx, w.SessionID, typ, index, w.Version, art.Data, mimeOr(art.ContentType, "image/png"), meta)
}

// retryImage makes the one automatic regeneration of a picture whose check
// failed: the same request with the verdict folded into the prompt, a new
// seed, stored as the next version beside the first. Its own verdict is
// final whatever it says: a stage is retried at most once.
func (e *Engine) retryImage(ctx context.Context, w Work, s *shoot.Session, typ string, index int, req shoot.ImageRequest, inputs []string, first *QAReport) (*shoot.Asset, error) {
	w2 := w
	w2.Version = w.Version + 1
	stage := stageOf(w.Kind)
	e.progress(ctx, s.ID, stage, 0, fmt.Sprintf("The check found: %s. Making the %s once more with that in the prompt", first.Summary, stageLabel(stage)), nil)
	req.Prompt += prompt.QARetryNote(first.Summary)
	req.Seed = seedFor(s.ID, typ, "qa-retry", w2.Version)
	req.Key = taskKey(w2, typ)
	started := e.now()
	art, err := e.runTask(ctx, w2, e.imageCall(ctx, w2, req))
	if shoot.ErrorCode(err) == shoot.ELIMIT {
		// The budget changed since the retry was planned: the first
		// version stands.
		e.notice(ctx, s.ID, stage, 1, "The retry was not made: "+shoot.ErrorMessage(err), nil)
		l, lerr := e.latest(ctx, s.ID)
		if lerr != nil {
			return nil, lerr
		}
		return l.get(typ, index), nil
	}
	if err != nil {
		return nil, err
	}
	if err := e.recordCost(ctx, s.ID, req.Key, art); err != nil {
		return nil, err
	}
	report := e.checkPicture(ctx, s, art.Data, typ == shoot.AssetContactSheet)
	if report != nil {
		report.Attempt = 2
		report.Retry = &QARetry{Status: retryFinal, Version: w.Version,
			Reason: fmt.Sprintf("the automatic retry of version %d (%s); there is no second", w.Version, first.Summary)}
	}
	a, err := e.saveImage(ctx, w2, typ, index, req, inputs, art, started, report)
	if err != nil {
		return nil, err
	}
	e.taskDone(ctx, s.ID, req.Key, "image")
	e.markStale(ctx, s.ID, typ, index, s.Options.Loop)
	return a, nil
}

// reporter forwards provider progress and log lines as progress events.
// Only changes are sent: a new whole percent or new log lines, never one
// event per poll.
func (e *Engine) reporter(ctx context.Context, sid, stage string, extra map[string]any) func(float64, []string) {
	last := -1
	return func(pct float64, logs []string) {
		for _, l := range logs {
			e.progress(ctx, sid, stage, pct, l, extra)
		}
		if p := int(pct * 100); len(logs) == 0 && p > last {
			e.progress(ctx, sid, stage, pct, "", extra)
		}
		last = int(pct * 100)
	}
}

func mimeOr(m, def string) string {
	if m == "" {
		return def
	}
	return m
}

func seedFor(sid string, parts ...any) int64 {
	d := digest(append([]string{sid}, fmt.Sprint(parts...))...)
	var n int64
	for _, c := range d[:12] {
		n = n*16 + int64(hexVal(c))
	}
	return n
}

func hexVal(c rune) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

func (e *Engine) doHero(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	refs, err := e.inputRefs(ctx, l)
	if err != nil {
		return err
	}
	m := readMeta(s)
	req := oneImage(s, m, shoot.ImageRequest{Kind: shoot.ImageHero, Prompt: e.heroPrompt(m, s), References: refs,
		AspectRatio: m.Hero.AspectRatio, Resolution: m.Hero.Resolution, Seed: seedFor(s.ID, "hero", w.Version)})
	return e.makeOne(ctx, w, s, shoot.AssetHero, req, []string{"params:" + digest(req.Prompt)})
}

func (e *Engine) doSheet(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	hero := l.get(shoot.AssetHero, 0)
	if hero == nil {
		return shoot.Errorf(shoot.ECONFLICT, "the contact sheet needs a hero image")
	}
	refs, err := e.inputRefs(ctx, l, hero)
	if err != nil {
		return err
	}
	m := readMeta(s)
	req := oneImage(s, m, shoot.ImageRequest{Kind: shoot.ImageContactSheet, Prompt: e.sheetPrompt(m, s),
		References:  refs,
		AspectRatio: m.Sheet.AspectRatio, Resolution: m.Sheet.Resolution, Seed: seedFor(s.ID, "sheet", w.Version)})
	return e.makeOne(ctx, w, s, shoot.AssetContactSheet, req, sheetInputs(l, m))
}

// oneImage completes the request for the session's one hero or contact
// sheet: the stage's own aspect ratio and resolution, else the session's;
// PNG; the brief's background.
func oneImage(s *shoot.Session, m runMeta, req shoot.ImageRequest) shoot.ImageRequest {
	o := s.Options.WithDefaults()
	req.AspectRatio = firstNonEmpty(req.AspectRatio, o.AspectRatio)
	req.Resolution = firstNonEmpty(req.Resolution, o.Resolution)
	req.Format = "png"
	req.Background = m.Background
	return req
}

// makeOne makes the session's one asset of typ (the hero or the contact
// sheet) and, when it replaces an earlier version, marks stale what was made
// from that.
func (e *Engine) makeOne(ctx context.Context, w Work, s *shoot.Session, typ string, req shoot.ImageRequest, inputs []string) error {
	if _, err := e.imageWork(ctx, w, s, typ, 0, req, inputs); err != nil {
		return err
	}
	if w.Version > 1 {
		e.markStale(ctx, s.ID, typ, 0, s.Options.WithDefaults().Loop)
	}
	return nil
}

func (e *Engine) doFrameEdit(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	cur := l.get(shoot.AssetFrame, w.N)
	if cur == nil {
		return shoot.Errorf(shoot.ECONFLICT, "frame %d does not exist yet", w.N)
	}
	if cur.Version >= w.Version { // already made by an earlier run of this work
		return nil
	}
	ref, err := e.reference(ctx, cur)
	if err != nil {
		return err
	}
	m := readMeta(s)
	req := shoot.ImageRequest{Kind: shoot.ImageFrameEdit, Prompt: e.framePrompt(m.FrameEdits[w.N]),
		References: []shoot.Reference{ref}, AspectRatio: s.Options.WithDefaults().AspectRatio,
		Resolution: "1K", Format: "png", Seed: seedFor(s.ID, "frame", w.N, w.Version), Background: m.Background}
	req.Key = taskKey(w, shoot.AssetFrame)
	art, err := e.runTask(ctx, w, e.imageCall(ctx, w, req))
	if err != nil {
		return err
	}
	data, err := matchFrame(art.Data, ref.Data)
	if err != nil {
		return err
	}
	meta := shoot.AssetMeta{Prompt: req.Prompt, Provider: art.Provider, Model: art.Model, Seed: art.Seed,
		CostUSD: art.CostUSD, Inputs: []string{cur.Key, "edit:" + digest(req.Prompt)}}
	if _, err := e.storeResult(ctx, w, shoot.AssetFrame, "image", data, "image/png", meta, req.Key, art); err != nil {
		return err
	}
	e.markStale(ctx, s.ID, shoot.AssetFrame, w.N, s.Options.Loop)
	return nil
}

// storeResult saves data, made from the provider result art of task key,
// as asset typ number w.N at w.Version, then puts the result's price in the
// ledger and closes the task (of kind "image" or "clip").
func (e *Engine) storeResult(ctx context.Context, w Work, typ, kind string, data []byte, mime string, meta shoot.AssetMeta, key string, art *shoot.Artifact) (*shoot.Asset, error) {
	a, err := e.saveAsset(ctx, w.SessionID, typ, w.N, w.Version, data, mime, meta)
	if err != nil {
		return nil, err
	}
	if err := e.recordCost(ctx, w.SessionID, key, art); err != nil {
		return nil, err
	}
	e.taskDone(ctx, w.SessionID, key, kind)
	return a, nil
}

func (e *Engine) imageCall(ctx context.Context, w Work, req shoot.ImageRequest) providerCall {
	c := providerCall{kind: "image", provider: e.images.Name(), key: req.Key,
		class:     fmt.Sprintf("%s/image/%s/%s", e.images.Name(), req.Kind, req.Resolution),
		local:     IsLocal(e.images),
		callbacks: callbacksOf(e.images),
		submit: func(ctx context.Context, callbackURL string) (string, error) {
			r := req
			r.CallbackURL = callbackURL
			return e.images.SubmitImage(ctx, r)
		},
		poll: func(ctx context.Context, h string) (shoot.TaskStatus, error) {
			return e.images.PollImage(ctx, req, h)
		},
		progress: e.reporter(ctx, w.SessionID, stageOf(w.Kind), frameOf(w)),
	}
	if est, ok := e.images.(Estimator); ok {
		c.estimate = est.EstimateImage(req)
	}
	return c
}

func (e *Engine) doClip(ctx context.Context, w Work, s *shoot.Session) error {
	if ok, err := e.takeClipSlot(ctx, w); err != nil || !ok {
		if err == nil {
			err = &Snooze{After: e.opts.PollInterval}
		}
		return err
	}
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	if c := l.get(shoot.AssetClip, w.N); c != nil && c.Version >= w.Version {
		return nil // made by an earlier run of this work
	}
	a, b := s.Options.ClipFrames(w.N)
	fa, fb := l.get(shoot.AssetFrame, a), l.get(shoot.AssetFrame, b)
	if fa == nil || fb == nil {
		return shoot.Errorf(shoot.ECONFLICT, "clip %d needs frames %d and %d", w.N, a, b)
	}
	ends, err := e.references(ctx, fa, fb)
	if err != nil {
		return err
	}
	m := readMeta(s)
	o := s.Options.WithDefaults()
	req := shoot.ClipRequest{Prompt: e.clipPrompt(m, s, w.N), NegativePrompt: e.negativePrompt(m),
		Start: ends[0], End: ends[1], Seconds: o.VideoSeconds, Seed: seedFor(s.ID, "clip", w.N, w.Version),
		Key: taskKey(w, shoot.AssetClip), AspectRatio: o.AspectRatio}
	started := e.now()
	extra := map[string]any{"clip": w.N}
	call := providerCall{kind: "clip", provider: e.videos.Name(), key: req.Key,
		class:     fmt.Sprintf("%s/clip/%s/%ds", e.videos.Name(), e.videos.Model(), req.Seconds),
		local:     IsLocal(e.videos),
		callbacks: callbacksOf(e.videos),
		submit: func(ctx context.Context, callbackURL string) (string, error) {
			r := req
			r.CallbackURL = callbackURL
			return e.videos.SubmitClip(ctx, r)
		},
		poll: func(ctx context.Context, h string) (shoot.TaskStatus, error) {
			return e.videos.PollClip(ctx, req, h)
		},
		progress: e.reporter(ctx, s.ID, shoot.StageClips, extra),
	}
	if est, ok := e.videos.(ClipEstimator); ok {
		call.estimate = est.EstimateClip(req)
	}
	art, err := e.runTask(ctx, w, call)
	if err != nil {
		return err
	}
	meta := shoot.AssetMeta{Prompt: req.Prompt, Provider: art.Provider, Model: art.Model, Seed: art.Seed,
		CostUSD: art.CostUSD, DurationMS: e.now().Sub(started).Milliseconds(), Inputs: e.clipInputs(l, m, s, w.N)}
	clip, err := e.storeResult(ctx, w, shoot.AssetClip, "clip", art.Data, mimeOr(art.ContentType, "video/mp4"), meta, req.Key, art)
	if err != nil {
		return err
	}
	e.progress(ctx, s.ID, shoot.StageClips, 1, fmt.Sprintf("Clip %d ready", w.N), extra)
	e.clipLanded(ctx, w, s, clip.Key, art.Data)
	return nil
}

// takeClipSlot admits clip w.N when fewer than ClipConcurrency clips of the
// session hold a provider slot. The check and the take are one transaction,
// so the bound holds across worker processes.
func (e *Engine) takeClipSlot(ctx context.Context, w Work) (bool, error) {
	ok := false
	_, err := e.store.UpdateSession(ctx, w.SessionID, func(s *shoot.Session) error {
		m := readMeta(s)
		for _, n := range m.ClipSlots {
			if n == w.N {
				ok = true
				return nil
			}
		}
		if len(m.ClipSlots) >= e.opts.ClipConcurrency {
			return nil
		}
		m.ClipSlots = append(m.ClipSlots, w.N)
		ok = true
		writeMeta(s, m)
		return nil
	})
	return ok, err
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// frameOf tags a frame edit's progress with its frame number.
func frameOf(w Work) map[string]any {
	if w.Kind != WorkFrameEdit {
		return nil
	}
	return map[string]any{"frame": w.N}
}
