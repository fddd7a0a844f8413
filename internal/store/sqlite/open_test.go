package sqlite_test

import (
	"context"
	"path/filepath"
	"regexp"
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
	if err := sqlite.Migrate(ctx, db.DB()); err != nil {
		t.Error(err)
	}
	cur, latest, err := sqlite.SchemaVersion(ctx, db.DB())
	if err != nil || cur != latest || cur < 6 {
		t.Errorf("SchemaVersion = %d, %d, %v", cur, latest, err)
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

// TestCurrentTimestampReadsAsUTC: a row written with SQLite's CURRENT_TIMESTAMP (the
// schema's default) still reads back as UTC.
func TestCurrentTimestampReadsAsUTC(t *testing.T) {
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
