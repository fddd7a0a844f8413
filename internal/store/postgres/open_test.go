package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct{ url, code string }{
		{"postgres://u@127.0.0.1:5432/db?pool_max_conns=zero", shoot.EINVALID},
		{"postgres://%zz", shoot.EINVALID},
		// Port 1 on loopback: nothing listens there, so the connection is refused.
		{"postgres://u@127.0.0.1:1/db?connect_timeout=5", shoot.EUNAVAILABLE},
	}
	for _, tc := range cases {
		db, err := postgres.Open(ctx, tc.url)
		if err == nil {
			db.Close()
		}
		if got := shoot.ErrorCode(err); got != tc.code {
			t.Errorf("Open(%q) = %v (code %q), want %q", tc.url, err, got, tc.code)
		}
	}
}

// TestConcurrentOpen: processes starting together on an empty schema take
// turns migrating; all of them end up open on the latest version.
func TestConcurrentOpen(t *testing.T) {
	t.Parallel()
	u, _ := postgrestest.FreshSchema(t)
	ctx := context.Background()
	const n = 4
	dbs := make([]*postgres.DB, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			db, err := postgres.Open(ctx, u)
			if err != nil {
				t.Error(err)
				return
			}
			dbs[i] = db
		})
	}
	wg.Wait()
	for _, db := range dbs {
		if db == nil {
			t.FailNow()
		}
		defer db.Close()
		cur, latest, err := db.SchemaVersion(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Errorf("SchemaVersion = %d, %d, %v", cur, latest, err)
		}
	}
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Errorf("second Migrate: %v", err)
	}
}

// TestPoolSharesDB: DB() and Pool() are views of one pool, which River's
// riverpgxv5 driver uses.
func TestPoolSharesDB(t *testing.T) {
	t.Parallel()
	db, schema := openTemp(t)
	ctx := context.Background()
	var viaPool, viaSQL string
	if err := db.Pool().QueryRow(ctx, "SELECT current_schema()").Scan(&viaPool); err != nil {
		t.Fatal(err)
	}
	if err := db.DB().QueryRowContext(ctx, "SELECT current_schema()").Scan(&viaSQL); err != nil {
		t.Fatal(err)
	}
	if viaPool != schema || viaSQL != schema {
		t.Errorf("schemas %q, %q; want %q", viaPool, viaSQL, schema)
	}
	if db.Pool().Config().MaxConns < 16 {
		t.Errorf("pool max conns = %d", db.Pool().Config().MaxConns)
	}
}
