package reframe

import "math"

// MaxAccel is the crop path's acceleration bound, in shares of the source
// width per frame²: 0.0005 lets a window cross a 1280-pixel frame from
// standstill in about 60 frames, a slow, smooth camera pan, and keeps
// jitter below a pixel a frame.
const MaxAccel = 0.0005

// Path chooses, for each frame, the left edge of a cropW-wide window over a
// srcW-wide source so that the window holds the frame's subject box where
// it can and moves smoothly: shots (cuts[i] is the first frame of shot
// i+1) are planned apart, since a cut may jump. Inside a shot the window
// stays still when one position holds every subject box; otherwise it
// follows the boxes' corridor with its acceleration kept within
// maxAccel·srcW per frame².
func Path(subjects []Box, cuts []int, srcW, cropW int, maxAccel float64) []float64 {
	n := len(subjects)
	x := make([]float64, n)
	bounds := append(append([]int{0}, cuts...), n)
	for s := 0; s+1 < len(bounds); s++ {
		a, b := bounds[s], bounds[s+1]
		if a >= b || a < 0 || b > n {
			continue
		}
		shot(subjects[a:b], float64(srcW), float64(cropW), maxAccel*float64(srcW), x[a:b])
	}
	return x
}

// corridor is the range of left edges that keep box inside the window and
// the window inside the frame; an empty range (box wider than the window)
// narrows to the one that centres the box.
func corridor(box Box, srcW, cropW float64) (lo, hi float64) {
	lo = math.Max(0, box.X1-cropW)
	hi = math.Min(srcW-cropW, box.X0)
	if lo > hi {
		c := math.Min(math.Max(box.CX()-cropW/2, 0), srcW-cropW)
		return c, c
	}
	return lo, hi
}

// shot plans one shot into x.
func shot(boxes []Box, srcW, cropW, accel float64, x []float64) {
	n := len(boxes)
	lo, hi := make([]float64, n), make([]float64, n)
	common0, common1 := 0.0, srcW-cropW
	for i, b := range boxes {
		lo[i], hi[i] = corridor(b, srcW, cropW)
		common0, common1 = math.Max(common0, lo[i]), math.Min(common1, hi[i])
	}
	if common0 <= common1 {
		// One position holds every box: a locked-off camera.
		mid := 0.0
		for _, b := range boxes {
			mid += b.CX() - cropW/2
		}
		mid = math.Min(math.Max(mid/float64(n), common0), common1)
		for i := range x {
			x[i] = mid
		}
		return
	}
	// A moving subject: start from the corridor's middle, then alternately
	// smooth and pull back into the corridor until the path settles.
	for i := range x {
		x[i] = (lo[i] + hi[i]) / 2
	}
	tmp := make([]float64, n)
	for range 400 {
		copy(tmp, x)
		for i := 1; i+1 < n; i++ {
			tmp[i] = (x[i-1] + 2*x[i] + x[i+1]) / 4
		}
		for i := range x {
			x[i] = math.Min(math.Max(tmp[i], lo[i]), hi[i])
		}
	}
	// Last, cap what acceleration is left, running forwards: velocity
	// changes by at most accel a frame.
	v := 0.0
	if n > 1 {
		v = x[1] - x[0]
	}
	for i := 1; i < n; i++ {
		want := x[i] - x[i-1]
		v += math.Min(math.Max(want-v, -accel), accel)
		x[i] = math.Min(math.Max(x[i-1]+v, 0), srcW-cropW)
	}
}

// Accel is the largest |second difference| of a path inside its shots,
// in shares of srcW, the figure MaxAccel bounds.
func Accel(x []float64, cuts []int, srcW int) float64 {
	cut := map[int]bool{}
	for _, c := range cuts {
		cut[c] = true
	}
	worst := 0.0
	for i := 2; i < len(x); i++ {
		if cut[i] || cut[i-1] {
			continue
		}
		worst = math.Max(worst, math.Abs(x[i]-2*x[i-1]+x[i-2])/float64(srcW))
	}
	return worst
}
