package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// An artifact is up to date when the inputs it was made from (recorded in
// its metadata) equal what it would be made from now. Nothing else marks
// work stale, so a new frame 3 redoes exactly clips 2 and 3 and the film.

// slots indexes the newest version of each artifact slot.
type slots map[store.AssetRef]*shoot.Asset

func (e *Engine) latest(ctx context.Context, sid string) (slots, error) {
	as, err := e.store.LatestAssets(ctx, sid)
	if err != nil {
		return nil, err
	}
	out := slots{}
	for _, a := range as {
		out[store.AssetRef{Type: a.Type, Index: a.Index}] = a
	}
	return out, nil
}

func (s slots) get(typ string, index int) *shoot.Asset {
	return s[store.AssetRef{Type: typ, Index: index}]
}

func (s slots) key(typ string, index int) string {
	if a := s.get(typ, index); a != nil {
		return a.Key
	}
	return ""
}

func assetMeta(a *shoot.Asset) shoot.AssetMeta {
	var m shoot.AssetMeta
	if a != nil && len(a.Metadata) > 0 {
		_ = json.Unmarshal(a.Metadata, &m) // unknown metadata just means "not up to date"
	}
	return m
}

// upToDate reports whether the slot's newest asset was made from inputs.
func (s slots) upToDate(typ string, index int, inputs []string) bool {
	a := s.get(typ, index)
	return a != nil && slices.Equal(assetMeta(a).Inputs, inputs)
}

// nextVersion returns the version a new asset in the slot gets.
func (e *Engine) nextVersion(ctx context.Context, sid, typ string, index int) (int, error) {
	l, err := e.latest(ctx, sid)
	if err != nil {
		return 0, err
	}
	if a := l.get(typ, index); a != nil {
		return a.Version + 1, nil
	}
	return 1, nil
}

// require fails with ECONFLICT when the slot is empty.
func (e *Engine) require(ctx context.Context, sid, typ string, index int, what string) error {
	l, err := e.latest(ctx, sid)
	if err != nil {
		return err
	}
	if l.get(typ, index) == nil {
		return shoot.Errorf(shoot.ECONFLICT, "this needs %s first", what)
	}
	return nil
}

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Inputs of each artifact kind: the keys it is made from plus a digest of
// the parameters that shape it.
func sheetInputs(l slots, m runMeta) []string {
	return []string{l.key(shoot.AssetHero, 0), "params:" + digest(m.Sheet.Prompt, m.Sheet.Extra, m.Sheet.AspectRatio, m.Sheet.Resolution)}
}

func framesInputs(l slots, m runMeta, s *shoot.Session) []string {
	if len(s.Options.Frames) > 0 {
		return ownFramesInputs(s)
	}
	return []string{l.key(shoot.AssetContactSheet, 0), "params:" + digest(fmt.Sprint(m.Frames.Rows, m.Frames.Cols, m.Frames.Grid), s.Options.FrameAspect)}
}

func (e *Engine) clipInputs(l slots, m runMeta, s *shoot.Session, n int) []string {
	a, b := s.Options.ClipFrames(n)
	return []string{l.key(shoot.AssetFrame, a), l.key(shoot.AssetFrame, b),
		"params:" + digest(e.clipPrompt(m, s, n), fmt.Sprint(s.Options.WithDefaults().VideoSeconds), m.Negative)}
}

func finalInputs(l slots, s *shoot.Session) []string {
	o := s.Options.WithDefaults()
	var in []string
	for n := 1; n <= o.ClipCount(); n++ {
		in = append(in, l.key(shoot.AssetClip, n))
	}
	in = append(in, "params:"+digest(o.Easing, fmt.Sprint(o.ClipDuration, o.FPS)))
	if o.Audio != "" {
		in = append(in, "audio:"+o.Audio)
	}
	return in
}

// clipWork returns the work that (re)makes clip n, checking its frames exist.
func (e *Engine) clipWork(ctx context.Context, s *shoot.Session, n int) (Work, error) {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return Work{}, err
	}
	a, b := s.Options.ClipFrames(n)
	if l.get(shoot.AssetFrame, a) == nil || l.get(shoot.AssetFrame, b) == nil {
		return Work{}, shoot.Errorf(shoot.ECONFLICT, "clip %d needs frames %d and %d first", n, a, b)
	}
	v := 1
	if c := l.get(shoot.AssetClip, n); c != nil {
		v = c.Version + 1
	}
	return Work{Kind: WorkClip, N: n, Version: v}, nil
}

