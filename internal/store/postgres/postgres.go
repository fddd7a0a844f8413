// Package postgres implements store.Store on PostgreSQL through pgx v5. The
// SQL it shares with SQLite lives in internal/store/sqlstore; this package
// holds the dialect (placeholders, SQLSTATE mapping, schema words) and what
// only PostgreSQL does: numbering events under a counter row's lock and
// announcing them with NOTIFY, so API processes can follow workers in other
// processes (see ListenEvents).
//
// One pgx pool serves both the store (as a database/sql pool, via pgx's
// stdlib adapter) and River's riverpgxv5 driver (as the pgxpool itself).
package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlstore"
)

// minPoolConns is the pool size used when the URL does not set
// pool_max_conns: pgx's default (4 on small machines) is tight once River's
// producers, the API and the workers share one pool.
const minPoolConns = 16

// DB is a PostgreSQL store. It implements store.Store.
type DB struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

var _ store.Store = (*DB)(nil)

// dialect is how PostgreSQL differs from SQLite for the shared SQL.
var dialect = &sqlstore.Dialect{
	Name:       "postgres",
	Title:      "PostgreSQL",
	EncodeTime: func(t time.Time) any { return t },
	// FOR NO KEY UPDATE lets event and asset inserts for the session (which
	// reference it) go on while an update holds the row.
	LockRow:      " FOR NO KEY UPDATE",
	Classify:     classify,
	Goose:        goose.DialectPostgres,
	GooseOptions: []goose.ProviderOption{goose.WithSessionLocker(schemaLocker{})},
	Schema: sqlstore.Schema{
		ID:     "BIGSERIAL PRIMARY KEY",
		Time:   "TIMESTAMPTZ",
		Now:    "now()",
		Float:  "DOUBLE PRECISION",
		BigInt: "BIGINT",
		JSONB:  "JSONB",
		Bytes:  "BYTEA",
		Bool:   func(string) string { return "BOOLEAN NOT NULL DEFAULT false" },
	},
}

// Open connects to the database at url ("postgres://user@host:port/db?…";
// pgx's pool_* parameters and runtime parameters such as search_path are
// honoured), checks the connection and applies the migrations.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "invalid PostgreSQL URL")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, minPoolConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "invalid PostgreSQL configuration")
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "cannot reach PostgreSQL")
	}
	d := &DB{Store: sqlstore.New(stdlib.OpenDBFromPool(pool), dialect), pool: pool}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Pool returns the pgx pool behind DB, for River's riverpgxv5 driver.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Close closes the database/sql view and the pool.
func (d *DB) Close() error {
	err := d.Store.Close()
	d.pool.Close()
	return err
}

// classify sorts a driver error by SQLSTATE; an error from no server
// (a lost connection) is worth retrying when pgx says so.
func classify(err error) sqlstore.ErrorClass {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		var ce *pgconn.ConnectError
		if pgconn.SafeToRetry(err) || errors.As(err, &ce) {
			return sqlstore.ErrUnavailable
		}
		return sqlstore.ErrOther
	}
	switch pe.Code {
	case "23505":
		return sqlstore.ErrConflict
	case "23503":
		return sqlstore.ErrForeignKey
	case "23514", "23502", "22P02", "22001", "22021":
		return sqlstore.ErrInvalid
	case "40001", "40P01", "53300", "57P01", "57P03":
		return sqlstore.ErrBusy
	}
	return sqlstore.ErrOther
}
