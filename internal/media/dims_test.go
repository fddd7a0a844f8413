package media

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

// TestVideoSize reads back the size ffmpeg encoded, with the index before
// the data (faststart) and after it, for random even sizes.
func TestVideoSize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, uint64(os.Getpid())))
	for i := range 3 {
		w, h := 2*(16+rng.IntN(300)), 2*(16+rng.IntN(300))
		for _, fast := range []bool{true, false} {
			extra := []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}
			if fast {
				extra = append(extra, "-movflags", "+faststart")
			}
			p := makeClip(t, dir, fmt.Sprintf("c%d-%v.mp4", i, fast), fmt.Sprintf("testsrc2=s=%dx%d:r=12:d=0.25", w, h), extra...)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			gw, gh, err := VideoSize(bytes.NewReader(data), int64(len(data)))
			if err != nil || gw != w || gh != h {
				t.Errorf("%dx%d (faststart %v): got %dx%d, %v", w, h, fast, gw, gh, err)
			}
		}
	}
}

// TestVideoSizeRefusesJunk: truncated or foreign bytes give an error, never
// a panic or a made-up size.
func TestVideoSizeRefusesJunk(t *testing.T) {
	t.Parallel()
	p := makeClip(t, t.TempDir(), "c.mp4", "testsrc2=s=64x48:r=12:d=0.25", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, uint64(os.Getpid())))
	cases := [][]byte{nil, []byte("not a video"), good[:40], good[:len(good)/3]}
	for range 20 {
		junk := bytes.Clone(good)
		for range 8 {
			junk[rng.IntN(len(junk))] = byte(rng.IntN(256))
		}
		cases = append(cases, junk)
	}
	for i, c := range cases {
		w, h, err := VideoSize(bytes.NewReader(c), int64(len(c)))
		if err == nil && (w != 64 || h != 48) && i < 4 {
			t.Errorf("case %d: got %dx%d and no error", i, w, h)
		}
	}
}
