package fal_test

import (
	"bytes"
	"context"
	"image"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func clipRequest() shoot.ClipRequest {
	return shoot.ClipRequest{
		Prompt: "slow orbit from left to right",
		Start:  ref("frame-1.png", "image/png", providertest.PNG(200, 120)), // too small: scaled up
		End:    ref("frame-2.png", "image/png", providertest.PNG(900, 300)), // 3:1: cropped to 2.5:1
		Key:    "s1/clip-1/v1",
	}
}

func TestFALVideoClip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	c := fal.NewVideos(e.opts)
	ctx := context.Background()
	req := clipRequest()
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	sub := e.fake.Inputs()[0]
	in := sub.Input
	if sub.Endpoint != fal.DefaultVideoModel || in["prompt"] != req.Prompt || in["duration"] != "5" ||
		in["negative_prompt"] != fal.DefaultNegativePrompt || in["generate_audio"] != false {
		t.Fatalf("submitted %+v", sub)
	}
	start, _ := in["start_image_url"].(string)
	end, _ := in["end_image_url"].(string)
	if start == "" || end == "" || e.fake.Uploads() != 2 {
		t.Fatalf("frames not uploaded: %v %v uploads=%d", start, end, e.fake.Uploads())
	}
	for _, u := range []string{start, end} {
		if w, h := frameSize(t, u); w < 300 || h < 300 || float64(w)/float64(h) > 2.5 {
			t.Fatalf("uploaded frame %dx%d breaks Kling's limits", w, h)
		}
	}
	st, logs, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
	if err != nil {
		t.Fatal(err)
	}
	a := st.Result
	if a.ContentType != "video/mp4" || a.Provider != "fal" || a.Model != fal.DefaultVideoModel || a.Units != 5 || a.Unit != "second" || !near(a.CostUSD, 0.35) {
		t.Fatalf("artifact %s", describe(a))
	}
	if len(logs) != 1 || e.fake.AuthLeaks() != 0 {
		t.Fatalf("logs %q, auth leaks %d", logs, e.fake.AuthLeaks())
	}
}

// frameSize downloads an uploaded frame from the fake and measures it.
func frameSize(t *testing.T, url string) (int, int) {
	t.Helper()
	resp, err := httpGet(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(resp))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

func TestFALVideoOlderEndpointFieldsAndTenSeconds(t *testing.T) {
	t.Parallel()
	const endpoint = "fal-ai/kling-video/v2.5-turbo/pro/image-to-video"
	e := newEnv(t, providertest.FALOptions{StartField: "image_url", EndField: "tail_image_url"})
	e.opts.VideoModel = endpoint
	c := fal.NewVideos(e.opts)
	ctx := context.Background()
	req := clipRequest()
	req.Seconds = 10
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	in := e.fake.Inputs()[0].Input
	if in["image_url"] == nil || in["tail_image_url"] == nil || in["duration"] != "10" {
		t.Fatalf("submitted %+v", in)
	}
	st, _, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) })
	if err != nil || st.Result.Units != 10 || !near(st.Result.CostUSD, 0.70) || st.Result.Model != endpoint {
		t.Fatalf("result %s, %v", describe(st.Result), err)
	}
}

func TestFALVideoRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, providertest.FALOptions{Video: func(string, map[string]any) []byte { return []byte("not a video at all") }})
	c := fal.NewVideos(e.opts)
	ctx := context.Background()
	req := clipRequest()
	req.Seconds = 7
	if _, err := c.SubmitClip(ctx, req); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("7 s clip: %v", err)
	}
	req = clipRequest()
	req.Start.Data = []byte("garbage")
	if _, err := c.SubmitClip(ctx, req); shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "not a decodable image") {
		t.Fatalf("garbage frame: %v", err)
	}
	req = clipRequest()
	h, err := c.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pollUntilDone(t, func() (shoot.TaskStatus, error) { return c.PollClip(ctx, req, h) }); shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "not an MP4") {
		t.Fatalf("non-MP4 result: %v", err)
	}
	if err := c.CancelClip(ctx, h); err != nil {
		t.Fatalf("cancel of a finished request: %v", err)
	}
}
