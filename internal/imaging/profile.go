package imaging

import (
	"image"
	"math"
	"slices"
)

// Line profiles. A "vertical" profile has one entry per column x of r (the
// line runs top to bottom); a horizontal one has one entry per row y.

// sheetStats returns the mean and standard deviation of luma along every
// column (xm, xs) and every row (ym, ys) of the plane, in one pass. A gutter
// is flat along its whole length, so its deviation is noise.
func sheetStats(p *plane) (xm, xs, ym, ys []float64) {
	colSum, colSq := make([]uint64, p.w), make([]uint64, p.w)
	rowSum, rowSq := make([]uint64, p.h), make([]uint64, p.h)
	for y := range p.h {
		var s, q uint64
		for x, v := range p.row(y) {
			u := uint64(v)
			colSum[x] += u
			colSq[x] += u * u
			s += u
			q += u * u
		}
		rowSum[y], rowSq[y] = s, q
	}
	xm, xs = meanStd(colSum, colSq, p.h)
	ym, ys = meanStd(rowSum, rowSq, p.w)
	return xm, xs, ym, ys
}

func meanStd(sum, sq []uint64, length int) (mean, std []float64) {
	mean, std = make([]float64, len(sum)), make([]float64, len(sum))
	for i := range sum {
		m := float64(sum[i]) / float64(length)
		mean[i] = m
		std[i] = math.Sqrt(math.Max(0, float64(sq[i])/float64(length)-m*m))
	}
	return mean, std
}

// sheetHits is lineHits for the whole plane in both directions at once.
func sheetHits(p *plane, lut *[256]uint8) (cols, rows []int) {
	c := make([]int32, p.w)
	rows = make([]int, p.h)
	for y := range p.h {
		var s int32
		for x, v := range p.row(y) {
			h := int32(lut[v])
			c[x] += h
			s += h
		}
		rows[y] = int(s)
	}
	cols = make([]int, p.w)
	for i, h := range c {
		cols[i] = int(h)
	}
	return cols, rows
}

// lineHits counts, for every line of r, the pixels whose luma the table
// marks as gutter-coloured (lut[v] is 0 or 1).
func lineHits(p *plane, r image.Rectangle, vertical bool, lut *[256]uint8) []int {
	n, _ := lineCount(r, vertical)
	hits := make([]int32, n)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := p.row(y)[r.Min.X:r.Max.X]
		if vertical {
			for x, v := range row {
				hits[x] += int32(lut[v])
			}
			continue
		}
		var s int32
		for _, v := range row {
			s += int32(lut[v])
		}
		hits[y-r.Min.Y] = s
	}
	out := make([]int, n)
	for i, h := range hits {
		out[i] = int(h)
	}
	return out
}

// lineCount returns how many lines r has across the axis and how long each is.
func lineCount(r image.Rectangle, vertical bool) (n, length int) {
	if vertical {
		return r.Dx(), r.Dy()
	}
	return r.Dy(), r.Dx()
}

// colorTable marks the luma values within tol of g.
func colorTable(g float64, tol int) *[256]uint8 {
	var lut [256]uint8
	for v := range lut {
		if math.Abs(float64(v)-g) <= float64(tol) {
			lut[v] = 1
		}
	}
	return &lut
}

// gutterColor guesses the colour of the gutters and margins, and how far
// from it noise may push a gutter pixel. Gutters run in both directions, so
// the colour shared by flat columns and flat rows wins; a flat studio floor
// only makes rows flat. ok is false when nothing looks like a gutter.
func gutterColor(xm, xs, ym, ys []float64) (g float64, tol int, ok bool) {
	if g, tol, ok = gutterColorFlat(xm, xs, ym, ys, 10); ok || !cleanLines(xs, ys) {
		return g, tol, ok
	}
	// The flat lines were only flat-ish picture, but some lines are clean:
	// those are the gutters and margins when there are enough of them at
	// one level to make a margin or gutter, not a line or two of picture.
	g, tol, ok = gutterColorFlat(xm, xs, ym, ys, cleanStd)
	n := 0
	for _, l := range [][2][]float64{{xm, xs}, {ym, ys}} {
		for i, m := range l[0] {
			if l[1][i] <= cleanStd && math.Abs(m-g) <= float64(tol) {
				n++
			}
		}
	}
	if !ok || n < minCleanLines {
		return 0, 0, false
	}
	return g, tol, true
}

