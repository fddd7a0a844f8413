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

// ClipSize probes a clip and returns the size its segment gets when no size
// is forced: its own, rounded down to even numbers for yuv420p (the size
// Stitch picks for a film whose clips all have this size).
func ClipSize(ctx context.Context, path string) (int, int, error) {
	info, err := probeClip(ctx, 0, path)
	if err != nil {
		return 0, 0, err
	}
	return max(2, info.Width&^1), max(2, info.Height&^1), nil
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
	res, err := encodeFilm(ctx, opts, plans)
	if err != nil {
		return nil, err
	}
	return &SegmentResult{Out: res.Out, Frames: res.Frames, FPS: res.FPS, Width: res.Width, Height: res.Height,
		Bytes: res.Bytes, Clip: res.Clips[0]}, nil
}
