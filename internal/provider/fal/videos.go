package fal

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Videos makes clips with Kling hosted on FAL (SHOOT_VIDEO_PROVIDER=fal):
// the same queue protocol as Images on an image-to-video endpoint with a
// start and an end frame. It satisfies pipeline.VideoGenerator.
type Videos struct {
	q *queue
}

// NewVideos returns a FAL video client. Options.Key is required.
func NewVideos(opts Options) *Videos {
	o := opts.withDefaults()
	if _, ok := o.Prices.VideoPerSecond[o.VideoModel]; !ok {
		o.Logger.Warn("no price for this FAL video endpoint; clips are recorded at $0", "provider", "fal", "model", o.VideoModel)
	}
	return &Videos{q: newQueue(o)}
}

// Name is the provider id.
func (v *Videos) Name() string { return "fal" }

// Model is the endpoint id.
func (v *Videos) Model() string { return v.q.opts.VideoModel }

// PriceOf is the USD price of a clip of seconds at the configured endpoint.
func (v *Videos) PriceOf(seconds int) float64 {
	return v.q.opts.Prices.VideoPerSecond[v.q.opts.VideoModel] * float64(seconds)
}

// SubmitClip fits both frames to Kling's limits, uploads them to FAL
// storage and queues the clip.
func (v *Videos) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	secs, err := kling.ClipSeconds(req.Seconds)
	if err != nil {
		return "", err
	}
	input := map[string]any{}
	for k, val := range v.q.opts.VideoExtra {
		input[k] = val
	}
	input["prompt"] = req.Prompt
	input["duration"] = strconv.Itoa(secs)
	input["negative_prompt"] = orDefault(req.NegativePrompt, v.q.opts.NegativePrompt)
	frames := []struct {
		field string
		ref   shoot.Reference
	}{{v.q.opts.StartImageField, req.Start}, {v.q.opts.EndImageField, req.End}}
	for n, f := range frames {
		if len(f.ref.Data) == 0 && n > 0 {
			continue // a clip without an end frame just drifts
		}
		fitted, err := kling.FitFrame(f.ref)
		if err != nil {
			return "", err
		}
		u, err := v.q.upload(ctx, fitted, n+1)
		if err != nil {
			return "", err
		}
		input[f.field] = u
	}
	return v.q.submit(ctx, v.q.opts.VideoModel, input, req.CallbackURL)
}

// CallbackPath is the studio route FAL's webhooks go to (see Images).
func (v *Videos) CallbackPath(token string) string { return webhookPath(token) }

// CallbackID is the request id a handle names, as webhooks carry it.
func (v *Videos) CallbackID(handle string) string { return callbackID(handle) }

// PollClip reports progress; when done it downloads video.url.
func (v *Videos) PollClip(ctx context.Context, req shoot.ClipRequest, h string) (shoot.TaskStatus, error) {
	p, err := v.q.poll(ctx, h)
	if err != nil || !p.done {
		return shoot.TaskStatus{Logs: p.logs}, err
	}
	var out struct {
		Video struct {
			URL string `json:"url"`
		} `json:"video"`
	}
	if json.Unmarshal(p.output, &out) != nil || out.Video.URL == "" {
		return shoot.TaskStatus{Logs: p.logs}, shoot.Errorf(shoot.EINVALID, "FAL finished without a video")
	}
	data, err := kling.DownloadMP4(ctx, v.q.caller, out.Video.URL, v.q.opts.TransferTimeout)
	if err != nil {
		return shoot.TaskStatus{Logs: p.logs}, err
	}
	secs, _ := kling.ClipSeconds(req.Seconds)
	n := float64(secs)
	model := orDefault(p.h.Endpoint, v.Model())
	art := &shoot.Artifact{
		Data: data, ContentType: "video/mp4", Provider: "fal", Model: model, Seed: req.Seed,
		Units: n, Unit: "second", CostUSD: v.q.opts.Prices.VideoPerSecond[model] * n,
	}
	return shoot.TaskStatus{Done: true, Progress: 1, Logs: p.logs, Result: art}, nil
}

// CancelClip asks FAL to drop the request (best effort).
func (v *Videos) CancelClip(ctx context.Context, h string) error {
	return v.q.cancel(ctx, h)
}

// EstimateClip prices a clip before it is made.
func (v *Videos) EstimateClip(req shoot.ClipRequest) float64 { return v.PriceOf(req.Seconds) }
