package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/blobstore"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// cmdConfig is a command's configuration while its command line is being
// read: the environment first, then the flags bound to it override.
type cmdConfig struct {
	cfg    *config.Config
	envErr error
}

// bindConfig reads the environment and binds the common flags (--addr,
// --data-dir, --database-url, --blob-url) to the result on fs. A bad
// variable is reported by finish, so --help works with a bad environment.
func bindConfig(e *env, fs *pflag.FlagSet) *cmdConfig {
	cfg, err := config.FromEnv(e.getenv)
	common := flag.NewFlagSet("", flag.ContinueOnError)
	cfg.RegisterFlags(common)
	fs.AddGoFlagSet(common)
	return &cmdConfig{cfg: cfg, envErr: err}
}

// finish validates the configuration after the flags were parsed and fills
// the derived defaults. Any bad value is a usageError (exit 2, one line).
func (c *cmdConfig) finish() (*config.Config, error) {
	if c.envErr != nil {
		return nil, usagef("%v", c.envErr)
	}
	if err := c.cfg.Finish(); err != nil {
		return nil, usagef("%v", err)
	}
	return c.cfg, nil
}

// newLogger returns the process logger: text or JSON on w at the configured
// level.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// app is what a configured process has open: the database and the blob
// store. Commands that serve or work add their parts on top of it.
type app struct {
	cfg    *config.Config
	store  store.Store
	bucket *blob.Bucket
	logger *slog.Logger
}

// openApp opens the database (applying migrations) and the blob store.
func openApp(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*app, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	bucket, err := blobstore.Open(ctx, cfg.BlobURL)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("blob storage: %w", err)
	}
	return &app{cfg: cfg, store: st, bucket: bucket, logger: logger}, nil
}

// close releases the blob store, then the database.
func (a *app) close() error {
	return errors.Join(a.bucket.Close(), a.store.Close())
}

// openStore opens the database the configuration names, creating the
// folder of a SQLite file if needed.
func openStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	switch cfg.DatabaseDialect() {
	case "sqlite":
		if dir := sqliteDir(cfg.DatabaseURL); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("database folder: %w", err)
			}
		}
		st, err := sqlite.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		return st, nil
	case "postgres":
		st, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		return st, nil
	}
	return nil, usagef("SHOOT_DATABASE_URL: unknown database scheme")
}

// sqliteDir returns the folder of the SQLite file a database URL names, or
// "" for an in-memory database.
func sqliteDir(dbURL string) string {
	p := dbURL
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		if strings.HasPrefix(p, prefix) {
			p = strings.TrimPrefix(p, prefix)
			break
		}
	}
	p, _, _ = strings.Cut(p, "?")
	if p == "" || p == ":memory:" {
		return ""
	}
	return filepath.Dir(p)
}
