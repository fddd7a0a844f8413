package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/director/claude"
	"github.com/fashionshoot/shoot/internal/director/rules"
	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/metrics"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
	"github.com/fashionshoot/shoot/internal/webhook"
)

// engine is the pipeline with its queue, ready to start, and the metrics
// its providers, jobs and (in serve) HTTP requests report to.
type engine struct {
	*pipeline.Engine
	queue   jobs.Queue
	metrics *metrics.Metrics
}

// buildEngine wires providers, director, event log and queue from cfg.
// workers is the number of jobs this process works at once (0: API only).
func buildEngine(ctx context.Context, cfg *config.Config, st store.Store, bucket *blob.Bucket, logger *slog.Logger, workers int) (*engine, error) {
	lib, err := prompt.Load(cfg.PresetsDir)
	if err != nil {
		return nil, usagef("SHOOT_PRESETS_DIR: %v", err)
	}
	m := metrics.New()
	images, err := imageProvider(cfg, logger)
	if err != nil {
		return nil, err
	}
	videos, err := videoProvider(cfg, logger)
	if err != nil {
		return nil, err
	}
	images, videos = m.Images(images), m.Videos(videos)
	dir, err := directorFor(cfg, lib, st, logger)
	if err != nil {
		return nil, err
	}
	log := events.New(st, logger, 250*time.Millisecond)
	followOtherProcesses(ctx, st, log, logger)
	hooks, ok := st.(store.Webhooks)
	if !ok {
		return nil, fmt.Errorf("a %s store keeps no webhooks", st.Dialect())
	}
	deliverer := webhook.NewDeliverer(hooks, webhook.New(webhook.SenderOptions{
		Policy: webhook.Policy{AllowPrivate: cfg.WebhookAllowPrivate}}),
		webhook.DelivererOptions{FirstRetry: cfg.WebhookFirstRetry, Logger: logger})
	// The queue's workers run the engine's work, and the engine enqueues
	// through the queue: the queue is built first, with a runner that
	// reaches the engine, which exists before the queue is started.
	var eng *pipeline.Engine
	run := jobs.RunnerFunc(func(ctx context.Context, w pipeline.Work, last bool) error { return eng.Do(ctx, w, last) })
	q, err := newQueue(ctx, st, run, jobs.Options{Workers: workers, Logger: logger, ID: workerID(cfg),
		JobTimeout: cfg.JobTimeout, RescueAfter: cfg.RescueAfter, Observe: m.ObserveJob, Webhooks: deliverer})
	if err != nil {
		return nil, err
	}
	// Webhooks hear of events and artifacts in the process that records
	// them, through the same durable queue.
	dispatch := webhook.NewDispatcher(struct {
		store.Store
		store.Webhooks
	}{st, hooks}, q, logger)
	log.OnAppend(dispatch.Event)
	eng = pipeline.New(pipeline.Deps{Store: st, Bucket: bucket, Events: log, Images: images, Videos: videos,
		Director: dir, Presets: lib, Logger: logger, Queue: q, OnAsset: dispatch.Asset},
		pipeline.Options{ClipConcurrency: cfg.ClipConcurrency, MaxCostUSD: cfg.MaxCostUSD, TempDir: os.TempDir(),
			MonthlyBudgetUSD: cfg.MonthlyBudgetUSD, ObserveRequests: m.ObserveShootRequests,
			CountRequests: m.CountProviderRequests, CountCuts: m.CountCut, PublicURL: cfg.PublicURL})
	if err := m.WatchQueue(func(ctx context.Context) ([]jobs.JobCount, error) {
		return jobs.CountJobs(ctx, st.DB(), st.Dialect())
	}, logger); err != nil {
		return nil, err
	}
	return &engine{Engine: eng, queue: q, metrics: m}, nil
}

// workerID names this process's workers in the queue: the configured id, or
// host-pid, which tells apart the processes of one machine.
func workerID(cfg *config.Config) string {
	if cfg.WorkerID != "" {
		return cfg.WorkerID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "shoot"
	}
	return fmt.Sprintf("%.80s-%d", host, os.Getpid())
}

