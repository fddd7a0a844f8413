package httpapi_test

import (
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/director/rules"
	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// backend is what the API tests run on: a real SQLite database and blob
// folder in a temporary directory, and an engine on the offline providers
// whose queue holds work instead of running it.
type backend struct {
	cfg    *config.Config
	store  *sqlite.DB
	bucket *blob.Bucket
	eng    *pipeline.Engine
	queue  *heldQueue
}

// newBackend builds a backend; env adds configuration variables.
func newBackend(t testing.TB, env map[string]string) *backend {
	t.Helper()
	s := httpapitest.NewStorage(t, env)
	cfg, st, bucket := s.Config, s.Store, s.Bucket
	lib, err := prompt.Load("")
	if err != nil {
		t.Fatal(err)
	}
	q := &heldQueue{}
	eng := pipeline.New(pipeline.Deps{Store: st, Bucket: bucket, Events: events.New(st, nil, 20*time.Millisecond),
		Images: studio.NewImages(studio.Options{}), Videos: studio.NewVideos(studio.Options{}),
		Director: rules.New(lib, media.Names()), Presets: lib, Queue: q}, pipeline.Options{})
	return &backend{cfg: cfg, store: st, bucket: bucket, eng: eng, queue: q}
}
