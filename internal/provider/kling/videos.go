package kling

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxVideoBytes bounds a downloaded clip.
const maxVideoBytes = 512 << 20

// Videos makes clips between two frames with Kling's direct API. It
// satisfies pipeline.VideoGenerator.
type Videos struct {
	opts   Options
	caller *httpx.Caller
}

// NewVideos returns a Kling client.
func NewVideos(opts Options) *Videos {
	o := opts.withDefaults()
	c := &httpx.Caller{HTTP: o.HTTPClient, Timeout: o.RequestTimeout, Policy: o.Retry, Classify: classify, Logger: o.Logger, Now: o.Now}
	if _, ok := o.Prices[o.Model+"/"+o.Mode]; !ok {
		o.Logger.Warn("no price for this Kling model and mode; clips are recorded at $0", "provider", "kling", "model", o.Model, "mode", o.Mode)
	}
	return &Videos{opts: o, caller: c}
}

// Name is the provider id.
func (v *Videos) Name() string { return "kling" }

// Model is the model_name sent.
func (v *Videos) Model() string { return v.opts.Model }

// PriceOf is the USD price of a clip of seconds with the configured model
// and mode (0 when the price table does not know them).
func (v *Videos) PriceOf(seconds int) float64 {
	return v.opts.Prices[v.opts.Model+"/"+v.opts.Mode] * float64(seconds)
}

// handle is the JSON SubmitClip returns.
type handle struct {
	TaskID         string `json:"task_id"`
	ExternalTaskID string `json:"external_task_id,omitempty"`
	Model          string `json:"model"`
	Mode           string `json:"mode"`
}

// createBody is the image2video request. There is deliberately no
// camera_control: Kling refuses it together with image_tail, so camera
// moves live in the prompt.
type createBody struct {
	ModelName      string `json:"model_name"`
	Mode           string `json:"mode"`
	Duration       string `json:"duration"`
	Image          string `json:"image"`
	ImageTail      string `json:"image_tail,omitempty"`
	Prompt         string `json:"prompt,omitempty"`
	NegativePrompt string `json:"negative_prompt,omitempty"`
	ExternalTaskID string `json:"external_task_id"`
	// CallbackURL is where Kling posts the task object when its status
	// changes. Kling does not sign these calls, so the URL carries a
	// per-task secret (see CallbackPath).
	CallbackURL string `json:"callback_url,omitempty"`
}

// CallbackPathPrefix is the studio route Kling's callbacks go to, followed
// by the task's secret token.
const CallbackPathPrefix = "/api/providers/kling/callback/"

// CallbackPath is the studio route of the callbacks of a task whose URL
// secret is token.
func (v *Videos) CallbackPath(token string) string { return CallbackPathPrefix + token }

// CallbackID is the task id a handle names, as callbacks carry it.
func (v *Videos) CallbackID(hs string) string {
	var h handle
	if json.Unmarshal([]byte(hs), &h) != nil {
		return ""
	}
	return h.TaskID
}

// SubmitClip fixes the frames to Kling's limits and creates the task with
// external_task_id = req.Key. If Kling already has a task with that id (a
// retry after a lost answer or a crash), it re-attaches to it.
func (v *Videos) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	body, err := v.buildCreate(req)
	if err != nil {
		return "", err
	}
	r, e, err := v.call(ctx, "create", http.MethodPost, "/v1/videos/image2video", body)
	if err != nil {
		return "", err
	}
	if r.Status == http.StatusOK && e.Code == 0 {
		return v.handleFrom(e.Data)
	}
	if refusedRequest(r.Status) {
		// Kling refuses a reused external_task_id (how exactly is not
		// documented, so any refusal of the request itself is checked): if a
		// task with our key exists, it is the one we paid for.
		if h, ok, err := v.reattach(ctx, req.Key); err != nil || ok {
			return h, err
		}
	}
	return "", answerError("create", r, e)
}

// refusedRequest reports whether a create answer refused the request
// itself, as opposed to the credentials or the account.
func refusedRequest(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return false
	}
	return status < 500
}

func (v *Videos) buildCreate(req shoot.ClipRequest) (createBody, error) {
	if req.Key == "" {
		return createBody{}, shoot.Errorf(shoot.EINVALID, "a clip request needs an idempotency key")
	}
	secs, err := ClipSeconds(req.Seconds)
	if err != nil {
		return createBody{}, err
	}
	start, err := FitFrame(req.Start)
	if err != nil {
		return createBody{}, err
	}
	b := createBody{
		ModelName: v.opts.Model, Mode: v.opts.Mode, Duration: strconv.Itoa(secs),
		Image:  base64.StdEncoding.EncodeToString(start.Data),
		Prompt: req.Prompt, NegativePrompt: orDefault(req.NegativePrompt, v.opts.NegativePrompt),
		ExternalTaskID: req.Key, CallbackURL: req.CallbackURL,
	}
	if len(req.End.Data) > 0 {
		end, err := FitFrame(req.End)
		if err != nil {
			return createBody{}, err
		}
		b.ImageTail = base64.StdEncoding.EncodeToString(end.Data)
	}
	return b, nil
}

// ClipSeconds is the length of a Kling clip asked for s seconds: 5 or 10,
// 5 when unset; any other length is refused. Kling on FAL takes the same.
func ClipSeconds(s int) (int, error) {
	switch s {
	case 0:
		return 5, nil
	case 5, 10:
		return s, nil
	}
	return 0, shoot.Errorf(shoot.EINVALID, "Kling clips are 5 or 10 seconds, not %d", s)
}

