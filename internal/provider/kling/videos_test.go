package kling_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

var instant = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// newClient starts a Kling fake and a client pointing at it.
func newClient(t *testing.T, ko providertest.KlingOptions) (*providertest.Kling, kling.Options, *providertest.LogSink) {
	t.Helper()
	k := providertest.NewKling(ko)
	t.Cleanup(k.Close)
	lb := providertest.NewLogSink(t)
	return k, kling.Options{
		AccessKey:       k.AccessKey(),
		SecretKey:       k.SecretKey(),
		BaseURL:         k.URL,
		Logger:          slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:           httpx.Policy{Attempts: 8, Sleep: instant},
		RequestTimeout:  time.Second,
		TransferTimeout: time.Second,
		Now:             ko.Now,
	}, lb
}

func clip(key string) shoot.ClipRequest {
	return shoot.ClipRequest{
		Prompt: "the camera glides around her",
		Start:  shoot.Reference{Name: "frame-1.png", ContentType: "image/png", Data: providertest.PNG(640, 400)},
		End:    shoot.Reference{Name: "frame-2.png", ContentType: "image/png", Data: providertest.PNG(150, 100)},
		Key:    key,
	}
}

func pollUntilDone(t *testing.T, poll func() (shoot.TaskStatus, error)) (shoot.TaskStatus, error) {
	t.Helper()
	for range 200 {
		st, err := poll()
		if shoot.ErrorCode(err) == shoot.EUNAVAILABLE {
			continue
		}
		if err != nil || st.Done {
			return st, err
		}
	}
	t.Fatal("task never finished")
	return shoot.TaskStatus{}, nil
}

// submitClip submits the clip request keyed key through a new video client
// on opts and fails the test when the submit does.
func submitClip(t *testing.T, ctx context.Context, opts kling.Options, key string) (*kling.Videos, shoot.ClipRequest, string) {
	t.Helper()
	c := kling.NewVideos(opts)
	req := clip(key)
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return c, req, h
}

