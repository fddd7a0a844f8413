package reframe_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/reframegen"
)

func TestFormats(t *testing.T) {
	cases := []struct {
		in         string
		dir        string
		w, h       int // for a 1280×720 source
		crops      bool
		srcW, srcH int
	}{
		{"9:16", "9x16", 404, 720, true, 1280, 720},
		{"4:5", "4x5", 576, 720, true, 1280, 720},
		{"1:1", "1x1", 720, 720, true, 1280, 720},
		{"16:9", "16x9", 1280, 720, true, 1280, 720},
		{"16x9", "16x9", 720, 404, false, 720, 1080},
	}
	for _, c := range cases {
		f, err := reframe.ParseFormat(c.in)
		if err != nil {
			t.Fatal(err)
		}
		w, h := f.Size(c.srcW, c.srcH)
		if f.Dir() != c.dir || w != c.w || h != c.h || f.Crops(c.srcW, c.srcH) != c.crops {
			t.Errorf("%s from %dx%d: dir %s, %dx%d, crops %t", c.in, c.srcW, c.srcH, f.Dir(), w, h, f.Crops(c.srcW, c.srcH))
		}
	}
	for _, bad := range []string{"", "3:2", "9:", "a:b", "16/9"} {
		if _, err := reframe.ParseFormat(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func toBoxes(in []reframegen.Box) []reframe.Box {
	out := make([]reframe.Box, len(in))
	for i, b := range in {
		out[i] = reframe.Box{X0: b.X0, Y0: b.Y0, X1: b.X1, Y1: b.Y1}
	}
	return out
}

// TestCropPathHoldsTheSubject: for every narrower format and seed, a path
// planned from the studio's boxes (the generator's truth) and one planned
// from saliency both keep the true box inside the crop on every side-on
// and detail frame (and every other frame whose box fits), with the
// acceleration within MaxAccel.
func TestCropPathHoldsTheSubject(t *testing.T) {
	kinds := []string{reframegen.Centre, reframegen.SideOn, reframegen.Detail, reframegen.SideOn}
	eachCropPath(t, 36, kinds, func(t *testing.T, film reframegen.Film, truth []reframe.Box, x []float64, cropW float64) string {
		margin := math.Inf(1) // the least room the subject has inside the crop
		for i, b := range truth {
			if x[i] < -1e-9 || x[i]+cropW > pathW+1e-9 {
				t.Fatalf("frame %d: crop [%.1f, %.1f] leaves the %d-pixel picture", i, x[i], x[i]+cropW, pathW)
			}
			if b.W() > cropW {
				continue // wider than the crop: nothing can hold it
			}
			margin = min(margin, subjectRoom(t, i, film, b, x[i], cropW))
		}
		return fmt.Sprintf("subject at least %.1f px inside the crop", margin)
	})
}

// TestCropPathPansWithinTheBound: a figure walking across the frame in
// long shots cannot be held by a still window in the narrower formats, so
// the path pans; it keeps the true box inside the crop on every frame,
// with its acceleration within MaxAccel, from the studio's boxes and from
// saliency alike.
func TestCropPathPansWithinTheBound(t *testing.T) {
	kinds := []string{reframegen.Walk, reframegen.Centre, reframegen.Walk}
	eachCropPath(t, 72, kinds, func(t *testing.T, film reframegen.Film, truth []reframe.Box, x []float64, cropW float64) string {
		margin, pan := math.Inf(1), 0.0
		for i, b := range truth {
			margin = min(margin, subjectRoom(t, i, film, b, x[i], cropW))
			if i > 0 && !slices.Contains(film.Cuts, i) {
				pan = max(pan, math.Abs(x[i]-x[i-1]))
			}
		}
		if pan == 0 {
			t.Fatal("the window never moves inside a shot: the walk does not test the pan")
		}
		return fmt.Sprintf("pans up to %.2f px a frame; subject at least %.1f px inside the crop", pan, margin)
	})
}

// pathW and pathH are the size of the films the crop path tests generate.
const pathW, pathH = 240, 160

// eachCropPath generates a film of the given shots for three seeds and,
// for the 9:16, 4:5 and 1:1 crops of each from the studio's boxes and
// from saliency, runs check on the crop path (it returns what to log) and
// holds the path's acceleration within MaxAccel.
func eachCropPath(t *testing.T, frames int, kinds []string,
	check func(t *testing.T, film reframegen.Film, truth []reframe.Box, x []float64, cropW float64) string) {
	t.Helper()
	for seed := range uint64(3) {
		film := reframegen.Generate(pathW, pathH, frames, kinds, seed+1)
		truth := toBoxes(film.Truth)
		found := make([]reframe.Box, len(film.Frames))
		for i, img := range film.Frames {
			found[i] = reframe.Saliency(img)
		}
		for _, f := range []reframe.Format{{W: 9, H: 16}, {W: 4, H: 5}, {W: 1, H: 1}} {
			cropW, _ := f.Size(pathW, pathH)
			for name, boxes := range map[string][]reframe.Box{"layers": truth, "saliency": found} {
				t.Run(fmt.Sprintf("seed%d/%s/%s", seed+1, f.Dir(), name), func(t *testing.T) {
					x := reframe.Path(boxes, film.Cuts, pathW, cropW, reframe.MaxAccel)
					said := check(t, film, truth, x, float64(cropW))
					a := reframe.Accel(x, film.Cuts, pathW)
					if a > reframe.MaxAccel+1e-9 {
						t.Errorf("acceleration %.6f of the width a frame², bound %.6f", a, reframe.MaxAccel)
					}
					t.Logf("%s; acceleration %.6f of the width a frame² (bound %.6f)", said, a, reframe.MaxAccel)
				})
			}
		}
	}
}

// subjectRoom fails the test when frame i's subject b is not inside the
// crop starting at x (to within a pixel), and returns the least room it
// has to either side.
func subjectRoom(t *testing.T, i int, film reframegen.Film, b reframe.Box, x, cropW float64) float64 {
	t.Helper()
	if b.X0 < x-1 || b.X1 > x+cropW+1 {
		t.Errorf("frame %d (%s): subject [%.1f, %.1f] outside crop [%.1f, %.1f]", i, film.Kinds[i], b.X0, b.X1, x, x+cropW)
	}
	return min(b.X0-x, x+cropW-b.X1)
}

// TestSaliencyFindsTheFigure: the detected box overlaps the true one by at
// least half (intersection over union) on every frame of every kind.
func TestSaliencyFindsTheFigure(t *testing.T) {
	film := reframegen.Generate(240, 160, 6, []string{reframegen.Centre, reframegen.SideOn, reframegen.Detail}, 7)
	for i, img := range film.Frames {
		got, want := reframe.Saliency(img), film.Truth[i]
		ix := math.Max(0, math.Min(got.X1, want.X1)-math.Max(got.X0, want.X0))
		iy := math.Max(0, math.Min(got.Y1, want.Y1)-math.Max(got.Y0, want.Y0))
		inter := ix * iy
		union := got.W()*got.H() + (want.X1-want.X0)*(want.Y1-want.Y0) - inter
		if iou := inter / union; iou < 0.5 {
			t.Errorf("frame %d (%s): found %+v, true %+v, IoU %.2f", i, film.Kinds[i], got, want, iou)
		}
	}
}