// reattach looks the task up by external_task_id. ok is false when Kling
// has no such task (the refusal was about something else).
func (v *Videos) reattach(ctx context.Context, key string) (string, bool, error) {
	r, e, err := v.call(ctx, "lookup", http.MethodGet, "/v1/videos/image2video/"+url.PathEscape(key), nil)
	if err != nil {
		return "", false, err
	}
	if r.Status != http.StatusOK || e.Code != 0 {
		return "", false, nil
	}
	h, err := v.handleFrom(e.Data)
	if err == nil {
		v.opts.Logger.Info("kling task re-attached", "provider", "kling", "external_task_id", key)
	}
	return h, err == nil, err
}

func (v *Videos) handleFrom(data json.RawMessage) (string, error) {
	var t task
	if json.Unmarshal(data, &t) != nil || t.TaskID == "" {
		return "", shoot.Errorf(shoot.EUNAVAILABLE, "Kling answered without a task id; retrying later")
	}
	b, _ := json.Marshal(handle{TaskID: t.TaskID, ExternalTaskID: t.TaskInfo.ExternalTaskID, Model: v.opts.Model, Mode: v.opts.Mode})
	return string(b), nil
}

// PollClip queries the task; on success it downloads the clip into memory.
func (v *Videos) PollClip(ctx context.Context, req shoot.ClipRequest, hs string) (shoot.TaskStatus, error) {
	var h handle
	if json.Unmarshal([]byte(hs), &h) != nil || h.TaskID == "" {
		return shoot.TaskStatus{}, shoot.Errorf(shoot.EINVALID, "not a Kling task handle")
	}
	r, e, err := v.call(ctx, "query", http.MethodGet, "/v1/videos/image2video/"+url.PathEscape(h.TaskID), nil)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	var t task
	if r.Status != http.StatusOK || e.Code != 0 || json.Unmarshal(e.Data, &t) != nil {
		return shoot.TaskStatus{}, answerError("query", r, e)
	}
	switch t.TaskStatus {
	case "submitted", "processing": // Kling reports no finer progress
		return shoot.TaskStatus{}, nil
	case "succeed":
		return v.result(ctx, req, h, t)
	case "failed":
		return shoot.TaskStatus{}, shoot.Errorf(shoot.EINVALID, "Kling could not generate the clip: %s", orDefault(t.TaskStatusMsg, "no reason given"))
	}
	return shoot.TaskStatus{}, shoot.Errorf(shoot.EUNAVAILABLE, "Kling reported an unknown task status %q; retrying later", t.TaskStatus)
}

// result downloads the finished clip and prices it.
func (v *Videos) result(ctx context.Context, req shoot.ClipRequest, h handle, t task) (shoot.TaskStatus, error) {
	if len(t.TaskResult.Videos) == 0 || t.TaskResult.Videos[0].URL == "" {
		return shoot.TaskStatus{}, shoot.Errorf(shoot.EINVALID, "Kling finished without a video")
	}
	data, err := DownloadMP4(ctx, v.caller, t.TaskResult.Videos[0].URL, v.opts.TransferTimeout)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	secs, _ := ClipSeconds(req.Seconds)
	rate := v.opts.Prices[h.Model+"/"+h.Mode]
	art := &shoot.Artifact{
		Data: data, ContentType: "video/mp4", Provider: "kling", Model: h.Model, Seed: req.Seed,
		Units: float64(secs), Unit: "second", CostUSD: rate * float64(secs),
	}
	return shoot.TaskStatus{Done: true, Progress: 1, Result: art, Took: t.took()}, nil
}

// CancelClip does nothing: Kling's API has no way to cancel a task.
func (v *Videos) CancelClip(context.Context, string) error { return nil }

// DownloadMP4 fetches a result clip without credentials and checks that it
// is an MP4 (an ftyp box first). Kling on FAL uses it too.
func DownloadMP4(ctx context.Context, c *httpx.Caller, rawURL string, timeout time.Duration) ([]byte, error) {
	r, err := httpx.Download(ctx, c, rawURL, maxVideoBytes, timeout)
	var se *httpx.StatusError
	switch {
	case errors.As(err, &se):
		return nil, shoot.Wrap(err, shoot.ENOTFOUND, "the provider's result video is gone or expired")
	case err != nil && (httpx.IsTransient(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "the result video could not be downloaded yet; retrying later")
	case err != nil:
		return nil, shoot.Wrap(err, shoot.EINVALID, "the provider's result video could not be fetched")
	}
	if len(r.Body) < 12 || !bytes.Equal(r.Body[4:8], []byte("ftyp")) {
		return nil, shoot.Errorf(shoot.EINVALID, "the provider's result is not an MP4 video")
	}
	return r.Body, nil
}

// EstimateClip prices a clip before it is made.
func (v *Videos) EstimateClip(req shoot.ClipRequest) float64 { return v.PriceOf(req.Seconds) }

// Callback is what Kling posts to a task's callback_url: the task object
// its query answers with, unwrapped.
type Callback struct {
	TaskID         string
	ExternalTaskID string
	Status         string // submitted, processing, succeed or failed
	Message        string
}

// ParseCallback reads a callback body. It only parses: the caller checks
// that the task is one of ours.
func ParseCallback(body []byte) (Callback, error) {
	var t task
	if err := json.Unmarshal(body, &t); err != nil || t.TaskID == "" || t.TaskStatus == "" {
		return Callback{}, shoot.Errorf(shoot.EINVALID, "not a Kling task callback")
	}
	return Callback{TaskID: t.TaskID, ExternalTaskID: t.TaskInfo.ExternalTaskID, Status: t.TaskStatus, Message: t.TaskStatusMsg}, nil
}

// Ended reports whether the callback announces the task's end, and whether
// that end is a success.
func (c Callback) Ended() (ended, ok bool) {
	switch c.Status {
	case "succeed":
		return true, true
	case "failed":
		return true, false
	}
	return false, false
}
