package imaging

import (
	"math"
	"slices"
)

// run is a maximal stretch of gutter lines, inclusive, in plane coordinates.
type run struct{ start, end int }

func (r run) width() int { return r.end - r.start + 1 }

// span is one cell's extent along an axis, inclusive. loGut and hiGut say
// whether that side borders a gutter, margin or the sheet's edge, i.e.
// whether it may carry an anti-aliased transition to trim. The outer edges
// always may: a margin thinner than its blended ring has no pure line to
// find. Only the cuts of an equal division have nothing to trim.
type span struct {
	lo, hi       int
	loGut, hiGut bool
	// loWeak and hiWeak mark a side placed without evidence (an equal cut
	// where no seam was seen); they lower the cell's confidence.
	loWeak, hiWeak bool
}

// axisLayout is one axis of a grid: the content bounds left after the outer
// margins and the gutters chosen between cells.
type axisLayout struct {
	lo, hi         int // content bounds, inclusive
	gutters        []run
	runs           []run // every inner candidate, chosen or not
	minGutterWidth int
}

const (
	// gutterFill is the share of a line's pixels that must have the gutter
	// colour: a gutter is uniform along its whole length, a flat patch
	// inside one cell is not.
	gutterFill = 0.97
	// maxSpread bounds how much cells on one axis may differ in size,
	// relative to their mean. AI sheets are irregular by a few percent;
	// a gutter choice that needs more is wrong.
	maxSpread = 0.15
	// maxCandidates caps the runs considered for gutters; a sheet with more
	// flat lines than this is mostly flat and the widest runs are kept.
	maxCandidates = 48
)

// gutterRuns finds the runs of lines whose hit count reaches gutterFill of
// their length.
func gutterRuns(hits []int, length int) []run {
	need := int(math.Ceil(gutterFill * float64(length)))
	var out []run
	start := -1
	for i, h := range hits {
		switch {
		case h >= need && start < 0:
			start = i
		case h < need && start >= 0:
			out = append(out, run{start, i - 1})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, run{start, len(hits) - 1})
	}
	return out
}

// marginsOf splits runs into the content bounds (runs touching either end of
// the axis are margins, however thin) and the internal candidates.
func marginsOf(runs []run, size int) (axisLayout, []run) {
	l := axisLayout{lo: 0, hi: size - 1}
	var inner []run
	for _, r := range runs {
		switch {
		case r.start == 0:
			l.lo = r.end + 1
		case r.end == size-1:
			l.hi = r.start - 1
		default:
			inner = append(inner, r)
		}
	}
	return l, inner
}

// layoutAxis picks want gutters (cells-1) from the runs of one axis, or, in
// auto mode, 1 or 2 gutters, whichever explains the runs better. When the
// runs cannot make want gutters, or leave a gutter as strong as the chosen
// ones inside a cell, the sheet has another grid: the count that explains
// the runs is used instead, so that a 3×3 sheet is not cut as 2×3.
func layoutAxis(runs []run, size, want int, auto bool) (axisLayout, bool) {
	l, inner := marginsOf(runs, size)
	if l.hi-l.lo < 1 {
		return l, false
	}
	inner = strongest(inner)
	l.runs = inner
	counts := []int{want}
	if auto {
		counts = []int{2, 1}
	}
	g, ok := bestCount(inner, l.lo, l.hi, counts)
	if !auto && want > 0 && (!ok || hiddenGutter(g, inner, l.lo, l.hi)) {
		var others []int
		for k := 1; k < MaxGridSide; k++ {
			if k != want {
				others = append(others, k)
			}
		}
		if g2, ok2 := bestCount(inner, l.lo, l.hi, others); ok2 && regular(g2) && !hiddenGutter(g2, inner, l.lo, l.hi) {
			g, ok = g2, true
		}
	}
	if !ok {
		g = nil
	}
	l.gutters = g
	return l.withMin(), ok
}

