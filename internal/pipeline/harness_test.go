package pipeline_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/fashionshoot/shoot/internal/director/rules"
	"github.com/fashionshoot/shoot/internal/events"
	"github.com/fashionshoot/shoot/internal/jobs"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// counting wraps a provider and counts submissions per kind, so tests can
// assert exactly what was (re)made.
type counting struct {
	pipeline.ImageGenerator
	videos pipeline.VideoGenerator

	mu     sync.Mutex
	counts map[string]int
	clips  map[string]int // clip submissions by prompt+frames key, for "made twice" checks
}

func (c *counting) SubmitImage(ctx context.Context, req shoot.ImageRequest) (string, error) {
	c.add(req.Kind)
	return c.ImageGenerator.SubmitImage(ctx, req)
}

// EstimateImage forwards the wrapped provider's price (0 when it has none).
func (c *counting) EstimateImage(req shoot.ImageRequest) float64 {
	if e, ok := c.ImageGenerator.(pipeline.Estimator); ok {
		return e.EstimateImage(req)
	}
	return 0
}

// Local passes on whether the wrapped image provider is the offline studio.
func (c *counting) Local() bool { return pipeline.IsLocal(c.ImageGenerator) }

func (c *counting) add(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[kind]++
}

func (c *counting) count(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[kind]
}

// clipCounter is the VideoGenerator view of counting.
type clipCounter struct{ *counting }

func (c clipCounter) Name() string  { return c.videos.Name() }
func (c clipCounter) Model() string { return c.videos.Model() }
func (c clipCounter) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	c.add("clip")
	return c.videos.SubmitClip(ctx, req)
}
func (c clipCounter) PollClip(ctx context.Context, req shoot.ClipRequest, h string) (shoot.TaskStatus, error) {
	return c.videos.PollClip(ctx, req, h)
}
func (c clipCounter) CancelClip(ctx context.Context, h string) error {
	return c.videos.CancelClip(ctx, h)
}

// The counters pass their providers' callbacks on (pipeline.Callbacks).
func (c *counting) CallbackPath(token string) string { return forwardPath(c.ImageGenerator, token) }
func (c *counting) CallbackID(h string) string       { return forwardID(c.ImageGenerator, h) }
func (c clipCounter) CallbackPath(token string) string {
	return forwardPath(c.videos, token)
}
func (c clipCounter) CallbackID(h string) string { return forwardID(c.videos, h) }

func forwardPath(p any, token string) string {
	if cb, ok := p.(pipeline.Callbacks); ok {
		return cb.CallbackPath(token)
	}
	return ""
}

func forwardID(p any, h string) string {
	if cb, ok := p.(pipeline.Callbacks); ok {
		return cb.CallbackID(h)
	}
	return ""
}

type harness struct {
	t      testing.TB
	dir    string
	store  *sqlite.DB
	bucket *blob.Bucket
	eng    *pipeline.Engine
	queue  jobs.Queue
	calls  *counting
}

type harnessOptions struct {
	clipConcurrency int
	clipLatency     time.Duration
	// wrap, when set, stands between the engine and the database (fault
	// injection); the queue still uses the database directly.
	wrap func(store.Store) store.Store
	// videos, when set, wraps the studio clip provider.
	videos func(pipeline.VideoGenerator) pipeline.VideoGenerator
	// remoteWorkers makes queue cancels unable to reach running jobs, as
	// when the workers run in another process without notifications.
	remoteWorkers bool
	// pollWindow overrides how long a job polls before snoozing (1 s).
	pollWindow time.Duration
	// interruptedAfter overrides when a run without live jobs counts as
	// interrupted (the engine's default, a minute).
	interruptedAfter time.Duration
	// director, when set, makes the director instead of the rules one
	// (tests only: it needs a *testing.T).
	director func(t *testing.T, st store.Store, lib *prompt.Library) pipeline.Director
	// images and clips, when set, replace the studio providers.
	images pipeline.ImageGenerator
	clips  pipeline.VideoGenerator
	// engine, when set, adjusts the engine's options.
	engine func(*pipeline.Options)
	// logs, when set, also receives the engine's log at info level.
	logs io.Writer
	// production uses the studio's default clip size and the film's
	// default encoder preset instead of the small, fast test settings.
	production bool
}

// unreachable is a queue whose cancels never reach a running job.
type unreachable struct{ pipeline.Enqueuer }

func (unreachable) Cancel(context.Context, []int64) error { return nil }

