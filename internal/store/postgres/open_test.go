package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/postgres"
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
	u, _ := freshSchema(t)
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
		cur, latest, err := postgres.SchemaVersion(ctx, db.DB())
		if err != nil || cur != latest || cur < 1 {
			t.Errorf("SchemaVersion = %d, %d, %v", cur, latest, err)
		}
	}
	if err := postgres.Migrate(ctx, dbs[0].DB()); err != nil {
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

// TestSchema checks the original tables keep their columns and that no table
// of ours takes a name from River's namespace.
func TestSchema(t *testing.T) {
	t.Parallel()
	db, schema := openTemp(t)
	ctx := context.Background()
	want := map[string]string{
		"sessions":       "id created_at updated_at status pipeline_stage sdk_session_id total_cost_usd total_turns error_message metadata owner run_state brief options",
		"session_assets": "id session_id asset_type file_name r2_key file_size mime_type created_at metadata asset_index version stale",
		"checkpoints":    "id session_id stage status artifact_keys message user_response created_at resolved_at",
		"events":         "session_id seq type data created_at",
	}
	for table, cols := range want {
		var got string
		err := db.DB().QueryRowContext(ctx, `SELECT string_agg(column_name, ' ' ORDER BY ordinal_position)
			FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, schema, table).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got != cols {
			t.Errorf("%s columns = %s, want %s", table, got, cols)
		}
	}
	var river int
	db.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname LIKE 'river%'`, schema).Scan(&river)
	if river != 0 {
		t.Errorf("%d river_* relations created by our migrations", river)
	}
}

// TestTwoPoolsAppend stands in for two processes appending to one session:
// the numbers stay gapless across pools.
func TestTwoPoolsAppend(t *testing.T) {
	t.Parallel()
	u, _ := freshSchema(t)
	ctx := context.Background()
	var pools [2]*postgres.DB
	for i := range pools {
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		pools[i] = db
	}
	if err := pools[0].CreateSession(ctx, &shoot.Session{ID: "shared"}); err != nil {
		t.Fatal(err)
	}
	const perWorker, workers = 10, 4
	var wg sync.WaitGroup
	for w := range workers {
		db := pools[w%2]
		wg.Go(func() {
			for i := range perWorker {
				data := fmt.Appendf(nil, `{"type":"status","w":%d,"i":%d}`, w, i)
				if _, err := db.AppendEvent(ctx, "shared", "status", data); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	events, err := pools[1].EventsAfter(ctx, "shared", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != workers*perWorker {
		t.Fatalf("%d events, want %d", len(events), workers*perWorker)
	}
	for i, e := range events {
		if e.Seq != int64(i+1) || !strings.Contains(string(e.Data), `"type":"status"`) {
			t.Fatalf("event %d: seq %d data %s", i, e.Seq, e.Data)
		}
	}
}
