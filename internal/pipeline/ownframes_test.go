package pipeline_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// uploadStill stores a w×h JPEG "photograph" (a lit figure on a graded
// backdrop) like POST /api/upload does and returns its reference.
func (h *harness) uploadStill(seed, w, ht int) string {
	h.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	for y := 0; y < ht; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(40 + seed*30%200), uint8(60 + y*120/ht), uint8(90 + x*100/w), 255}
			if dx, dy := x-w/2, y-ht/2; dx*dx*4+dy*dy < (min(w, ht)/3)*(min(w, ht)/3) {
				c = color.RGBA{220, uint8(180 - seed*20%120), 150, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		h.t.Fatal(err)
	}
	name := fmt.Sprintf("%d-still%04d.jpg", time.Now().UnixMilli(), seed)
	ctx := h.t.Context()
	if err := h.bucket.WriteAll(ctx, "uploads/"+name, buf.Bytes(), nil); err != nil {
		h.t.Fatal(err)
	}
	u := &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: "still.jpg", Size: int64(buf.Len()),
		MimeType: "image/jpeg", Width: w, Height: ht}
	if err := h.store.CreateUpload(ctx, u); err != nil {
		h.t.Fatal(err)
	}
	return "/uploads/" + name
}

// TestOwnFramesShoot makes films from a photographer's own stills, of
// mixed sizes and orientations, with each director: the session opens at
// the frames checkpoint without a hero or a contact sheet, every frame
// has one size, and the film has a clip between each pair of frames (and
// one back to the start when it loops).
func TestOwnFramesShoot(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{640, 480}, {480, 640}, {800, 600}, {1024, 768}, {360, 270}, {500, 500}}
	cases := []struct {
		frames int
		loop   bool
		clips  int
		aspect string
	}{
		{6, false, 5, "4:3"},
		{3, true, 3, "4:3"},
		{2, false, 1, "4:3"},
	}
	for i, dc := range directorCases()[:2] {
		for j, c := range cases {
			if i > 0 && j > 0 {
				break // the Claude director sees the common case; the rules one every case
			}
			t.Run(fmt.Sprintf("%s/%d-frames-loop-%t", dc.name, c.frames, c.loop), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, harnessOptions{clipConcurrency: 5, director: dc.make})
				var refs []string
				for i := range c.frames {
					s := sizes[[]int{0, 2, 3, 1, 4, 5}[i%6]]
					refs = append(refs, h.uploadStill(i+1, s[0], s[1]))
				}
				opts := fast
				opts.Frames, opts.Loop = refs, c.loop
				s, after, err := h.eng.Start(t.Context(), pipeline.StartRequest{Inputs: nil, Options: opts})
				if err != nil {
					t.Fatal(err)
				}
				evs := h.exchange(s.ID, after)
				if got := checkpointOf(t, evs); got != shoot.StageFrames || last(t, evs)["type"] != shoot.EventComplete {
					t.Fatalf("the first exchange ended at %q: %s", got, types(evs))
				}
				if got := h.provided(); got != [3]int{} {
					t.Fatalf("providers made (hero, sheet, clips) %v before the frames were approved", got)
				}
				checkUniformFrames(t, h, s.ID, c.frames, c.aspect)
				wantCheckpointAfter(t, h, s.ID, "continue", shoot.StageClips)
				if got := h.calls.count("clip"); got != c.clips {
					t.Errorf("%d clips made, want %d", got, c.clips)
				}
				wantCheckpointAfter(t, h, s.ID, "continue", shoot.StageComplete)
				if f := h.latestAsset(s.ID, shoot.AssetFinal, 0); f.Size == 0 {
					t.Error("the film is empty")
				}
			})
		}
	}
}

func wantCheckpointAfter(t *testing.T, h *harness, sid, reply, stage string) {
	t.Helper()
	evs := h.reply(sid, reply)
	if got := checkpointOf(t, evs); got != stage {
		t.Fatalf("after %q the exchange ended at %q, want %q: %s", reply, got, stage, types(evs))
	}
}

func checkUniformFrames(t *testing.T, h *harness, sid string, n int, aspect string) {
	t.Helper()
	var w, ht int
	for i := 1; i <= n; i++ {
		a := h.latestAsset(sid, shoot.AssetFrame, i)
		data, err := h.bucket.ReadAll(t.Context(), a.Key)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if i == 1 {
			w, ht = cfg.Width, cfg.Height
		}
		if cfg.Width != w || cfg.Height != ht || w%2 != 0 || ht%2 != 0 {
			t.Errorf("frame %d is %d×%d, frame 1 %d×%d; want one even size", i, cfg.Width, cfg.Height, w, ht)
		}
	}
	var aw, ah int
	fmt.Sscanf(aspect, "%d:%d", &aw, &ah)
	if d := float64(w)/float64(ht) - float64(aw)/float64(ah); d > 0.01 || d < -0.01 {
		t.Errorf("frames are %d×%d, want the majority's shape %s", w, ht, aspect)
	}
}

func TestOwnFramesRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	good := h.uploadStill(1, 320, 240)
	thirteen := make([]string, 13)
	for i := range thirteen {
		thirteen[i] = good
	}
	cases := []struct {
		frames []string
		want   string
	}{
		{[]string{good}, "options.frames"},
		{thirteen, "options.frames"},
		{[]string{good, "/uploads/1700000000000-nothere.png"}, "options.frames[1]"},
		{[]string{good, "../../etc/passwd"}, "options.frames[1]"},
	}
	for _, c := range cases {
		_, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Options: shoot.Options{Frames: c.frames}})
		if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(shoot.ErrorMessage(err), c.want) {
			t.Errorf("%d frames (%v): %v, want EINVALID naming %s", len(c.frames), c.frames[len(c.frames)-1], err, c.want)
		}
	}
	list, err := h.store.ListSessions(t.Context(), store.SessionFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("%d sessions after refused starts (%v)", len(list), err)
	}
}
