// Package httpapitest gives the API's tests what the API runs on: a real
// SQLite database and blob folder in a temporary directory, configured
// like a studio with no settings but its data folder; and the API itself
// on a test server.
package httpapitest

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/blobstore"
	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// Storage is a studio's configuration, database and blob bucket.
type Storage struct {
	Config *config.Config
	Store  *sqlite.DB
	Bucket *blob.Bucket
}

// Config returns a finished configuration whose data folder
// (SHOOT_DATA_DIR, Config.DataDir) is a temporary directory; env adds
// configuration variables.
func Config(t testing.TB, env map[string]string) *config.Config {
	t.Helper()
	vars := map[string]string{"SHOOT_DATA_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// NewStorage opens a Storage in the data folder of Config(t, env), closed
// when the test ends.
func NewStorage(t testing.TB, env map[string]string) *Storage {
	t.Helper()
	ctx := context.Background()
	cfg := Config(t, env)
	st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bucket, err := blobstore.Open(ctx, cfg.BlobURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	return &Storage{Config: cfg, Store: st, Bucket: bucket}
}

// Serve starts the API of d on a test server, closed when the test ends.
func Serve(t testing.TB, d httpapi.Deps) (*httpapi.Server, *httptest.Server) {
	t.Helper()
	srv, err := httpapi.New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}
