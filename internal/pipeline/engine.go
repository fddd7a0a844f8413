package pipeline

import (
	"context"
	"log/slog"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Enqueuer puts work on the durable queue (internal/jobs implements it with
// River). Enqueue returns the queue's job ids, used to cancel.
type Enqueuer interface {
	Enqueue(ctx context.Context, works ...Work) ([]int64, error)
	Cancel(ctx context.Context, jobIDs []int64) error
	// Alive reports whether any of the jobs can still run.
	Alive(ctx context.Context, jobIDs []int64) (bool, error)
}

// Estimator is implemented by paid providers that can price a request
// before it is made (budget checks and shoot estimates).
type Estimator interface {
	EstimateImage(req shoot.ImageRequest) float64
}

// ClipEstimator prices a clip request before it is made.
type ClipEstimator interface {
	EstimateClip(req shoot.ClipRequest) float64
}

// Options tune the engine.
type Options struct {
	ClipConcurrency int           // clips in flight per session; default 5
	MaxCostUSD      float64       // per-session budget; 0 = none
	PollInterval    time.Duration // longest wait between provider polls; default 2 s
	PollWindow      time.Duration // polling inside one job run before snoozing; default 20 s
	StitchPreset    string        // libx264 preset of the film at CRF 18; "" = media.FilmPreset at media.FilmCRF
	TempDir         string        // scratch space for the stitch; default os.TempDir()
	// InterruptedAfter is how long a run must have gone without any session
	// update before a run with no live job counts as interrupted; default 1 min.
	InterruptedAfter time.Duration

	// MonthlyBudgetUSD is each user's provider spending per UTC month,
	// checked before every paid call (budget.go); 0 = none.
	MonthlyBudgetUSD float64

	// CountCuts, if set, is told of every eased segment a clip needed:
	// encoded (true) or copied from the segment cache (false) (metrics).
	CountCuts func(encoded bool)
	// ObserveRequests, if set, is told how many provider requests a shoot
	// has made each time its film is finished (metrics).
	ObserveRequests func(n int)
	// CountRequests, if set, is told of every provider request as it is
	// counted for its shoot (metrics).
	CountRequests func(provider string, n int)

	// PublicURL is the studio's externally reachable base URL. When set,
	// providers that can call back (FAL webhooks, Kling callback_url) are
	// asked to, and their tasks are polled only at the CallbackBackstop
	// cadence until the callback lands (callback.go). "" polls as before.
	PublicURL string
	// CallbackBackstop is the polling cadence of a task whose callback is
	// expected; default DefaultCallbackBackstop.
	CallbackBackstop time.Duration
	// CallbackCheck is how often a waiting task reads its callback mark
	// from the store, for callbacks received by another process; default
	// DefaultCallbackCheck.
	CallbackCheck time.Duration
}

// Engine runs shoots. It is safe for concurrent use; all state lives in the
// store, the blob bucket and the queue.
type Engine struct {
	store    store.Store
	bucket   *blob.Bucket
	events   *events.Log
	images   ImageGenerator
	videos   VideoGenerator
	director Director
	presets  *prompt.Library
	queue    Enqueuer
	logger   *slog.Logger
	opts     Options
	now      func() time.Time
	pacer    *pacer
	lat      *latencies    // learned usual task durations, for polling
	facts    *clipFacts    // hash and size of landed clips, for the film
	beats    *beatPlans    // segment lengths of films cut on their audio beds
	cutting  chan struct{} // held while a segment is encoded
	onAsset  func(context.Context, *shoot.Asset)
	wakes    *wakeups // tasks waiting for a provider callback here
}

// Deps are the engine's collaborators.
type Deps struct {
	Store    store.Store
	Bucket   *blob.Bucket
	Events   *events.Log
	Images   ImageGenerator
	Videos   VideoGenerator
	Director Director
	Presets  *prompt.Library
	Logger   *slog.Logger
	// Queue is the durable queue the engine's work goes through. The queue
	// runs that work by calling back into the engine, so it is built first
	// with a runner that reaches the engine once workers start (see
	// jobs.RunnerFunc and cmd/shoot/engine.go).
	Queue Enqueuer
	// OnAsset, when set, is told of every artifact the engine stores,
	// after it is recorded (e.g. to send asset.created webhooks).
	OnAsset func(context.Context, *shoot.Asset)
}

// New returns an engine with everything it needs.
func New(d Deps, opts Options) *Engine {
	if opts.ClipConcurrency <= 0 {
		opts.ClipConcurrency = 5
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.PollWindow <= 0 {
		opts.PollWindow = 20 * time.Second
	}
	if opts.CallbackBackstop <= 0 {
		opts.CallbackBackstop = DefaultCallbackBackstop
	}
	if opts.CallbackCheck <= 0 {
		opts.CallbackCheck = DefaultCallbackCheck
	}
	if opts.InterruptedAfter <= 0 {
		opts.InterruptedAfter = time.Minute
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		store: d.Store, bucket: d.Bucket, events: d.Events, images: d.Images, videos: d.Videos,
		director: d.Director, presets: d.Presets, queue: d.Queue, onAsset: d.OnAsset, logger: logger, opts: opts, now: time.Now, pacer: newPacer(),
		lat: &latencies{}, facts: &clipFacts{}, beats: &beatPlans{}, cutting: make(chan struct{}, 1), wakes: &wakeups{},
	}
}

// assetStored tells the asset observer, if any, of a.
func (e *Engine) assetStored(ctx context.Context, a *shoot.Asset) {
	if e.onAsset != nil {
		e.onAsset(ctx, a)
	}
}

// Events returns the engine's event log.
func (e *Engine) Events() *events.Log { return e.events }

// Providers names the active image provider, video provider and director.
func (e *Engine) Providers() (image, video, director string) {
	return e.images.Name(), e.videos.Name(), e.director.Name()
}
