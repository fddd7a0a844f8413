package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// Adaptive polling. A provider task is polled on a schedule built around
// how long tasks of its class (provider, kind, model and duration) usually
// take, learned from this engine's own finished tasks:
//
//   - nothing learned yet: every PollInterval, as a fixed poller would;
//   - before the usual time: one wait until shortly before it;
//   - around the usual time: short steps (a sixteenth of it, at least
//     50 ms), so the result is picked up soon after it is ready;
//   - past it: the step grows with the overrun, up to PollInterval, so a
//     slow task is never polled less often than the fixed poller would.

// latencies is the learned usual duration of each task class. The store
// keeps it across restarts and shares it between processes; this is its
// copy in memory, read from the store once per class.
type latencies struct {
	mu     sync.Mutex
	mean   map[string]time.Duration
	loaded map[string]bool
}

// learnedLatency is the usual duration of class: from memory, else from
// the store (once per class; a store error counts as "nothing learned").
func (e *Engine) learnedLatency(ctx context.Context, class string) time.Duration {
	if d, known := e.lat.lookup(class); known {
		return d
	}
	d, err := e.store.ProviderLatency(ctx, class)
	if err != nil && shoot.ErrorCode(err) != shoot.ENOTFOUND {
		e.logger.Warn("reading a provider latency failed", "class", class, "err", err)
		return 0
	}
	e.lat.load(class, d)
	return e.lat.expected(class)
}

// learnLatency folds one finished task's duration into its class, in
// memory and in the store.
func (e *Engine) learnLatency(ctx context.Context, class string, d time.Duration) {
	if d <= 0 || class == "" {
		return
	}
	e.lat.observe(class, d)
	if err := e.store.ObserveLatency(ctx, class, d); err != nil {
		e.logger.Warn("storing a provider latency failed", "class", class, "err", err)
	}
}

// lookup returns the class's mean and whether the store was read for it.
func (l *latencies) lookup(class string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mean[class], l.loaded[class]
}

// load sets the class's mean as read from the store (0: none), unless an
// observation got there first.
func (l *latencies) load(class string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loaded == nil {
		l.loaded = map[string]bool{}
		if l.mean == nil {
			l.mean = map[string]time.Duration{}
		}
	}
	l.loaded[class] = true
	if _, ok := l.mean[class]; !ok && d > 0 {
		l.mean[class] = d
	}
}

// learnWeight is the weight of the newest observation in the running mean.
const learnWeight = store.LatencyWeight

// expected returns the usual duration of class, 0 when nothing is known.
func (l *latencies) expected(class string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mean[class]
}

// observe folds one finished task's duration into the class's mean.
func (l *latencies) observe(class string, d time.Duration) {
	if d <= 0 || class == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mean == nil {
		l.mean = map[string]time.Duration{}
	}
	old, ok := l.mean[class]
	if !ok {
		l.mean[class] = d
		return
	}
	l.mean[class] = time.Duration(float64(old)*(1-learnWeight) + float64(d)*learnWeight)
}

// pollDelay is how long to wait before the next poll of a task that has
// been running for elapsed, whose class usually takes expected (0:
// unknown), never longer than ceiling.
func pollDelay(elapsed, expected, ceiling time.Duration) time.Duration {
	if expected <= 0 {
		return ceiling
	}
	step := min(max(expected/16, 50*time.Millisecond), ceiling)
	lead := expected - 3*step // the first poll lands a few steps early
	switch {
	case elapsed < lead:
		return lead - elapsed
	case elapsed < expected+4*step:
		return step
	}
	return min(max(step, (elapsed-expected)/2), ceiling)
}
