package imaging

// Seams. A sheet whose cells touch has no gutter to find, and an equal
// division is not exact: 2528 px in three columns is 843 + 843 + 842 in some
// order, and the wrong order puts a line of the neighbour into a frame. Two
// different pictures meet in a step that runs along the whole line, so each
// cut is placed where the step between neighbouring lines, summed over the
// full length of the line, is largest near the equal position.

// seamStrength is the summed step between line pos-1 and line pos.
func seamStrength(p *plane, vertical bool, pos int) int {
	var s int
	if vertical {
		for y := range p.h {
			r := p.row(y)
			s += absInt(int(r[pos]) - int(r[pos-1]))
		}
		return s
	}
	a, b := p.row(pos-1), p.row(pos)
	for i := range a {
		s += absInt(int(b[i]) - int(a[i]))
	}
	return s
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// seamWindow is how far from the equal position a seam is looked for: a
// model's cells differ by a pixel or two, not more, when they touch.
func seamWindow(size int) int { return max(2, size/300) }

// snapCut moves the cut at pos (the first line of the next cell) to the
// strongest seam within the window, and reports whether that seam stands
// out clearly from the lines round it (twice the median step).
func snapCut(p *plane, vertical bool, pos, lo, hi, size int) (int, bool) {
	w := seamWindow(size)
	best, bestS := pos, -1
	var all []float64
	for q := max(lo+1, pos-w); q <= min(hi, pos+w); q++ {
		s := seamStrength(p, vertical, q)
		all = append(all, float64(s))
		if s > bestS {
			best, bestS = q, s
		}
	}
	if len(all) < 3 {
		return pos, false
	}
	return best, float64(bestS) >= 2*median(all)+1
}

// seamSpans divides the content bounds of l into n cells at the seams. A cut that was not seen is
// equal division; the cells beside it give up a line each as a margin of
// safety, since the true cut may be one line either way.
func (d *detector) seamSpans(l axisLayout, n int, vertical bool) []span {
	out := l.equalSpans(n)
	size := l.hi - l.lo + 1
	for i := 1; i < n; i++ {
		if g, ok := d.thinGutter(vertical, out[i].lo, l.lo, l.hi, size/n); ok {
			out[i-1].hi, out[i-1].hiGut = g.start-1, true
			out[i].lo, out[i].loGut = g.end+1, true
			continue
		}
		cut, ok := snapCut(d.p, vertical, out[i].lo, l.lo, l.hi, size/n)
		out[i-1].hi, out[i].lo = cut-1, cut
		if !ok {
			out[i-1].hi--
			out[i].lo++
			out[i-1].hiWeak, out[i].loWeak = true, true
		}
	}
	return out
}

// thinGutter looks near an equal cut at pos for a gutter too thin to have
// a clean line: two anti-aliased rings meeting in a 4 px gutter leave lines
// that are only partly gutter-coloured, but on average far closer to the
// gutter colour than the picture on either side. It returns the lines
// round the closest one that are at most half as far from the gutter
// colour as the window's median line.
func (d *detector) thinGutter(vertical bool, pos, lo, hi, cell int) (run, bool) {
	if !d.hasColor {
		return run{}, false
	}
	w := max(4, cell/60)
	a, b := max(lo+1, pos-w), min(hi-1, pos+w)
	if b-a < 4 {
		return run{}, false
	}
	dist := make([]float64, b-a+1)
	best := 0
	for i := range dist {
		dist[i] = d.lineDist(vertical, a+i)
		if dist[i] < dist[best] {
			best = i
		}
	}
	med := median(append([]float64(nil), dist...))
	if med < float64(2*d.tol) || dist[best] > 0.35*med {
		return run{}, false
	}
	r := run{a + best, a + best}
	for r.start > a && dist[r.start-1-a] <= 0.5*med {
		r.start--
	}
	for r.end < b && dist[r.end+1-a] <= 0.5*med {
		r.end++
	}
	return r, true
}

// lineDist is the mean distance of a line's pixels from the gutter colour.
func (d *detector) lineDist(vertical bool, pos int) float64 {
	var s float64
	if vertical {
		for y := range d.p.h {
			s += absDiff(float64(d.p.at(pos, y)), d.g)
		}
		return s / float64(d.p.h)
	}
	for _, v := range d.p.row(pos) {
		s += absDiff(float64(v), d.g)
	}
	return s / float64(d.p.w)
}
