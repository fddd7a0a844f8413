package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// Redacted renders the configuration for logs and diagnostics on one line.
// Credentials appear only as "set" or "unset"; passwords and secret-looking
// query parameters in URLs are masked.
func (c *Config) Redacted() string {
	var b strings.Builder
	for i, a := range c.attrs() {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", a.Key, a.Value.String())
	}
	return b.String()
}

// String is Redacted, so printing a Config with %v or %s never shows a secret.
func (c *Config) String() string { return c.Redacted() }

// GoString is Redacted too, for %#v.
func (c *Config) GoString() string { return "config.Config{" + c.Redacted() + "}" }

// LogValue makes slog print the redacted form.
func (c *Config) LogValue() slog.Value { return slog.GroupValue(c.attrs()...) }

func (c *Config) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.String("blob", redactURL(c.BlobURL)),
		slog.String("environment", c.Environment),
		slog.String("image_provider", c.ImageProvider),
		slog.String("video_provider", c.VideoProvider),
		slog.String("director", c.Director),
		slog.String("fal_key", setness(c.FALKey != "")),
		slog.String("kling_keys", setness(c.HasKlingKeys())),
		slog.String("anthropic_key", setness(c.AnthropicAPIKey != "")),
		slog.String("cors_origins", strings.Join(c.CORSOrigins, ",")),
		slog.Int("workers", c.Workers),
		slog.Int("clip_concurrency", c.ClipConcurrency),
		slog.String("auth", c.Auth),
		slog.Bool("webhook_allow_private", c.WebhookAllowPrivate),
	}
}

func setness(set bool) string {
	if set {
		return "set"
	}
	return "unset"
}

// redactURL masks the password of a URL and the values of query parameters
// whose names suggest a secret. Anything it cannot parse is masked whole
// when it might hold a password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "[unparsable URL redacted]"
		}
		return raw
	}
	q := u.Query()
	changed := false
	for k := range q {
		if secretParam(k) {
			q.Set(k, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"pass", "secret", "token", "key", "credential", "signature"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
