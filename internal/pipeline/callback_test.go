package pipeline_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// syncLog is a log sink safe for concurrent writers.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// sheetImage is what the FAL fake answers every image request with: a 2×3
// contact sheet sized from the request's aspect ratio, long side 720 px.
var sheetImage = providertest.SheetImage(720)

// smallClip renders a short playable MP4 once per test.
func smallClip(t testing.TB) []byte {
	t.Helper()
	clip, err := providertest.PlayableMP4(t.Context(), 240, 160)
	if err != nil {
		t.Fatal(err)
	}
	return clip
}

// lateHandler serves with a handler set after the server started, so the
// engine can be built with the server's URL as its public URL.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := l.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	http.Error(w, "starting", http.StatusServiceUnavailable)
}

// serveStudio serves the harness's HTTP API, callback routes included,
// through late.
func serveStudio(t *testing.T, h *harness, late *lateHandler, jwksURL string, logs *syncLog) {
	t.Helper()
	vars := map[string]string{"SHOOT_DATA_DIR": t.TempDir(), "SHOOT_AUTH": "none", "SHOOT_FAL_JWKS_URL": jwksURL}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Config: cfg, Store: h.store, Bucket: h.bucket,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})), Engine: h.eng})
	if err != nil {
		t.Fatal(err)
	}
	handler := srv.Handler()
	late.h.Store(&handler)
}

// TestCallbackShoots runs whole shoots against the FAL fake (images, and
// clips on FAL or on Kling's fake). With a public URL every task is
// announced by a callback and polled at most twice (here: once, when the
// callback lands; the backstop is far off), and each result is recorded
// once; without one, nothing is announced and polling works as before.
func TestCallbackShoots(t *testing.T) {
	t.Parallel()
	clip := smallClip(t)
	cases := []struct {
		name   string
		clips  string // "fal" or "kling"
		public bool
		// check is how often a waiting task reads its mark: short keeps
		// tasks waiting within their run (woken in memory); the default
		// (1 s, past the 1 s polling window) snoozes them, so the
		// callback must wake their jobs through the queue.
		check time.Duration
		// backstop is the polling cadence while a callback is expected.
		backstop time.Duration
	}{
		{name: "fal webhooks wake tasks in their run", clips: "fal", public: true, check: 50 * time.Millisecond, backstop: 10 * time.Minute},
		{name: "kling callbacks wake snoozed jobs", clips: "kling", public: true, backstop: 10 * time.Minute},
		{name: "no public URL polls as before", clips: "kling"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runCallbackShoot(t, clip, tc.clips, tc.public, tc.check, tc.backstop)
		})
	}
}

// TestCallbackAndPollRace: with a backstop poll every few milliseconds, the
// poll and the webhook both see each task end; the result is still
// recorded once. Run it with -race.
func TestCallbackAndPollRace(t *testing.T) {
	t.Parallel()
	runCallbackShoot(t, smallClip(t), "fal", true, 5*time.Millisecond, 15*time.Millisecond)
}

