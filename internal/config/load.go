package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Defaults of the settings that have a fixed default. Provider choices and
// the database and blob locations depend on other settings; Finish fills them.
const (
	DefaultAddr             = "127.0.0.1:8080"
	DefaultDataDir          = "./data"
	DefaultEnvironment      = "development"
	DefaultFALQueueURL      = "https://queue.fal.run"
	DefaultFALRestURL       = "https://rest.alpha.fal.ai"
	DefaultKlingBaseURL     = "https://api-singapore.klingai.com"
	DefaultFALJWKSURL       = "https://rest.alpha.fal.ai/.well-known/jwks.json"
	DefaultAnthropicBaseURL = "https://api.anthropic.com"
	DefaultFALImageModel    = "fal-ai/nano-banana-pro"
	DefaultFALEditModel     = "fal-ai/nano-banana-pro/edit"
	DefaultFALVideoModel    = "fal-ai/kling-video/v2.6/pro/image-to-video"
	DefaultKlingModel       = "kling-v2-6"
	DefaultKlingMode        = "pro"
	DefaultClaudeModel      = "claude-sonnet-5-5"
	DefaultClipConcurrency  = 5
	DefaultMaxTurns         = 100
	DefaultWorkers          = 10
	DefaultJobTimeout       = 5 * time.Minute
)

// Error is an invalid configuration value. Commands print it as one line and
// exit with code 2. Its message never contains a secret.
type Error struct {
	Name string // the variable or flag, e.g. SHOOT_ADDR or --addr
	Msg  string
}

func (e *Error) Error() string { return e.Name + ": " + e.Msg }

func errorf(name, format string, args ...any) *Error {
	return &Error{Name: name, Msg: fmt.Sprintf(format, args...)}
}

// FromEnv returns a Config holding the fixed defaults overridden by the
// environment read through getenv. Secrets come from their variable or from
// the file named by the *_FILE variant. Settings that depend on others (data
// dir paths, provider choices) stay empty until Finish.
//
// On a bad value it still returns the Config (so a command can show --help)
// together with the first error.
func FromEnv(getenv func(string) string) (*Config, error) {
	c := &Config{
		Addr:             DefaultAddr,
		DataDir:          DefaultDataDir,
		Environment:      DefaultEnvironment,
		LogFormat:        "text",
		LogLevel:         "info",
		FALQueueURL:      DefaultFALQueueURL,
		FALRestURL:       DefaultFALRestURL,
		FALJWKSURL:       DefaultFALJWKSURL,
		KlingBaseURL:     DefaultKlingBaseURL,
		AnthropicBaseURL: DefaultAnthropicBaseURL,
		FALImageModel:    DefaultFALImageModel,
		FALEditModel:     DefaultFALEditModel,
		FALVideoModel:    DefaultFALVideoModel,
		KlingModel:       DefaultKlingModel,
		KlingMode:        DefaultKlingMode,
		ClaudeModel:      DefaultClaudeModel,
		ClipConcurrency:  DefaultClipConcurrency,
		MaxTurns:         DefaultMaxTurns,
		Workers:          DefaultWorkers,
		JobTimeout:       DefaultJobTimeout,
	}
	setLimitDefaults(c)
	r := envReader{getenv: getenv}
	r.strings(c)
	r.numbers(c)
	r.limits(c)
	r.secrets(c)
	return c, r.err
}

// envReader reads variables into a Config, keeping the first error.
type envReader struct {
	getenv func(string) string
	err    error
}

func (r *envReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// str sets *dst to the variable's value when it is set and not blank.
func (r *envReader) str(dst *string, name string) {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		*dst = v
	}
}

func (r *envReader) strings(c *Config) {
	for name, dst := range map[string]*string{
		"SHOOT_ADDR": &c.Addr, "SHOOT_DATA_DIR": &c.DataDir, "SHOOT_DATABASE_URL": &c.DatabaseURL,
		"SHOOT_BLOB_URL": &c.BlobURL, "SHOOT_ENV": &c.Environment, "SHOOT_LOG_FORMAT": &c.LogFormat,
		"SHOOT_LOG_LEVEL": &c.LogLevel, "SHOOT_IMAGE_PROVIDER": &c.ImageProvider,
		"SHOOT_VIDEO_PROVIDER": &c.VideoProvider, "SHOOT_DIRECTOR": &c.Director,
		"SHOOT_FAL_QUEUE_URL": &c.FALQueueURL, "SHOOT_FAL_REST_URL": &c.FALRestURL,
		"SHOOT_KLING_BASE_URL": &c.KlingBaseURL, "ANTHROPIC_BASE_URL": &c.AnthropicBaseURL,
		"SHOOT_FAL_IMAGE_MODEL": &c.FALImageModel, "SHOOT_FAL_EDIT_MODEL": &c.FALEditModel,
		"SHOOT_FAL_VIDEO_MODEL": &c.FALVideoModel, "SHOOT_KLING_MODEL": &c.KlingModel,
		"SHOOT_KLING_MODE": &c.KlingMode, "SHOOT_CLAUDE_MODEL": &c.ClaudeModel,
		"SHOOT_PRESETS_DIR": &c.PresetsDir, "SHOOT_AUTH": &c.Auth, "SHOOT_WORKER_ID": &c.WorkerID,
		"SHOOT_PUBLIC_URL": &c.PublicURL, "SHOOT_FAL_JWKS_URL": &c.FALJWKSURL,
	} {
		r.str(dst, name)
	}
	if v := r.getenv("SHOOT_CORS_ORIGINS"); strings.TrimSpace(v) != "" {
		c.CORSOrigins = splitList(v)
	}
}

