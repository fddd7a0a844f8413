// Package studio is the offline provider: it makes hero images, contact
// sheets, frame edits and clips on this machine, with no keys and no network,
// so a whole shoot runs anywhere and still yields media that looks designed.
//
// Images are composed in Go (backdrop presets, a cut-out subject, flash,
// grade, vignette and film grain); clips are Go-rendered camera moves piped
// into one ffmpeg encoder. Everything is deterministic for a request and its
// seed: randomness comes from the seed and a hash of the prompt, never from
// the clock.
//
// Both generators follow the pipeline's submit/poll contract. Submit only
// stamps a handle; the first poll after the latency starts the render in the
// background, and every poll reports its progress until a poll returns the
// result. Options.Latency makes polls report "not done yet" for a while
// (the first half of the progress), so benchmarks and tests can give the
// studio the pacing of a remote service.
package studio

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// ProviderName is the provider id both generators report.
const ProviderName = "studio"

// Defaults of Options.
const (
	DefaultFFmpeg  = "ffmpeg"
	DefaultMaxSide = 720
)

// Options tune the studio generators. The zero value is ready to use.
type Options struct {
	// Latency is how long after submit a job reports done. Polls before that
	// return Done=false with Progress = elapsed/Latency. Zero means done on
	// the first poll.
	Latency time.Duration
	// Now is the clock used for Latency; nil means time.Now. Tests inject a
	// fake clock so they never sleep.
	Now func() time.Time
	// FFmpeg is the ffmpeg binary for clips; "" means "ffmpeg" on PATH.
	FFmpeg string
	// MaxSide caps the long side of a clip in pixels; 0 means 720.
	MaxSide int
	// TempDir is where clip renders write their output; "" means os.TempDir.
	TempDir string
	// Workers is how many goroutines render one image; 0 means GOMAXPROCS.
	// Output bytes do not depend on it.
	Workers int
	// PollWait is how long a poll waits for a running render before it
	// answers with the render's progress; 0 means DefaultPollWait.
	PollWait time.Duration
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FFmpeg == "" {
		o.FFmpeg = DefaultFFmpeg
	}
	if o.MaxSide <= 0 {
		o.MaxSide = DefaultMaxSide
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.PollWait <= 0 {
		o.PollWait = DefaultPollWait
	}
	return o
}

// handle is a decoded job handle: "studio:<kind>:<submit unix nanos>:<fingerprint>".
// The fingerprint ties the handle to its request, so polling with another
// request is caught instead of silently rendering something else.
type handle struct {
	kind        string
	submitted   time.Time
	fingerprint string
}

func (h handle) String() string {
	return fmt.Sprintf("%s:%s:%d:%s", ProviderName, h.kind, h.submitted.UnixNano(), h.fingerprint)
}

func parseHandle(s string) (handle, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 || parts[0] != ProviderName || parts[1] == "" || parts[3] == "" {
		return handle{}, shoot.Errorf(shoot.EINVALID, "%q is not a studio job handle", s)
	}
	nanos, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return handle{}, shoot.Errorf(shoot.EINVALID, "%q is not a studio job handle", s)
	}
	return handle{kind: parts[1], submitted: time.Unix(0, nanos), fingerprint: parts[3]}, nil
}

// pending returns the not-done status a poll reports while the configured
// latency has not yet passed, and false once the job may finish. The
// render starts at the first poll and runs during the wait: progress is
// half the wait's fraction gone plus half the render's fraction done, so
// it moves at every poll and meets overall's figure when the wait ends.
func pending(o Options, h handle, render func() float64) (shoot.TaskStatus, bool) {
	if o.Latency <= 0 {
		return shoot.TaskStatus{}, false
	}
	elapsed := o.Now().Sub(h.submitted)
	if elapsed >= o.Latency {
		return shoot.TaskStatus{}, false
	}
	wait := max(float64(elapsed)/float64(o.Latency), 0)
	return shoot.TaskStatus{Progress: wait/2 + render()/2}, true
}

// cancelLimit bounds the memory of cancelled handles; the oldest are
// forgotten first, which is harmless because cancelling is best effort.
const cancelLimit = 1024

// cancellations remembers cancelled handles so a later poll reports the
// cancellation instead of rendering.
type cancellations struct {
	mu    sync.Mutex
	set   map[string]bool
	order []string
}

func (c *cancellations) add(h string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil {
		c.set = make(map[string]bool)
	}
	if c.set[h] {
		return
	}
	if len(c.order) >= cancelLimit {
		delete(c.set, c.order[0])
		c.order = c.order[1:]
	}
	c.set[h] = true
	c.order = append(c.order, h)
}

func (c *cancellations) has(h string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set[h]
}

func errCancelled(h string) error {
	return shoot.Errorf(shoot.ECONFLICT, "studio job %s was cancelled", h)
}
