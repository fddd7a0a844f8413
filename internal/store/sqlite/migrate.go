package sqlite

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/store/sqlstore"
)

// Migrate applies every pending migration to db, each in its own
// transaction. Open calls it; `shoot migrate` calls it explicitly. Running it
// again on a migrated database does nothing.
func Migrate(ctx context.Context, db *sql.DB) error { return sqlstore.Migrate(ctx, db, dialect) }

// SchemaVersion returns the version the database is at and the latest
// version this binary knows (`shoot migrate` reports it).
func SchemaVersion(ctx context.Context, db *sql.DB) (current, latest int64, err error) {
	return sqlstore.SchemaVersion(ctx, db, dialect)
}