// bestCount tries each gutter count and keeps the layout with real (wide)
// gutters rather than thin flat lines that happen to be evenly placed;
// among equals, the more even split.
func bestCount(inner []run, lo, hi int, counts []int) ([]run, bool) {
	var best []run
	bestScore, found := math.Inf(-1), false
	for _, cand := range [][]run{inner, wide(inner)} {
		for _, k := range counts {
			g, spread, ok := pickEven(cand, lo, hi, k)
			if !ok {
				continue
			}
			if score := float64(minWidth(g)) - spread; score > bestScore {
				best, bestScore, found = g, score, true
			}
		}
	}
	return best, found
}

// wide keeps the runs at least half as wide as the widest: the gutters,
// without the thin gaps beside keylines and captions, which could
// otherwise make a slightly more even split.
func wide(c []run) []run {
	w := 0
	for _, r := range c {
		w = max(w, r.width())
	}
	var out []run
	for _, r := range c {
		if 2*r.width() >= w {
			out = append(out, r)
		}
	}
	return out
}

// regular reports gutters wide enough to trust and alike in width, as the
// gutters of one drawn grid are.
func regular(g []run) bool {
	lo, hi := minWidth(g), 0
	for _, r := range g {
		hi = max(hi, r.width())
	}
	return lo >= 3 && hi <= 3*lo
}

// hiddenGutter reports an unused run, at least half as wide as the
// narrowest chosen gutter, in the middle of a cell: a gutter of a grid
// finer than the one chosen.
func hiddenGutter(g, inner []run, lo, hi int) bool {
	need := max(3, (minWidth(g)+1)/2)
	cells := axisLayout{lo: lo, hi: hi, gutters: g}.spans()
	for _, r := range inner {
		if r.width() < need || slices.Contains(g, r) {
			continue
		}
		for _, c := range cells {
			n := c.hi - c.lo + 1
			if r.start >= c.lo+n/5 && r.end <= c.hi-n/5 {
				return true
			}
		}
	}
	return false
}

func (l axisLayout) withMin() axisLayout {
	l.minGutterWidth = minWidth(l.gutters)
	return l
}

func minWidth(g []run) int {
	if len(g) == 0 {
		return 0
	}
	m := g[0].width()
	for _, r := range g[1:] {
		m = min(m, r.width())
	}
	return m
}

// strongest keeps the widest maxCandidates runs, in position order.
func strongest(c []run) []run {
	if len(c) <= maxCandidates {
		return c
	}
	c = slices.Clone(c)
	slices.SortFunc(c, func(a, b run) int { return b.width() - a.width() })
	c = c[:maxCandidates]
	slices.SortFunc(c, func(a, b run) int { return a.start - b.start })
	return c
}

// pickEven chooses k of the candidate runs so that the k+1 cells between
// lo and hi are as equal as possible (dynamic programming over the sorted
// candidates), and reports the relative spread of the cell sizes.
func pickEven(c []run, lo, hi, k int) ([]run, float64, bool) {
	if k == 0 {
		return nil, 0, true
	}
	if len(c) < k {
		return nil, 0, false
	}
	target := float64(hi-lo+1-k*medianWidth(c)) / float64(k+1)
	choice := evenDP(c, lo, hi, k, target)
	if choice == nil {
		return nil, 0, false
	}
	g := make([]run, k)
	for i, j := range choice {
		g[i] = c[j]
	}
	spread := cellSpread(g, lo, hi)
	return g, spread, spread <= maxSpread
}

