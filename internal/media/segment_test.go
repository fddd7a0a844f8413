package media

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// The segment path must make the film the one-pass stitch makes: the same
// number of frames at the same timestamps, and pictures that differ only
// by encoder noise (PSNR ≥ 40 dB on every frame), for curves of every kind:
// the default swoop, a plain ease, one that overshoots and clamps, and
// per-clip curves.
func TestJoinedSegmentsMatchStitch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clips := []string{
		makeClip(t, dir, "a.mp4", "testsrc2=s=320x240:r=24:d=2"),
		makeClip(t, dir, "b.mp4", "testsrc=s=320x240:r=24:d=2"),
		makeClip(t, dir, "c.mp4", "gradients=s=320x240:r=30:d=1.5:speed=0.05"),
	}
	cases := []struct {
		name    string
		easings []string
		dur     float64
		fps     int
		audio   bool
	}{
		{"dramaticSwoop", []string{"dramaticSwoop"}, 0.8, 30, false},
		{"easeInOut", []string{"easeInOut"}, 0.5, 24, false},
		{"overshoot", []string{"easeInCircOutQuad"}, 0.6, 25, false},
		{"per-clip with audio", []string{"luxurious", "cinematic", "materialAccelerate"}, 0.7, 60, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			sub := t.TempDir()
			eases := make([]Easing, len(clips))
			for i := range clips {
				e, err := Lookup(tc.easings[min(i, len(tc.easings)-1)])
				if err != nil {
					t.Fatal(err)
				}
				eases[i] = e
			}
			audio := ""
			if tc.audio {
				audio = makeClip(t, sub, "bed.m4a", "sine=f=440:d=1", "-c:a", "aac")
			}
			base := StitchOptions{ClipDuration: tc.dur, FPS: tc.fps, Preset: "veryfast", Audio: audio}
			one := base
			one.Clips, one.Easings, one.Out = clips, eases, filepath.Join(sub, "stitched.mp4")
			want, err := Stitch(ctx, one)
			if err != nil {
				t.Fatal(err)
			}
			joined := joinClips(t, base, clips, eases, sub)
			if joined.Frames != want.Frames || joined.Width != want.Width || joined.Height != want.Height {
				t.Fatalf("joined %+v, stitched %+v", joined, want)
			}
			if a, b := frameTimes(t, want.Out), frameTimes(t, joined.Out); !slices.Equal(a, b) {
				t.Errorf("frame times differ:\nstitched %v\njoined   %v", a, b)
			}
			comparePictures(t, want.Out, joined.Out, want.Width, want.Height, want.Frames)
			if tc.audio && !probe(t, joined.Out).HasAudio {
				t.Error("the joined film lost its audio bed")
			}
		})
	}
}

