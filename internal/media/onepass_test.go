package media

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// A segment shows exactly the source frames the mapping names, whether it
// is cut in one ffmpeg process (curves that never swing back) or through
// the decoder pipe (bounces and overshoots), at several rates and lengths,
// from a clip longer or shorter than the segment.
func TestSegmentShowsMappedSourceFrames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	graded := gradedClip(t, dir, "graded.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0")
	mkv := gradedClip(t, dir, "graded.mkv", "-c:v", "ffv1") // counted by ffprobe, not from an MP4 index
	short := makeClip(t, dir, "short.mp4", "color=c=black:s=64x48:r=24:d=0.25,format=yuv420p,geq=lum='16+9*N':cb=128:cr=128",
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0")
	cases := []struct {
		easing  string
		clip    string
		dur     float64
		fps     int
		onePass bool
	}{
		{"linear", graded, 0.5, 30, true},
		{"dramaticSwoop", graded, 0.8, 60, true},
		{"easeInOut", graded, 1.5, 24, true},
		{"luxurious", graded, 0.7, 25, true},
		{"easeOutBounce", graded, 0.5, 30, false},
		{"easeInOutElastic", graded, 0.6, 60, false},
		{"linear", short, 0.5, 30, true},
		{"dramaticSwoop", short, 1.0, 60, true},
		{"easeInOut", mkv, 0.5, 30, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%.1fs@%d/%s", tc.easing, tc.dur, tc.fps, filepath.Base(tc.clip)), func(t *testing.T) {
			t.Parallel()
			ease, err := Lookup(tc.easing)
			if err != nil {
				t.Fatal(err)
			}
			info := probe(t, tc.clip)
			n := OutputFrames(tc.dur, tc.fps)
			times := SourceTimes(ease, n, info.Duration, info.FPS)
			want := make([]int, n)
			for i, ts := range times {
				want[i] = sourceIndex(ts, info.FPS)
			}
			if monotonic(want) != tc.onePass {
				t.Fatalf("%s is monotonic: %v; the case expects %v", tc.easing, monotonic(want), tc.onePass)
			}
			out := filepath.Join(t.TempDir(), "segment.mp4")
			res, err := EncodeSegment(context.Background(), StitchOptions{Clips: []string{tc.clip}, Out: out,
				ClipDuration: tc.dur, FPS: tc.fps, Easing: ease, Preset: "superfast", CRF: 10})
			if err != nil {
				t.Fatal(err)
			}
			got := lumaPerFrame(t, out, 64, 48)
			if len(got) != n || res.Frames != n {
				t.Fatalf("segment has %d frames (result says %d), want %d", len(got), res.Frames, n)
			}
			for i, k := range want {
				if v, w := got[i], 16+9*float64(k); math.Abs(v-w) > 3 {
					t.Errorf("frame %d: luma %.1f (source frame %.1f), want source frame %d", i, v, (v-16)/9, k)
				}
			}
		})
	}
}

// A clip cut off in the middle of its media fails in the one-process path
// as it does in a stitch, and leaves nothing behind.
func TestSegmentRefusesTruncatedClip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole, err := os.ReadFile(makeClip(t, dir, "whole.mp4", "testsrc2=s=160x120:r=24:d=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart"))
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, dir, "cut.mp4", whole[:len(whole)/2])
	ease, err := Lookup("linear")
	if err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	out := filepath.Join(outDir, "segment.mp4")
	_, err = EncodeSegment(context.Background(), StitchOptions{Clips: []string{cut}, Out: out, ClipDuration: 0.5, FPS: 30,
		Easing: ease, Preset: "ultrafast"})
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "truncated or corrupt") {
		t.Fatalf("err = %v, want EINVALID saying the clip is truncated or corrupt", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused segment left %s behind (%v)", out, err)
	}
	if l := leftovers(t, outDir); len(l) > 0 {
		t.Errorf("temporary files left behind: %v", l)
	}
}
