package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/storetest"
)

// baseURL returns SHOOT_TEST_POSTGRES_URL. Without it the tests skip
// locally, but fail in CI, which always provides a server.
func baseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SHOOT_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("SHOOT_TEST_POSTGRES_URL is not set (CI must start PostgreSQL: eval \"$(scripts/postgres.sh)\")")
		}
		t.Skip("SHOOT_TEST_POSTGRES_URL is not set; run: eval \"$(scripts/postgres.sh)\"")
	}
	return u
}

var schemaCounter atomic.Int64

// freshSchema creates an empty schema for one test, drops it when the test
// ends, and returns a URL whose connections use it (search_path). The
// application_name is the schema too, so a test can find its connections.
func freshSchema(t testing.TB) (string, string) {
	t.Helper()
	base := baseURL(t)
	ctx := context.Background()
	schema := fmt.Sprintf("shoot_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaCounter.Add(1))
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// openTemp opens a store on a fresh schema.
func openTemp(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	u, schema := freshSchema(t)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, schema
}

func TestConformance(t *testing.T) {
	t.Parallel()
	baseURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openTemp(t)
		return db
	})
}

func TestAuthConformance(t *testing.T) {
	t.Parallel()
	baseURL(t)
	storetest.RunAuth(t, func(t *testing.T) store.Store {
		db, _ := openTemp(t)
		return db
	})
}

func TestIdempotencyConformance(t *testing.T) {
	t.Parallel()
	baseURL(t)
	storetest.RunIdempotency(t, func(t *testing.T) store.Store {
		db, _ := openTemp(t)
		return db
	})
}

func TestWebhooksConformance(t *testing.T) {
	t.Parallel()
	baseURL(t)
	storetest.RunWebhooks(t, func(t *testing.T) store.Store {
		db, _ := openTemp(t)
		return db
	})
}