// The pipeline cuts its film at FilmPreset/FilmCRF, while `shoot stitch`
// keeps the one-pass stitch at DefaultPreset/DefaultCRF. The film must
// stay the stitch's film: the same frames at the same times and, on clean
// pictures (fine synthetic detail, a zoom into fractal detail), every
// frame within encoder noise of the stitch's (≥ 40 dB). Under moving
// grain two encodings of the noise never agree that closely (slow against
// medium is 33 dB there), so the check there is the one that matters to a
// viewer: the film is as close to its clips as the stitch is, within 1 dB,
// measured against a near-lossless cut of the same clips.
func TestFilmPresetMatchesStitch(t *testing.T) {
	t.Parallel()
	if FilmPreset == DefaultPreset && FilmCRF == DefaultCRF {
		t.Fatal("the film's settings are the stitch's own; this test would compare them with themselves")
	}
	lossless := []string{"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"}
	cases := []struct {
		name   string
		srcs   []string
		strict bool // every frame ≥ 40 dB against the stitch
	}{
		{"clean", []string{"testsrc2=s=640x360:r=24:d=1.5", "mandelbrot=s=640x360:r=24,trim=duration=1.5"}, true},
		{"grain", []string{"gradients=s=640x360:r=24:d=1.5:speed=0.08,noise=alls=6:allf=t",
			"testsrc2=s=640x360:r=24:d=1.5,noise=alls=10:allf=t"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ctx := context.Background()
			var clips []string
			for i, src := range tc.srcs {
				clips = append(clips, makeClip(t, dir, fmt.Sprintf("clip-%d.mp4", i), src, lossless...))
			}
			ease, err := Lookup(DefaultEasing)
			if err != nil {
				t.Fatal(err)
			}
			eases := make([]Easing, len(clips))
			for i := range eases {
				eases[i] = ease
			}
			stitch := func(name string, crf int, preset string) *StitchResult {
				res, err := Stitch(ctx, StitchOptions{Clips: clips, Easing: ease, ClipDuration: 0.6, FPS: 30,
					CRF: crf, Preset: preset, Out: filepath.Join(dir, name)})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			want := stitch("stitched.mp4", 0, "")
			joined := joinClips(t, StitchOptions{ClipDuration: 0.6, FPS: 30, Preset: FilmPreset, CRF: FilmCRF}, clips, eases, dir)
			if joined.Frames != want.Frames || joined.Width != want.Width || joined.Height != want.Height {
				t.Fatalf("joined %+v, stitched %+v", joined, want)
			}
			if a, b := frameTimes(t, want.Out), frameTimes(t, joined.Out); !slices.Equal(a, b) {
				t.Errorf("frame times differ:\nstitched %v\njoined   %v", a, b)
			}
			if tc.strict {
				comparePictures(t, want.Out, joined.Out, want.Width, want.Height, want.Frames)
			}
			ref := decodedFilm(t, stitch("reference.mp4", 1, "ultrafast").Out)
			film, one := filmPSNR(ref, decodedFilm(t, joined.Out)), filmPSNR(ref, decodedFilm(t, want.Out))
			if film < one-1 {
				t.Errorf("the film is %.2f dB from its clips, the stitch %.2f dB: more than 1 dB worse", film, one)
			}
			t.Logf("against the clips: film %.2f dB, stitch %.2f dB", film, one)
		})
	}
}

// filmPSNR is the PSNR of a whole decoded film against a reference of the
// same length.
func filmPSNR(ref, got []byte) float64 {
	if len(ref) != len(got) {
		return 0
	}
	return psnr(ref, got)
}

// joinClips encodes each clip as a segment and joins them.
func joinClips(t *testing.T, base StitchOptions, clips []string, eases []Easing, dir string) *JoinResult {
	t.Helper()
	ctx := context.Background()
	var segs []string
	var frames []int
	for i, c := range clips {
		o := base
		o.Audio, o.Clips, o.Easing = "", []string{c}, eases[i]
		o.Out = filepath.Join(dir, fmt.Sprintf("seg-%d.mp4", i))
		res, err := EncodeSegment(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		segs, frames = append(segs, res.Out), append(frames, res.Frames)
	}
	res, err := JoinSegments(ctx, JoinOptions{Segments: segs, Frames: frames, Out: filepath.Join(dir, "joined.mp4"), FPS: base.FPS, Audio: base.Audio})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// frameTimes lists the presentation times of every decoded frame.
func frameTimes(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
		"frame=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(strings.ReplaceAll(string(out), ",", ""))
}

// comparePictures decodes both films and checks every frame's PSNR.
func comparePictures(t *testing.T, a, b string, w, h, frames int) {
	t.Helper()
	ra, rb := decodedFilm(t, a), decodedFilm(t, b)
	size := w * h * 3 / 2
	if len(ra) != frames*size || len(rb) != frames*size {
		t.Fatalf("decoded %d and %d bytes, want %d frames of %d", len(ra), len(rb), frames, size)
	}
	worst := math.Inf(1)
	for k := range frames {
		p := psnr(ra[k*size:(k+1)*size], rb[k*size:(k+1)*size])
		worst = math.Min(worst, p)
	}
	if worst < 40 {
		t.Errorf("worst frame PSNR %.1f dB, want ≥ 40", worst)
	}
	t.Logf("worst frame PSNR %.1f dB over %d frames", worst, frames)
}

func decodedFilm(t *testing.T, path string) []byte {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("decoding %s: %v %s", path, err, stderr.String())
	}
	return out.Bytes()
}

// psnr of two 8-bit pictures; identical ones count as 100 dB.
func psnr(a, b []byte) float64 {
	var sum float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		sum += d * d
	}
	if sum == 0 {
		return 100
	}
	return 10 * math.Log10(255*255/(sum/float64(len(a))))
}

func TestSegmentAndJoinRefuseBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	a := makeClip(t, dir, "a.mp4", "testsrc2=s=320x240:r=24:d=1")
	small := makeClip(t, dir, "small.mp4", "testsrc2=s=160x120:r=24:d=1")
	segA, err := EncodeSegment(ctx, StitchOptions{Clips: []string{a}, Out: filepath.Join(dir, "sa.mp4"), ClipDuration: 0.5, FPS: 24, Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	segS, err := EncodeSegment(ctx, StitchOptions{Clips: []string{small}, Out: filepath.Join(dir, "ss.mp4"), ClipDuration: 0.5, FPS: 24, Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mp4")
	cases := []struct {
		name string
		run  func() error
	}{
		{"two clips", func() error {
			_, err := EncodeSegment(ctx, StitchOptions{Clips: []string{a, a}, Out: out})
			return err
		}},
		{"audio on a segment", func() error {
			_, err := EncodeSegment(ctx, StitchOptions{Clips: []string{a}, Out: out, Audio: a})
			return err
		}},
		{"sizes differ", func() error {
			_, err := JoinSegments(ctx, JoinOptions{Segments: []string{segA.Out, segS.Out}, Frames: []int{12, 12}, Out: out, FPS: 24})
			return err
		}},
		{"frame counts missing", func() error {
			_, err := JoinSegments(ctx, JoinOptions{Segments: []string{segA.Out}, Out: out, FPS: 24})
			return err
		}},
		{"wrong frame count", func() error {
			_, err := JoinSegments(ctx, JoinOptions{Segments: []string{segA.Out}, Frames: []int{13}, Out: out, FPS: 24})
			return err
		}},
		{"not a video", func() error {
			bad := writeFile(t, dir, "bad.mp4", []byte("not a video"))
			_, err := JoinSegments(ctx, JoinOptions{Segments: []string{bad}, Frames: []int{1}, Out: out, FPS: 24})
			return err
		}},
	}
	for _, tc := range cases {
		err := tc.run()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if c := shoot.ErrorCode(err); c != shoot.EINVALID && c != shoot.EINTERNAL {
			t.Errorf("%s: code %s (%v)", tc.name, c, err)
		}
	}
	if _, err := os.Stat(out); !errorsIsNotExist(err) {
		t.Errorf("a refused join left %s behind (%v)", out, err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left behind: %v", l)
	}
}

func errorsIsNotExist(err error) bool {
	return err != nil && os.IsNotExist(err) || err == fs.ErrNotExist
}

// TestSegmentUsesGivenProbe checks that a probe handed in is used instead
// of a fresh one: with the clip's own probe the segment is byte for byte
// the one a fresh probe makes, and a probe that describes no usable video
// is refused rather than probed over.
func TestSegmentUsesGivenProbe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	clip := makeClip(t, dir, "c.mp4", "testsrc2=s=160x96:r=24:d=1")
	info, err := ProbeClip(ctx, clip)
	if err != nil {
		t.Fatal(err)
	}
	opts := StitchOptions{Clips: []string{clip}, ClipDuration: 0.5, FPS: 24, Preset: "ultrafast"}
	fresh, given := opts, opts
	fresh.Out, given.Out = filepath.Join(dir, "fresh.mp4"), filepath.Join(dir, "given.mp4")
	given.Probes = []Info{info}
	if _, err := EncodeSegment(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := EncodeSegment(ctx, given); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(fresh.Out)
	b, _ := os.ReadFile(given.Out)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the segment made with the given probe differs (%d vs %d bytes)", len(b), len(a))
	}
	still := info
	still.Duration, still.FPS = 0, 0
	bad := opts
	bad.Out, bad.Probes = filepath.Join(dir, "bad.mp4"), []Info{still}
	if _, err := EncodeSegment(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("a given probe without duration: err %v, want EINVALID", err)
	}
	bad.Probes = []Info{info, info}
	if _, err := EncodeSegment(ctx, bad); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("two probes for one clip: err %v, want EINVALID", err)
	}
}
