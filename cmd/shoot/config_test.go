package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/config"
)

// TestBindConfig: the environment first, flags override, and a bad
// variable is reported only once the command runs.
func TestBindConfig(t *testing.T) {
	t.Parallel()
	e := &env{getenv: func(k string) string {
		return map[string]string{"SHOOT_ADDR": "127.0.0.1:9999", "SHOOT_WORKERS": "3", "SHOOT_DATA_DIR": "/srv/shoot"}[k]
	}}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	cc := bindConfig(e, fs)
	fs.IntVar(&cc.cfg.Workers, "workers", cc.cfg.Workers, "")
	if err := fs.Parse([]string{"--addr", ":7000", "--workers", "0"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := cc.finish()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":7000" || cfg.Workers != 0 || cfg.DataDir != "/srv/shoot" || cfg.DatabaseURL != "sqlite:/srv/shoot/shoot.db" {
		t.Errorf("config = %s", cfg)
	}
	bad := &env{getenv: func(k string) string { return map[string]string{"SHOOT_WORKERS": "many"}[k] }}
	cc = bindConfig(bad, pflag.NewFlagSet("test", pflag.ContinueOnError))
	var ue *usageError
	if _, err := cc.finish(); !errors.As(err, &ue) || !strings.Contains(err.Error(), "SHOOT_WORKERS") {
		t.Errorf("bad variable: %v, want a usage error naming SHOOT_WORKERS", err)
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
