package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/store/sqlite"
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
