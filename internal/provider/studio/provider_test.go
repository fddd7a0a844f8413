package studio

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// fakeClock is a settable clock for the latency option.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestImageLatency(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	im := NewImages(Options{Latency: 10 * time.Second, Now: clock.Now, PollWait: time.Minute})
	req := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K", Seed: 1}
	ctx := context.Background()
	h, err := im.SubmitImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "studio:hero:") {
		t.Errorf("handle %q", h)
	}
	for _, step := range []struct {
		advance  time.Duration
		progress float64
	}{{0, 0}, {4 * time.Second, 0.2}, {5 * time.Second, 0.45}} { // the wait is the first half
		clock.advance(step.advance)
		st, err := im.PollImage(ctx, req, h)
		// The render runs during the wait and adds up to half.
		if err != nil || st.Done || st.Result != nil || st.Progress < step.progress-1e-9 || st.Progress > step.progress+0.5+1e-9 {
			t.Fatalf("at +%v: %+v, %v; want not done at progress %.2f plus at most half for the render", step.advance, st, err, step.progress)
		}
	}
	clock.advance(time.Second)
	st, err := im.PollImage(ctx, req, h)
	if err != nil || !st.Done || st.Result == nil || len(st.Result.Data) == 0 {
		t.Fatalf("after the latency: %+v, %v", st, err)
	}
}

func TestClipLatency(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	v := NewVideos(Options{Latency: time.Minute, Now: clock.Now, MaxSide: 96, PollWait: time.Minute})
	ref := shoot.Reference{Data: pngOf(t, busyPhoto(96, 64))}
	req := shoot.ClipRequest{Start: ref, End: ref}
	ctx := context.Background()
	h, err := v.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(30 * time.Second)
	// Half the wait is a quarter of the job; the render, running meanwhile,
	// adds up to another half.
	if st, err := v.PollClip(ctx, req, h); err != nil || st.Done || st.Progress < 0.25 || st.Progress > 0.75 {
		t.Fatalf("half way: %+v, %v", st, err)
	}
	// Waited out, the render finishes during the wait: progress reaches
	// three quarters at half way, and the job is still not done early.
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := v.PollClip(ctx, req, h)
		if err != nil || st.Done {
			t.Fatalf("before the latency: %+v, %v", st, err)
		}
		if st.Progress == 0.75 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the render never finished during the wait: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	clock.advance(30 * time.Second)
	if st, err := v.PollClip(ctx, req, h); err != nil || !st.Done || st.Result == nil {
		t.Fatalf("after the latency: %+v, %v", st, err)
	}
}

func TestCancelAndHandles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	im := NewImages(Options{})
	req := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K"}
	h, err := im.SubmitImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	other := req
	other.Seed = 99
	if _, err := im.PollImage(ctx, other, h); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("poll with another request: %v", err)
	}
	sheet := req
	sheet.Kind = shoot.ImageContactSheet
	if _, err := im.PollImage(ctx, sheet, h); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("poll with another kind: %v", err)
	}
	for _, bad := range []string{"", "fal:hero:1:abc", "studio:hero:soon:abc", "studio:hero:1"} {
		if _, err := im.PollImage(ctx, req, bad); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("poll %q: %v", bad, err)
		}
		if err := im.CancelImage(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("cancel %q: %v", bad, err)
		}
	}
	if err := im.CancelImage(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PollImage(ctx, req, h); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Errorf("poll after cancel: %v", err)
	}

	v := NewVideos(Options{MaxSide: 64})
	ref := shoot.Reference{Data: pngOf(t, busyPhoto(64, 48))}
	creq := shoot.ClipRequest{Start: ref, End: ref}
	ch, err := v.SubmitClip(ctx, creq)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.PollClip(ctx, creq, h); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("clip poll with an image handle: %v", err)
	}
	if err := v.CancelClip(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PollClip(ctx, creq, ch); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Errorf("clip poll after cancel: %v", err)
	}
}

