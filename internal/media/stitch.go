package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Stitch defaults: 1.5 s a clip at 60 fps, x264 CRF 18 at preset slow.
const (
	DefaultClipDuration = 1.5
	DefaultFPS          = 60
	DefaultCRF          = 18
	DefaultPreset       = "slow"
)

// FilmPreset and FilmCRF are the x264 settings of the pipeline's film
// segments. Each segment is cut the moment its clip lands, while the next
// clips are still on their way, and the last one decides how long after
// the last clip the film is ready. At preset slow one 1.5 s 720p segment
// costs about three CPU-seconds, longer than the usual gap between
// landings on two cores; superfast cuts it in about a sixth of that. Three
// CRF steps lower give back the detail the faster preset drops, so the
// film stays as close to its clips as a one-pass stitch at the defaults
// (within 1 dB PSNR, even under grain) for more bytes: a film is short,
// and it is re-encoded for every platform anyway.
const (
	FilmPreset = "superfast"
	FilmCRF    = 15
)

// x264Presets are the values libx264 accepts for -preset. "ultrafast" turns
// off CABAC, so its output is Constrained Baseline rather than High; every
// other preset gives High.
func x264Presets() []string {
	return []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}
}

// StitchOptions configures Stitch. Zero values take the defaults above.
type StitchOptions struct {
	// Clips are the source videos in playback order (at least one).
	Clips []string
	// Out is the MP4 to write; its directory is created. It only appears
	// once the whole film has been written and verified.
	Out string
	// ClipDuration is the seconds each clip lasts after ramping.
	ClipDuration float64
	// FPS is the output frame rate.
	FPS int
	// Easing ramps every clip (nil: dramaticSwoop); Easings, when set, gives
	// clip i its own curve, nil entries falling back to Easing.
	Easing  Easing
	Easings []Easing
	// CRF is libx264's constant rate factor (1–51; 0 means the default 18).
	CRF int
	// Preset is libx264's speed/size trade-off ("" means slow).
	Preset string
	// Width and Height force the output size (both even); zero picks the
	// most common clip size.
	Width, Height int
	// Audio is an optional audio bed, looped if short, trimmed to the film,
	// faded in and out and normalised to TargetLUFS in two loudnorm passes.
	Audio string
	// OnBeat cuts the film on Audio's beats: each clip's length is chosen
	// (PlanBeat) so every cut lands on a beat, the film within ±10 % of
	// clips × ClipDuration. It needs Audio, and fails if the bed has no
	// beat the cuts can follow.
	OnBeat bool
	// ClipFrames, when set, gives every clip its own length in output
	// frames instead of ClipDuration (a beat plan's Frames).
	ClipFrames []int
	// Progress, if set, receives the share of output frames written, 0–100,
	// at most once per whole percent.
	Progress func(pct float64)
	// Probes, when set, holds ProbeClip's answer for each clip (in the
	// order of Clips), made earlier by the caller from the same files, so
	// they are not probed again. A zero Info means "probe this one".
	Probes []Info

	// loudness is the bed's first-pass measurement, set by Stitch.
	loudness *Loudness
}

// StitchResult describes the written film.
type StitchResult struct {
	Film
	Clips []ClipReport `json:"clips"`
	// Loudness is the audio's normalisation; Beat how the cuts follow the
	// bed (nil unless OnBeat).
	Loudness *Loudness   `json:"loudness,omitempty"`
	Beat     *BeatReport `json:"beat,omitempty"`
}