// minCleanLines is how many clean lines at one level make a margin or
// gutter.
const minCleanLines = 8

// gutterColorFlat is gutterColor counting the lines whose deviation is at
// most maxStd as flat.
func gutterColorFlat(xm, xs, ym, ys []float64, maxStd float64) (g float64, tol int, ok bool) {
	// The window is narrow: a flat floor a dozen levels off the gutter colour
	// must not merge with the gutters' flat lines into one peak.
	const window = 3
	var hx, hy [256]int
	for i, s := range xs {
		if s <= maxStd {
			hx[int(xm[i]+0.5)]++
		}
	}
	for i, s := range ys {
		if s <= maxStd {
			hy[int(ym[i]+0.5)]++
		}
	}
	best, bestScore := -1, [2]int{0, 0}
	for v := 0; v < 256; v++ {
		var sx, sy int
		for u := max(0, v-window); u <= min(255, v+window); u++ {
			sx += hx[u]
			sy += hy[u]
		}
		score := [2]int{min(sx, sy), sx + sy}
		if score[0] > bestScore[0] || (score[0] == bestScore[0] && score[1] > bestScore[1]) {
			best, bestScore = v, score
		}
	}
	if best < 0 || bestScore[1] == 0 {
		return 0, 0, false
	}
	if bestScore[0] == 0 && !cleanLines(xs, ys) {
		// Flat lines in one direction only, and none really clean: more
		// likely a coincidence of picture than a sheet with gutters one way.
		return 0, 0, false
	}
	// Several levels tie when all flat lines fall inside one window;
	// centre on the most common level so that refineColor sees them all.
	level := best
	for u := max(0, best-window); u <= min(255, best+window); u++ {
		if hx[u]+hy[u] > hx[level]+hy[level] {
			level = u
		}
	}
	return refineColor(level, window, xm, xs, ym, ys, maxStd)
}

// cleanStd is the most a drawn gutter line's luma deviates along its
// length, noise, compression and a gentle gradient included.
const cleanStd = 3

// cleanLines reports whether some line is as flat as a drawn gutter, noise
// and compression included.
func cleanLines(xs, ys []float64) bool {
	for _, s := range append(slices.Clone(xs), ys...) {
		if s <= cleanStd {
			return true
		}
	}
	return false
}

// refineColor averages the flat lines near the chosen level and derives a
// tolerance from their noise.
func refineColor(level, window int, xm, xs, ym, ys []float64, maxStd float64) (float64, int, bool) {
	var sum float64
	var stds []float64
	add := func(m, s []float64) {
		for i := range m {
			if s[i] <= maxStd && math.Abs(m[i]-float64(level)) <= float64(window) {
				sum += m[i]
				stds = append(stds, s[i])
			}
		}
	}
	add(xm, xs)
	add(ym, ys)
	if len(stds) == 0 || slices.Min(stds) > cleanStd {
		// A gutter or margin is drawn flat: some line of it is clean. Lines
		// that are only flat-ish (a grey backdrop with grain or weave on a
		// sheet whose cells touch) are picture.
		return 0, 0, false
	}
	sigma := median(stds)
	tol := int(math.Ceil(3*sigma)) + 4
	return sum / float64(len(stds)), min(max(tol, 6), maxTol), true
}

// maxTol caps the gutter colour tolerance; looseTol is the wider one tried
// when JPEG ringing breaks thin gutters under the normal one.
const maxTol = 16

func looseTol(tol int) int { return min(2*tol+4, 24) }

// median returns the median of v, reordering it.
func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}
