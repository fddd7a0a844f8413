package studio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// clipFrames are two distinct w×h frames, like cropped contact-sheet cells.
func clipFrames(w, h int) (start, end *image.RGBA) {
	start = renderHero(shoot.ImageRequest{Seed: 1, Background: StudioGrey}, nil, w, h, 2)
	end = renderHero(shoot.ImageRequest{Seed: 2, Background: ColorGel}, []*image.RGBA{subjectReference(200, 300)}, w, h, 2)
	return start, end
}

func makeClip(t *testing.T, v *Videos, req shoot.ClipRequest) []byte {
	t.Helper()
	ctx := context.Background()
	h, err := v.SubmitClip(ctx, req)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	st := pollClip(t, v, req, h)
	a := st.Result
	if a.ContentType != "video/mp4" || a.Provider != "studio" || a.Model != ModelMotion || a.Unit != "second" || a.CostUSD != 0 {
		t.Errorf("artifact fields: %+v", *a)
	}
	if a.Units != float64(clipSeconds(req)) {
		t.Errorf("units %v for a %d s clip", a.Units, clipSeconds(req))
	}
	return a.Data
}

// pollClip polls a clip until it is done, as the pipeline would.
func pollClip(t *testing.T, v *Videos, req shoot.ClipRequest, h string) shoot.TaskStatus {
	t.Helper()
	for {
		st, err := v.PollClip(context.Background(), req, h)
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
		if st.Done {
			if st.Result == nil {
				t.Fatalf("done without a result: %+v", st)
			}
			return st
		}
	}
}

