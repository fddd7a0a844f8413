package media

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestStitchTwoClips(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := makeClip(t, dir, "a.mp4", "testsrc2=s=320x240:r=24:d=2")
	b := makeClip(t, dir, "b.mp4", "testsrc=s=320x240:r=24:d=2")
	out := filepath.Join(dir, "final", "film.mp4")
	var pcts []float64
	res, err := Stitch(context.Background(), StitchOptions{
		Clips: []string{a, b}, Out: out, ClipDuration: 0.5, FPS: 30, Preset: "superfast",
		Progress: func(p float64) { pcts = append(pcts, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames != 30 || res.Width != 320 || res.Height != 240 || math.Abs(res.Duration-1) > 1e-9 {
		t.Errorf("result = %+v, want 30 frames 320x240 1 s", res)
	}
	info := probe(t, out)
	if info.Codec != "h264" || info.Profile != "High" || info.PixFmt != "yuv420p" || info.FPS != 30 {
		t.Errorf("output = %+v, want h264 High yuv420p 30 fps", info)
	}
	if math.Abs(info.Duration-1) > 0.05 {
		t.Errorf("output duration = %v, want 1 s", info.Duration)
	}
	if n, err := CountFrames(context.Background(), out); err != nil || n != 30 {
		t.Errorf("CountFrames = %d, %v; want 30", n, err)
	}
	boxes, err := topLevelBoxes(out)
	if err != nil || slices.Index(boxes, "moov") > slices.Index(boxes, "mdat") {
		t.Errorf("boxes = %v, %v; want moov before mdat", boxes, err)
	}
	if len(pcts) == 0 || pcts[len(pcts)-1] != 100 || !slices.IsSorted(pcts) {
		t.Errorf("progress = %v, want increasing to 100", pcts)
	}
	if l := leftovers(t, filepath.Dir(out)); len(l) > 0 {
		t.Errorf("temporary files left behind: %v", l)
	}
	t.Logf("%+v", res)
}

// Clips of different sizes, aspect ratios, frame rates and pixel formats
// become one film at the most common (here: largest) size, covered and
// cropped rather than padded.
func TestStitchMixedClips(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	x264 := func(pixFmt string) []string {
		return []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", pixFmt}
	}
	clips := []string{
		makeClip(t, dir, "big.mp4", "testsrc2=s=320x240:r=24:d=1"),
		makeClip(t, dir, "small.mp4", "testsrc=s=160x120:r=30:d=1"),
		makeClip(t, dir, "square444.mp4", "color=c=0xB0B0B0:s=240x240:r=25:d=1", x264("yuv444p")...),
		makeClip(t, dir, "portrait.mkv", "color=c=0xB0B0B0:s=120x200:r=12:d=1", "-c:v", "ffv1"),
	}
	out := filepath.Join(dir, "film.mp4")
	res, err := Stitch(context.Background(), StitchOptions{Clips: clips, Out: out, ClipDuration: 0.4, FPS: 25, Preset: "superfast"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 320 || res.Height != 240 || res.Frames != 40 {
		t.Fatalf("result %dx%d %d frames, want 320x240 40 frames", res.Width, res.Height, res.Frames)
	}
	if got := []float64{res.Clips[0].FPS, res.Clips[1].FPS, res.Clips[2].FPS, res.Clips[3].FPS}; !slices.Equal(got, []float64{24, 30, 25, 12}) {
		t.Errorf("clip rates = %v", got)
	}
	info := probe(t, out)
	if info.Width != 320 || info.Height != 240 || info.PixFmt != "yuv420p" || info.Profile != "High" {
		t.Errorf("output = %+v", info)
	}
	// The grey clips fill the whole frame: no black bar anywhere.
	raw, err := exec.Command("ffmpeg", "-v", "error", "-i", out, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	size := frameBytes(320, 240)
	for f := 20; f < 40; f++ {
		luma := raw[f*size : f*size+320*240]
		if m := slices.Min(luma); m < 120 {
			t.Fatalf("frame %d has luma %d somewhere: a bar or border, not picture", f, m)
		}
	}
}

func TestCommonSize(t *testing.T) {
	t.Parallel()
	plan := func(w, h int) clipPlan { return clipPlan{info: Info{Width: w, Height: h}} }
	tests := []struct {
		plans []clipPlan
		w, h  int
	}{
		{[]clipPlan{plan(1280, 720), plan(1920, 1080), plan(1280, 720)}, 1280, 720},
		{[]clipPlan{plan(640, 360), plan(1280, 720)}, 1280, 720},
		{[]clipPlan{plan(721, 481)}, 720, 480},
	}
	for _, tt := range tests {
		if w, h := commonSize(tt.plans); w != tt.w || h != tt.h {
			t.Errorf("commonSize = %dx%d, want %dx%d", w, h, tt.w, tt.h)
		}
	}
}

// A clip shorter than the others (and than its own output duration) is
// ramped over its real length.
func TestStitchShortClip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := makeClip(t, dir, "long.mp4", "testsrc2=s=160x120:r=24:d=2")
	short := makeClip(t, dir, "short.mp4", "testsrc2=s=160x120:r=24:d=0.25")
	res, err := Stitch(context.Background(), StitchOptions{
		Clips: []string{long, short}, Out: filepath.Join(dir, "film.mp4"), ClipDuration: 0.5, FPS: 30, Preset: "superfast",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames != 30 || res.Clips[1].SourceFrames != 6 || res.Clips[1].OutputFrames != 15 {
		t.Errorf("result %+v, want 30 frames with 6 source frames from the short clip", res)
	}
}

func TestStitchBadClips(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := makeClip(t, dir, "good.mp4", "testsrc2=s=160x120:r=24:d=2")
	fast := makeClip(t, dir, "fast.mp4", "testsrc2=s=160x120:r=24:d=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
	whole, err := os.ReadFile(fast)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, code string
		words            []string
	}{
		{"garbage", writeFile(t, dir, "garbage.mp4", bytes.Repeat([]byte("not a video "), 2000)), shoot.EINVALID, []string{"not a readable video"}},
		{"truncated index", writeFile(t, dir, "noindex.mp4", whole[:len(whole)/2][:200]), shoot.EINVALID, []string{"not a readable video"}},
		{"truncated media", writeFile(t, dir, "cut.mp4", whole[:len(whole)/2]), shoot.EINVALID, []string{"truncated or corrupt"}},
		{"missing", filepath.Join(dir, "nope.mp4"), shoot.ENOTFOUND, []string{"cannot be opened"}},
		{"still image", makeClip(t, dir, "still.png", "color=c=red:s=64x64:d=1", "-frames:v", "1"), shoot.EINVALID, []string{"still image"}},
		{"audio only", makeClip(t, dir, "tone.wav", "sine=f=440:d=1"), shoot.EINVALID, []string{"no video stream"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			outDir := t.TempDir()
			out := filepath.Join(outDir, "film.mp4")
			_, err := Stitch(context.Background(), StitchOptions{
				Clips: []string{good, tt.path}, Out: out, ClipDuration: 0.3, FPS: 20, Preset: "superfast",
			})
			if shoot.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %s", err, tt.code)
			}
			for _, w := range append(tt.words, "clip 2", tt.path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed stitch left %s behind (%v)", out, err)
			}
			if l := leftovers(t, outDir); len(l) > 0 {
				t.Errorf("temporary files left behind: %v", l)
			}
		})
	}
}

func TestStitchAudioBed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=160x120:r=24:d=1")
	bed := makeClip(t, dir, "bed.wav", "sine=f=330:d=0.4") // shorter than the film: it loops
	out := filepath.Join(dir, "film.mp4")
	res, err := Stitch(context.Background(), StitchOptions{
		Clips: []string{clip, clip}, Out: out, ClipDuration: 0.6, FPS: 30, Preset: "superfast", Audio: bed,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Audio || !probe(t, out).HasAudio {
		t.Fatal("the film has no audio track")
	}
	b, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
		"stream=codec_name,duration", "-of", "default=nw=1", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var codec string
	var dur float64
	for _, line := range strings.Fields(string(b)) {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "codec_name":
			codec = v
		case "duration":
			dur, _ = strconv.ParseFloat(v, 64)
		}
	}
	if codec != "aac" || math.Abs(dur-1.2) > 0.05 {
		t.Errorf("audio %s %.3f s, want aac of the film's 1.2 s", codec, dur)
	}
	silent := makeClip(t, dir, "silent.mp4", "testsrc2=s=64x64:r=24:d=1")
	_, err = Stitch(context.Background(), StitchOptions{Clips: []string{clip}, Out: out, ClipDuration: 0.2, Audio: silent})
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "no audio stream") {
		t.Errorf("video-only bed: err = %v, want EINVALID no audio stream", err)
	}
}

func TestAudioArgsFades(t *testing.T) {
	t.Parallel()
	in, out := audioArgs("bed.mp3", 9, nil)
	if !slices.Equal(in, []string{"-stream_loop", "-1", "-protocol_whitelist", "file", "-i", "file:bed.mp3"}) {
		t.Errorf("input args %v", in)
	}
	filter := out[slices.Index(out, "-af")+1]
	for _, want := range []string{"atrim=end=9.000000", "afade=t=in:st=0:d=0.500", "afade=t=out:st=8.000000:d=1.000"} {
		if !strings.Contains(filter, want) {
			t.Errorf("filter %q lacks %q", filter, want)
		}
	}
	_, short := audioArgs("bed.mp3", 1, nil)
	if f := short[slices.Index(short, "-af")+1]; !strings.Contains(f, "afade=t=out:st=0.750000:d=0.250") {
		t.Errorf("short film fades %q, want quarter-length fades", f)
	}
}

func TestStitchOptionErrors(t *testing.T) {
	t.Parallel()
	ok := StitchOptions{Clips: []string{"a.mp4"}, Out: "out.mp4"}
	tests := []struct {
		name string
		edit func(*StitchOptions)
	}{
		{"no clips", func(o *StitchOptions) { o.Clips = nil }},
		{"no output", func(o *StitchOptions) { o.Out = "" }},
		{"fps too high", func(o *StitchOptions) { o.FPS = 500 }},
		{"negative fps", func(o *StitchOptions) { o.FPS = -1 }},
		{"negative duration", func(o *StitchOptions) { o.ClipDuration = -1 }},
		{"NaN duration", func(o *StitchOptions) { o.ClipDuration = math.NaN() }},
		{"no frames", func(o *StitchOptions) { o.ClipDuration = 0.001 }},
		{"crf", func(o *StitchOptions) { o.CRF = 60 }},
		{"preset", func(o *StitchOptions) { o.Preset = "turbo" }},
		{"odd size", func(o *StitchOptions) { o.Width, o.Height = 321, 240 }},
		{"half a size", func(o *StitchOptions) { o.Width = 320 }},
		{"too many easings", func(o *StitchOptions) { o.Easings = []Easing{linear, linear} }},
		{"on the beat without a bed", func(o *StitchOptions) { o.OnBeat = true }},
		{"frames for two clips of one", func(o *StitchOptions) { o.ClipFrames = []int{10, 10} }},
		{"a clip of no frames", func(o *StitchOptions) { o.ClipFrames = []int{0} }},
	}
	for _, tt := range tests {
		o := ok
		tt.edit(&o)
		if _, err := Stitch(context.Background(), o); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", tt.name, err)
		}
	}
}

func TestStitchForcedSize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=160x120:r=24:d=1")
	out := filepath.Join(dir, "film.mp4")
	if _, err := Stitch(context.Background(), StitchOptions{
		Clips: []string{clip}, Out: out, ClipDuration: 0.2, FPS: 30, Width: 96, Height: 128, Preset: "superfast",
	}); err != nil {
		t.Fatal(err)
	}
	if info := probe(t, out); info.Width != 96 || info.Height != 128 {
		t.Errorf("output %dx%d, want 96x128", info.Width, info.Height)
	}
}

// Cancelling mid-film stops both ffmpeg processes and leaves no file.
func TestStitchCancel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := makeClip(t, dir, "a.mp4", "testsrc2=s=320x240:r=24:d=2")
	out := filepath.Join(dir, "film.mp4")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Stitch(ctx, StitchOptions{
		Clips: []string{clip, clip, clip}, Out: out, ClipDuration: 1, FPS: 30, Preset: "superfast",
		Progress: func(float64) { cancel() },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cancelled stitch left %s (%v)", out, err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left behind: %v", l)
	}
}

func TestStitchOptionsValidate(t *testing.T) {
	t.Parallel()
	if err := (StitchOptions{Clips: []string{"a.mp4"}, Out: "o.mp4"}).Validate(); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
	if err := (StitchOptions{Clips: []string{"a.mp4"}, Out: "o.mp4", FPS: -3}).Validate(); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("negative fps: %v", err)
	}
}
