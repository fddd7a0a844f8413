package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fashionshoot/shoot/internal/jobs"
)

// queueTimeout bounds the count query of one scrape.
const queueTimeout = 2 * time.Second

// queueCollector reports the shared queue's jobs by kind and state at each
// scrape. Every process sees the same queue, so a dashboard should take
// max(), not sum(), of shoot_jobs across processes.
type queueCollector struct {
	count  func(ctx context.Context) ([]jobs.JobCount, error)
	logger *slog.Logger
	jobs   *prometheus.Desc
	up     *prometheus.Desc
}

// WatchQueue registers a collector that calls count at each scrape and
// reports shoot_jobs{kind,state} and shoot_queue_up. A failed count is
// logged and reported as shoot_queue_up 0; the rest of the scrape goes on.
func (m *Metrics) WatchQueue(count func(ctx context.Context) ([]jobs.JobCount, error), logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return m.Register(&queueCollector{
		count: count, logger: logger,
		jobs: prometheus.NewDesc("shoot_jobs", "Stage jobs in the shared queue, by work kind and River state.",
			[]string{"kind", "state"}, nil),
		up: prometheus.NewDesc("shoot_queue_up", "1 when the queue could be counted at this scrape, else 0.", nil, nil),
	})
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.up
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.logger.Warn("counting queued jobs failed", "err", err)
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(n.N), n.Kind, n.State)
	}
}