func (r *envReader) numbers(c *Config) {
	r.integer(&c.ClipConcurrency, "SHOOT_CLIP_CONCURRENCY")
	r.integer(&c.MaxTurns, "SHOOT_MAX_TURNS")
	r.integer(&c.Workers, "SHOOT_WORKERS")
	r.boolean(&c.MediaRedirect, "SHOOT_MEDIA_REDIRECT")
	r.duration(&c.StudioImageLatency, "SHOOT_STUDIO_IMAGE_LATENCY")
	r.duration(&c.StudioClipLatency, "SHOOT_STUDIO_CLIP_LATENCY")
	r.integer(&c.StudioClipSize, "SHOOT_STUDIO_CLIP_SIZE")
	r.duration(&c.JobTimeout, "SHOOT_JOB_TIMEOUT")
	r.duration(&c.RescueAfter, "SHOOT_RESCUE_AFTER")
	r.duration(&c.DrainDelay, "SHOOT_DRAIN_DELAY")
	r.boolean(&c.WebhookAllowPrivate, "SHOOT_WEBHOOK_ALLOW_PRIVATE")
	r.duration(&c.WebhookFirstRetry, "SHOOT_WEBHOOK_FIRST_RETRY")
	parsed(r, &c.MaxCostUSD, "SHOOT_MAX_COST_USD", func(v string) (float64, error) { return strconv.ParseFloat(v, 64) }, "a number")
}

// parsed sets *dst to variable name read by parse, when it is set; a value
// parse refuses fails the load, saying the value is not what (a noun).
func parsed[T any](r *envReader, dst *T, name string, parse func(string) (T, error), what string) {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return
	}
	x, err := parse(v)
	if err != nil {
		r.fail(errorf(name, "%q is not %s", v, what))
		return
	}
	*dst = x
}

func (r *envReader) integer(dst *int, name string) {
	parsed(r, dst, name, strconv.Atoi, "a whole number")
}

func (r *envReader) boolean(dst *bool, name string) {
	parsed(r, dst, name, strconv.ParseBool, "a boolean (use 1 or 0, true or false)")
}

func (r *envReader) duration(dst *time.Duration, name string) {
	parsed(r, dst, name, time.ParseDuration, "a duration (e.g. 2s, 500ms)")
}

// secrets reads each credential from its variable or from the file its
// *_FILE variant names. Setting both is ambiguous and refused.
func (r *envReader) secrets(c *Config) {
	r.secret(&c.FALKey, "FAL_KEY")
	r.secret(&c.KlingAccessKey, "KLING_ACCESS_KEY")
	r.secret(&c.KlingSecretKey, "KLING_SECRET_KEY")
	r.secret(&c.AnthropicAPIKey, "ANTHROPIC_API_KEY")
}

func (r *envReader) secret(dst *string, name string) {
	direct := strings.TrimSpace(r.getenv(name))
	file := strings.TrimSpace(r.getenv(name + "_FILE"))
	switch {
	case direct != "" && file != "":
		r.fail(errorf(name, "set either %s or %s_FILE, not both", name, name))
	case file != "":
		v, err := readSecretFile(file)
		if err != nil {
			r.fail(errorf(name+"_FILE", "%v", err))
			return
		}
		*dst = v
	default:
		*dst = direct
	}
}

// readSecretFile returns the trimmed contents of a secret file. Its errors
// name the file but never echo its contents.
func readSecretFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return "", fmt.Errorf("cannot read %s: %v", path, pe.Err)
		}
		return "", fmt.Errorf("cannot read %s", path)
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return v, nil
}

// splitList splits a comma list, trimming blanks and dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// RegisterFlags adds the flags every command that opens the studio's
// storage shares (--addr, --data-dir, --database-url, --blob-url), bound to
// c. Their defaults shown in --help are the values read from the
// environment, so flags override the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (SHOOT_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder of the embedded database and blobs (SHOOT_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL,
		"database: sqlite:PATH or postgres://… (SHOOT_DATABASE_URL; default sqlite:<data-dir>/shoot.db)")
	fs.StringVar(&c.BlobURL, "blob-url", c.BlobURL,
		"blob storage: file:///PATH, s3://bucket?… or mem:// (SHOOT_BLOB_URL; default file://<data-dir>/blobs)")
}

// Finish fills the settings that depend on others and validates the result.
// Call it after the flags are parsed.
func (c *Config) Finish() error {
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite:" + filepath.Join(c.DataDir, "shoot.db")
	}
	if c.BlobURL == "" && c.DataDir != "" {
		abs, err := filepath.Abs(filepath.Join(c.DataDir, "blobs"))
		if err != nil {
			return errorf("SHOOT_DATA_DIR", "cannot resolve %q: %v", c.DataDir, err)
		}
		c.BlobURL = "file://" + filepath.ToSlash(abs)
	}
	for i, o := range c.CORSOrigins {
		// Browsers send origins without a trailing slash.
		c.CORSOrigins[i] = strings.TrimRight(o, "/")
	}
	c.chooseProviders()
	c.chooseAuth()
	if c.RescueAfter == 0 {
		c.RescueAfter = c.JobTimeout + time.Minute
	}
	return c.Validate()
}

// chooseProviders picks the real providers when their credentials are
// present and the offline ones otherwise.
func (c *Config) chooseProviders() {
	if c.ImageProvider == "" {
		c.ImageProvider = pick(c.FALKey != "", "fal", "studio")
	}
	if c.VideoProvider == "" {
		c.VideoProvider = pick(c.HasKlingKeys(), "kling", "studio")
	}
	if c.Director == "" {
		c.Director = pick(c.AnthropicAPIKey != "", "claude", "rules")
	}
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}
