package fal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/gif"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func heroRequest() shoot.ImageRequest {
	return shoot.ImageRequest{Kind: shoot.ImageHero, Prompt: "editorial portrait", AspectRatio: "3:2", Resolution: "2K", Key: "s1/hero/v1"}
}

// submitHero submits heroRequest through a new image client on opts and
// fails the test when the submit does.
func submitHero(t *testing.T, opts fal.Options) (*fal.Images, shoot.ImageRequest, string) {
	t.Helper()
	c := fal.NewImages(opts)
	req := heroRequest()
	h, err := c.SubmitImage(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return c, req, h
}

func TestImageQueueSequenceAndResult(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 2}})
	e.opts.StreamWait = -1 // one status request per poll: the sequence below
	c, req, h := submitHero(t, e.opts)
	ctx := context.Background()
	var hd map[string]string
	if err := json.Unmarshal([]byte(h), &hd); err != nil || hd["request_id"] == "" {
		t.Fatalf("handle %q", h)
	}
	if want := e.fake.URL + "/fal-ai/nano-banana-pro/requests/" + hd["request_id"] + "/status"; hd["status_url"] != want {
		t.Fatalf("status_url %q, want the one FAL returned %q", hd["status_url"], want)
	}
	// IN_QUEUE, IN_PROGRESS (log 1), IN_PROGRESS (log 2), COMPLETED.
	wantLogs := [][]string{nil, {"generating: step 1"}, {"generating: step 2"}, nil}
	var (
		st  shoot.TaskStatus
		err error
	)
	for i, want := range wantLogs {
		if st, err = c.PollImage(ctx, req, h); err != nil {
			t.Fatalf("poll %d: %v", i, err)
		}
		if st.Done != (i == 3) || !slices.Equal(st.Logs, want) {
			t.Fatalf("poll %d: done=%v logs=%q, want done=%v logs=%q", i, st.Done, st.Logs, i == 3, want)
		}
	}
	a := st.Result
	if a.Provider != "fal" || a.Model != fal.DefaultImageModel || a.Units != 1 || a.Unit != "image" || !near(a.CostUSD, 0.15) || a.ContentType != "image/png" {
		t.Fatalf("artifact %s", describe(a))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(a.Data))
	if err != nil || cfg.Width != 768 || cfg.Height != 512 {
		t.Fatalf("result image %v %dx%d", err, cfg.Width, cfg.Height)
	}
	in := e.fake.Inputs()[0]
	if in.Endpoint != fal.DefaultImageModel || in.Input["prompt"] != req.Prompt || in.Input["aspect_ratio"] != "3:2" ||
		in.Input["resolution"] != "2K" || in.Input["output_format"] != "png" || in.Input["num_images"] != 1.0 {
		t.Fatalf("submitted %+v", in)
	}
	if _, ok := in.Input["image_urls"]; ok {
		t.Fatal("text-to-image request sent image_urls")
	}
	if e.fake.Downloads() != 1 || e.fake.AuthLeaks() != 0 {
		t.Fatalf("downloads=%d authLeaks=%d", e.fake.Downloads(), e.fake.AuthLeaks())
	}
}

func encode(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	var buf bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImageEditUploadsReferencesThroughStorage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{})
	c := fal.NewImages(e.opts)
	ctx := context.Background()
	req := heroRequest()
	req.Resolution = "4K"
	req.Format = "jpg"
	req.References = []shoot.Reference{
		ref("look.png", "image/png", providertest.PNG(50, 50)),
		ref("", "", encode(t, "jpeg")), // content type sniffed here
		ref("dir/anim.gif", "image/gif", encode(t, "gif")),
	}
	if got := c.Model(req); got != fal.DefaultEditModel {
		t.Fatalf("Model = %q", got)
	}
	h, err := c.SubmitImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "/edit/requests") {
		t.Fatalf("queue URLs should be rooted at the app, got %s", h)
	}
	in := e.fake.Inputs()[0].Input
	urls, _ := in["image_urls"].([]any)
	if e.fake.Uploads() != 3 || len(urls) != 3 || in["output_format"] != "jpeg" {
		t.Fatalf("uploads=%d image_urls=%v format=%v", e.fake.Uploads(), urls, in["output_format"])
	}
	if !strings.HasSuffix(urls[0].(string), "/look.png") || !strings.HasSuffix(urls[1].(string), "/reference-2.jpg") || !strings.HasSuffix(urls[2].(string), "/anim.gif") {
		t.Fatalf("file names %v", urls)
	}
	st, _, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollImage(ctx, req, h) })
	if err != nil {
		t.Fatal(err)
	}
	if st.Result.Model != fal.DefaultEditModel || !near(st.Result.CostUSD, 0.30) || st.Result.ContentType != "image/jpeg" {
		t.Fatalf("artifact %s", describe(st.Result))
	}
	if e.fake.AuthLeaks() != 0 {
		t.Fatal("credentials were sent to storage or CDN URLs")
	}
}