func TestCancellationsAreBounded(t *testing.T) {
	t.Parallel()
	var c cancellations
	for i := range cancelLimit + 10 {
		c.add(handle{kind: "hero", submitted: time.Unix(0, int64(i)), fingerprint: "x"}.String())
	}
	if len(c.set) != cancelLimit || len(c.order) != cancelLimit {
		t.Errorf("%d remembered, want %d", len(c.set), cancelLimit)
	}
	if c.has(handle{kind: "hero", submitted: time.Unix(0, 0), fingerprint: "x"}.String()) {
		t.Error("the oldest cancellation was not forgotten")
	}
}

func TestImageRequestErrors(t *testing.T) {
	t.Parallel()
	good := shoot.Reference{Data: pngOf(t, busyPhoto(64, 48))}
	im := NewImages(Options{})
	for name, c := range map[string]struct {
		req  shoot.ImageRequest
		code string
	}{
		"kind":         {shoot.ImageRequest{Kind: "poster"}, shoot.EINVALID},
		"aspect":       {shoot.ImageRequest{Kind: shoot.ImageHero, AspectRatio: "7:3"}, shoot.EINVALID},
		"resolution":   {shoot.ImageRequest{Kind: shoot.ImageContactSheet, Resolution: "8K"}, shoot.EINVALID},
		"edit no ref":  {shoot.ImageRequest{Kind: shoot.ImageFrameEdit}, shoot.EINVALID},
		"not an image": {shoot.ImageRequest{Kind: shoot.ImageHero, References: []shoot.Reference{good, {Name: "notes.txt", Data: []byte("hello")}}}, shoot.EINVALID},
		"empty ref":    {shoot.ImageRequest{Kind: shoot.ImageFrameEdit, References: []shoot.Reference{{}}}, shoot.EINVALID},
		"huge ref":     {shoot.ImageRequest{Kind: shoot.ImageHero, References: []shoot.Reference{{Data: hugePNGHeader(t)}}}, shoot.ETOOLARGE},
	} {
		_, err := im.SubmitImage(context.Background(), c.req)
		if shoot.ErrorCode(err) != c.code {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	// A cancelled context is reported, not ignored.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := im.SubmitImage(ctx, shoot.ImageRequest{Kind: shoot.ImageHero}); err == nil {
		t.Error("submit with a cancelled context succeeded")
	}
	req := shoot.ImageRequest{Kind: shoot.ImageHero, Resolution: "1K"}
	h, _ := im.SubmitImage(context.Background(), req)
	if _, err := im.PollImage(ctx, req, h); shoot.ErrorCode(err) != shoot.EUNAVAILABLE {
		t.Errorf("poll with a cancelled context: %v", err)
	}
}

// TestProgressMovesAtEveryPoll polls a 10 s clip every two (fake) seconds
// through a 10 s latency, then until it is done: each poll reports more
// progress than the one before, and the last is done.
func TestProgressMovesAtEveryPoll(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	v := NewVideos(Options{Latency: 10 * time.Second, Now: clock.Now, MaxSide: 96, PollWait: time.Millisecond})
	ref := shoot.Reference{Data: pngOf(t, busyPhoto(96, 64))}
	req := shoot.ClipRequest{Start: ref, End: ref, Seconds: 10}
	ctx := context.Background()
	h, err := v.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	last := -1.0
	for polls := 0; ; polls++ {
		st, err := v.PollClip(ctx, req, h)
		if err != nil {
			t.Fatal(err)
		}
		if st.Done {
			if st.Result == nil || polls < 5 {
				t.Fatalf("done after %d polls: %+v", polls, st)
			}
			return
		}
		if st.Progress < last || st.Progress == last && clock.Now().Sub(time.Unix(1_700_000_000, 0)) < 10*time.Second {
			t.Fatalf("poll %d: progress %.3f after %.3f", polls, st.Progress, last)
		}
		last = st.Progress
		clock.advance(2 * time.Second)
		if polls > 10000 {
			t.Fatal("never done")
		}
	}
}