// ClipReport is what one source clip contributed.
type ClipReport struct {
	Path string `json:"path"`
	// Duration, FPS, Width and Height describe the source clip.
	Duration float64 `json:"duration"`
	FPS      float64 `json:"fps"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	// SourceFrames is how many frames were decoded; OutputFrames how many
	// the clip became in the film.
	SourceFrames int `json:"source_frames"`
	OutputFrames int `json:"output_frames"`
}

// clipPlan is one clip with its probe and its frame mapping.
type clipPlan struct {
	path    string
	info    Info
	indices []int // source frame index for each of this clip's output frames
}

// withDefaults fills zero fields and rejects impossible ones.
func (o StitchOptions) withDefaults() (StitchOptions, error) {
	if o.ClipDuration == 0 {
		o.ClipDuration = DefaultClipDuration
	}
	if o.FPS == 0 {
		o.FPS = DefaultFPS
	}
	if o.CRF == 0 {
		o.CRF = DefaultCRF
	}
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	if o.Easing == nil {
		o.Easing = bezier(0.85, 0, 0.15, 1) // dramaticSwoop
	}
	return o, o.validate()
}

// Validate reports, as an EINVALID error, an option Stitch would reject
// before touching any file (zero values count as their defaults), so a
// command line can be checked up front.
func (o StitchOptions) Validate() error {
	_, err := o.withDefaults()
	return err
}

func (o StitchOptions) validate() error {
	bad := func(format string, args ...any) error { return shoot.Errorf(shoot.EINVALID, format, args...) }
	switch {
	case len(o.Clips) == 0:
		return bad("stitch needs at least one clip")
	case o.Out == "":
		return bad("stitch needs an output file")
	case len(o.Easings) > len(o.Clips):
		return bad("%d per-clip easings for %d clips", len(o.Easings), len(o.Clips))
	case o.FPS < 1 || o.FPS > 240:
		return bad("output fps must be between 1 and 240, got %d", o.FPS)
	case !(o.ClipDuration > 0 && o.ClipDuration <= 60):
		return bad("clip duration must be above 0 and at most 60 seconds, got %g", o.ClipDuration)
	case OutputFrames(o.ClipDuration, o.FPS) < 1:
		return bad("clip duration %g s at %d fps gives no output frame", o.ClipDuration, o.FPS)
	case o.CRF < 1 || o.CRF > 51:
		return bad("crf must be between 1 and 51, got %d", o.CRF)
	case !slices.Contains(x264Presets(), o.Preset):
		return bad("unknown x264 preset %q (one of %v)", o.Preset, x264Presets())
	case o.Width < 0 || o.Height < 0 || o.Width%2 != 0 || o.Height%2 != 0 || (o.Width == 0) != (o.Height == 0):
		return bad("output size %dx%d must be two even numbers (or both 0)", o.Width, o.Height)
	case o.OnBeat && o.Audio == "":
		return bad("cutting on the beat needs an audio bed")
	case len(o.Probes) > len(o.Clips):
		return bad("%d probes for %d clips", len(o.Probes), len(o.Clips))
	case len(o.ClipFrames) != 0 && len(o.ClipFrames) != len(o.Clips):
		return bad("%d per-clip frame counts for %d clips", len(o.ClipFrames), len(o.Clips))
	}
	for i, n := range o.ClipFrames {
		if n < 1 {
			return bad("clip %d is given %d frames", i+1, n)
		}
	}
	return nil
}

// easingFor returns the curve of clip i.
func (o StitchOptions) easingFor(i int) Easing {
	if i < len(o.Easings) && o.Easings[i] != nil {
		return o.Easings[i]
	}
	return o.Easing
}

// Stitch ramps each clip with its easing (the speed-curve mapping of
// The mapping: output frame i of N = floor(ClipDuration × FPS) shows the
// first source frame at or after clamp(ease(i/(N−1)) × duration, 0,
// duration − 1/srcFPS)) and joins the clips with hard cuts into one H.264
// High / yuv420p / +faststart MP4.
//
// Each clip is decoded exactly once by its own ffmpeg, which scales it to the
// common size and pipes raw yuv420p frames to Go; Go picks the mapped frames
// and pipes them to a single libx264 encoder. Nothing is written to disk but
// the result. Only frames a later output frame still needs are kept in
// memory: one or two for monotonic curves. Curves that overshoot (back,
// elastic) are clamped to the clip's first and last frames, and where they
// swing backwards the frames they return to are the ones kept.
//
// The film must have exactly the sum of the clips' N frames, counted as
// written and again by ffprobe on the result, or Stitch fails.
func Stitch(ctx context.Context, opts StitchOptions) (*StitchResult, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var beats *BeatReport
	if opts.Audio != "" {
		if err := checkAudio(ctx, opts.Audio); err != nil {
			return nil, err
		}
		if opts.OnBeat {
			if beats, err = PlanBeat(ctx, opts.Audio, len(opts.Clips), opts.ClipDuration, opts.FPS); err != nil {
				return nil, err
			}
			opts.ClipFrames = beats.Frames
		}
	}
	plans, err := planClips(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.Width == 0 {
		opts.Width, opts.Height = commonSize(plans)
	}
	if opts.Audio != "" {
		if opts.loudness, err = measureBed(ctx, opts.Audio, float64(totalFrames(plans))/float64(opts.FPS)); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "measuring the audio bed's loudness failed")
		}
	}
	if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "cannot create the output directory")
	}
	res, err := encodeFilm(ctx, opts, plans, verifyFilm)
	if err != nil {
		return nil, err
	}
	res.Loudness, res.Beat = opts.loudness, beats
	return res, nil
}

// totalFrames is the film's length in output frames.
func totalFrames(plans []clipPlan) int {
	n := 0
	for _, p := range plans {
		n += len(p.indices)
	}
	return n
}

// planClips probes every clip and computes its frame mapping.
func planClips(ctx context.Context, opts StitchOptions) ([]clipPlan, error) {
	plans := make([]clipPlan, len(opts.Clips))
	for i, path := range opts.Clips {
		n := OutputFrames(opts.ClipDuration, opts.FPS)
		if i < len(opts.ClipFrames) {
			n = opts.ClipFrames[i]
		}
		info, err := plannedProbe(ctx, opts, i, path)
		if err != nil {
			return nil, err
		}
		times := SourceTimes(opts.easingFor(i), n, info.Duration, info.FPS)
		indices := make([]int, n)
		for k, t := range times {
			indices[k] = sourceIndex(t, info.FPS)
		}
		plans[i] = clipPlan{path: path, info: info, indices: indices}
	}
	return plans, nil
}

// plannedProbe is clip i's probe: the caller's, when it gave one (checked
// again, cheaply), else a fresh one.
func plannedProbe(ctx context.Context, opts StitchOptions, i int, path string) (Info, error) {
	if i < len(opts.Probes) && opts.Probes[i] != (Info{}) {
		name := fmt.Sprintf("clip %d (%s)", i+1, path)
		if _, err := os.Stat(path); err != nil {
			return Info{}, shoot.Wrap(err, shoot.ENOTFOUND, name+" cannot be opened")
		}
		return opts.Probes[i], checkClipInfo(name, opts.Probes[i])
	}
	return probeClip(ctx, i, path)
}

// probeClip probes one clip and insists it is a video with a duration.
func probeClip(ctx context.Context, i int, path string) (Info, error) {
	name := fmt.Sprintf("clip %d (%s)", i+1, path)
	if _, err := os.Stat(path); err != nil {
		return Info{}, shoot.Wrap(err, shoot.ENOTFOUND, name+" cannot be opened")
	}
	info, err := Probe(ctx, path)
	switch {
	case err != nil && ctx.Err() != nil:
		return Info{}, ctx.Err()
	case err != nil && shoot.ErrorCode(err) != shoot.EINVALID:
		return Info{}, err // ffprobe itself failed, not the clip
	case err != nil:
		return Info{}, shoot.Wrap(err, shoot.EINVALID, name+" is not a readable video")
	}
	return info, checkClipInfo(name, info)
}

// checkClipInfo insists a probed clip (name) has a video stream with a
// size, a duration and a frame rate.
func checkClipInfo(name string, info Info) error {
	switch {
	case !info.HasVideo && !info.HasAudio:
		return shoot.Errorf(shoot.EINVALID, "%s is not a readable video: no streams found", name)
	case !info.HasVideo || info.Width <= 0 || info.Height <= 0:
		return shoot.Errorf(shoot.EINVALID, "%s has no video stream", name)
	case info.Duration <= 0 || info.FPS <= 0:
		return shoot.Errorf(shoot.EINVALID, "%s has no duration or frame rate; is it a still image?", name)
	}
	return nil
}

// commonSize picks the output size (see CommonSize). Other clips are
// scaled to cover it and centre-cropped, so the film has no black bars.
func commonSize(plans []clipPlan) (int, int) {
	sizes := make([]Size, len(plans))
	for i, p := range plans {
		sizes[i] = Size{p.info.Width, p.info.Height}
	}
	s := CommonSize(sizes)
	return s.W, s.H
}
