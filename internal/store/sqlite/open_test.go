package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

func TestDSN(t *testing.T) {
	t.Parallel()
	suffix := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	cases := []struct{ in, want string }{
		{"data/shoot.db", "data/shoot.db?" + suffix},
		{"/abs/shoot.db", "/abs/shoot.db?" + suffix},
		{"sqlite:///abs/shoot.db", "/abs/shoot.db?" + suffix},
		{"sqlite://rel.db", "rel.db?" + suffix},
		{"sqlite:rel.db", "rel.db?" + suffix},
		{"file:x.db?mode=rwc", "file:x.db?mode=rwc&" + suffix},
		{":memory:", ":memory:?" + suffix},
	}
	for _, tc := range cases {
		got, err := sqlite.DSN(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("DSN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "  ", "sqlite://", "?a=b", "x.db?%zz"} {
		if _, err := sqlite.DSN(bad); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("DSN(%q) error %v, want EINVALID", bad, err)
		}
	}
}

// TestPragmas checks the connection settings are in force on the pool.
func TestPragmas(t *testing.T) {
	t.Parallel()
	db := openTemp(t).DB()
	ctx := context.Background()
	cases := []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"busy_timeout", "10000"}, {"synchronous", "1"},
	}
	for _, tc := range cases {
		var got string
		if err := db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
	if n := db.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("MaxOpenConnections = %d, want 1", n)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shoot.db")
	for range 2 {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sqlite.Migrate(ctx, db.DB()); err != nil {
			t.Fatal(err)
		}
		cur, latest, err := sqlite.SchemaVersion(ctx, db.DB())
		if err != nil || cur != latest || cur < 1 {
			t.Errorf("SchemaVersion = %d, %d, %v", cur, latest, err)
		}
		db.Close()
	}
}

// TestSchema checks the original tables keep their columns and that no table
// of ours takes a name from River's namespace.
func TestSchema(t *testing.T) {
	t.Parallel()
	db := openTemp(t).DB()
	ctx := context.Background()
	want := map[string]string{
		"sessions":       "id created_at updated_at status pipeline_stage sdk_session_id total_cost_usd total_turns error_message metadata owner run_state brief options",
		"session_assets": "id session_id asset_type file_name r2_key file_size mime_type created_at metadata asset_index version stale",
		"checkpoints":    "id session_id stage status artifact_keys message user_response created_at resolved_at",
		"events":         "session_id seq type data created_at",
	}
	for table, cols := range want {
		rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var name string
			rows.Scan(&name)
			got = append(got, name)
		}
		rows.Close()
		if strings.Join(got, " ") != cols {
			t.Errorf("%s columns = %v, want %s", table, got, cols)
		}
	}
	var river int
	db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'river%'").Scan(&river)
	if river != 0 {
		t.Errorf("%d river_* objects created by our migrations", river)
	}
}

// TestStoredTimeFormat checks times are stored in the one fixed-width UTC
// form, so SQL string order is time order.
// The driver parses DATETIME columns into time.Time on read, so the queries
// append ” to see the stored text itself.
func TestStoredTimeFormat(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	ctx := context.Background()
	if err := db.CreateSession(ctx, &shoot.Session{ID: "s1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AppendEvent(ctx, "s1", "status", []byte(`{"type":"status"}`)); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	for _, q := range []string{"SELECT created_at || '' FROM sessions", "SELECT created_at || '' FROM events",
		"SELECT strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')"} {
		var s string
		if err := db.DB().QueryRowContext(ctx, q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(s) {
			t.Errorf("%s: %q is not in the fixed form", q, s)
		}
	}
}

// TestTwoPoolsShareAFile stands in for two processes on one database file:
// each has its own single-connection pool, and appends from both stay
// gapless (the write lock and busy timeout serialise them).
func TestTwoPoolsShareAFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var pools [2]*sqlite.DB
	for i := range pools {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		pools[i] = db
	}
	if err := pools[0].CreateSession(ctx, &shoot.Session{ID: "shared"}); err != nil {
		t.Fatal(err)
	}
	const each = 40
	var wg sync.WaitGroup
	for i, db := range pools {
		wg.Go(func() {
			for n := range each {
				data := fmt.Appendf(nil, `{"type":"status","pool":%d,"n":%d}`, i, n)
				if _, err := db.AppendEvent(ctx, "shared", "status", data); err != nil {
					t.Error(err)
					return
				}
				if _, err := db.UpdateSession(ctx, "shared", func(s *shoot.Session) error { s.TotalTurns++; return nil }); err != nil {
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
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("seq %d at position %d", e.Seq, i)
		}
	}
	if len(events) != 2*each {
		t.Errorf("%d events, want %d", len(events), 2*each)
	}
	s, err := pools[0].GetSession(ctx, "shared")
	if err != nil || s.TotalTurns != 2*each {
		t.Errorf("total_turns = %v (%v), want %d", s, err, 2*each)
	}
}

func TestMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateSession(ctx, &shoot.Session{ID: "m1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetSession(ctx, "m1"); err != nil {
		t.Fatal(err)
	}
	if db.Dialect() != "sqlite" {
		t.Errorf("Dialect = %q", db.Dialect())
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	for _, bad := range []string{"", filepath.Join(dir, "missing", "dir", "x.db"), dir} {
		if db, err := sqlite.Open(ctx, bad); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	var _ store.Store = (*sqlite.DB)(nil)
}

// TestSeedTimeForm: a row written with SQLite's CURRENT_TIMESTAMP (the
// schema's default) still reads back as UTC.
func TestSeedTimeForm(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	ctx := context.Background()
	_, err := db.DB().ExecContext(ctx, `INSERT INTO sessions (id, created_at, updated_at)
		VALUES ('seed1', '2025-01-14 13:29:01', CURRENT_TIMESTAMP)`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.GetSession(ctx, "seed1")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2025, 1, 14, 13, 29, 1, 0, time.UTC)
	if !s.CreatedAt.Equal(want) || s.CreatedAt.Location() != time.UTC {
		t.Errorf("created_at = %v, want %v", s.CreatedAt, want)
	}
}