func newHarness(t testing.TB, o harnessOptions) *harness {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{CreateDir: true})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := prompt.Load("")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if o.logs != nil {
		logger = slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, o.logs), &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	maxSide, preset := 320, "ultrafast"
	if o.production {
		maxSide, preset = 0, ""
	}
	var videos pipeline.VideoGenerator = studio.NewVideos(studio.Options{Latency: o.clipLatency, MaxSide: maxSide})
	if o.clips != nil {
		videos = o.clips
	}
	if o.videos != nil {
		videos = o.videos(videos)
	}
	var images pipeline.ImageGenerator = studio.NewImages(studio.Options{})
	if o.images != nil {
		images = o.images
	}
	calls := &counting{ImageGenerator: images, videos: videos, counts: map[string]int{}}
	var engStore store.Store = st
	if o.wrap != nil {
		engStore = o.wrap(st)
	}
	var director pipeline.Director = rules.New(lib, media.Names())
	if o.director != nil {
		director = o.director(t.(*testing.T), st, lib)
	}
	eo := pipeline.Options{ClipConcurrency: o.clipConcurrency, PollInterval: 20 * time.Millisecond, PollWindow: cmp.Or(o.pollWindow, time.Second), InterruptedAfter: o.interruptedAfter,
		StitchPreset: preset}
	if o.engine != nil {
		o.engine(&eo)
	}
	var eng *pipeline.Engine
	run := jobs.RunnerFunc(func(ctx context.Context, w pipeline.Work, last bool) error { return eng.Do(ctx, w, last) })
	q, err := jobs.NewSQLite(ctx, st.DB(), run, jobs.Options{Workers: 8, PollInterval: 20 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	var enq pipeline.Enqueuer = q
	if o.remoteWorkers {
		enq = unreachable{q}
	}
	eng = pipeline.New(pipeline.Deps{Store: engStore, Bucket: bucket, Events: events.New(st, logger, 50*time.Millisecond),
		Images: calls, Videos: clipCounter{calls}, Director: director, Presets: lib, Logger: logger, Queue: enq}, eo)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, store: st, bucket: bucket, eng: eng, queue: q, calls: calls}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
		_ = bucket.Close()
		_ = st.Close()
	})
	return h
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// upload stores a generated reference image like POST /api/upload does.
func (h *harness) upload(seed int) string {
	h.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 240, 360))
	for y := 0; y < 360; y++ {
		for x := 0; x < 240; x++ {
			img.Set(x, y, color.RGBA{uint8(x * seed % 256), uint8(y % 256), uint8((x + y + seed*40) % 256), 255})
		}
	}
	return h.uploadImage(img, seed)
}

// uploadImage stores img (240×360) as a reference like POST /api/upload.
func (h *harness) uploadImage(img image.Image, seed int) string {
	h.t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		h.t.Fatal(err)
	}
	name := fmt.Sprintf("%d-ref%04d.png", time.Now().UnixMilli(), seed)
	ctx := h.t.Context()
	if err := h.bucket.WriteAll(ctx, "uploads/"+name, buf.Bytes(), nil); err != nil {
		h.t.Fatal(err)
	}
	u := &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: "ref.png", Size: int64(buf.Len()),
		MimeType: "image/png", Width: 240, Height: 360}
	if err := h.store.CreateUpload(ctx, u); err != nil {
		h.t.Fatal(err)
	}
	return "/uploads/" + name
}

// exchange collects a session's events after `after` until the exchange
// ends (complete or error), failing the test after a generous deadline.
func (h *harness) exchange(sid string, after int64) []shoot.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), 3*time.Minute)
	defer cancel()
	var evs []shoot.Event
	err := h.eng.Events().Subscribe(ctx, sid, after, func(ev shoot.Event) bool {
		evs = append(evs, ev)
		return !ev.Terminal()
	})
	if err != nil {
		h.t.Fatalf("waiting for the exchange to end: %v (events: %s)", err, types(evs))
	}
	return evs
}

func types(evs []shoot.Event) string {
	var b bytes.Buffer
	for _, ev := range evs {
		if ev.Type == shoot.EventTextDelta {
			continue
		}
		fmt.Fprintf(&b, "%d:%s ", ev.Seq, ev.Type)
	}
	return b.String()
}

// last returns the final event's decoded payload.
func last(t testing.TB, evs []shoot.Event) map[string]any {
	t.Helper()
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	var m map[string]any
	if err := json.Unmarshal(evs[len(evs)-1].Data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// reply continues the session and returns the exchange's events.
func (h *harness) reply(sid, text string) []shoot.Event {
	h.t.Helper()
	_, after, err := h.eng.Continue(h.t.Context(), sid, text)
	if err != nil {
		h.t.Fatalf("continue %q: %v", text, err)
	}
	return h.exchange(sid, after)
}

// checkpointOf returns the stage of the exchange's checkpoint event, or "".
func checkpointOf(t testing.TB, evs []shoot.Event) string {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == shoot.EventCheckpoint {
			var m map[string]any
			_ = json.Unmarshal(evs[i].Data, &m)
			s, _ := m["stage"].(string)
			return s
		}
	}
	return ""
}
