package media

import (
	"context"
	"os"
	"path/filepath"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// SegmentResult describes one encoded segment: a single clip, eased and
// encoded exactly as Stitch would encode it inside the film.
type SegmentResult struct {
	Out    string     `json:"out"`
	Frames int        `json:"frames"`
	FPS    int        `json:"fps"`
	Width  int        `json:"width"`
	Height int        `json:"height"`
	Bytes  int64      `json:"bytes"`
	Clip   ClipReport `json:"clip"`
}

// Size is a picture size in pixels.
type Size struct{ W, H int }

// ProbeClip probes a clip and insists it is a video Stitch can use: a
// video stream with a size, a duration and a frame rate. Its result may
// be handed back in StitchOptions.Probes so the clip is not probed again.
func ProbeClip(ctx context.Context, path string) (Info, error) {
	return probeClip(ctx, 0, path)
}

// CommonSize is the film size Stitch picks for clips of these sizes: the
// most common one (ties go to the larger picture), rounded down to even
// numbers for yuv420p. Segments of one film must all be encoded at it.
func CommonSize(sizes []Size) Size {
	count := map[Size]int{}
	var best Size
	for _, s := range sizes {
		count[s]++
		c, b := count[s], count[best]
		if c > b || (c == b && s.W*s.H > best.W*best.H) {
			best = s
		}
	}
	return Size{max(2, best.W&^1), max(2, best.H&^1)}
}

// EncodeSegment eases opts.Clips[0] (the only clip; opts.Easing or
// opts.Easings[0] is its curve) and encodes it on its own, with the
// encoder settings of the film: the same frame mapping, the same libx264
// preset, CRF, profile and pixel format, and the same time base. Each
// segment starts on a keyframe and references nothing outside itself, so
// JoinSegments can put segments one after another without re-encoding and
// get the film Stitch makes. Width and Height zero mean the clip's own size
// (even); films whose clips differ in size must pass the common size.
//
// Audio is refused: the bed belongs to the whole film (JoinSegments).
func EncodeSegment(ctx context.Context, opts StitchOptions) (*SegmentResult, error) {
	if len(opts.Clips) != 1 {
		return nil, shoot.Errorf(shoot.EINVALID, "a segment is made of exactly one clip, got %d", len(opts.Clips))
	}
	if opts.Audio != "" {
		return nil, shoot.Errorf(shoot.EINVALID, "a segment has no audio; give the bed to the join")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	plans, err := planClips(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.Width == 0 {
		opts.Width, opts.Height = commonSize(plans)
	}
	if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "cannot create the output directory")
	}
	encode := encodeFilm
	if monotonic(plans[0].indices) {
		encode = func(ctx context.Context, o StitchOptions, plans []clipPlan, v verifier) (*StitchResult, error) {
			return encodeOnePass(ctx, o, plans[0], v)
		}
	}
	res, err := encode(ctx, opts, plans, verifySegment)
	if err != nil {
		return nil, err
	}
	return &SegmentResult{Out: res.Out, Frames: res.Frames, FPS: res.FPS, Width: res.Width, Height: res.Height,
		Bytes: res.Bytes, Clip: res.Clips[0]}, nil
}
