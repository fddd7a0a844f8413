package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envOf returns a getenv backed by a map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// load runs the whole sequence a command runs: env, flags, Finish.
func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	c, err := FromEnv(envOf(env))
	if err != nil {
		return c, err
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	return c, c.Finish()
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("data/blobs")
	checks := map[string][2]string{
		"addr":     {c.Addr, "127.0.0.1:8080"},
		"dataDir":  {c.DataDir, "./data"},
		"database": {c.DatabaseURL, "sqlite:data/shoot.db"},
		"blob":     {c.BlobURL, "file://" + abs},
		"image":    {c.ImageProvider, "studio"},
		"video":    {c.VideoProvider, "studio"},
		"director": {c.Director, "rules"},
		"env":      {c.Environment, "development"},
		"dialect":  {c.DatabaseDialect(), "sqlite"},
	}
	for name, got := range checks {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
	if len(c.CORSOrigins) != 0 {
		t.Errorf("CORS origins = %v, want none by default", c.CORSOrigins)
	}
	if c.Workers != 10 || c.ClipConcurrency != 5 {
		t.Errorf("workers=%d clip concurrency=%d", c.Workers, c.ClipConcurrency)
	}
}

func TestProvidersFollowCredentials(t *testing.T) {
	t.Parallel()
	c, err := load(t, map[string]string{
		"FAL_KEY": "fal-secret", "KLING_ACCESS_KEY": "ak", "KLING_SECRET_KEY": "sk", "ANTHROPIC_API_KEY": "sk-ant",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.ImageProvider != "fal" || c.VideoProvider != "kling" || c.Director != "claude" {
		t.Errorf("providers = %s/%s/%s, want fal/kling/claude", c.ImageProvider, c.VideoProvider, c.Director)
	}
	// One Kling key alone is not enough for Kling.
	c, err = load(t, map[string]string{"KLING_ACCESS_KEY": "ak"})
	if err != nil {
		t.Fatal(err)
	}
	if c.VideoProvider != "studio" {
		t.Errorf("video provider with one Kling key = %s, want studio", c.VideoProvider)
	}
	// An explicit choice wins over the credential-based default.
	c, err = load(t, map[string]string{"FAL_KEY": "k", "SHOOT_IMAGE_PROVIDER": "studio"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ImageProvider != "studio" {
		t.Errorf("explicit studio ignored: %s", c.ImageProvider)
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := load(t, map[string]string{"SHOOT_ADDR": "127.0.0.1:9000", "SHOOT_DATA_DIR": "/nowhere"},
		"--addr", ":0", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":0" || c.DataDir != dir {
		t.Errorf("addr=%q dataDir=%q: flags did not override the environment", c.Addr, c.DataDir)
	}
	if c.DatabaseURL != "sqlite:"+filepath.Join(dir, "shoot.db") || c.BlobURL != "file://"+filepath.Join(dir, "blobs") {
		t.Errorf("derived locations do not follow --data-dir: %q %q", c.DatabaseURL, c.BlobURL)
	}
}

func TestSecretFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "fal")
	if err := os.WriteFile(keyFile, []byte("  fal-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"FAL_KEY_FILE": keyFile})
	if err != nil {
		t.Fatal(err)
	}
	if c.FALKey != "fal-from-file" {
		t.Errorf("FAL key = %q, want the trimmed file contents", c.FALKey)
	}

	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	for name, env := range map[string]map[string]string{
		"missing file": {"KLING_SECRET_KEY_FILE": filepath.Join(dir, "nope")},
		"empty file":   {"ANTHROPIC_API_KEY_FILE": empty},
		"both set":     {"FAL_KEY": "x", "FAL_KEY_FILE": keyFile},
	} {
		if _, err := load(t, env); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestInvalidValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		args []string
		want string // the variable the message must name
	}{
		{env: map[string]string{"SHOOT_IMAGE_PROVIDER": "dalle"}, want: "SHOOT_IMAGE_PROVIDER"},
		{env: map[string]string{"SHOOT_VIDEO_PROVIDER": "sora"}, want: "SHOOT_VIDEO_PROVIDER"},
		{env: map[string]string{"SHOOT_DIRECTOR": "gpt"}, want: "SHOOT_DIRECTOR"},
		{env: map[string]string{"SHOOT_CLIP_CONCURRENCY": "many"}, want: "SHOOT_CLIP_CONCURRENCY"},
		{env: map[string]string{"SHOOT_CLIP_CONCURRENCY": "0"}, want: "SHOOT_CLIP_CONCURRENCY"},
		{env: map[string]string{"SHOOT_MAX_COST_USD": "lots"}, want: "SHOOT_MAX_COST_USD"},
		{env: map[string]string{"SHOOT_MAX_COST_USD": "-1"}, want: "SHOOT_MAX_COST_USD"},
		{env: map[string]string{"SHOOT_MEDIA_REDIRECT": "perhaps"}, want: "SHOOT_MEDIA_REDIRECT"},
		{env: map[string]string{"SHOOT_STUDIO_CLIP_LATENCY": "soon"}, want: "SHOOT_STUDIO_CLIP_LATENCY"},
		{env: map[string]string{"SHOOT_STUDIO_CLIP_SIZE": "big"}, want: "SHOOT_STUDIO_CLIP_SIZE"},
		{env: map[string]string{"SHOOT_STUDIO_CLIP_SIZE": "32"}, want: "SHOOT_STUDIO_CLIP_SIZE"},
		{env: map[string]string{"SHOOT_STUDIO_CLIP_SIZE": "4096"}, want: "SHOOT_STUDIO_CLIP_SIZE"},
		{env: map[string]string{"SHOOT_ADDR": "localhost"}, want: "SHOOT_ADDR"},
		{args: []string{"--addr", "127.0.0.1:99999"}, want: "--addr"},
		{env: map[string]string{"SHOOT_DATABASE_URL": "mysql://db/x"}, want: "SHOOT_DATABASE_URL"},
		{args: []string{"--blob-url", "gs://bucket"}, want: "--blob-url"},
		{env: map[string]string{"SHOOT_LOG_LEVEL": "loud"}, want: "SHOOT_LOG_LEVEL"},
		{env: map[string]string{"SHOOT_CORS_ORIGINS": "example.com"}, want: "SHOOT_CORS_ORIGINS"},
		{env: map[string]string{"SHOOT_CORS_ORIGINS": "https://a.example/path"}, want: "SHOOT_CORS_ORIGINS"},
		{env: map[string]string{"SHOOT_FAL_QUEUE_URL": "ftp://x"}, want: "SHOOT_FAL_QUEUE_URL"},
		{env: map[string]string{"SHOOT_IMAGE_PROVIDER": "fal"}, want: "FAL_KEY"},
		{env: map[string]string{"SHOOT_VIDEO_PROVIDER": "kling", "KLING_ACCESS_KEY": "a"}, want: "KLING_SECRET_KEY"},
		{env: map[string]string{"SHOOT_DIRECTOR": "claude"}, want: "ANTHROPIC_API_KEY"},
		{env: map[string]string{"SHOOT_WORKERS": "-1"}, want: "--workers"},
		{env: map[string]string{"SHOOT_PUBLIC_URL": "studio.example.com"}, want: "SHOOT_PUBLIC_URL"},
		{env: map[string]string{"SHOOT_PUBLIC_URL": "https://studio.example.com/?x=1"}, want: "SHOOT_PUBLIC_URL"},
		{env: map[string]string{"SHOOT_FAL_JWKS_URL": "file:///keys.json"}, want: "SHOOT_FAL_JWKS_URL"},
	}
	for _, tc := range cases {
		_, err := load(t, tc.env, tc.args...)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%v %v: error %v, want a *config.Error", tc.env, tc.args, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%v %v: message %q should name %s on one line", tc.env, tc.args, msg, tc.want)
		}
	}
}

func TestValidValuesAccepted(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{"SHOOT_DATABASE_URL": "postgres://u:p@localhost/shoot"},
		{"SHOOT_DATABASE_URL": "/var/lib/shoot/shoot.db"},
		{"SHOOT_DATABASE_URL": "sqlite:///abs/shoot.db"},
		{"SHOOT_BLOB_URL": "s3://bucket?endpoint=http://127.0.0.1:9000&region=auto&use_path_style=true"},
		{"SHOOT_BLOB_URL": "mem://"},
		{"SHOOT_CORS_ORIGINS": "*"},
		{"SHOOT_CORS_ORIGINS": "https://a.example, http://localhost:5173/"},
		{"SHOOT_ADDR": ":8080"},
		{"SHOOT_MEDIA_REDIRECT": "1", "SHOOT_STUDIO_IMAGE_LATENCY": "2s", "SHOOT_MAX_COST_USD": "12.5"},
		{"SHOOT_PUBLIC_URL": "https://studio.example.com/shoot/"},
		{"SHOOT_STUDIO_CLIP_SIZE": "240"},
	} {
		if _, err := load(t, env); err != nil {
			t.Errorf("%v: %v", env, err)
		}
	}
	c, _ := load(t, map[string]string{"SHOOT_CORS_ORIGINS": " https://a.example , http://localhost:5173/ ,"})
	if fmt.Sprint(c.CORSOrigins) != "[https://a.example http://localhost:5173]" {
		t.Errorf("CORS origins = %q", c.CORSOrigins)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"FAL_KEY": "fal-SECRET-1", "KLING_ACCESS_KEY": "kling-SECRET-2", "KLING_SECRET_KEY": "kling-SECRET-3",
		"ANTHROPIC_API_KEY": "ant-SECRET-4", "SHOOT_DATABASE_URL": "postgres://shoot:db-SECRET-5@localhost/shoot",
		"SHOOT_BLOB_URL": "s3://bucket?region=auto&secret_access_key=blob-SECRET-6",
	}
	c, err := load(t, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("config", "config", c)
	outputs := map[string]string{
		"Redacted": c.Redacted(), "%v": fmt.Sprintf("%v", c), "%#v": fmt.Sprintf("%#v", c),
		"%s": fmt.Sprintf("%s", c), "slog": logBuf.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, "SECRET") {
			t.Errorf("%s leaks a secret: %s", how, out)
		}
		if !strings.Contains(out, "fal_key=set") {
			t.Errorf("%s does not say the FAL key is set: %s", how, out)
		}
	}
}