func TestClipSequenceRequestAndJWT(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	k, opts, logs := newClient(t, providertest.KlingOptions{Now: func() time.Time { return now }, Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	ctx := context.Background()
	c, req, h := submitClip(t, ctx, opts, "s1/clip-1/v1")
	for i, want := range []struct {
		done     bool
		progress float64
	}{{false, 0}, {false, 0}, {true, 1}} {
		st, err := c.PollClip(ctx, req, h)
		if err != nil || st.Done != want.done || st.Progress != want.progress {
			t.Fatalf("poll %d: %+v %v, want done=%v", i, st, err, want.done)
		}
		if st.Done {
			a := st.Result
			if a.Provider != "kling" || a.Model != "kling-v2-6" || a.ContentType != "video/mp4" || a.Units != 5 || a.Unit != "second" || math.Abs(a.CostUSD-0.35) > 1e-9 {
				t.Fatalf("artifact %s %s/%s %v %s $%v", a.ContentType, a.Provider, a.Model, a.Units, a.Unit, a.CostUSD)
			}
		}
	}
	checkCreateBody(t, k.Inputs()[0].Input, req.Key)
	claims := k.Claims()
	if len(claims) != 4 { // create + 3 queries, one fresh token each
		t.Fatalf("%d tokens checked, want 4", len(claims))
	}
	for _, cl := range claims {
		if cl.Issuer != k.AccessKey() || cl.ExpiresAt.Sub(cl.Checked) != 1800*time.Second || cl.Checked.Sub(cl.NotBefore) != 5*time.Second {
			t.Fatalf("claims %+v", cl)
		}
	}
	if k.AuthLeaks() != 0 || strings.Contains(logs.String(), k.SecretKey()) {
		t.Fatal("credentials leaked to the CDN or the logs")
	}
}

// checkCreateBody checks the create request field by field.
func checkCreateBody(t *testing.T, in map[string]any, key string) {
	t.Helper()
	if in["model_name"] != "kling-v2-6" || in["mode"] != "pro" || in["duration"] != "5" || in["external_task_id"] != key ||
		in["negative_prompt"] != kling.DefaultNegativePrompt || in["prompt"] != "the camera glides around her" {
		t.Fatalf("create body %v", redact(in))
	}
	if _, ok := in["camera_control"]; ok {
		t.Fatal("camera_control sent together with image_tail")
	}
	for _, f := range []string{"image", "image_tail"} {
		s, _ := in[f].(string)
		if strings.HasPrefix(s, "data:") {
			t.Fatalf("%s carries a data: prefix", f)
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("%s is not raw base64: %v", f, err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
		if err != nil || cfg.Width < 300 || cfg.Height < 300 {
			t.Fatalf("%s frame %dx%d %v", f, cfg.Width, cfg.Height, err)
		}
	}
}

func redact(in map[string]any) string {
	c := map[string]any{}
	for k, v := range in {
		if s, ok := v.(string); ok && len(s) > 80 {
			v = fmt.Sprintf("<%d chars>", len(s))
		}
		c[k] = v
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func TestClipAuthFailuresGetKlingBodies(t *testing.T) {
	t.Parallel()
	k, opts, _ := newClient(t, providertest.KlingOptions{})
	ctx := context.Background()
	cases := []struct {
		name string
		mut  func(*kling.Options)
		want string
	}{
		{"wrong secret", func(o *kling.Options) { o.SecretKey = "not-the-secret" }, "Authorization is invalid (code 1002)"},
		{"unknown access key", func(o *kling.Options) { o.AccessKey = "someone-else" }, "Authentication failed (code 1000)"},
		{"expired", func(o *kling.Options) { o.Now = func() time.Time { return time.Now().Add(-time.Hour) } }, "Authorization has expired (code 1004)"},
		{"not yet valid", func(o *kling.Options) { o.Now = func() time.Time { return time.Now().Add(time.Hour) } }, "Authorization is not yet valid (code 1003)"},
		{"no keys", func(o *kling.Options) { o.AccessKey, o.SecretKey = "", "" }, "not configured"},
	}
	for _, tc := range cases {
		o := opts
		tc.mut(&o)
		_, err := kling.NewVideos(o).SubmitClip(ctx, clip("s1/clip-1/v1"))
		if shoot.ErrorCode(err) != shoot.EUNAUTHORIZED || !strings.Contains(shoot.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want EUNAUTHORIZED with %q", tc.name, err, tc.want)
		}
		if strings.Contains(err.Error(), k.SecretKey()) || strings.Contains(err.Error(), "not-the-secret") {
			t.Errorf("%s: error leaks a secret", tc.name)
		}
	}
	if k.Submissions("") != 0 {
		t.Fatal("unauthenticated creates were accepted")
	}
}

func TestClipValidationErrorsArePermanent(t *testing.T) {
	t.Parallel()
	k, opts, _ := newClient(t, providertest.KlingOptions{})
	ctx := context.Background()
	o := opts
	o.Model = "kling-v9-imaginary"
	_, err := kling.NewVideos(o).SubmitClip(ctx, clip("s1/clip-1/v1"))
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "model_name is invalid") || !shoot.IsPermanent(err) {
		t.Fatalf("bad model: %v", err)
	}
	c := kling.NewVideos(opts)
	bad := clip("s1/clip-2/v1")
	bad.Start = shoot.Reference{}
	if _, err := c.SubmitClip(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("missing start frame: %v", err)
	}
	bad = clip("")
	if _, err := c.SubmitClip(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "idempotency key") {
		t.Fatalf("missing key: %v", err)
	}
	bad = clip("s1/clip-3/v1")
	bad.Seconds = 8
	if _, err := c.SubmitClip(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("8 s clip: %v", err)
	}
	if k.Submissions("") != 0 {
		t.Fatal("invalid creates were accepted")
	}
}

func TestClipResubmitReattachesInsteadOfPayingTwice(t *testing.T) {
	t.Parallel()
	k, opts, logs := newClient(t, providertest.KlingOptions{Timing: providertest.Timing{QueuePolls: 1}})
	ctx := context.Background()
	req := clip("s1/clip-4/v2")
	h1, err := kling.NewVideos(opts).SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// The worker crashed before storing h1; a new one submits again.
	c := kling.NewVideos(opts)
	h2, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var a, b struct {
		TaskID string `json:"task_id"`
	}
	json.Unmarshal([]byte(h1), &a)
	json.Unmarshal([]byte(h2), &b)
	if a.TaskID == "" || a.TaskID != b.TaskID {
		t.Fatalf("re-attached to %q, want %q", b.TaskID, a.TaskID)
	}
	if k.Submissions("") != 1 || k.Duplicates() != 1 || !strings.Contains(logs.String(), "re-attached") {
		t.Fatalf("submissions=%d duplicates=%d", k.Submissions(""), k.Duplicates())
	}
	if st, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h2) }); err != nil || !st.Done {
		t.Fatalf("poll re-attached task: %v", err)
	}
}

func TestClipFailedTaskIsPermanent(t *testing.T) {
	t.Parallel()
	_, opts, _ := newClient(t, providertest.KlingOptions{Fail: func(string, map[string]any) string { return "Failure to pass the risk control system" }})
	ctx := context.Background()
	c, req, h := submitClip(t, ctx, opts, "s1/clip-5/v1")
	_, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "risk control") {
		t.Fatalf("failed task: %v", err)
	}
	if _, err := c.PollClip(ctx, req, "not json"); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("garbage handle: %v", err)
	}
}

