package main

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/metrics/metricstest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// scaleShootOptions keep a shoot cheap: 1K images, half-second clips at 24
// fps, every checkpoint approved, so one stream runs the whole shoot.
func scaleShootOptions() map[string]any {
	return map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24, "autoApprove": true}
}

// scaleShoot uploads two references and runs a whole auto-approved shoot
// through the API at base, failing unless it ends with the film. It
// returns the session id.
func scaleShoot(t *testing.T, base string, seed int) string {
	t.Helper()
	s := &liveStudio{t: t, Base: base}
	refs := s.upload(refPNG(seed), refPNG(seed+1))
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": "runway in the rain", "inputImages": refs,
		"options": scaleShootOptions()})
	end := lastOf(t, evs)
	if end.Type() != "complete" || end.Data["stage"] != "complete" {
		t.Fatalf("shoot ended with %v", end.Data)
	}
	return evs[0].Data["sessionId"].(string)
}

// wantFilm checks that the session's film is served.
func wantFilm(t *testing.T, base, sid string) {
	t.Helper()
	resp, err := http.Get(base + "/outputs/" + sid + "/final/fashion-video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength < 1000 {
		t.Fatalf("film: %d, %d bytes", resp.StatusCode, resp.ContentLength)
	}
}

// scrapeMetrics reads base/metrics into series → value.
func scrapeMetrics(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	got, err := metricstest.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestPostgresShoot runs a whole shoot on PostgreSQL through `shoot serve`:
// the store, River and the event log on one database, every check of the
// deep health check green, and the queue visible in /metrics.
func TestPostgresShoot(t *testing.T) {
	t.Parallel()
	dbURL, _ := postgrestest.FreshSchema(t)
	s := startStudio(t, map[string]string{"SHOOT_DATABASE_URL": dbURL})
	sid := scaleShoot(t, s.Base, 3)
	wantFilm(t, s.Base, sid)
	wantDeepHealthy(t, s.Base)
	// The film is stored, and the session complete, a moment before the
	// final job returns to River and is counted: look until it is.
	done := func(m map[string]float64) bool {
		return m[`shoot_jobs{kind="clip",state="completed"}`] == 5 && m[`shoot_job_runs_total{kind="final",outcome="done"}`] == 1
	}
	m := scrapeMetrics(t, s.Base)
	for end := time.Now().Add(30 * time.Second); !done(m) && time.Now().Before(end); m = scrapeMetrics(t, s.Base) {
		time.Sleep(100 * time.Millisecond)
	}
	if !done(m) {
		t.Errorf("metrics: %v", metricstest.Pick(m, "shoot_jobs", "shoot_job_runs_total"))
	}
}

// TestEventsFollowOtherProcesses shows that an API process learns of events
// another process appends through PostgreSQL notifications: the log here
// never polls (once an hour), so only a notification can deliver them.
func TestEventsFollowOtherProcesses(t *testing.T) {
	t.Parallel()
	dbURL, _ := postgrestest.FreshSchema(t)
	ctx := t.Context()
	api, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	worker, err := postgres.Open(ctx, dbURL) // another pool, as another process has
	if err != nil {
		t.Fatal(err)
	}
	defer worker.Close()
	log := events.New(api, nil, time.Hour)
	followOtherProcesses(ctx, api, log, slog.New(slog.DiscardHandler))
	sid := shoot.NewSessionID(time.Now())
	if err := worker.CreateSession(ctx, &shoot.Session{ID: sid}); err != nil {
		t.Fatal(err)
	}
	got := make(chan int64)
	go log.Subscribe(ctx, sid, 0, func(ev shoot.Event) bool { got <- ev.Seq; return true })
	for i := int64(1); i <= 3; i++ {
		time.Sleep(100 * time.Millisecond) // let the subscriber go idle, waiting for a wake-up
		if _, err := worker.AppendEvent(ctx, sid, shoot.EventStatus, []byte(`{"type":"status"}`)); err != nil {
			t.Fatal(err)
		}
		select {
		case seq := <-got:
			if seq != i {
				t.Fatalf("got event %d, want %d", seq, i)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d appended by another pool never arrived", i)
		}
	}
}