// followOtherProcesses wakes the event log's subscribers when another
// process appends to a session (PostgreSQL LISTEN/NOTIFY), until ctx ends.
// A notification lost while reconnecting is made up by waking every
// followed session; the log's 250 ms poll remains the fallback. SQLite has
// no notifier: one process, or the poll.
func followOtherProcesses(ctx context.Context, st store.Store, log *events.Log, logger *slog.Logger) {
	db, ok := st.(*postgres.DB)
	if !ok {
		return
	}
	go func() {
		err := db.ListenEvents(ctx, func(sessionID string, _ int64) {
			if sessionID == "" {
				log.NotifyAll()
				return
			}
			log.Notify(sessionID)
		})
		if ctx.Err() == nil {
			logger.Warn("cannot listen for events from other processes; polling instead", "err", err)
		}
	}()
}

// newQueue picks River's driver for the store's database.
func newQueue(ctx context.Context, st store.Store, r jobs.Runner, o jobs.Options) (jobs.Queue, error) {
	switch db := st.(type) {
	case *sqlite.DB:
		return jobs.NewSQLite(ctx, db.DB(), r, o)
	case *postgres.DB:
		return jobs.NewPostgres(ctx, db.Pool(), r, o)
	}
	return nil, fmt.Errorf("no job queue for a %s store", st.Dialect())
}

func falOptions(cfg *config.Config, logger *slog.Logger) fal.Options {
	return fal.Options{Key: cfg.FALKey, QueueURL: cfg.FALQueueURL, RestURL: cfg.FALRestURL,
		ImageModel: cfg.FALImageModel, EditModel: cfg.FALEditModel, VideoModel: cfg.FALVideoModel, Logger: logger}
}

func imageProvider(cfg *config.Config, logger *slog.Logger) (pipeline.ImageGenerator, error) {
	switch cfg.ImageProvider {
	case "", "studio":
		return studio.NewImages(studio.Options{Latency: cfg.StudioImageLatency}), nil
	case "fal":
		return fal.NewImages(falOptions(cfg, logger)), nil
	}
	return nil, usagef("SHOOT_IMAGE_PROVIDER: unknown provider %q", cfg.ImageProvider)
}

func videoProvider(cfg *config.Config, logger *slog.Logger) (pipeline.VideoGenerator, error) {
	switch cfg.VideoProvider {
	case "", "studio":
		return studio.NewVideos(studio.Options{Latency: cfg.StudioClipLatency, MaxSide: cfg.StudioClipSize}), nil
	case "fal":
		return fal.NewVideos(falOptions(cfg, logger)), nil
	case "kling":
		return kling.NewVideos(kling.Options{AccessKey: cfg.KlingAccessKey, SecretKey: cfg.KlingSecretKey,
			BaseURL: cfg.KlingBaseURL, Model: cfg.KlingModel, Mode: cfg.KlingMode, Logger: logger}), nil
	}
	return nil, usagef("SHOOT_VIDEO_PROVIDER: unknown provider %q", cfg.VideoProvider)
}

func directorFor(cfg *config.Config, lib *prompt.Library, st store.Store, logger *slog.Logger) (pipeline.Director, error) {
	switch cfg.Director {
	case "", "rules":
		return rules.New(lib, media.Names()), nil
	case "claude":
		d, err := claude.New(claude.Options{APIKey: cfg.AnthropicAPIKey, BaseURL: cfg.AnthropicBaseURL,
			Model: cfg.ClaudeModel, MaxTurns: cfg.MaxTurns, Store: st, Logger: logger, Library: lib, Easings: media.Names()})
		if err != nil {
			return nil, usagef("director: %v", err)
		}
		return d, nil
	}
	return nil, usagef("SHOOT_DIRECTOR: unknown director %q", cfg.Director)
}
