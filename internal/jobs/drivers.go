package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// NewSQLite returns a queue on an SQLite database, migrating River's tables
// first. The embedded default is one process: jobs left "running" by a
// killed process are made available again at once, instead of waiting for
// the rescuer (which exists for several processes sharing PostgreSQL).
func NewSQLite(ctx context.Context, db *sql.DB, r Runner, o Options) (Queue, error) {
	o.defaults()
	driver := riversqlite.New(db)
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, m); err != nil {
		return nil, err
	}
	if o.Workers > 0 {
		if _, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = CURRENT_TIMESTAMP WHERE state = 'running'`); err != nil {
			return nil, fmt.Errorf("requeue interrupted jobs: %w", err)
		}
	}
	c, err := river.NewClient(driver, config(r, o))
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	wake := func(ctx context.Context, id int64) error {
		_, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = CURRENT_TIMESTAMP
			WHERE id = ? AND state = 'scheduled'`, id)
		return err
	}
	return &queue{c: c, workers: o.Workers, webhooks: o.Webhooks, wake: wake}, nil
}

// NewPostgres returns a queue on PostgreSQL, migrating River's tables first.
// Jobs of a dead worker process are rescued by another after RescueAfter.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool, r Runner, o Options) (Queue, error) {
	o.defaults()
	driver := riverpgxv5.New(pool)
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, m); err != nil {
		return nil, err
	}
	c, err := river.NewClient(driver, config(r, o))
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	wake := func(ctx context.Context, id int64) error {
		_, err := pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
			WHERE id = $1 AND state = 'scheduled'`, id)
		return err
	}
	return &queue{c: c, workers: o.Workers, webhooks: o.Webhooks, wake: wake}, nil
}

type migrator interface {
	Migrate(ctx context.Context, dir rivermigrate.Direction, opts *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
}

func migrate[T migrator](ctx context.Context, m T) error {
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}
