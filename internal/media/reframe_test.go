package media

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/reframegen"
)

// encodeGenerated writes a generated film as an MP4 at fps, losslessly
// enough (x264 CRF 10) that its figure stays where it was drawn.
func encodeGenerated(t testing.TB, path string, film reframegen.Film, fps int) {
	t.Helper()
	b := film.Frames[0].Bounds()
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba",
		"-s", fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), "-framerate", strconv.Itoa(fps), "-i", "pipe:0",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", "-pix_fmt", "yuv420p", path)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, f := range film.Frames {
		if _, err := in.Write(f.Pix); err != nil {
			t.Fatal(err)
		}
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// grayFrames decodes a film to 8-bit luma frames.
func grayFrames(t testing.TB, path string, w, h int) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var frames [][]byte
	for i := 0; (i+1)*w*h <= len(out); i++ {
		frames = append(frames, out[i*w*h:(i+1)*w*h])
	}
	return frames
}

// TestReframeEveryFormat reframes a generated film (centre, side-on and
// detail shots) to the four formats: each has exactly the asked size and
// every frame of the source; no frame shows a black bar on any edge; and in
// the cropped formats every frame keeps the figure whole: as many dark
// figure pixels as the source frame had (no scaling in a crop).
func TestReframeEveryFormat(t *testing.T) {
	t.Parallel()
	const w, h, fps, n = 240, 160, 24, 16
	film := reframegen.Generate(w, h, n, []string{reframegen.SideOn, reframegen.Detail, reframegen.Centre, reframegen.SideOn}, 3)
	dir := t.TempDir()
	src := filepath.Join(dir, "film.mp4")
	encodeGenerated(t, src, film, fps)
	srcFrames := grayFrames(t, src, w, h)
	dark := func(f []byte, fw, fh int) int {
		c := 0
		for _, v := range f[:fw*fh] {
			if v < 100 {
				c++
			}
		}
		return c
	}
	want := map[string][2]int{"9:16": {90, 160}, "4:5": {128, 160}, "1:1": {160, 160}, "16:9": {240, 134}}
	for _, f := range reframe.Formats {
		t.Run(f.Dir(), func(t *testing.T) {
			res, err := Reframe(context.Background(), ReframeOptions{In: src, Out: filepath.Join(dir, f.Dir(), "fashion-video.mp4"),
				Format: f, Cuts: film.Cuts, Preset: "ultrafast"})
			if err != nil {
				t.Fatal(err)
			}
			info := probe(t, res.Out)
			if sz := want[f.String()]; info.Width != sz[0] || info.Height != sz[1] || res.Frames != len(film.Frames) {
				t.Fatalf("%s: %dx%d with %d frames, want %dx%d with %d", f, info.Width, info.Height, res.Frames, sz[0], sz[1], len(film.Frames))
			}
			frames := grayFrames(t, res.Out, info.Width, info.Height)
			if len(frames) != len(film.Frames) {
				t.Fatalf("decoded %d frames, want %d", len(frames), len(film.Frames))
			}
			darkest, kept := 255.0, 1.0
			for i, fr := range frames {
				edge := darkestEdge(fr, info.Width, info.Height)
				if edge < 40 {
					t.Errorf("frame %d: an edge averages luma %.0f, a black bar", i, edge)
				}
				darkest = min(darkest, edge)
				if res.Mode != "crop" || film.Truth[i].X1-film.Truth[i].X0 > float64(info.Width) {
					continue
				}
				got, had := dark(fr, info.Width, info.Height), dark(srcFrames[i], w, h)
				if float64(got) < 0.97*float64(had) {
					t.Errorf("frame %d (%s): %d figure pixels in the crop, %d in the source", i, film.Kinds[i], got, had)
				}
				if had > 0 {
					kept = min(kept, float64(got)/float64(had))
				}
			}
			t.Logf("%s (%s): darkest edge luma %.0f over %d frames (a bar is under 40)", f, res.Mode, darkest, len(frames))
			if res.Mode == "crop" {
				t.Logf("%s: the crop keeps at least %.3f of the figure's pixels on frames it fits", f, kept)
			}
			if res.Path != nil {
				if res.Path.MaxAccel > reframe.MaxAccel+1e-9 {
					t.Errorf("crop path acceleration %.6f over the bound %.6f", res.Path.MaxAccel, reframe.MaxAccel)
				}
				t.Logf("%s: crop path acceleration %.6f of the width a frame² (bound %.6f)", f, res.Path.MaxAccel, reframe.MaxAccel)
			}
		})
	}
}

