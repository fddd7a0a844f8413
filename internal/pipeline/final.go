package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// doFinal stitches the newest clips into the film with the session's
// easing, clip duration and frame rate.
func (e *Engine) doFinal(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	if f := l.get(shoot.AssetFinal, 0); f != nil && f.Version >= w.Version {
		return nil // made by an earlier run of this work
	}
	o := s.Options.WithDefaults()
	ease, err := media.Lookup(o.Easing)
	if err != nil {
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
	out := filepath.Join(dir, "fashion-video.mp4")
	res, err := media.Stitch(ctx, media.StitchOptions{Clips: clips, Out: out, ClipDuration: o.ClipDuration,
		FPS: o.FPS, Easing: ease, Preset: e.opts.StitchPreset,
		Progress: func(p float64) { e.progress(ctx, s.ID, shoot.StageFinal, p/100, "", nil) }})
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
	_, err = e.saveStream(ctx, s.ID, shoot.AssetFinal, 0, w.Version, f, "video/mp4", meta)
	return err
}

// fetchClips copies the newest clips 1..count to dir for ffmpeg.
func (e *Engine) fetchClips(ctx context.Context, l slots, count int, dir string) ([]string, error) {
	var paths []string
	for n := 1; n <= count; n++ {
		a := l.get(shoot.AssetClip, n)
		if a == nil {
			return nil, shoot.Errorf(shoot.ECONFLICT, "clip %d is missing; make the clips first", n)
		}
		data, err := e.readBlob(ctx, a.Key)
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, fmt.Sprintf("clip-%d.mp4", n))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "no scratch space for the stitch")
		}
		paths = append(paths, p)
	}
	return paths, nil
}