// defaultWorks returns the work a stage needs when approved into with
// default parameters: only what is missing or out of date.
func (e *Engine) defaultWorks(ctx context.Context, sid, stage string) ([]Work, error) {
	s, err := e.store.GetSession(ctx, sid)
	if err != nil {
		return nil, err
	}
	l, err := e.latest(ctx, sid)
	if err != nil {
		return nil, err
	}
	m := readMeta(s)
	next := func(typ string, index int) int {
		if a := l.get(typ, index); a != nil {
			return a.Version + 1
		}
		return 1
	}
	switch stage {
	case shoot.StageContactSheet:
		if !l.upToDate(shoot.AssetContactSheet, 0, sheetInputs(l, m)) {
			return []Work{{Kind: WorkSheet, Version: next(shoot.AssetContactSheet, 0)}}, nil
		}
	case shoot.StageFrames:
		if !l.upToDate(shoot.AssetFrame, 1, framesInputs(l, m, s)) {
			return []Work{{Kind: WorkFrames}}, nil
		}
	case shoot.StageClips:
		var works []Work
		for n := 1; n <= s.Options.ClipCount(); n++ {
			if !l.upToDate(shoot.AssetClip, n, e.clipInputs(l, m, s, n)) {
				works = append(works, Work{Kind: WorkClip, N: n, Version: next(shoot.AssetClip, n)})
			}
		}
		return works, nil
	case shoot.StageFinal:
		if !l.upToDate(shoot.AssetFinal, 0, finalInputs(l, s)) {
			return []Work{{Kind: WorkFinal, Version: next(shoot.AssetFinal, 0)}}, nil
		}
	}
	return nil, nil
}

// stageArtifacts lists the newest artifact keys a stage's checkpoint shows.
func (e *Engine) stageArtifacts(ctx context.Context, s *shoot.Session, stage string) ([]string, error) {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	var keys []string
	add := func(typ string, index int) {
		if k := l.key(typ, index); k != "" {
			keys = append(keys, k)
		}
	}
	switch stage {
	case shoot.StageHero:
		add(shoot.AssetHero, 0)
	case shoot.StageContactSheet:
		add(shoot.AssetContactSheet, 0)
	case shoot.StageFrames:
		for n := 1; n <= s.Options.FrameCount(); n++ {
			add(shoot.AssetFrame, n)
		}
	case shoot.StageClips:
		for n := 1; n <= s.Options.ClipCount(); n++ {
			add(shoot.AssetClip, n)
		}
	case shoot.StageFinal:
		add(shoot.AssetFinal, 0)
	}
	return keys, nil
}

// markStale flags the newest assets that depend on a changed artifact, for
// display (decisions use the recorded inputs). loop is kept for callers;
// the session's own options decide the clips.
func (e *Engine) markStale(ctx context.Context, sid string, typ string, index int, _ bool) {
	s, err := e.store.GetSession(ctx, sid)
	if err != nil {
		e.logger.Warn("marking stale failed", "session_id", sid, "err", err)
		return
	}
	o := s.Options
	frames := o.FrameCount()
	var refs []store.AssetRef
	add := func(t string, i int) { refs = append(refs, store.AssetRef{Type: t, Index: i}) }
	switch typ {
	case shoot.AssetHero:
		add(shoot.AssetContactSheet, 0)
		fallthrough
	case shoot.AssetContactSheet:
		for n := 1; n <= frames; n++ {
			add(shoot.AssetFrame, n)
		}
		for n := 1; n <= frames; n++ {
			add(shoot.AssetClip, n)
		}
	case shoot.AssetFrame:
		for n := 1; n <= o.ClipCount(); n++ {
			if a, b := o.ClipFrames(n); a == index || b == index {
				add(shoot.AssetClip, n)
			}
		}
	}
	add(shoot.AssetFinal, 0)
	if err := e.store.SetAssetsStale(ctx, sid, refs, true); err != nil {
		e.logger.Warn("marking stale failed", "session_id", sid, "err", err)
	}
}
