// Package fal is the client of FAL.ai: nano-banana-pro images (hero,
// contact sheet, frame edits) and Kling video hosted on FAL, over FAL's
// queue protocol.
//
// Every call is bounded: one try has a timeout, transient failures
// (network errors, 5xx, 429) are retried with jittered exponential backoff
// inside the call, and what is still failing afterwards comes back as a
// shoot.EUNAVAILABLE error so the job retries later. Requests FAL refuses
// (401, 422, …) come back as permanent errors carrying FAL's own message.
// The submit handle holds the URLs FAL returned, so a restarted worker polls
// the same request and never pays twice.
package fal

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// Defaults for Options.
const (
	DefaultQueueURL   = "https://queue.fal.run"
	DefaultRestURL    = "https://rest.alpha.fal.ai"
	DefaultImageModel = "fal-ai/nano-banana-pro"
	DefaultEditModel  = "fal-ai/nano-banana-pro/edit"
	// DefaultVideoModel is Kling 2.6 Pro on FAL: start and end frames,
	// 5 or 10 s, $0.07/s without audio.
	DefaultVideoModel     = "fal-ai/kling-video/v2.6/pro/image-to-video"
	DefaultNegativePrompt = "blur, distort, and low quality"
)

// Options configure the FAL clients. Only Key is required.
type Options struct {
	Key        string
	QueueURL   string // default DefaultQueueURL
	RestURL    string // storage API; default DefaultRestURL
	ImageModel string // text-to-image endpoint id
	EditModel  string // endpoint id used when a request has references
	VideoModel string // image-to-video endpoint id with an end frame
	// StartImageField and EndImageField name the video endpoint's frame
	// inputs. Empty means: image_url/tail_image_url for the Kling 1.x–2.5
	// endpoints, start_image_url/end_image_url for newer ones.
	StartImageField, EndImageField string
	// VideoExtra is merged into every video input; default turns native
	// audio off ({"generate_audio": false}), which the film does not use and
	// which doubles the price.
	VideoExtra     map[string]any
	NegativePrompt string // default DefaultNegativePrompt
	HTTPClient     *http.Client
	Logger         *slog.Logger
	// Prices override DefaultPrices entry by entry.
	Prices Prices
	Retry  httpx.Policy
	// RequestTimeout bounds one try of an API call (default 60 s);
	// TransferTimeout one try of an upload or result download (default 5 min).
	RequestTimeout, TransferTimeout time.Duration
	// StreamWait is how long one poll follows a request's status stream
	// before reporting it unfinished (default DefaultStreamWait); negative
	// turns the stream off, so each poll asks the status endpoint once.
	StreamWait time.Duration
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	o.QueueURL = strings.TrimRight(orDefault(o.QueueURL, DefaultQueueURL), "/")
	o.RestURL = strings.TrimRight(orDefault(o.RestURL, DefaultRestURL), "/")
	o.ImageModel = orDefault(o.ImageModel, DefaultImageModel)
	o.EditModel = orDefault(o.EditModel, DefaultEditModel)
	o.VideoModel = orDefault(o.VideoModel, DefaultVideoModel)
	o.NegativePrompt = orDefault(o.NegativePrompt, DefaultNegativePrompt)
	start, end := frameFields(o.VideoModel)
	o.StartImageField = orDefault(o.StartImageField, start)
	o.EndImageField = orDefault(o.EndImageField, end)
	if o.VideoExtra == nil {
		o.VideoExtra = map[string]any{"generate_audio": false}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = time.Minute
	}
	if o.TransferTimeout <= 0 {
		o.TransferTimeout = 5 * time.Minute
	}
	if o.StreamWait == 0 {
		o.StreamWait = DefaultStreamWait
	}
	o.Prices = DefaultPrices().merge(o.Prices)
	// Every request (API, uploads, result downloads) carries the trace.
	o.HTTPClient = telemetry.Client(o.HTTPClient)
	return o
}

// frameFields returns the frame input names FAL's Kling endpoints use: the
// older ones (1.x to 2.5) take image_url and tail_image_url.
func frameFields(endpoint string) (start, end string) {
	for _, old := range []string{"/v1/", "/v1.5/", "/v1.6/", "/v2/", "/v2.1/", "/v2.5-turbo/"} {
		if strings.Contains(endpoint, old) {
			return "image_url", "tail_image_url"
		}
	}
	return "start_image_url", "end_image_url"
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ImagePrice is what one image costs at a model.
type ImagePrice struct {
	PerImage   float64 // 1K and 2K
	PerImage4K float64
}

// Prices are the USD figures the cost ledger records.
type Prices struct {
	Images map[string]ImagePrice // by endpoint id
	// VideoPerSecond is USD per second of clip by endpoint id (audio off).
	VideoPerSecond map[string]float64
}

// DefaultPrices are FAL's public list prices when this was written:
// nano-banana-pro $0.15 per image with 4K at double rate; Kling 2.6 Pro
// $0.07/s, 2.5 Turbo Pro $0.35 per 5 s, 3.0 Pro $0.112/s, all without audio.
func DefaultPrices() Prices {
	nb := ImagePrice{PerImage: 0.15, PerImage4K: 0.30}
	return Prices{
		Images: map[string]ImagePrice{DefaultImageModel: nb, DefaultEditModel: nb},
		VideoPerSecond: map[string]float64{
			DefaultVideoModel: 0.07,
			"fal-ai/kling-video/v2.5-turbo/pro/image-to-video": 0.07,
			"fal-ai/kling-video/v2.1/pro/image-to-video":       0.098,
			"fal-ai/kling-video/v3/pro/image-to-video":         0.112,
		},
	}
}

// merge returns p with o's entries laid over it.
func (p Prices) merge(o Prices) Prices {
	out := Prices{Images: map[string]ImagePrice{}, VideoPerSecond: map[string]float64{}}
	for _, src := range []Prices{p, o} {
		for k, v := range src.Images {
			out.Images[k] = v
		}
		for k, v := range src.VideoPerSecond {
			out.VideoPerSecond[k] = v
		}
	}
	return out
}

// newCaller builds the retrying HTTP caller the clients share.
func newCaller(o Options) *httpx.Caller {
	return &httpx.Caller{HTTP: o.HTTPClient, Timeout: o.RequestTimeout, Policy: o.Retry, Logger: o.Logger}
}
