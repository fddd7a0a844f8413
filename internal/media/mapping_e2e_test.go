package media

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
)

// gradedClip makes a clip whose frame k is a flat grey of luma 16+9k, so the
// picture itself says which source frame it is.
func gradedClip(t *testing.T, dir, name string, codec ...string) string {
	t.Helper()
	return makeClip(t, dir, name, "color=c=black:s=64x48:r=24:d=1,format=yuv420p,geq=lum='16+9*N':cb=128:cr=128", codec...)
}

// lumaPerFrame decodes path and returns the mean luma of every frame.
func lumaPerFrame(t *testing.T, path string, w, h int) []float64 {
	t.Helper()
	raw, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	size := frameBytes(w, h)
	var means []float64
	for off := 0; off+size <= len(raw); off += size {
		sum := 0
		for _, v := range raw[off : off+w*h] {
			sum += int(v)
		}
		means = append(means, float64(sum)/float64(w*h))
	}
	return means
}

// The film must show exactly the source frames the mapping names, for
// monotonic, overshooting and bouncing curves alike, with one curve per clip.
func TestStitchShowsMappedSourceFrames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mp4 := gradedClip(t, dir, "graded.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0")
	mkv := gradedClip(t, dir, "graded.mkv", "-c:v", "ffv1") // no frame count in the header
	names := []string{"linear", "dramaticSwoop", "easeInOutElastic", "easeOutBounce"}
	var eases []Easing
	for _, n := range names {
		e, err := Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		eases = append(eases, e)
	}
	out := filepath.Join(dir, "film.mp4")
	res, err := Stitch(context.Background(), StitchOptions{
		Clips: []string{mp4, mp4, mp4, mkv}, Out: out, ClipDuration: 0.5, FPS: 30,
		Easings: eases, Preset: "superfast", CRF: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := lumaPerFrame(t, out, 64, 48)
	if len(got) != 60 || res.Frames != 60 {
		t.Fatalf("film has %d frames (result says %d), want 60", len(got), res.Frames)
	}
	for c, ease := range eases {
		info := probe(t, []string{mp4, mp4, mp4, mkv}[c])
		for i, ts := range SourceTimes(ease, 15, info.Duration, info.FPS) {
			want := 16 + 9*float64(sourceIndex(ts, info.FPS))
			if v := got[c*15+i]; math.Abs(v-want) > 3 {
				t.Errorf("clip %d (%s) frame %d: luma %.1f, want %.0f (t = %.4f s)", c+1, names[c], i, v, want, ts)
			}
		}
	}
}
