// Package postgres implements store.Store on PostgreSQL through pgx v5. One
// pgx pool serves both the store (as a database/sql pool, via pgx's stdlib
// adapter) and River's riverpgxv5 driver (as the pgxpool itself). New events
// are announced with NOTIFY so API processes can follow workers in other
// processes (see ListenEvents).
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// minPoolConns is the pool size used when the URL does not set
// pool_max_conns: pgx's default (4 on small machines) is tight once River's
// producers, the API and the workers share one pool.
const minPoolConns = 16

// DB is a PostgreSQL store. It implements store.Store.
type DB struct {
	pool *pgxpool.Pool
	db   *sql.DB
}

var _ store.Store = (*DB)(nil)

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
	d := &DB{pool: pool, db: stdlib.OpenDBFromPool(pool)}
	if err := Migrate(ctx, d.db); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// DB returns the database/sql view of the pool.
func (d *DB) DB() *sql.DB { return d.db }

// Pool returns the pgx pool behind DB, for River's riverpgxv5 driver.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Dialect returns "postgres".
func (d *DB) Dialect() string { return "postgres" }

// Close closes the database/sql view and the pool.
func (d *DB) Close() error {
	err := d.db.Close()
	d.pool.Close()
	return err
}

// inTx runs fn in a transaction, committing if fn returns nil.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbError(err, "commit")
	}
	return nil
}

// dbError maps a driver error to a *shoot.Error by SQLSTATE: constraint
// failures become the caller's problem (conflict, not found, invalid),
// transient failures are worth retrying, anything else is internal. what
// names the operation for the log.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	var se *shoot.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Request cancelled.")
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if pgconn.SafeToRetry(err) || isConnectError(err) {
			return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database unavailable, retry.")
		}
		return shoot.Wrap(err, shoot.EINTERNAL, "database error: "+what)
	}
	switch pe.Code {
	case "23505":
		return shoot.Wrap(err, shoot.ECONFLICT, "Already exists.")
	case "23503":
		return shoot.Wrap(err, shoot.ENOTFOUND, "Session not found.")
	case "23514", "23502", "22P02", "22001", "22021":
		return shoot.Wrap(err, shoot.EINVALID, "Invalid value.")
	case "40001", "40P01", "53300", "57P01", "57P03":
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database busy, retry.")
	}
	return shoot.Wrap(err, shoot.EINTERNAL, "database error: "+what)
}

func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// nullString stores "" as NULL, for the schema's nullable text columns.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullJSON stores an empty or JSON-null value as SQL NULL.
func nullJSON(raw []byte) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return string(raw)
}
