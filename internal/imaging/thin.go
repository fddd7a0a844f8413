package imaging

// Thin gutters. A gutter of four or five pixels with an anti-aliased ring
// on each side has no clean line, so the whole-sheet search finds no run
// for that axis and the axis would be divided into the cells asked for.
// When the sheet has another grid (three columns drawn where two were
// asked), that cuts pictures in half. Such gutters still show in the
// profile of each line's mean distance from the gutter colour: a dip far
// below its surroundings along the whole line.

// thinCount returns how many cells the thin gutters between lo and hi of
// l divide the axis into, or n when they do not tell: every dip is used,
// and the cells they make must be even (within maxSpread), as a drawn
// grid's are.
func (d *detector) thinCount(l axisLayout, vertical bool, n int) int {
	if !d.hasColor || l.hi-l.lo < 8*minCellSide {
		return n
	}
	dist := d.axisDist(vertical)
	dips := thinDips(dist, l.lo, l.hi)
	k := len(dips)
	if k == 0 || k+1 == n || k+1 > MaxGridSide {
		return n
	}
	if cellSpread(dips, l.lo, l.hi) > maxSpread {
		return n
	}
	return k + 1
}

// axisDist returns, for every line across the axis (columns when vertical),
// the mean distance of its pixels from the gutter colour, in one pass.
func (d *detector) axisDist(vertical bool) []float64 {
	var lut [256]float64
	for v := range lut {
		lut[v] = absDiff(float64(v), d.g)
	}
	if vertical {
		sum := make([]float64, d.p.w)
		for y := range d.p.h {
			for x, v := range d.p.row(y) {
				sum[x] += lut[v]
			}
		}
		for x := range sum {
			sum[x] /= float64(d.p.h)
		}
		return sum
	}
	out := make([]float64, d.p.h)
	for y := range d.p.h {
		var s float64
		for _, v := range d.p.row(y) {
			s += lut[v]
		}
		out[y] = s / float64(d.p.w)
	}
	return out
}

// thinDips finds, strictly inside (lo, hi), the runs of lines whose
// distance from the gutter colour is at most a third of the median
// distance of the lines round them (a window of a few dozen lines), which
// is itself clearly off the gutter colour. Runs wider than a thin gutter
// are left to the whole-sheet search.
func thinDips(dist []float64, lo, hi int) []run {
	const window, maxWidth = 40, 12
	var out []run
	for i := lo + 1; i < hi; i++ {
		a, b := max(lo, i-window), min(hi, i+window)
		med := median(append([]float64(nil), dist[a:b+1]...))
		if med < 8 || dist[i] > med/3 {
			continue
		}
		if len(out) > 0 && out[len(out)-1].end >= i-1 {
			out[len(out)-1].end = i
			continue
		}
		out = append(out, run{i, i})
	}
	var thin []run
	for _, r := range out {
		if r.width() <= maxWidth && r.start > lo+minCellSide && r.end < hi-minCellSide {
			thin = append(thin, r)
		}
	}
	return thin
}
