package fal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	_ "image/gif" // decodable result formats
	_ "image/jpeg"
	_ "image/png"
	"strings"

	_ "golang.org/x/image/webp" // nano-banana-pro can answer in webp

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxImageBytes bounds a downloaded result image (4K PNGs are ~30 MB).
const maxImageBytes = 96 << 20

// Images generates pictures with nano-banana-pro on FAL. It satisfies
// pipeline.ImageGenerator.
type Images struct {
	q *queue
}

// NewImages returns an image client. Options.Key is required.
func NewImages(opts Options) *Images {
	o := opts.withDefaults()
	for _, m := range []string{o.ImageModel, o.EditModel} {
		if _, ok := o.Prices.Images[m]; !ok {
			o.Logger.Warn("no price for this FAL model; images are recorded at $0", "provider", "fal", "model", m)
		}
	}
	return &Images{q: newQueue(o)}
}

// Name is the provider id.
func (i *Images) Name() string { return "fal" }

// Model is the edit endpoint when the request has references, else the
// text-to-image one.
func (i *Images) Model(req shoot.ImageRequest) string {
	if len(req.References) > 0 {
		return i.q.opts.EditModel
	}
	return i.q.opts.ImageModel
}

// PriceOf is the USD price of one image of model at resolution.
func (i *Images) PriceOf(model, resolution string) float64 {
	p := i.q.opts.Prices.Images[model]
	if strings.EqualFold(resolution, "4K") {
		return p.PerImage4K
	}
	return p.PerImage
}

// SubmitImage uploads the references and queues the request.
func (i *Images) SubmitImage(ctx context.Context, req shoot.ImageRequest) (string, error) {
	if strings.TrimSpace(req.Prompt) == "" {
		return "", shoot.Errorf(shoot.EINVALID, "an image request needs a prompt")
	}
	input := map[string]any{
		"prompt":        req.Prompt,
		"num_images":    1,
		"output_format": outputFormat(req.Format),
	}
	setIf(input, "aspect_ratio", req.AspectRatio)
	setIf(input, "resolution", req.Resolution)
	if req.Seed != 0 {
		input["seed"] = req.Seed
	}
	if len(req.References) > 0 {
		urls := make([]string, len(req.References))
		for n, ref := range req.References {
			u, err := i.q.upload(ctx, ref, n+1)
			if err != nil {
				return "", err
			}
			urls[n] = u
		}
		input["image_urls"] = urls
	}
	return i.q.submit(ctx, i.Model(req), input, req.CallbackURL)
}

// CallbackPath is the studio route FAL's webhooks go to, naming the task's
// token (FAL signs the webhook; the token only finds the task early).
func (i *Images) CallbackPath(token string) string { return webhookPath(token) }

// CallbackID is the request id a handle names, as webhooks carry it.
func (i *Images) CallbackID(handle string) string { return callbackID(handle) }

// PollImage reports progress, and when FAL has finished downloads the
// image into memory (the FAL URL is never the asset).
func (i *Images) PollImage(ctx context.Context, req shoot.ImageRequest, h string) (shoot.TaskStatus, error) {
	p, err := i.q.poll(ctx, h)
	if err != nil || !p.done {
		return shoot.TaskStatus{Logs: p.logs}, err
	}
	var out struct {
		Images []struct {
			URL string `json:"url"`
		} `json:"images"`
		Seed int64 `json:"seed"`
	}
	if json.Unmarshal(p.output, &out) != nil || len(out.Images) == 0 || out.Images[0].URL == "" {
		return shoot.TaskStatus{Logs: p.logs}, shoot.Errorf(shoot.EINVALID, "FAL finished without an image")
	}
	data, format, err := i.download(ctx, out.Images[0].URL)
	if err != nil {
		return shoot.TaskStatus{Logs: p.logs}, err
	}
	model := orDefault(p.h.Endpoint, i.Model(req))
	art := &shoot.Artifact{
		Data: data, ContentType: "image/" + format,
		Provider: "fal", Model: model, Seed: firstNonZero(out.Seed, req.Seed),
		Units: 1, Unit: "image", CostUSD: i.PriceOf(model, req.Resolution),
	}
	return shoot.TaskStatus{Done: true, Progress: 1, Logs: p.logs, Result: art}, nil
}

// download fetches the result and checks it decodes as an image.
func (i *Images) download(ctx context.Context, rawURL string) ([]byte, string, error) {
	r, err := httpx.Download(ctx, i.q.caller, rawURL, maxImageBytes, i.q.opts.TransferTimeout)
	if err != nil {
		return nil, "", downloadError(err)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(r.Body))
	if err != nil {
		return nil, "", shoot.Errorf(shoot.EINVALID, "FAL's result is not a decodable image")
	}
	return r.Body, format, nil
}

// CancelImage asks FAL to drop the request (best effort).
func (i *Images) CancelImage(ctx context.Context, h string) error {
	return i.q.cancel(ctx, h)
}

// downloadError maps a result download failure: an expired or missing
// file is permanent, anything else is worth another poll.
func downloadError(err error) error {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return shoot.Wrap(err, shoot.ENOTFOUND, "the provider's result file is gone or expired")
	}
	if httpx.IsTransient(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return callError("download", err)
	}
	return shoot.Wrap(err, shoot.EINVALID, "the provider's result file could not be fetched")
}

// outputFormat maps our format names to FAL's (png, jpeg, webp).
func outputFormat(f string) string {
	switch strings.ToLower(f) {
	case "jpg", "jpeg":
		return "jpeg"
	case "webp":
		return "webp"
	}
	return "png"
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func firstNonZero(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// EstimateImage prices a request before it is made (budgets, estimates).
func (i *Images) EstimateImage(req shoot.ImageRequest) float64 {
	return i.PriceOf(i.Model(req), req.Resolution)
}
