// Package metrics collects the studio's Prometheus metrics: HTTP requests
// by route and status, stage jobs by kind and outcome (and the queue by
// state), provider calls with their latency and errors, and provider spend.
// Each process has its own registry (no global state); Prometheus adds up
// the API and worker processes it scrapes.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// requestBuckets are HTTP latency buckets in seconds: most answers take
// milliseconds; event streams land in the top buckets.
func requestBuckets() []float64 {
	return []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
}

// workBuckets are job-run and provider-call buckets in seconds, up to a
// long stitch.
func workBuckets() []float64 {
	return []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300}
}

// Metrics is one process's collectors and the registry that serves them.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
	calls        *prometheus.CounterVec
	callDuration *prometheus.HistogramVec
	costUSD      *prometheus.CounterVec
	shootCalls   prometheus.Histogram
	shootReqs    *prometheus.CounterVec
	segments     *prometheus.CounterVec
}

// New returns collectors registered on a fresh registry, together with the
// Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shoot_http_request_duration_seconds", Help: "Time to answer an HTTP request (an event stream: its whole life).",
			Buckets: requestBuckets(),
		}, []string{"method", "route"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_job_runs_total", Help: "Stage job runs in this process, by work kind and outcome (done, snoozed, retry, failed).",
		}, []string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shoot_job_run_duration_seconds", Help: "Duration of one stage job run, by work kind.", Buckets: workBuckets(),
		}, []string{"kind"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_provider_calls_total", Help: "Calls to image and video providers, by provider, request kind, operation (submit, poll, cancel) and result (ok or an error code).",
		}, []string{"provider", "kind", "op", "result"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shoot_provider_call_duration_seconds", Help: "Latency of one provider call.", Buckets: workBuckets(),
		}, []string{"provider", "kind", "op"}),
		costUSD: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_provider_cost_usd_total", Help: "Provider spend in US dollars, as priced on each finished result.",
		}, []string{"provider", "kind"}),
		shootCalls: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "shoot_provider_requests_per_shoot", Help: "Provider requests (submits and polls) a shoot had made when its film was finished.",
			Buckets: []float64{5, 10, 15, 20, 30, 40, 60, 80, 120, 200, 400},
		}),
		shootReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_provider_requests_total", Help: "Provider requests (submits and polls) counted for shoots, by provider, as each task ends or pauses: the figures behind each manifest's providerRequests.",
		}, []string{"provider"}),
		segments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shoot_film_segments_total", Help: "Eased clip segments the films needed, by result: encoded, or reused from the segment cache.",
		}, []string{"result"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.jobRuns, m.jobDuration, m.calls, m.callDuration, m.costUSD, m.shootCalls, m.shootReqs, m.segments)
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Register adds a collector to the registry (e.g. the queue's).
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// ObserveHTTP records one answered request. route must come from a bounded
// set (a route pattern, never a raw path) to keep the series countable.
func (m *Metrics) ObserveHTTP(method, route string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// ObserveShootRequests records the provider requests of a shoot whose film
// was just finished; it matches pipeline.Options.ObserveRequests.
func (m *Metrics) ObserveShootRequests(n int) { m.shootCalls.Observe(float64(n)) }

// CountProviderRequests adds n provider requests of provider counted for a
// shoot; it matches pipeline.Options.CountRequests.
func (m *Metrics) CountProviderRequests(provider string, n int) {
	m.shootReqs.WithLabelValues(provider).Add(float64(n))
}

// CountCut records one film segment, encoded or reused from the cache;
// it matches pipeline.Options.CountCuts.
func (m *Metrics) CountCut(encoded bool) {
	result := "reused"
	if encoded {
		result = "encoded"
	}
	m.segments.WithLabelValues(result).Inc()
}

// ObserveJob records one stage job run; it matches jobs.Options.Observe.
func (m *Metrics) ObserveJob(kind, outcome string, d time.Duration) {
	m.jobRuns.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
}
