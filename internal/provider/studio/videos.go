package studio

import (
	"context"
	"fmt"
	"image"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// ModelMotion is the model id of studio clips.
const ModelMotion = "studio-motion-v1"

// ClipFPS is the frame rate of studio clips, the rate Kling delivers.
const ClipFPS = 24

// Videos is the offline clip generator. It satisfies the pipeline's
// VideoGenerator: SubmitClip stamps a handle, PollClip renders the clip with
// ffmpeg.
type Videos struct {
	opts      Options
	cancelled cancellations
	jobs      jobs
}

// NewVideos returns a clip generator with the given options.
func NewVideos(opts Options) *Videos { return &Videos{opts: opts.withDefaults()} }

// Name returns "studio".
func (v *Videos) Name() string { return ProviderName }

// Local reports that polls cost nothing: the studio renders on this machine.
func (v *Videos) Local() bool { return true }

// Model returns "studio-motion-v1".
func (v *Videos) Model() string { return ModelMotion }

// SubmitClip checks the request and returns a handle at once.
func (v *Videos) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", shoot.Wrap(err, shoot.EUNAVAILABLE, "clip request was cancelled")
	}
	if err := checkClipRequest(req); err != nil {
		return "", err
	}
	h := handle{kind: "clip", submitted: v.opts.Now(), fingerprint: clipFingerprint(req)}
	return h.String(), nil
}

// PollClip reports not-done until the configured latency has passed, then
// renders the clip and returns it as an MP4 artifact.
func (v *Videos) PollClip(ctx context.Context, req shoot.ClipRequest, handleStr string) (shoot.TaskStatus, error) {
	h, err := parseHandle(handleStr)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	if h.kind != "clip" || h.fingerprint != clipFingerprint(req) {
		return shoot.TaskStatus{}, shoot.Errorf(shoot.EINVALID, "handle %s was issued for a different request", handleStr)
	}
	if v.cancelled.has(handleStr) {
		return shoot.TaskStatus{}, errCancelled(handleStr)
	}
	if err := checkClipRequest(req); err != nil {
		return shoot.TaskStatus{}, err
	}
	render := func(ctx context.Context, report func(float64)) (shoot.TaskStatus, error) {
		return v.render(ctx, req, report)
	}
	if st, wait := pending(v.opts, h, func() float64 { return v.jobs.early(ctx, handleStr, render) }); wait {
		return st, nil
	}
	st, frac, done, err := v.jobs.poll(ctx, handleStr, v.opts.PollWait, render)
	if !done {
		st.Progress = overall(v.opts, frac)
	}
	return st, err
}

// CancelClip forgets a job: later polls of its handle fail with ECONFLICT.
// A render already running stops (and its ffmpeg is killed) when its
// context ends.
func (v *Videos) CancelClip(ctx context.Context, handleStr string) error {
	if _, err := parseHandle(handleStr); err != nil {
		return err
	}
	v.cancelled.add(handleStr)
	v.jobs.stop(handleStr)
	return nil
}

func clipSeconds(req shoot.ClipRequest) int {
	if req.Seconds == 0 {
		return shoot.DefaultVideoSeconds
	}
	return req.Seconds
}

func checkClipRequest(req shoot.ClipRequest) error {
	if s := clipSeconds(req); s != 5 && s != 10 {
		return shoot.Errorf(shoot.EINVALID, "clip length must be 5 or 10 seconds, not %d", req.Seconds)
	}
	if err := checkHeader(req.Start, "the clip's start frame"); err != nil {
		return err
	}
	if err := checkHeader(req.End, "the clip's end frame"); err != nil {
		return err
	}
	return nil
}

// render decodes the frames, plans the camera move and encodes the clip.
func (v *Videos) render(ctx context.Context, req shoot.ClipRequest, report func(float64)) (shoot.TaskStatus, error) {
	start, err := decodeReference(req.Start, "the clip's start frame")
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	end, err := decodeReference(req.End, "the clip's end frame")
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	W, H := evenFit(start.Bounds().Dx(), start.Bounds().Dy(), v.opts.MaxSide)
	sec := clipSeconds(req)
	job := clipJob{
		start: fitTo(start, W, H), end: fitTo(end, W, H),
		move:   planMove(req.Prompt, newRand(req.Seed, req.Prompt, "motion")),
		frames: sec * ClipFPS,
	}
	job.la, job.lb = layersOf(job.start), layersOf(job.end)
	job.report = report
	data, stats, err := renderClip(ctx, v.opts, job)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	art := &shoot.Artifact{Data: data, ContentType: "video/mp4", Provider: ProviderName, Model: ModelMotion,
		Seed: req.Seed, Units: float64(sec), Unit: "second"}
	logs := []string{fmt.Sprintf("studio: %s clip %d×%d, %d frames at %d fps, %s (ffmpeg cpu %d ms)",
		job.move.name, W, H, job.frames, ClipFPS, layering(job), stats.ffmpegCPU.Milliseconds())}
	return shoot.TaskStatus{Done: true, Progress: 1, Logs: logs, Result: art}, nil
}

// fitTo scales a frame to fill exactly w×h, cropping the centre if its
// aspect differs (the end frame may differ from the start frame, and even
// sizes can shift the aspect by a pixel).
func fitTo(img *image.RGBA, w, h int) *image.RGBA {
	b := img.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return img
	}
	return scaled(img, coverRect(b.Dx(), b.Dy(), float64(w), float64(h)), w, h)
}

// layersOf splits a frame for parallax, or gives it an empty subject layer
// so it moves as one.
func layersOf(img *image.RGBA) layers {
	if l, ok := splitLayers(img); ok {
		return l
	}
	return layers{fg: image.NewRGBA(img.Bounds()), bg: img}
}

// layering describes in a log line how the clip's frames were layered.
func layering(job clipJob) string {
	n := 0
	for _, l := range []layers{job.la, job.lb} {
		if l.bg != job.start && l.bg != job.end {
			n++
		}
	}
	return fmt.Sprintf("%d of 2 frames split into subject and set", n)
}