// TestReframeFollowsAWalk: a figure walking across the whole frame, found
// by saliency in the encoded film, is followed by a panning crop in the
// narrower formats: every frame keeps the whole figure, no edge is a black
// bar, and the window's acceleration stays within reframe.MaxAccel.
func TestReframeFollowsAWalk(t *testing.T) {
	t.Parallel()
	const w, h, fps, n = 240, 160, 24, 72
	film := reframegen.Generate(w, h, n, []string{reframegen.Walk}, 5)
	dir := t.TempDir()
	src := filepath.Join(dir, "walk.mp4")
	encodeGenerated(t, src, film, fps)
	srcFrames := grayFrames(t, src, w, h)
	dark := func(f []byte) int {
		c := 0
		for _, v := range f {
			if v < 100 {
				c++
			}
		}
		return c
	}
	for _, f := range []reframe.Format{{W: 9, H: 16}, {W: 1, H: 1}} {
		t.Run(f.Dir(), func(t *testing.T) {
			res, err := Reframe(context.Background(), ReframeOptions{In: src, Out: filepath.Join(dir, f.Dir(), "fashion-video.mp4"),
				Format: f, Preset: "ultrafast"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mode != "crop" || res.Path == nil || res.Path.Moving == 0 {
				t.Fatalf("mode %s, path %+v: want a crop that pans", res.Mode, res.Path)
			}
			if res.Path.MaxAccel > reframe.MaxAccel+1e-9 {
				t.Errorf("crop path acceleration %.6f over the bound %.6f", res.Path.MaxAccel, reframe.MaxAccel)
			}
			frames := grayFrames(t, res.Out, res.Width, res.Height)
			if len(frames) != n {
				t.Fatalf("decoded %d frames, want %d", len(frames), n)
			}
			darkest, kept := 255.0, 1.0
			for i, fr := range frames {
				darkest = min(darkest, darkestEdge(fr, res.Width, res.Height))
				got, had := dark(fr), dark(srcFrames[i])
				if float64(got) < 0.97*float64(had) {
					t.Errorf("frame %d: %d figure pixels in the crop, %d in the source", i, got, had)
				}
				kept = min(kept, float64(got)/float64(max(had, 1)))
			}
			if darkest < 40 {
				t.Errorf("an edge averages luma %.0f, a black bar", darkest)
			}
			t.Logf("%s: pans on %d frames over x %.0f–%.0f, acceleration %.6f (bound %.6f); keeps at least %.3f of the figure; darkest edge luma %.0f",
				f, res.Path.Moving, res.Path.MinX, res.Path.MaxX, res.Path.MaxAccel, reframe.MaxAccel, kept, darkest)
		})
	}
}

// darkestEdge is the lowest mean luma of a frame's four two-pixel borders.
func darkestEdge(f []byte, w, h int) float64 {
	mean := func(x0, y0, x1, y1 int) float64 {
		s := 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				s += int(f[y*w+x])
			}
		}
		return float64(s) / float64((x1-x0)*(y1-y0))
	}
	return min(mean(0, 0, 2, h), mean(w-2, 0, w, h), mean(0, 0, w, 2), mean(0, h-2, w, h))
}

