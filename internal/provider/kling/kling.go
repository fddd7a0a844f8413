// Package kling is the client of Kling's direct image-to-video API: a clip
// between a start and an end frame (image + image_tail), authenticated with
// a fresh HS256 JWT on every request.
//
// A submission carries external_task_id = the request's idempotency key, so
// a resubmission after a crash or a lost answer is refused by Kling as a
// duplicate and the client re-attaches to the existing task instead of
// paying twice.
package kling

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
	DefaultBaseURL = "https://api-singapore.klingai.com"
	// DefaultModel supports image_tail (start and end frames) in pro mode.
	DefaultModel          = "kling-v2-6"
	DefaultMode           = "pro"
	DefaultNegativePrompt = "blur, distort, and low quality"
)

// Options configure the Kling client. AccessKey and SecretKey are required.
type Options struct {
	AccessKey, SecretKey string
	BaseURL              string // default DefaultBaseURL
	Model                string // model_name; default DefaultModel
	Mode                 string // std or pro; default DefaultMode
	NegativePrompt       string // used when a request has none
	HTTPClient           *http.Client
	Logger               *slog.Logger
	// Prices are USD per second of clip by "model/mode"; they override
	// DefaultPrices entry by entry.
	Prices map[string]float64
	// Now is the clock JWTs are minted from; nil means time.Now.
	Now   func() time.Time
	Retry httpx.Policy
	// RequestTimeout bounds one try of an API call (default 60 s); the
	// create call carries two base64 frames, so keep it generous.
	// TransferTimeout bounds one try of the result download (default 5 min).
	RequestTimeout, TransferTimeout time.Duration
}

// DefaultPrices are Kling's API list prices when this was written (1 unit =
// $0.14): v2.6 and v2.5-turbo cost 2.5 units per 5 s in pro mode and 1.5 in
// std; v2.1 pro 3.5 units per 5 s; v3 0.8 units/s pro, 0.6 std (no audio).
func DefaultPrices() map[string]float64 {
	return map[string]float64{
		"kling-v2-6/pro":       0.07,
		"kling-v2-6/std":       0.042,
		"kling-v2-5-turbo/pro": 0.07,
		"kling-v2-5-turbo/std": 0.042,
		"kling-v2-1/pro":       0.098,
		"kling-v2-1/std":       0.056,
		"kling-v3/pro":         0.112,
		"kling-v3/std":         0.084,
	}
}

func (o Options) withDefaults() Options {
	o.BaseURL = strings.TrimRight(orDefault(o.BaseURL, DefaultBaseURL), "/")
	o.Model = orDefault(o.Model, DefaultModel)
	o.Mode = orDefault(o.Mode, DefaultMode)
	o.NegativePrompt = orDefault(o.NegativePrompt, DefaultNegativePrompt)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = time.Minute
	}
	if o.TransferTimeout <= 0 {
		o.TransferTimeout = 5 * time.Minute
	}
	prices := DefaultPrices()
	for k, v := range o.Prices {
		prices[k] = v
	}
	o.Prices = prices
	// Every request (API and result download) carries the trace.
	o.HTTPClient = telemetry.Client(o.HTTPClient)
	return o
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