type probe struct {
	Streams []struct {
		CodecName  string `json:"codec_name"`
		Profile    string `json:"profile"`
		PixFmt     string `json:"pix_fmt"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		FrameRate  string `json:"r_frame_rate"`
		Frames     string `json:"nb_frames"`
		ColorSpace string `json:"color_space"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobe(t *testing.T, path string) probe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	return p
}

// decodedFrame returns frame n of a clip as RGBA, converted with the
// clip's BT.709 matrix.
func decodedFrame(t *testing.T, path string, n, w, h int) *image.RGBA {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path,
		"-vf", "select=eq(n\\,"+strconv.Itoa(n)+"),scale=in_color_matrix=bt709:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24",
		"-frames:v", "1", "-f", "rawvideo", "pipe:1").Output()
	if err != nil || len(out) != w*h*3 {
		t.Fatalf("decode frame %d: %v (%d bytes)", n, err, len(out))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		copy(img.Pix[i*4:], out[i*3:i*3+3])
		img.Pix[i*4+3] = 255
	}
	return img
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClipStartsAndEndsOnItsFrames(t *testing.T) {
	t.Parallel()
	start, end := clipFrames(1264, 848)
	req := shoot.ClipRequest{Prompt: "Camera rises on a jib while orbiting", Seconds: 5, Seed: 7,
		Start: shoot.Reference{Data: pngOf(t, start)}, End: shoot.Reference{Data: pngOf(t, end)}}
	path := writeTemp(t, makeClip(t, NewVideos(Options{}), req))
	p := ffprobe(t, path)
	s := p.Streams[0]
	if s.CodecName != "h264" || s.Profile != "High" || s.PixFmt != "yuv420p" || s.FrameRate != "24/1" || s.ColorSpace != "bt709" {
		t.Errorf("stream %+v", s)
	}
	if s.Frames != "120" {
		t.Errorf("%s frames, want 120", s.Frames)
	}
	if d, _ := strconv.ParseFloat(p.Format.Duration, 64); math.Abs(d-5) > 0.05 {
		t.Errorf("duration %v, want 5 s", p.Format.Duration)
	}
	if max(s.Width, s.Height) > 720 || s.Width%2 != 0 || s.Height%2 != 0 {
		t.Errorf("size %d×%d: want even sides, long side ≤ 720", s.Width, s.Height)
	}
	if a := float64(s.Width) / float64(s.Height); math.Abs(a-1264.0/848) > 0.01 {
		t.Errorf("aspect %.3f, want the start frame's %.3f", a, 1264.0/848)
	}
	wantFirst, wantLast := fitTo(start, s.Width, s.Height), fitTo(end, s.Width, s.Height)
	first, last := decodedFrame(t, path, 0, s.Width, s.Height), decodedFrame(t, path, 119, s.Width, s.Height)
	mid := decodedFrame(t, path, 60, s.Width, s.Height)
	// Compare at half size: H.264 and 4:2:0 chroma leave only fine noise.
	half := func(img *image.RGBA) *image.RGBA { return scaled(img, img.Bounds(), s.Width/2, s.Height/2) }
	if d := meanAbsDiff(half(first), half(wantFirst)); d > 6.0/255 {
		t.Errorf("first frame differs from the start frame by %.4f", d)
	}
	if d := meanAbsDiff(half(last), half(wantLast)); d > 6.0/255 {
		t.Errorf("last frame differs from the end frame by %.4f", d)
	}
	if d := meanAbsDiff(half(first), half(wantLast)); d < 0.05 {
		t.Errorf("start and end frames are too alike (%.3f) for this test to mean anything", d)
	}
	if meanAbsDiff(half(mid), half(wantFirst)) < 0.02 || meanAbsDiff(half(mid), half(wantLast)) < 0.02 {
		t.Error("the middle of the clip is one of the end frames: no motion")
	}
}

func TestClipTenSecondsSmall(t *testing.T) {
	t.Parallel()
	start, end := clipFrames(318, 212)
	req := shoot.ClipRequest{Seconds: 10, Seed: 1, Start: shoot.Reference{Data: pngOf(t, start)}, End: shoot.Reference{Data: pngOf(t, end)}}
	p := ffprobe(t, writeTemp(t, makeClip(t, NewVideos(Options{MaxSide: 160}), req)))
	if s := p.Streams[0]; s.Frames != "240" || s.Width != 160 || s.Height != 106 {
		t.Errorf("stream %+v, want 240 frames of 160×106", s)
	}
	if d, _ := strconv.ParseFloat(p.Format.Duration, 64); math.Abs(d-10) > 0.05 {
		t.Errorf("duration %v, want 10 s", p.Format.Duration)
	}
}

func TestClipDeterministic(t *testing.T) {
	t.Parallel()
	start, end := clipFrames(318, 212)
	req := shoot.ClipRequest{Seed: 3, Start: shoot.Reference{Data: pngOf(t, start)}, End: shoot.Reference{Data: pngOf(t, end)}}
	v := NewVideos(Options{MaxSide: 200})
	a, b := makeClip(t, v, req), makeClip(t, NewVideos(Options{MaxSide: 200, Workers: 1}), req)
	if !bytes.Equal(a, b) {
		t.Error("the same clip request gave different bytes")
	}
	req.Seed = 4
	if bytes.Equal(a, makeClip(t, v, req)) {
		t.Error("a different seed gave the same clip")
	}
}

func TestPlanMove(t *testing.T) {
	t.Parallel()
	for prompt, want := range map[string]string{
		"Camera rises on a jib while orbiting": "rise", "slow macro creep onto fabric": "push in",
		"Pull back and arc up": "pull back", "low dolly arc around the subject": "arc",
		"camera descends from overhead": "descend", "": "drift",
	} {
		m := planMove(prompt, newRand(1, prompt, "motion"))
		if m.name != want {
			t.Errorf("planMove(%q) = %s, want %s", prompt, m.name, want)
		}
		const n, w, h = 120, 720.0, 484.0
		for i := range n {
			s, e, mix := m.framePlan(i, n, w, h)
			for _, c := range []camera{s, e} {
				hw, hh := w/2*c.scale, h/2*c.scale
				if c.cx-hw < -1e-9 || c.cx+hw > w+1e-9 || c.cy-hh < -1e-9 || c.cy+hh > h+1e-9 {
					t.Fatalf("%q frame %d: camera %+v sees outside the frame", prompt, i, c)
				}
			}
			if i == 0 && (mix != 0 || s != (camera{cx: w / 2, cy: h / 2, scale: 1})) {
				t.Errorf("%q: first frame is not the start frame: %+v mix %v", prompt, s, mix)
			}
			if i == n-1 && (mix != 1 || e != (camera{cx: w / 2, cy: h / 2, scale: 1})) {
				t.Errorf("%q: last frame is not the end frame: %+v mix %v", prompt, e, mix)
			}
		}
	}
}

func TestClipRequestErrors(t *testing.T) {
	t.Parallel()
	good := shoot.Reference{Data: pngOf(t, busyPhoto(64, 48))}
	v := NewVideos(Options{})
	for name, c := range map[string]struct {
		req  shoot.ClipRequest
		code string
	}{
		"seconds":   {shoot.ClipRequest{Seconds: 7, Start: good, End: good}, shoot.EINVALID},
		"no start":  {shoot.ClipRequest{End: good}, shoot.EINVALID},
		"huge end":  {shoot.ClipRequest{Start: good, End: shoot.Reference{Data: hugePNGHeader(t)}}, shoot.ETOOLARGE},
		"text file": {shoot.ClipRequest{Start: shoot.Reference{Data: []byte("hello")}, End: good}, shoot.EINVALID},
	} {
		if _, err := v.SubmitClip(context.Background(), c.req); shoot.ErrorCode(err) != c.code {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	// A frame whose header is fine but whose pixels are broken passes
	// submit and fails the poll.
	broken := good
	broken.Data = good.Data[:len(good.Data)-40]
	req := shoot.ClipRequest{Start: good, End: broken}
	h, err := v.SubmitClip(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.PollClip(context.Background(), req, h); shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "end frame") {
		t.Errorf("broken end frame: got %v", err)
	}
}

// stub writes an executable shell script standing in for ffmpeg.
func stub(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClipFFmpegFailures(t *testing.T) {
	t.Parallel()
	ref := shoot.Reference{Data: pngOf(t, busyPhoto(64, 48))}
	req := shoot.ClipRequest{Start: ref, End: ref}
	for name, c := range map[string]struct{ ffmpeg, want string }{
		"exit status": {stub(t, "cat >/dev/null; echo 'Unknown encoder libx264' >&2; exit 1"), "Unknown encoder libx264"},
		"no output":   {stub(t, "cat >/dev/null; exit 0"), "wrote no clip"},
		"tiny output": {stub(t, `cat >/dev/null; for a; do out=$a; done; printf x > "$out"`), "only 1 bytes"},
		"missing":     {filepath.Join(t.TempDir(), "no-such-ffmpeg"), "could not start ffmpeg"},
	} {
		v := NewVideos(Options{FFmpeg: c.ffmpeg, MaxSide: 64, PollWait: time.Minute})
		h, err := v.SubmitClip(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.PollClip(context.Background(), req, h)
		if shoot.ErrorCode(err) != shoot.EINTERNAL || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want EINTERNAL mentioning %q", name, err, c.want)
		}
	}
}

func TestClipCancelKillsFFmpeg(t *testing.T) {
	t.Parallel()
	marker := filepath.Join(t.TempDir(), "pid")
	// The stand-in records its pid and then sleeps without reading its
	// input, so the render blocks until it is killed.
	ffmpeg := stub(t, "echo $$ > "+marker+".tmp && mv "+marker+".tmp "+marker+" && exec sleep 60")
	ref := shoot.Reference{Data: pngOf(t, busyPhoto(640, 480))}
	req := shoot.ClipRequest{Start: ref, End: ref}
	v := NewVideos(Options{FFmpeg: ffmpeg, PollWait: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	h, err := v.SubmitClip(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := v.PollClip(ctx, req, h); err != nil || st.Done {
		t.Fatalf("first poll: %+v, %v; want the render running", st, err)
	}
	pid := waitForPID(t, marker)
	// A poll whose context ends answers with the cancellation; the render
	// goes on, because the next poll may come with a new context.
	cancel()
	if _, err := v.PollClip(ctx, req, h); !errors.Is(err, context.Canceled) || shoot.ErrorCode(err) != shoot.EUNAVAILABLE {
		t.Errorf("poll with an ended context: got %v, want a cancellation", err)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("ffmpeg (pid %d) stopped with the poll's context: %v", pid, err)
	}
	// Cancelling the job kills ffmpeg.
	if err := v.CancelClip(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("ffmpeg (pid %d) is still running after cancel", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitForPID waits (up to a generous deadline) for the stand-in to write
// its pid.
func waitForPID(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the ffmpeg stand-in never started")
	return 0
}
