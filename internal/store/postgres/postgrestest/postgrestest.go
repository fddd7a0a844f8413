// Package postgrestest gives tests a PostgreSQL schema of their own on the
// server named by SHOOT_TEST_POSTGRES_URL (scripts/postgres.sh starts one).
package postgrestest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BaseURL returns SHOOT_TEST_POSTGRES_URL. Without it the test skips
// locally, but fails in CI, which always provides a server.
func BaseURL(t testing.TB) string {
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

// FreshSchema creates an empty schema for one test, drops it when the test
// ends, and returns a URL whose connections use it (search_path) with the
// schema's name. The application_name is the schema too, so a test can find
// its connections.
func FreshSchema(t testing.TB) (string, string) {
	t.Helper()
	base := BaseURL(t)
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
