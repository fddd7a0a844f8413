package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/fashionshoot/shoot/internal/beat"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/social"
)

// doFinal makes the film from the newest clips with the session's easing,
// clip duration and frame rate: one eased segment per clip (most already
// cut when their clips landed) joined without re-encoding. The film is the
// one a one-pass stitch of the same clips makes.
func (e *Engine) doFinal(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	if f := l.get(shoot.AssetFinal, 0); f != nil && f.Version >= w.Version {
		return nil // made by an earlier run of this work
	}
	o := s.Options.WithDefaults()
	if _, err := media.Lookup(o.Easing); err != nil {
		return shoot.Errorf(shoot.EINVALID, "unknown easing %q", o.Easing)
	}
	dir, err := os.MkdirTemp(e.opts.TempDir, "shoot-stitch-")
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "no scratch space for the stitch")
	}
	defer os.RemoveAll(dir)
	clips, err := e.fetchClips(ctx, l, o.ClipCount(), dir)
	if err != nil {
		return err
	}
	bed, beats, err := e.bedPlan(ctx, s, o, len(clips), dir)
	if err != nil {
		return err
	}
	var plan []int
	if beats != nil {
		plan = beats.Frames
	}
	segs, frames, err := e.cutAll(ctx, s, clips, dir, plan)
	if err != nil {
		return err
	}
	e.progress(ctx, s.ID, shoot.StageFinal, 0.95, "Joining the film", nil)
	out := filepath.Join(dir, "fashion-video.mp4")
	res, err := media.JoinSegments(ctx, media.JoinOptions{Segments: segs, Frames: frames, Out: out, FPS: o.FPS, Audio: bed})
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "the stitch failed: "+err.Error())
	}
	f, err := os.Open(out)
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "the stitched film is missing")
	}
	defer f.Close()
	meta := shoot.AssetMeta{Provider: "ffmpeg", Model: "eased-stitch", Prompt: fmt.Sprintf("%s, %.2fs per clip, %d fps", o.Easing, o.ClipDuration, o.FPS),
		Inputs: finalInputs(l, s), Width: res.Width, Height: res.Height, DurationMS: int64(res.Duration * 1000)}
	if beats != nil || res.Loudness != nil {
		meta.Details, _ = json.Marshal(filmDetails{Beat: beats, Loudness: res.Loudness})
	}
	if _, err = e.saveStream(ctx, s.ID, shoot.AssetFinal, 0, w.Version, f, "video/mp4", meta); err != nil {
		return err
	}
	if err := e.deliverFormats(ctx, s, o, w, out, frames, dir, meta.Inputs); err != nil {
		return err
	}
	if e.opts.ObserveRequests != nil {
		if fresh, err := e.store.GetSession(ctx, s.ID); err == nil {
			e.opts.ObserveRequests(readMeta(fresh).Requests)
		}
	}
	return nil
}

// deliverFormats writes the film again in every format of options.deliver,
// reframed from the film just made (nothing of the clips is cut again), as
// final assets 1–4 (shoot.DeliverIndex): final/<9x16|4x5|1x1|16x9>/.
func (e *Engine) deliverFormats(ctx context.Context, s *shoot.Session, o shoot.Options, w Work, film string, frames []int, dir string, inputs []string) error {
	if len(o.Deliver) == 0 {
		return nil
	}
	formats := make([]reframe.Format, len(o.Deliver))
	for i, d := range o.Deliver {
		f, err := reframe.ParseFormat(d)
		if err != nil {
			return shoot.Errorf(shoot.EINVALID, "options.deliver: %v", err)
		}
		formats[i] = f
	}
	var cuts []int
	at := 0
	for _, n := range frames[:len(frames)-1] {
		at += n
		cuts = append(cuts, at)
	}
	var caps map[reframe.Format]int
	if p, ok := social.Lookup(o.Preset); ok && p.Kbps(o.FPS) > 0 {
		// The preset's platform caps the bitrate of the format it shows.
		caps = map[reframe.Format]int{p.Format: p.Kbps(o.FPS)}
	}
	e.progress(ctx, s.ID, shoot.StageFinal, 0.97, "Reframing the film for every format", nil)
	res, err := media.Deliver(ctx, media.DeliverOptions{In: film, Dir: filepath.Join(dir, "final"), Formats: formats, Cuts: cuts,
		Posters: true, MaxKbps: caps})
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "reframing the film failed: "+err.Error())
	}
	for i, r := range res {
		f, err := os.Open(r.Out)
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "a reframed film is missing")
		}
		kept := *r
		kept.Out, kept.Poster = "", nil // scratch paths, of no use once stored
		details, _ := json.Marshal(kept)
		meta := shoot.AssetMeta{Provider: "ffmpeg", Model: "reframe", Prompt: fmt.Sprintf("%s, %s", r.Format, r.Mode),
			Inputs: inputs, Width: r.Width, Height: r.Height, DurationMS: int64(float64(r.Frames) / float64(o.FPS) * 1000), Details: details}
		_, err = e.saveStream(ctx, s.ID, shoot.AssetFinal, shoot.DeliverIndex(formats[i]), w.Version, f, "video/mp4", meta)
		f.Close()
		if err != nil {
			return err
		}
		if err := e.savePosters(ctx, s.ID, shoot.DeliverIndex(formats[i]), w.Version, r, inputs); err != nil {
			return err
		}
	}
	return nil
}