// TestDeliverWritesEveryFormat: Deliver lays the formats out as
// <dir>/<9x16|4x5|1x1|16x9>/fashion-video.mp4, and a format of the film's
// own shape is the film itself.
func TestDeliverWritesEveryFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := makeClip(t, dir, "film.mp4", "testsrc2=s=192x108:r=24:d=0.5")
	res, err := Deliver(context.Background(), DeliverOptions{In: src, Dir: filepath.Join(dir, "final"),
		Formats: reframe.Formats, Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]string{"9x16": "crop", "4x5": "crop", "1x1": "crop", "16x9": "same"}
	for i, f := range reframe.Formats {
		want := filepath.Join(dir, "final", f.Dir(), "fashion-video.mp4")
		if res[i].Out != want || res[i].Mode != modes[f.Dir()] || res[i].Frames != 12 {
			t.Errorf("%s: %+v, want %s in mode %s with 12 frames", f, res[i], want, modes[f.Dir()])
		}
		if info := probe(t, want); info.Width != res[i].Width || info.Height != res[i].Height {
			t.Errorf("%s: file is %dx%d, result says %dx%d", f, info.Width, info.Height, res[i].Width, res[i].Height)
		}
	}
}

// TestReframeBitrateCap: a film full of noise, reframed with a platform's
// bitrate cap, stays under the cap over every second (the one-second
// buffer), while the same film without the cap goes far over it, so the
// cap is what holds it down. A format of the film's own shape is encoded
// again under a cap rather than copied.
func TestReframeBitrateCap(t *testing.T) {
	t.Parallel()
	const capKbps, fps = 400, 24
	dir := t.TempDir()
	src := makeClip(t, dir, "noise.mp4", "nullsrc=s=320x180:r=24:d=3,geq=random(1)*255:128:128",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "4", "-pix_fmt", "yuv420p")
	for _, f := range []reframe.Format{{W: 9, H: 16}, {W: 16, H: 9}} {
		t.Run(f.Dir(), func(t *testing.T) {
			free, err := Reframe(context.Background(), ReframeOptions{In: src, Out: filepath.Join(dir, "free", f.Dir(), "f.mp4"), Format: f})
			if err != nil {
				t.Fatal(err)
			}
			capped, err := Reframe(context.Background(), ReframeOptions{In: src, Out: filepath.Join(dir, "cap", f.Dir(), "f.mp4"), Format: f, MaxKbps: capKbps})
			if err != nil {
				t.Fatal(err)
			}
			if capped.MaxKbps != capKbps || capped.Frames != free.Frames {
				t.Fatalf("capped result %+v, uncapped %d frames", capped, free.Frames)
			}
			perSecond := func(path string) []float64 {
				out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size",
					"-of", "csv=p=0", path).Output()
				if err != nil {
					t.Fatal(err)
				}
				var kbps []float64
				var bits float64
				n := 0
				for _, line := range strings.Fields(string(out)) {
					size, err := strconv.Atoi(strings.TrimSuffix(line, ","))
					if err != nil {
						t.Fatalf("packet size %q", line)
					}
					bits += float64(size * 8)
					if n++; n%fps == 0 {
						kbps, bits = append(kbps, bits/1000), 0
					}
				}
				return kbps
			}
			freeRates, capRates := perSecond(free.Out), perSecond(capped.Out)
			if len(capRates) != 3 || len(freeRates) != 3 {
				t.Fatalf("seconds: %v, %v", capRates, freeRates)
			}
			for i, r := range capRates {
				// x264's rate control may overshoot its VBV a little at the
				// first second; 10 % is the allowance.
				if r > capKbps*1.1 {
					t.Errorf("second %d of the capped film: %.0f kbit/s over the cap of %d", i, r, capKbps)
				}
				if freeRates[i] < 2*capKbps {
					t.Errorf("second %d of the uncapped film: %.0f kbit/s, the noise is too easy to test the cap", i, freeRates[i])
				}
			}
			if f == (reframe.Format{W: 16, H: 9}) && (free.Mode != "same" || capped.Mode != "same") {
				t.Errorf("modes %s and %s, want same", free.Mode, capped.Mode)
			}
		})
	}
}