func TestClipConcurrencyLimitIsTransient(t *testing.T) {
	t.Parallel()
	k, opts, _ := newClient(t, providertest.KlingOptions{MaxConcurrent: 1})
	ctx := context.Background()
	c, first, h := submitClip(t, ctx, opts, "s1/clip-1/v1")
	second := clip("s1/clip-2/v1")
	if _, err := c.SubmitClip(ctx, second); shoot.ErrorCode(err) != shoot.EUNAVAILABLE || !strings.Contains(err.Error(), "code 1303") {
		t.Fatalf("over the concurrency limit: %v", err)
	}
	if _, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, first, h) }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SubmitClip(ctx, second); err != nil {
		t.Fatalf("after the first finished: %v", err)
	}
	if k.Submissions("") != 2 || k.ActiveHighWater() != 1 {
		t.Fatalf("submissions=%d high water=%d", k.Submissions(""), k.ActiveHighWater())
	}
}

func TestClipsSurviveTransientFaults(t *testing.T) {
	t.Parallel()
	k, opts, _ := newClient(t, providertest.KlingOptions{
		Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1},
		Faults: providertest.Faults{Rate: 0.3, RetryAfter: time.Second, Seed: 3, Kinds: append([]providertest.Fault{providertest.FaultLostAnswer}, providertest.AllFaults...)},
	})
	opts.RequestTimeout, opts.TransferTimeout = 300*time.Millisecond, 300*time.Millisecond // hangs end on our side
	c := kling.NewVideos(opts)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for n := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := clip(fmt.Sprintf("s1/clip-%d/v1", n+1))
			h, err := c.SubmitClip(ctx, req)
			for shoot.ErrorCode(err) == shoot.EUNAVAILABLE { // the job would retry
				h, err = c.SubmitClip(ctx, req)
			}
			if err == nil {
				_, err = pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
			}
			errs[n] = err
		}()
	}
	wg.Wait()
	for n, err := range errs {
		if err != nil {
			t.Errorf("clip %d: %v", n+1, err)
		}
	}
	// Even a create whose answer was lost is paid once: the retry re-attaches.
	if k.Submissions("") != 5 || k.FaultsInjected() == 0 {
		t.Fatalf("submissions=%d faults=%d", k.Submissions(""), k.FaultsInjected())
	}
}

// A finished clip says how long it ran by Kling's clock: from the task's
// created_at to its updated_at, the moment it finished, however late the
// poll that found it done.
func TestClipTookIsKlingsOwnTime(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	at := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return at }
	wait := func(d time.Duration) { mu.Lock(); at = at.Add(d); mu.Unlock() }
	_, opts, _ := newClient(t, providertest.KlingOptions{Now: now, Timing: providertest.Timing{WorkTime: 3 * time.Second}})
	ctx := t.Context()
	c, req, h := submitClip(t, ctx, opts, "s1/clip-1/v1")
	wait(time.Second)
	if st, err := c.PollClip(ctx, req, h); err != nil || st.Done || st.Took != 0 {
		t.Fatalf("after 1 s of 3: %+v, %v", st, err)
	}
	wait(4 * time.Second) // found done 2 s after it finished
	st, err := c.PollClip(ctx, req, h)
	if err != nil || !st.Done {
		t.Fatalf("after 5 s of 3: %+v, %v", st, err)
	}
	if st.Took != 3*time.Second {
		t.Fatalf("took %v by Kling's clock, want 3s", st.Took)
	}
}
