// Package config reads the studio's configuration: environment first, flags
// override. See the README's configuration table.
package config

import (
	"net/netip"
	"time"
)

// Config is the whole configuration of a `shoot` process.
type Config struct {
	Addr        string // SHOOT_ADDR, --addr; default 127.0.0.1:8080
	DataDir     string // SHOOT_DATA_DIR, --data-dir; default ./data
	DatabaseURL string // SHOOT_DATABASE_URL, --database-url; default sqlite file <data-dir>/shoot.db
	BlobURL     string // SHOOT_BLOB_URL, --blob-url; default file://<data-dir>/blobs
	Environment string // SHOOT_ENV; default "development"
	LogFormat   string // SHOOT_LOG_FORMAT: text or json
	LogLevel    string // SHOOT_LOG_LEVEL: debug, info, warn, error

	CORSOrigins []string // SHOOT_CORS_ORIGINS, comma list; "*" allowed; none by default

	ImageProvider string // SHOOT_IMAGE_PROVIDER: studio | fal (default fal if FAL_KEY set)
	VideoProvider string // SHOOT_VIDEO_PROVIDER: studio | kling | fal (default kling if Kling keys set)
	Director      string // SHOOT_DIRECTOR: rules | claude (default claude if ANTHROPIC_API_KEY set)

	FALKey          string // FAL_KEY or FAL_KEY_FILE
	KlingAccessKey  string // KLING_ACCESS_KEY or KLING_ACCESS_KEY_FILE
	KlingSecretKey  string // KLING_SECRET_KEY or KLING_SECRET_KEY_FILE
	AnthropicAPIKey string // ANTHROPIC_API_KEY or ANTHROPIC_API_KEY_FILE

	FALQueueURL      string // SHOOT_FAL_QUEUE_URL; default https://queue.fal.run
	FALRestURL       string // SHOOT_FAL_REST_URL; default https://rest.alpha.fal.ai
	KlingBaseURL     string // SHOOT_KLING_BASE_URL; default https://api-singapore.klingai.com
	AnthropicBaseURL string // ANTHROPIC_BASE_URL; default the SDK's

	// PublicURL is the studio's externally reachable base URL
	// (SHOOT_PUBLIC_URL, e.g. https://studio.example.com). When set, FAL and
	// Kling are asked to call back when a task ends, and tasks are polled
	// only as a slow backstop. "" polls.
	PublicURL string
	// FALJWKSURL is where FAL publishes its webhook signing keys
	// (SHOOT_FAL_JWKS_URL); default https://rest.alpha.fal.ai/.well-known/jwks.json.
	FALJWKSURL string

	FALImageModel string // SHOOT_FAL_IMAGE_MODEL; default fal-ai/nano-banana-pro
	FALEditModel  string // SHOOT_FAL_EDIT_MODEL; default fal-ai/nano-banana-pro/edit
	FALVideoModel string // SHOOT_FAL_VIDEO_MODEL; default a FAL Kling image-to-video endpoint with end frames
	KlingModel    string // SHOOT_KLING_MODEL; default a model that supports image_tail
	KlingMode     string // SHOOT_KLING_MODE: std | pro; default pro
	ClaudeModel   string // SHOOT_CLAUDE_MODEL; default a current Sonnet

	ClipConcurrency int     // SHOOT_CLIP_CONCURRENCY; default 5
	MaxCostUSD      float64 // SHOOT_MAX_COST_USD; 0 = no per-session budget
	MaxTurns        int     // SHOOT_MAX_TURNS; default 100
	PresetsDir      string  // SHOOT_PRESETS_DIR; extra presets
	Workers         int     // --workers (serve); 0 = API only; default 1 (runs workers in-process)
	WorkerID        string  // SHOOT_WORKER_ID, --id (worker): this process's name in the queue; default host-pid
	MediaRedirect   bool    // SHOOT_MEDIA_REDIRECT=1: redirect media to signed URLs

	// StudioImageLatency and StudioClipLatency slow the offline providers to
	// fixed latencies (benchmarks): SHOOT_STUDIO_IMAGE_LATENCY, SHOOT_STUDIO_CLIP_LATENCY.
	StudioImageLatency time.Duration
	StudioClipLatency  time.Duration
	// StudioClipSize caps the long side of the offline studio's clips in
	// pixels (SHOOT_STUDIO_CLIP_SIZE; 0 = the studio's default, 720).
	// Smaller clips render and cut faster, for quick drafts and tests;
	// their length and frame rate do not change.
	StudioClipSize int

	// JobTimeout bounds one run of a stage job (SHOOT_JOB_TIMEOUT; default
	// 5m). Provider waits snooze instead of holding a run, so this bounds
	// compute (a stitch, a director turn), not a provider's queue.
	// RescueAfter is how long a job may stay running before a worker in
	// another process takes it over, the owner being presumed dead
	// (SHOOT_RESCUE_AFTER; default JobTimeout + 1m; must exceed JobTimeout).
	JobTimeout  time.Duration
	RescueAfter time.Duration

	// DrainDelay is how long `serve` keeps answering after SIGTERM, with
	// /readyz at 503, before it closes its listener, so a load balancer
	// sees it leave before connections are refused (SHOOT_DRAIN_DELAY;
	// default 0; set it above the balancer's probe interval).
	DrainDelay time.Duration

	// Auth is SHOOT_AUTH: none | token. Unset, it is none when the studio
	// listens on loopback only and token otherwise (see Finish).
	Auth           string
	InsecureNoAuth bool // --insecure-no-auth: allow none on a public address

	// Per-user limits; 0 turns one off. See auth.go for the defaults.
	RatePerMin int // SHOOT_RATE_PER_MIN: API requests per minute (token bucket)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For or
	// Forwarded header names the client (SHOOT_TRUSTED_PROXIES: CIDRs or
	// addresses); requests from anywhere else are keyed by their peer.
	TrustedProxies    []netip.Prefix
	MaxRunning        int     // SHOOT_MAX_RUNNING: shoots with a stage running at once
	UploadBytesPerDay int64   // SHOOT_UPLOAD_BYTES_PER_DAY: reference bytes stored per UTC day
	MonthlyBudgetUSD  float64 // SHOOT_MONTHLY_BUDGET_USD: provider spending per UTC month

	// WebhookAllowPrivate lets webhooks reach private, loopback and
	// link-local addresses (SHOOT_WEBHOOK_ALLOW_PRIVATE=1): for receivers on
	// the studio's own network. Off, such targets are refused, also
	// through a redirect or a DNS answer that changes.
	WebhookAllowPrivate bool
	// WebhookFirstRetry is the wait before a failed webhook delivery's
	// first retry; each later wait is four times longer
	// (SHOOT_WEBHOOK_FIRST_RETRY; default 15s, so the eight attempts span
	// about 23 hours).
	WebhookFirstRetry time.Duration
}

// HasKlingKeys reports whether both Kling keys are set.
func (c *Config) HasKlingKeys() bool { return c.KlingAccessKey != "" && c.KlingSecretKey != "" }
