package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
	"github.com/fashionshoot/shoot/internal/store/storetest"
)

// openTemp opens a fresh database file in the test's temp dir.
func openTemp(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestAuthConformance(t *testing.T) {
	t.Parallel()
	storetest.RunAuth(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestIdempotencyConformance(t *testing.T) {
	t.Parallel()
	storetest.RunIdempotency(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestWebhooksConformance(t *testing.T) {
	t.Parallel()
	storetest.RunWebhooks(t, func(t *testing.T) store.Store { return openTemp(t) })
}
