package postgres_test

import (
	"context"
	"testing"

	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// openTemp opens a store on a fresh schema.
func openTemp(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	u, schema := postgrestest.FreshSchema(t)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, schema
}