// savePosters stores a format's poster.jpg, poster.webp and preview.webp
// as final assets 10·format+1…3 (shoot.PosterFiles).
func (e *Engine) savePosters(ctx context.Context, sid string, format, version int, r *media.ReframeResult, inputs []string) error {
	p := r.Poster
	if p == nil {
		return nil
	}
	files := []struct{ path, mime string }{{p.JPEG, "image/jpeg"}, {p.WebP, "image/webp"}, {p.Preview, "image/webp"}}
	for k, file := range files {
		f, err := os.Open(file.path)
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "a poster is missing")
		}
		meta := shoot.AssetMeta{Provider: "ffmpeg", Model: "poster", Prompt: fmt.Sprintf("%s, frame %d", r.Format, p.Frame),
			Inputs: inputs, Width: r.Width, Height: r.Height}
		if k == 2 {
			meta.Model, meta.DurationMS = "preview", int64(media.PreviewSeconds*1000)
		}
		_, err = e.saveStream(ctx, sid, shoot.AssetFinal, 10*format+k+1, version, f, file.mime, meta)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// filmDetails are the film's facts in the manifest: how it was cut to its
// audio bed (tempo, beat grid, cuts) and how loud its sound was made.
type filmDetails struct {
	Beat     *media.BeatReport `json:"beat,omitempty"`
	Loudness *media.Loudness   `json:"loudness,omitempty"`
}

// bedPlan fetches the session's audio bed, if it has one, into dir and
// plans the film's cuts on its beats. A bed with no beat the cuts can
// follow still plays under the film, cut evenly (the plan is nil).
func (e *Engine) bedPlan(ctx context.Context, s *shoot.Session, o shoot.Options, clips int, dir string) (string, *media.BeatReport, error) {
	if o.Audio == "" {
		return "", nil, nil
	}
	bed, err := e.fetchBed(ctx, o, dir)
	if err != nil {
		return "", nil, err
	}
	e.progress(ctx, s.ID, shoot.StageFinal, 0, "Finding the beat of the music", nil)
	beats, err := media.PlanBeat(ctx, bed, clips, o.ClipDuration, o.FPS)
	switch {
	case err == nil:
		e.beats.put(beatPlanKey(o, clips), beats.Frames)
		return bed, beats, nil
	case ctx.Err() != nil:
		return "", nil, ctx.Err()
	case errors.Is(err, beat.ErrNoPulse) || errors.Is(err, beat.ErrNoFit):
		e.logger.Info("the film is cut evenly under its audio bed", "session_id", s.ID, "why", shoot.ErrorMessage(err))
		e.beats.put(beatPlanKey(o, clips), nil)
		return bed, nil, nil
	default:
		return "", nil, err
	}
}

// fetchBed copies the audio bed options.audio names into dir.
func (e *Engine) fetchBed(ctx context.Context, o shoot.Options, dir string) (string, error) {
	key, err := e.resolveAudio(ctx, o.Audio)
	if err != nil {
		return "", err
	}
	data, err := e.readBlob(ctx, key)
	if err != nil {
		return "", err
	}
	bed := filepath.Join(dir, "bed"+filepath.Ext(key))
	if err := os.WriteFile(bed, data, 0o600); err != nil {
		return "", shoot.Wrap(err, shoot.EINTERNAL, "no scratch space for the audio bed")
	}
	return bed, nil
}

// beatPlans remembers the segment lengths a film takes on its audio bed,
// by bed and film settings (beatPlanKey), so a segment cut as its clip
// lands already has the length the film will ask of it; a nil plan is a
// film cut evenly under its bed.
type beatPlans struct {
	mu sync.Mutex
	m  map[string][]int
	// making makes each plan once: askers of a plan that is being made
	// wait for it and share it, while plans of other beds or settings
	// (other shoots) are made side by side.
	making singleflight.Group
	// onMake, when set (tests), is called as a plan starts being made.
	onMake func(key string)
}

// maxBeatPlans bounds beatPlans; past it the map starts again.
const maxBeatPlans = 256

func (b *beatPlans) get(key string) ([]int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.m[key]
	return f, ok
}

func (b *beatPlans) put(key string, frames []int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil || len(b.m) >= maxBeatPlans {
		b.m = map[string][]int{}
	}
	b.m[key] = frames
}

// beatPlanKey names a film's cut plan: everything PlanBeat reads. An
// upload's name stands for its bytes, which never change.
func beatPlanKey(o shoot.Options, clips int) string {
	return fmt.Sprint(o.Audio, " ", clips, " ", o.ClipDuration, " ", o.FPS)
}