// evenDP returns the indexes of the k candidates minimising the squared
// deviation of the cell sizes from target.
func evenDP(c []run, lo, hi, k int, target float64) []int {
	n := len(c)
	inf := math.Inf(1)
	cost := make([][]float64, k)
	from := make([][]int, k)
	sq := func(a, b int) float64 { d := float64(b-a+1) - target; return d * d }
	for i := range k {
		cost[i], from[i] = make([]float64, n), make([]int, n)
		for j := range n {
			cost[i][j], from[i][j] = inf, -1
			if i == 0 {
				cost[0][j] = sq(lo, c[j].start-1)
				continue
			}
			for p := 0; p < j; p++ {
				if v := cost[i-1][p] + sq(c[p].end+1, c[j].start-1); v < cost[i][j] {
					cost[i][j], from[i][j] = v, p
				}
			}
		}
	}
	best, bestJ := inf, -1
	for j := range n {
		if v := cost[k-1][j] + sq(c[j].end+1, hi); v < best {
			best, bestJ = v, j
		}
	}
	if bestJ < 0 {
		return nil
	}
	out := make([]int, k)
	for i, j := k-1, bestJ; i >= 0; i-- {
		out[i] = j
		j = from[i][j]
	}
	return out
}

func medianWidth(c []run) int {
	w := make([]int, len(c))
	for i, r := range c {
		w[i] = r.width()
	}
	slices.Sort(w)
	return w[len(w)/2]
}

// cellSpread returns max |size-mean|/mean over the cells the gutters make.
func cellSpread(g []run, lo, hi int) float64 {
	sizes := make([]float64, 0, len(g)+1)
	prev := lo
	for _, r := range g {
		sizes = append(sizes, float64(r.start-prev))
		prev = r.end + 1
	}
	sizes = append(sizes, float64(hi-prev+1))
	var mean float64
	for _, s := range sizes {
		if s < 1 {
			return math.Inf(1)
		}
		mean += s
	}
	mean /= float64(len(sizes))
	var worst float64
	for _, s := range sizes {
		worst = max(worst, math.Abs(s-mean)/mean)
	}
	return worst
}

// spans turns a layout into the cells' extents along the axis. A cell
// whose end holds a narrow stripe followed by another gutter run (a caption
// or frame number in the gutter, sprockets on film, a keyline with a gap,
// a title in the margin) starts after that run: the stripe is furniture.
func (l axisLayout) spans() []span {
	out := make([]span, 0, len(l.gutters)+1)
	cur := span{lo: l.lo, loGut: true}
	for _, g := range l.gutters {
		cur.hi, cur.hiGut = g.start-1, true
		out = append(out, l.absorb(cur))
		cur = span{lo: g.end + 1, loGut: true}
	}
	cur.hi, cur.hiGut = l.hi, true
	return append(out, l.absorb(cur))
}

// furnitureZone is the share of a cell's extent, at either end, in which
// a stripe between two gutter runs counts as furniture, not picture.
const furnitureZone = 0.08

// stripeZone is the share of a cell's extent, at either end, in which a
// gutter run of the whole sheet ends a stripe of furniture. It is wider
// than furnitureZone: captions sit anywhere in a margin or gutter as deep
// as a fifth of a small cell, and a run that clean across every cell of
// the sheet is gutter, not picture.
const stripeZone = 0.2

// absorb moves the ends of s past unused gutter runs near them.
func (l axisLayout) absorb(s span) span {
	zone := int(stripeZone * float64(s.hi-s.lo+1))
	lo, hi := s.lo, s.hi
	for _, r := range l.runs {
		if r.start <= s.lo || r.end >= s.hi {
			continue
		}
		if r.start-s.lo <= zone {
			lo = max(lo, r.end+1)
		}
		if s.hi-r.end <= zone {
			hi = min(hi, r.start-1)
		}
	}
	if hi-lo < (s.hi-s.lo)/2 {
		return s
	}
	s.lo, s.hi = lo, hi
	return s
}

// equalSpans divides the content bounds of l into n equal cells, for sheets
// whose gutters cannot be found.
func (l axisLayout) equalSpans(n int) []span {
	out := make([]span, n)
	size := l.hi - l.lo + 1
	for i := range n {
		out[i] = span{lo: l.lo + i*size/n, hi: l.lo + (i+1)*size/n - 1}
	}
	out[0].loGut, out[n-1].hiGut = true, true
	return out
}
