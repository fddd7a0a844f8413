package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	for i := 0; i < 2; i++ { // the second run finds nothing to do
		code, stdout, stderr := runShoot(context.Background(), nil, "migrate", "--data-dir", dir)
		if code != 0 || !strings.Contains(stdout, "database sqlite migrated: schema version") {
			t.Fatalf("run %d: exit %d, stdout %q, stderr %q", i+1, code, stdout, stderr)
		}
		if f := strings.Fields(stdout); f[len(f)-3] != f[len(f)-1] {
			t.Errorf("schema not at the latest version: %q", stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "shoot.db")); err != nil {
		t.Errorf("no database file: %v", err)
	}
}

func TestMigrateDatabaseURL(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "elsewhere", "studio.db")
	code, _, stderr := runShoot(context.Background(), map[string]string{"SHOOT_DATABASE_URL": "sqlite:" + db}, "migrate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("SHOOT_DATABASE_URL ignored: %v", err)
	}
}

func TestMigrateErrors(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runShoot(context.Background(), nil, "migrate", "--help")
	if code != 0 || !strings.Contains(stdout, "-database-url") {
		t.Errorf("migrate --help: exit %d, %q", code, stdout)
	}
	code, _, stderr := runShoot(context.Background(), nil, "migrate", "--database-url", "oracle://db")
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "SHOOT_DATABASE_URL") {
		t.Errorf("bad URL: exit %d, %q", code, stderr)
	}
	// A file where the database folder should be cannot be opened: exit 1.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, []byte("x"), 0o600)
	code, _, stderr = runShoot(context.Background(), nil, "migrate", "--data-dir", filepath.Join(blocker, "data"))
	if code != 1 || !strings.HasPrefix(stderr, "shoot migrate: ") {
		t.Errorf("unopenable database: exit %d, %q", code, stderr)
	}
}
