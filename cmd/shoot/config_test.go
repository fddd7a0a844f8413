package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/config"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	e := &env{getenv: func(k string) string {
		return map[string]string{"SHOOT_ADDR": "127.0.0.1:9999", "SHOOT_WORKERS": "3"}[k]
	}, stdout: &out, stderr: &out}
	fs := newFlagSet(e, "test", "")
	cfg, err := loadConfig(e, fs, []string{"--addr", ":7000", "--workers", "0"}, func(c *config.Config) {
		fs.IntVar(&c.Workers, "workers", c.Workers, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":7000" || cfg.Workers != 0 || cfg.DatabaseURL == "" || cfg.BlobURL == "" {
		t.Errorf("config = %s", cfg)
	}
	_, err = loadConfig(e, newFlagSet(e, "test", ""), []string{"--help"}, nil)
	if err != flag.ErrHelp {
		t.Errorf("--help: %v, want flag.ErrHelp", err)
	}
}

func TestSQLiteDir(t *testing.T) {
	t.Parallel()
	for url, want := range map[string]string{
		"sqlite:data/shoot.db":       "data",
		"sqlite:///var/lib/shoot.db": "/var/lib",
		"/abs/x.db":                  "/abs",
		"file:rel/x.db?cache=shared": "rel",
		"sqlite::memory:":            "",
		"sqlite:shoot.db":            ".",
	} {
		if got := sqliteDir(url); got != want {
			t.Errorf("sqliteDir(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestNewLoggerFormats(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	newLogger(&config.Config{LogFormat: "json", LogLevel: "warn"}, &buf).Info("hidden")
	newLogger(&config.Config{LogFormat: "json", LogLevel: "warn"}, &buf).Warn("shown")
	if s := buf.String(); strings.Contains(s, "hidden") || !strings.HasPrefix(s, `{"time"`) {
		t.Errorf("json logger wrote %q", s)
	}
	buf.Reset()
	newLogger(&config.Config{LogFormat: "text", LogLevel: "debug"}, &buf).Debug("detail")
	if !strings.Contains(buf.String(), "level=DEBUG msg=detail") {
		t.Errorf("text logger wrote %q", buf.String())
	}
}
