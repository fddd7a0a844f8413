package postgres

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/fashionshoot/shoot/internal/shoot"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationTable keeps goose's bookkeeping apart from River's river_* tables
// and from any other goose user of the same database.
const migrationTable = "shoot_migrations"

// Migrate applies every pending migration to db, each in its own
// transaction, in the schema first on db's search_path. Processes starting
// together take turns on an advisory lock, so each migration runs once.
// Running it again on a migrated database does nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return dbError(err, "apply PostgreSQL migrations")
	}
	return nil
}

// SchemaVersion returns the version the database is at and the latest
// version this binary knows.
func SchemaVersion(ctx context.Context, db *sql.DB) (current, latest int64, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, dbError(err, "read PostgreSQL schema version")
	}
	return current, latest, nil
}

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "embedded migrations")
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithTableName(migrationTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
		goose.WithSessionLocker(schemaLocker{}),
	)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "load PostgreSQL migrations")
	}
	return p, nil
}

// schemaLocker is a goose session locker that blocks on a session advisory
// lock keyed by the current schema. goose's own locker polls every few
// seconds; blocking wakes as soon as the lock is free, and keying by schema
// lets migrations of different schemas (parallel tests) run at once.
type schemaLocker struct{}

const lockKey = `hashtext('shoot-migrate:' || current_schema())`

// SessionLock implements lock.SessionLocker.
func (schemaLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`)
	return err
}

// SessionUnlock implements lock.SessionLocker.
func (schemaLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(`+lockKey+`)`)
	return err
}
