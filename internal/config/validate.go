package config

import (
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Accepted values of the enumerated settings.
var (
	ImageProviders = []string{"studio", "fal"}
	VideoProviders = []string{"studio", "kling", "fal"}
	Directors      = []string{"rules", "claude"}
	LogFormats     = []string{"text", "json"}
	LogLevels      = []string{"debug", "info", "warn", "error"}
	KlingModes     = []string{"std", "pro"}
	AuthModes      = []string{"none", "token"}
)

// Validate checks every setting and returns the first problem as an *Error.
// Finish calls it; call it directly only on a Config built by hand.
func (c *Config) Validate() error {
	checks := []func() error{
		c.validateAddr, c.validateStorage, c.validateChoices, c.validateCredentials,
		c.validateURLs, c.validateNumbers, c.validateCORS, c.validateLimits,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateAddr() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return errorf("SHOOT_ADDR/--addr", "%q is not host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errorf("SHOOT_ADDR/--addr", "%q has a bad port (0–65535)", c.Addr)
	}
	if strings.ContainsAny(host, " /") {
		return errorf("SHOOT_ADDR/--addr", "%q has a bad host", c.Addr)
	}
	return nil
}

func (c *Config) validateStorage() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return errorf("SHOOT_DATA_DIR/--data-dir", "must not be empty")
	}
	if c.DatabaseDialect() == "" {
		return errorf("SHOOT_DATABASE_URL/--database-url", "unknown scheme in %q (use sqlite:PATH or postgres://…)", redactURL(c.DatabaseURL))
	}
	if !hasScheme(c.BlobURL, "file", "s3", "mem") {
		return errorf("SHOOT_BLOB_URL/--blob-url", "unknown scheme in %q (use file:///PATH, s3://bucket or mem://)", redactURL(c.BlobURL))
	}
	return nil
}

// DatabaseDialect returns "sqlite" or "postgres" for the database URL, or ""
// when its scheme is unknown. A plain path (no scheme) is a SQLite file.
func (c *Config) DatabaseDialect() string {
	u := c.DatabaseURL
	switch {
	case hasScheme(u, "postgres", "postgresql"):
		return "postgres"
	case hasScheme(u, "sqlite", "file") || strings.HasPrefix(u, "sqlite:") || strings.HasPrefix(u, "file:"):
		return "sqlite"
	case u != "" && !strings.Contains(u, "://") && !looksLikeScheme(u):
		return "sqlite"
	}
	return ""
}

// hasScheme reports whether u starts with one of schemes followed by "://".
func hasScheme(u string, schemes ...string) bool {
	for _, s := range schemes {
		if strings.HasPrefix(strings.ToLower(u), s+"://") {
			return true
		}
	}
	return false
}

