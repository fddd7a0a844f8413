package pipeline

import (
	"sync"
	"time"
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

// latencies is the learned usual duration of each task class.
type latencies struct {
	mu   sync.Mutex
	mean map[string]time.Duration
}

// learnWeight is the weight of the newest observation in the running mean.
const learnWeight = 0.3

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