// segmentFrames is the length in frames the film will give clip n's
// segment when it is cut on the session's audio bed, or 0 (no bed, a bed
// cut evenly, or a plan that cannot be made now: the film then cuts what
// it needs itself). The plan is made once per bed and settings, so clips
// landing together do not each find the beat; plans for other beds or
// settings are made at the same time.
func (e *Engine) segmentFrames(ctx context.Context, s *shoot.Session, n int, dir string) int {
	o := s.Options.WithDefaults()
	if o.Audio == "" {
		return 0
	}
	clips := o.ClipCount()
	key := beatPlanKey(o, clips)
	frames, ok := e.beats.get(key)
	if !ok {
		made, err, _ := e.beats.making.Do(key, func() (any, error) {
			return e.makeBeatPlan(ctx, o, clips, key, dir)
		})
		if err != nil {
			return 0
		}
		frames = made.([]int)
	}
	if n < 1 || n > len(frames) {
		return 0
	}
	return frames[n-1]
}

// makeBeatPlan finds the beat of the bed o names, in dir, and remembers
// the plan under key; a plan made while this one waited its turn is taken
// as it is. An error is a plan that cannot be made now and is not kept.
func (e *Engine) makeBeatPlan(ctx context.Context, o shoot.Options, clips int, key, dir string) ([]int, error) {
	if frames, ok := e.beats.get(key); ok {
		return frames, nil
	}
	if e.beats.onMake != nil {
		e.beats.onMake(key)
	}
	bed, err := e.fetchBed(ctx, o, dir)
	if err != nil {
		return nil, err
	}
	var frames []int
	beats, err := media.PlanBeat(ctx, bed, clips, o.ClipDuration, o.FPS)
	switch {
	case err == nil:
		frames = beats.Frames
	case errors.Is(err, beat.ErrNoPulse) || errors.Is(err, beat.ErrNoFit):
		frames = nil
	default:
		return nil, err
	}
	e.beats.put(key, frames)
	return frames, nil
}

// cutAll leaves every clip's segment in dir, at the film's common size,
// and returns their paths and frame counts in playback order; plan, when
// set, is each segment's length in frames (a film cut on the beat). Each
// cut is one readable progress event; segments already cut cost a copy.
func (e *Engine) cutAll(ctx context.Context, s *shoot.Session, clips []landedClip, dir string, plan []int) ([]string, []int, error) {
	base := e.cutParams(s.Options)
	sizes := make([]media.Size, len(clips))
	for i, c := range clips {
		sizes[i] = c.size
	}
	size := media.CommonSize(sizes)
	segs := make([]string, len(clips))
	frames := make([]int, len(clips))
	for i, c := range clips {
		segs[i] = filepath.Join(dir, fmt.Sprintf("segment-%d.mp4", c.n))
		p := base
		frames[i] = media.OutputFrames(p.dur, p.fps)
		if i < len(plan) {
			p.frames, frames[i] = plan[i], plan[i]
		}
		pct := 0.9 * float64(i) / float64(len(clips))
		if ok, _ := e.bucket.Exists(ctx, segmentKey(s.ID, c, p, size)); !ok {
			e.progress(ctx, s.ID, shoot.StageFinal, pct, fmt.Sprintf("Cutting clip %d of %d", i+1, len(clips)), nil)
		}
		if _, err := e.cutSegment(ctx, s.ID, c, p, size, segs[i]); err != nil {
			return nil, nil, err
		}
	}
	return segs, frames, nil
}

// fetchClips returns the newest clips 1..count. A clip this engine landed
// is known by its hash and size alone (cutSegment copies it out only if
// its segment must be cut); the others are copied to dir for ffmpeg and
// probed side by side.
func (e *Engine) fetchClips(ctx context.Context, l slots, count int, dir string) ([]landedClip, error) {
	clips := make([]landedClip, count)
	data := make([][]byte, count)
	for n := 1; n <= count; n++ {
		a := l.get(shoot.AssetClip, n)
		if a == nil {
			return nil, shoot.Errorf(shoot.ECONFLICT, "clip %d is missing; make the clips first", n)
		}
		if f, ok := e.facts.get(a.Key); ok {
			clips[n-1] = landedClip{n: n, key: a.Key, hash: f.hash, size: f.size, info: f.info}
			continue
		}
		b, err := e.readBlob(ctx, a.Key)
		if err != nil {
			return nil, err
		}
		data[n-1] = b
	}
	errs := make([]error, count)
	var wg sync.WaitGroup
	for i := range count {
		if data[i] == nil {
			continue
		}
		key := clips[i].key
		if a := l.get(shoot.AssetClip, i+1); a != nil {
			key = a.Key
		}
		wg.Go(func() { clips[i], errs[i] = e.landClip(ctx, dir, i+1, key, data[i]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return clips, nil
}