// looksLikeScheme reports whether u starts with "word:" other than a Windows
// drive letter, e.g. "mysql:x".
func looksLikeScheme(u string) bool {
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || len(scheme) < 2 {
		return false
	}
	for _, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func (c *Config) validateChoices() error {
	for _, ch := range []struct {
		name, value string
		allowed     []string
	}{
		{"SHOOT_IMAGE_PROVIDER", c.ImageProvider, ImageProviders},
		{"SHOOT_VIDEO_PROVIDER", c.VideoProvider, VideoProviders},
		{"SHOOT_DIRECTOR", c.Director, Directors},
		{"SHOOT_LOG_FORMAT", c.LogFormat, LogFormats},
		{"SHOOT_LOG_LEVEL", c.LogLevel, LogLevels},
		{"SHOOT_KLING_MODE", c.KlingMode, KlingModes},
		{"SHOOT_AUTH", c.Auth, AuthModes},
	} {
		if !slices.Contains(ch.allowed, ch.value) {
			return errorf(ch.name, "%q is not one of %s", ch.value, strings.Join(ch.allowed, ", "))
		}
	}
	return nil
}

// validateCredentials refuses a provider chosen without its key: such a
// studio would only fail later, in the middle of a paid shoot.
func (c *Config) validateCredentials() error {
	switch {
	case c.ImageProvider == "fal" && c.FALKey == "":
		return errorf("SHOOT_IMAGE_PROVIDER", "fal needs FAL_KEY (or FAL_KEY_FILE)")
	case c.VideoProvider == "fal" && c.FALKey == "":
		return errorf("SHOOT_VIDEO_PROVIDER", "fal needs FAL_KEY (or FAL_KEY_FILE)")
	case c.VideoProvider == "kling" && !c.HasKlingKeys():
		return errorf("SHOOT_VIDEO_PROVIDER", "kling needs KLING_ACCESS_KEY and KLING_SECRET_KEY (or their _FILE variants)")
	case c.Director == "claude" && c.AnthropicAPIKey == "":
		return errorf("SHOOT_DIRECTOR", "claude needs ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY_FILE)")
	}
	return nil
}

func (c *Config) validateURLs() error {
	for _, u := range []struct{ name, value string }{
		{"SHOOT_FAL_QUEUE_URL", c.FALQueueURL},
		{"SHOOT_FAL_REST_URL", c.FALRestURL},
		{"SHOOT_KLING_BASE_URL", c.KlingBaseURL},
		{"ANTHROPIC_BASE_URL", c.AnthropicBaseURL},
		{"SHOOT_FAL_JWKS_URL", c.FALJWKSURL},
	} {
		p, err := url.Parse(u.value)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return errorf(u.name, "%q is not an http(s) URL", redactURL(u.value))
		}
	}
	if c.PublicURL != "" {
		// Providers are given this base with a route appended, so it must
		// be a plain absolute URL.
		p, err := url.Parse(c.PublicURL)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" || p.User != nil {
			return errorf("SHOOT_PUBLIC_URL", "%q is not an http(s) base URL without query or credentials", redactURL(c.PublicURL))
		}
	}
	return nil
}

func (c *Config) validateNumbers() error {
	switch {
	case c.ClipConcurrency < 1 || c.ClipConcurrency > 64:
		return errorf("SHOOT_CLIP_CONCURRENCY", "%d is out of range (1–64)", c.ClipConcurrency)
	case c.MaxTurns < 1:
		return errorf("SHOOT_MAX_TURNS", "%d must be at least 1", c.MaxTurns)
	case c.Workers < 0 || c.Workers > 256:
		return errorf("SHOOT_WORKERS/--workers", "%d is out of range (0–256)", c.Workers)
	case math.IsNaN(c.MaxCostUSD) || math.IsInf(c.MaxCostUSD, 0) || c.MaxCostUSD < 0:
		return errorf("SHOOT_MAX_COST_USD", "must be a number ≥ 0 (0 = no budget)")
	case c.StudioImageLatency < 0 || c.StudioClipLatency < 0:
		return errorf("SHOOT_STUDIO_IMAGE_LATENCY", "latencies must not be negative")
	case c.StudioClipSize != 0 && (c.StudioClipSize < 64 || c.StudioClipSize > 2160):
		return errorf("SHOOT_STUDIO_CLIP_SIZE", "%d is out of range (64–2160 pixels, or 0 for the default 720)", c.StudioClipSize)
	case c.JobTimeout < time.Second:
		return errorf("SHOOT_JOB_TIMEOUT", "%s is too short (at least 1s)", c.JobTimeout)
	case c.WebhookFirstRetry < 0:
		return errorf("SHOOT_WEBHOOK_FIRST_RETRY", "%s must not be negative", c.WebhookFirstRetry)
	case len(c.WorkerID) > 100:
		return errorf("SHOOT_WORKER_ID/--id", "is longer than 100 characters")
	case c.RescueAfter <= c.JobTimeout:
		return errorf("SHOOT_RESCUE_AFTER", "%s must be longer than SHOOT_JOB_TIMEOUT (%s), or a live job would be taken over", c.RescueAfter, c.JobTimeout)
	}
	return nil
}

// validateCORS accepts "*" or origins of the form scheme://host[:port],
// exactly as browsers send them in the Origin header.
func (c *Config) validateCORS() error {
	for _, o := range c.CORSOrigins {
		if o == "*" {
			continue
		}
		p, err := url.Parse(o)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" ||
			(p.Path != "" && p.Path != "/") || p.RawQuery != "" || p.User != nil {
			return errorf("SHOOT_CORS_ORIGINS", "%q is not an origin like https://example.com or *", o)
		}
	}
	return nil
}