func TestImageAuthAndValidationErrorsArePermanent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{})
	ctx := context.Background()
	cases := []struct {
		name     string
		key      string
		mutate   func(*shoot.ImageRequest)
		code     string
		contains string
	}{
		{"wrong key", "other-id:other-secret", nil, shoot.EUNAUTHORIZED, "No user found for Key ID and Secret"},
		{"malformed key", "no-colon", nil, shoot.EUNAUTHORIZED, "Expected '<key_id>:<key_secret>'"},
		{"bad aspect", e.opts.Key, func(r *shoot.ImageRequest) { r.AspectRatio = "7:1" }, shoot.EINVALID, "aspect_ratio: Input should be"},
		{"bad resolution", e.opts.Key, func(r *shoot.ImageRequest) { r.Resolution = "8K" }, shoot.EINVALID, "resolution: Input should be"},
		{"empty prompt", e.opts.Key, func(r *shoot.ImageRequest) { r.Prompt = " " }, shoot.EINVALID, "needs a prompt"},
	}
	for _, tc := range cases {
		opts := e.opts
		opts.Key = tc.key
		req := heroRequest()
		if tc.mutate != nil {
			tc.mutate(&req)
		}
		_, err := fal.NewImages(opts).SubmitImage(ctx, req)
		if shoot.ErrorCode(err) != tc.code || !strings.Contains(shoot.ErrorMessage(err), tc.contains) || !shoot.IsPermanent(err) {
			t.Errorf("%s: err = %v, want %s containing %q", tc.name, err, tc.code, tc.contains)
		}
		if strings.Contains(err.Error(), "other-secret") {
			t.Errorf("%s: error leaks the key: %v", tc.name, err)
		}
	}
	if e.fake.Submissions("") != 0 {
		t.Fatal("refused requests were counted as submissions")
	}
}

func TestImageGenerationFailureAndRejection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{
		Reject: func(_ string, in map[string]any) string {
			if strings.Contains(in["prompt"].(string), "forbidden") {
				return "prompt violates the content policy"
			}
			return ""
		},
		Fail: func(_ string, in map[string]any) string {
			if strings.Contains(in["prompt"].(string), "doomed") {
				return "the model could not render this"
			}
			return ""
		},
	})
	c := fal.NewImages(e.opts)
	ctx := context.Background()
	req := heroRequest()
	req.Prompt = "forbidden thing"
	if _, err := c.SubmitImage(ctx, req); shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "content policy") {
		t.Fatalf("rejected submit: %v", err)
	}
	req.Prompt = "doomed thing"
	h, err := c.SubmitImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollImage(ctx, req, h) })
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(shoot.ErrorMessage(err), "could not render this") {
		t.Fatalf("failed generation: %v", err)
	}
}

func TestImageCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Timing: providertest.Timing{Manual: true}})
	c, req, h := submitHero(t, e.opts)
	ctx := context.Background()
	if st, err := c.PollImage(ctx, req, h); err != nil || st.Done {
		t.Fatalf("poll before cancel: %+v %v", st, err)
	}
	if err := c.CancelImage(ctx, h); err != nil {
		t.Fatal(err)
	}
	if e.fake.Cancels() != 1 || e.fake.Active() != 0 {
		t.Fatalf("cancels=%d active=%d", e.fake.Cancels(), e.fake.Active())
	}
	if _, err := c.PollImage(ctx, req, h); shoot.ErrorCode(err) != shoot.ECONFLICT {
		t.Fatalf("poll after cancel: %v", err)
	}
	// Cancelling a finished request is fine (FAL answers ALREADY_COMPLETED).
	if err := c.CancelImage(ctx, h); err != nil {
		t.Fatalf("second cancel: %v", err)
	}
	if err := c.CancelImage(ctx, "garbage"); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("garbage handle: %v", err)
	}
}

func TestImageTransientFaultsAreRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{
		Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1},
		// Hangs stall 300 ms and end in a gateway 504.
		Faults: providertest.Faults{Rate: 0.3, RetryAfter: 2 * time.Second, Hang: 300 * time.Millisecond, Seed: 42},
	})
	// FAL has no idempotency key: a try that times out on our side after
	// FAL accepted the submit pays twice, so the count below is exact only
	// while no try times out on our side. Client-side timeouts are covered
	// by the httpx tests and by the Kling tests, where external_task_id
	// makes them safe.
	e.opts.RequestTimeout, e.opts.TransferTimeout = 10*time.Second, 10*time.Second
	c := fal.NewImages(e.opts)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for n := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := heroRequest()
			if n%2 == 1 {
				req.References = []shoot.Reference{ref("r.png", "image/png", providertest.PNG(20, 20))}
			}
			h, err := c.SubmitImage(ctx, req)
			for shoot.ErrorCode(err) == shoot.EUNAVAILABLE { // the job would retry
				h, err = c.SubmitImage(ctx, req)
			}
			if err == nil {
				_, _, err = pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollImage(ctx, req, h) })
			}
			errs[n] = err
		}()
	}
	wg.Wait()
	for n, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", n, err)
		}
	}
	if got := e.fake.Submissions(""); got != 6 {
		t.Errorf("submissions = %d, want exactly 6", got)
	}
	if e.fake.FaultsInjected() == 0 || !e.waits.has(2*time.Second) {
		t.Errorf("faults=%d; Retry-After honoured: %v", e.fake.FaultsInjected(), e.waits.has(2*time.Second))
	}
	if strings.Contains(e.logs.String(), e.opts.Key) {
		t.Error("the FAL key appears in the logs")
	}
}

func TestImageOutOfRetriesIsUnavailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Faults: providertest.Faults{Rate: 1, Kinds: []providertest.Fault{providertest.FaultUnavailable}}})
	_, err := fal.NewImages(e.opts).SubmitImage(context.Background(), heroRequest())
	if shoot.ErrorCode(err) != shoot.EUNAVAILABLE || shoot.IsPermanent(err) {
		t.Fatalf("err = %v, want transient EUNAVAILABLE", err)
	}
}

func TestImageResultMustDecode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Image: func(string, map[string]any) []byte { return []byte("<html>not an image</html>") }})
	c, req, h := submitHero(t, e.opts)
	ctx := context.Background()
	if _, _, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollImage(ctx, req, h) }); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.PollImage(ctx, req, "{}"); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("empty handle: %v", err)
	}
}

func TestPricesOverride(t *testing.T) {
	t.Parallel()
	c := fal.NewImages(fal.Options{Key: "k:s", Prices: fal.Prices{Images: map[string]fal.ImagePrice{"custom/model": {PerImage: 0.5, PerImage4K: 1}}}})
	if c.PriceOf("custom/model", "4K") != 1 || c.PriceOf(fal.DefaultImageModel, "1K") != 0.15 || c.PriceOf("unknown", "2K") != 0 {
		t.Fatal("price table not merged with the defaults")
	}
	v := fal.NewVideos(fal.Options{Key: "k:s"})
	if !near(v.PriceOf(10), 0.7) || v.Model() != fal.DefaultVideoModel {
		t.Fatalf("video price %v model %s", v.PriceOf(10), v.Model())
	}
}
