package studio

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// DefaultPollWait is how long a poll waits for a running render before it
// reports progress instead; short, so that a pipeline polling every two
// seconds sees the progress move at every poll.
const DefaultPollWait = 250 * time.Millisecond

// renderFunc does a job's work, reporting its fraction done (0..1).
type renderFunc func(ctx context.Context, report func(float64)) (shoot.TaskStatus, error)

// job is a render running in the background for one handle.
type job struct {
	progress atomic.Uint64 // math.Float64bits of the fraction done
	done     chan struct{}
	status   shoot.TaskStatus
	err      error
	cancel   context.CancelFunc
}

// jobs runs renders in the background, one per handle, so that polls can
// report progress while the work goes on instead of blocking until it ends.
type jobs struct {
	mu  sync.Mutex
	run map[string]*job
}

// poll starts the handle's render if it is not running, waits up to wait
// for it, and returns its result when it has finished or else its
// progress. Finished jobs are forgotten once their result is returned.
func (js *jobs) poll(ctx context.Context, handle string, wait time.Duration, fn renderFunc) (shoot.TaskStatus, float64, bool, error) {
	j := js.start(ctx, handle, fn)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-j.done:
		js.forget(handle, j)
		return j.status, 1, true, j.err
	case <-timer.C:
	case <-ctx.Done():
		return shoot.TaskStatus{}, 0, false, shoot.Wrap(ctx.Err(), shoot.EUNAVAILABLE, "the studio job's poll was cancelled")
	}
	return shoot.TaskStatus{}, math.Float64frombits(j.progress.Load()), false, nil
}

// early starts the handle's render, if it is not running, and returns its
// fraction done without waiting: a job still inside its latency renders
// meanwhile, so its progress moves with the work as well as the clock.
func (js *jobs) early(ctx context.Context, handle string, fn renderFunc) float64 {
	j := js.start(ctx, handle, fn)
	select {
	case <-j.done:
		return 1
	default:
		return math.Float64frombits(j.progress.Load())
	}
}

func (js *jobs) start(ctx context.Context, handle string, fn renderFunc) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j, ok := js.run[handle]; ok {
		return j
	}
	if js.run == nil {
		js.run = make(map[string]*job)
	}
	// The render outlives the poll that started it (a pipeline may poll
	// each time with a new context, from another run of the work); only
	// cancelling the job stops it, and its ffmpeg with it.
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j := &job{done: make(chan struct{}), cancel: cancel}
	js.run[handle] = j
	go func() {
		defer close(j.done)
		defer cancel()
		j.status, j.err = fn(rctx, func(f float64) { j.progress.Store(math.Float64bits(clamp64(f, 0, 1))) })
	}()
	return j
}

// forget drops a finished job if it is still the handle's.
func (js *jobs) forget(handle string, j *job) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.run[handle] == j {
		delete(js.run, handle)
	}
}

// stop cancels a handle's running render, if any.
func (js *jobs) stop(handle string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j, ok := js.run[handle]; ok {
		j.cancel()
		delete(js.run, handle)
	}
}

// overall maps a render's fraction done into the job's progress once the
// latency has passed: the wait was the first half, the render is the
// second.
func overall(o Options, render float64) float64 {
	if o.Latency > 0 {
		return 0.5 + 0.5*render
	}
	return render
}
