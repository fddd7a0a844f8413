package sqlite

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
// transaction. Open calls it; `shoot migrate` calls it explicitly. Running it
// again on a migrated database does nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "apply SQLite migrations")
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
		return 0, 0, shoot.Wrap(err, shoot.EINTERNAL, "read SQLite schema version")
	}
	return current, latest, nil
}

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "embedded migrations")
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub,
		goose.WithTableName(migrationTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
	)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "load SQLite migrations")
	}
	return p, nil
}
