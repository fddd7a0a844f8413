package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/metrics"
	"github.com/fashionshoot/shoot/internal/metrics/metricstest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// scrape fetches the registry through its handler and returns the series
// (name with labels → value).
func scrape(t *testing.T, m *metrics.Metrics) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	got, err := metricstest.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestHTTPAndJobSeries(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.ObserveHTTP("GET", "/api/sessions/{id}", 404, 3*time.Millisecond)
	m.ObserveHTTP("GET", "/api/sessions/{id}", 404, 2*time.Millisecond)
	m.ObserveHTTP("POST", "/api/upload", 200, 40*time.Millisecond)
	m.ObserveJob("clip", jobs.OutcomeSnoozed, 20*time.Second)
	m.ObserveJob("clip", jobs.OutcomeDone, 5*time.Second)
	m.ObserveShootRequests(17)
	m.ObserveShootRequests(45)
	m.CountProviderRequests("fal", 3)
	m.CountProviderRequests("fal", 2)
	m.CountProviderRequests("kling", 1)
	m.CountCut(true)
	m.CountCut(false)
	m.CountCut(false)
	got := scrape(t, m)
	want := map[string]float64{
		`shoot_provider_requests_total{provider="fal"}`:                                            5,
		`shoot_provider_requests_total{provider="kling"}`:                                          1,
		`shoot_film_segments_total{result="encoded"}`:                                              1,
		`shoot_film_segments_total{result="reused"}`:                                               2,
		`shoot_http_requests_total{method="GET",route="/api/sessions/{id}",status="404"}`:          2,
		`shoot_http_requests_total{method="POST",route="/api/upload",status="200"}`:                1,
		`shoot_http_request_duration_seconds_count{method="GET",route="/api/sessions/{id}"}`:       2,
		`shoot_http_request_duration_seconds_bucket{method="POST",route="/api/upload",le="0.05"}`:  1,
		`shoot_http_request_duration_seconds_bucket{method="POST",route="/api/upload",le="0.025"}`: 0,
		`shoot_job_runs_total{kind="clip",outcome="snoozed"}`:                                      1,
		`shoot_job_runs_total{kind="clip",outcome="done"}`:                                         1,
		`shoot_job_run_duration_seconds_sum{kind="clip"}`:                                          25,
		`shoot_provider_requests_per_shoot_count`:                                                  2,
		`shoot_provider_requests_per_shoot_sum`:                                                    62,
		`shoot_provider_requests_per_shoot_bucket{le="20"}`:                                        1,
	}
	for series, v := range want {
		if got[series] != v {
			t.Errorf("%s = %v, want %v", series, got[series], v)
		}
	}
	if _, ok := got["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
}

// fakeImages is an image provider with a price list: hero submits work, a
// poll is done with a priced result, edits are refused.
type fakeImages struct{}

func (fakeImages) Name() string                    { return "fake" }
func (fakeImages) Model(shoot.ImageRequest) string { return "m1" }
func (fakeImages) SubmitImage(_ context.Context, req shoot.ImageRequest) (string, error) {
	if req.Kind == shoot.ImageFrameEdit {
		return "", shoot.Errorf(shoot.EINVALID, "edits refused")
	}
	return "h1", nil
}
func (fakeImages) PollImage(context.Context, shoot.ImageRequest, string) (shoot.TaskStatus, error) {
	return shoot.TaskStatus{Done: true, Result: &shoot.Artifact{Data: []byte{1}, CostUSD: 0.15}}, nil
}
func (fakeImages) CancelImage(context.Context, string) error {
	return shoot.Errorf(shoot.EUNAVAILABLE, "busy")
}
func (fakeImages) EstimateImage(shoot.ImageRequest) float64 { return 0.15 }

// fakeVideos has no price list.
type fakeVideos struct{ polls int }

func (*fakeVideos) Name() string  { return "clipper" }
func (*fakeVideos) Model() string { return "v1" }
func (*fakeVideos) SubmitClip(context.Context, shoot.ClipRequest) (string, error) {
	return "c1", nil
}
func (v *fakeVideos) PollClip(context.Context, shoot.ClipRequest, string) (shoot.TaskStatus, error) {
	v.polls++
	if v.polls == 1 {
		return shoot.TaskStatus{Progress: 0.5}, nil
	}
	return shoot.TaskStatus{Done: true, Result: &shoot.Artifact{Data: []byte{1}, CostUSD: 0.7}}, nil
}
func (*fakeVideos) CancelClip(context.Context, string) error { return nil }

func TestProviderDecorators(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := metrics.New()
	img := m.Images(fakeImages{})
	if est, ok := img.(pipeline.Estimator); !ok || est.EstimateImage(shoot.ImageRequest{}) != 0.15 {
		t.Fatal("the wrapped image provider lost its price list")
	}
	hero := shoot.ImageRequest{Kind: shoot.ImageHero}
	if h, err := img.SubmitImage(ctx, hero); err != nil || h != "h1" {
		t.Fatalf("submit: %q %v", h, err)
	}
	if st, err := img.PollImage(ctx, hero, "h1"); err != nil || !st.Done {
		t.Fatalf("poll: %+v %v", st, err)
	}
	if _, err := img.SubmitImage(ctx, shoot.ImageRequest{Kind: shoot.ImageFrameEdit}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("the provider's error was not passed on: %v", err)
	}
	if err := img.CancelImage(ctx, "h1"); err == nil {
		t.Fatal("cancel error swallowed")
	}
	vid := m.Videos(&fakeVideos{})
	if _, ok := vid.(pipeline.ClipEstimator); ok {
		t.Fatal("the wrapped video provider claims a price list it does not have")
	}
	for range 2 {
		if _, err := vid.PollClip(ctx, shoot.ClipRequest{}, "c1"); err != nil {
			t.Fatal(err)
		}
	}
	got := scrape(t, m)
	want := map[string]float64{
		`shoot_provider_calls_total{kind="hero",op="submit",provider="fake",result="ok"}`:            1,
		`shoot_provider_calls_total{kind="hero",op="poll",provider="fake",result="ok"}`:              1,
		`shoot_provider_calls_total{kind="frame-edit",op="submit",provider="fake",result="invalid"}`: 1,
		`shoot_provider_calls_total{kind="image",op="cancel",provider="fake",result="unavailable"}`:  1,
		`shoot_provider_calls_total{kind="clip",op="poll",provider="clipper",result="ok"}`:           2,
		`shoot_provider_call_duration_seconds_count{kind="clip",op="poll",provider="clipper"}`:       2,
		`shoot_provider_cost_usd_total{kind="hero",provider="fake"}`:                                 0.15,
		`shoot_provider_cost_usd_total{kind="clip",provider="clipper"}`:                              0.7,
	}
	for series, v := range want {
		if got[series] != v {
			t.Errorf("%s = %v, want %v", series, got[series], v)
		}
	}
}

func TestQueueCollector(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	fail := false
	err := m.WatchQueue(func(context.Context) ([]jobs.JobCount, error) {
		if fail {
			return nil, errors.New("database down")
		}
		return []jobs.JobCount{{Kind: "clip", State: "running", N: 4}, {Kind: "final", State: "available", N: 1}}, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := scrape(t, m)
	if got[`shoot_jobs{kind="clip",state="running"}`] != 4 || got[`shoot_jobs{kind="final",state="available"}`] != 1 || got["shoot_queue_up"] != 1 {
		t.Errorf("queue series wrong: %v", metricstest.Pick(got, "shoot_jobs", "shoot_queue_up"))
	}
	fail = true
	got = scrape(t, m)
	if got["shoot_queue_up"] != 0 || got[`shoot_jobs{kind="clip",state="running"}`] != 0 {
		t.Errorf("a failed count should report up 0 and no jobs: %v", metricstest.Pick(got, "shoot_jobs", "shoot_queue_up"))
	}
	if _, ok := got["go_goroutines"]; !ok {
		t.Error("a failed queue count broke the rest of the scrape")
	}
}

// localImages is fakeImages standing for the offline studio.
type localImages struct{ fakeImages }

func (localImages) Local() bool { return true }

// localVideos is fakeVideos standing for the offline studio.
type localVideos struct{ *fakeVideos }

func (localVideos) Local() bool { return true }

// The engine paces its polls of the offline studio and skips its pointless
// picture retries by pipeline.Local; measuring a provider must not hide it.
func TestProviderDecoratorsKeepLocal(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	local := func(p any) bool {
		l, ok := p.(pipeline.Local)
		return ok && l.Local()
	}
	for _, c := range []struct {
		name string
		p    any
		want bool
	}{
		{"studio images", m.Images(localImages{}), true},
		{"remote images", m.Images(fakeImages{}), false},
		{"studio videos", m.Videos(localVideos{&fakeVideos{}}), true},
		{"remote videos", m.Videos(&fakeVideos{}), false},
	} {
		if got := local(c.p); got != c.want {
			t.Errorf("%s: Local %v, want %v", c.name, got, c.want)
		}
	}
}