func runCallbackShoot(t *testing.T, clip []byte, clips string, public bool, check, backstop time.Duration) {
	t.Helper()
	tick := 20 * time.Millisecond
	ff := providertest.NewFAL(providertest.FALOptions{Image: sheetImage, Video: func(string, map[string]any) []byte { return clip },
		Timing: providertest.Timing{WorkTime: 300 * time.Millisecond}, StreamTick: tick})
	t.Cleanup(ff.Close)
	kf := providertest.NewKling(providertest.KlingOptions{Video: func(string, map[string]any) []byte { return clip },
		Timing: providertest.Timing{WorkTime: 400 * time.Millisecond}, CallbackTick: tick})
	t.Cleanup(kf.Close)
	fo := fal.Options{Key: ff.Key(), QueueURL: ff.URL, RestURL: ff.URL}
	var videos pipeline.VideoGenerator = fal.NewVideos(fo)
	if clips == "kling" {
		videos = kling.NewVideos(kling.Options{AccessKey: kf.AccessKey(), SecretKey: kf.SecretKey(), BaseURL: kf.URL})
	}
	engineLogs, serverLogs := &syncLog{}, &syncLog{}
	late := &lateHandler{}
	ts := httptest.NewServer(late)
	t.Cleanup(ts.Close)
	h := newHarness(t, harnessOptions{clipConcurrency: 5, images: fal.NewImages(fo), clips: videos, logs: engineLogs,
		engine: func(o *pipeline.Options) {
			if public {
				o.PublicURL = ts.URL
			}
			o.CallbackCheck, o.CallbackBackstop = check, backstop
		}})
	serveStudio(t, h, late, ff.JWKSURL(), serverLogs)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s\nengine log:\n%s\nFAL webhooks %v, Kling callbacks %v", serverLogs, engineLogs,
				ff.Webhooks().Answers(), kf.Callbacks().Answers())
		}
	})
	opts := fast
	opts.AutoApprove = true
	sid, evs := h.start(opts, h.upload(4))
	if end := last(t, evs); end["stage"] != shoot.StageComplete {
		t.Fatalf("the shoot ended with %v: %s\nserver log:\n%s", end, types(evs), serverLogs)
	}
	ctx := t.Context()
	costs, err := h.store.ListCosts(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	submitted := ff.Submissions("") + kf.Submissions("")
	refs := map[string]int{}
	for _, c := range costs {
		refs[c.Ref]++
	}
	if len(costs) != submitted || len(refs) != submitted {
		t.Fatalf("%d tasks submitted, %d costs recorded under %d refs: %v", submitted, len(costs), len(refs), refs)
	}
	for _, a := range []struct {
		typ string
		n   int
	}{{shoot.AssetHero, 0}, {shoot.AssetClip, 1}, {shoot.AssetClip, 5}} {
		if v := h.latestAsset(sid, a.typ, a.n).Version; v != 1 {
			t.Errorf("%s %d is version %d, want 1 (recorded once)", a.typ, a.n, v)
		}
	}
	asked := ff.StatusRequestsByRequest()
	for id, n := range kf.PollsByTask() {
		asked["kling "+id] = n
	}
	if len(asked) != submitted {
		t.Fatalf("%d tasks known to the fakes, %d submitted", len(asked), submitted)
	}
	if !public {
		if ff.Webhooks().Sent() != 0 || kf.Callbacks().Sent() != 0 {
			t.Fatalf("callbacks were asked for without a public URL: %d, %d", ff.Webhooks().Sent(), kf.Callbacks().Sent())
		}
		for ref := range refs {
			if _, err := h.store.GetCallback(ctx, ref); shoot.ErrorCode(err) != shoot.ENOTFOUND {
				t.Errorf("task %s expects a callback without a public URL: %v", ref, err)
			}
		}
		return
	}
	if backstop >= time.Minute {
		for id, n := range asked {
			if n > 2 {
				t.Errorf("task %s: %d status requests, want at most 2", id, n)
			}
		}
	}
	for ref := range refs {
		cb, err := h.store.GetCallback(ctx, ref)
		if err != nil || cb.Outcome != shoot.CallbackDone {
			t.Errorf("task %s: callback %+v, %v", ref, cb, err)
		}
	}
	// Every callback that announced an end was taken once; Kling also
	// reports the statuses on the way, which change nothing.
	accepted := strings.Count(serverLogs.String(), `msg="provider callback accepted"`)
	if accepted != submitted || strings.Contains(serverLogs.String(), "refused") {
		t.Fatalf("%d callbacks accepted for %d tasks; server log:\n%s", accepted, submitted, serverLogs)
	}
	t.Logf("%d tasks, status requests %v, FAL webhooks %v, Kling callbacks %v", submitted, asked,
		ff.Webhooks().Answers(), kf.Callbacks().Answers())
}
