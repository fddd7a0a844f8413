package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// backend is one database the shared SQL runs on. Every test of this
// package runs on each.
type backend struct {
	name string
	// place returns a fresh, empty database location (a file path or a URL
	// with its own schema) and the schema's name ("" for SQLite).
	place func(t *testing.T) (string, string)
	// open opens (and migrates) a store at a place.
	open func(ctx context.Context, place string) (store.Store, error)
	// dump describes the schema of the database behind db as text.
	dump func(t *testing.T, db *sql.DB, schema string) string
}

var backends = []backend{
	{
		name:  "sqlite",
		place: func(t *testing.T) (string, string) { return filepath.Join(t.TempDir(), "shoot.db"), "" },
		open: func(ctx context.Context, place string) (store.Store, error) {
			return sqlite.Open(ctx, place)
		},
		dump: dumpSQLite,
	},
	{
		name:  "postgres",
		place: func(t *testing.T) (string, string) { return postgrestest.FreshSchema(t) },
		open: func(ctx context.Context, place string) (store.Store, error) {
			return postgres.Open(ctx, place)
		},
		dump: dumpPostgres,
	},
}

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// openFresh opens a store on a fresh place and closes it when t ends.
func openFresh(t *testing.T, b backend) (store.Store, string) {
	t.Helper()
	place, schema := b.place(t)
	s, err := b.open(context.Background(), place)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, schema
}
