package imaging

import "slices"

// Frame furniture drawn flush round every cell: a drop shadow, a keyline
// with no gap, a border. What sits between two gutter runs (captions,
// numbers, sprockets, a keyline with a gap) is left out by the layout
// already; what touches the picture is found here, on evidence from all
// cells together: such furniture is the same round every cell, and each
// of its lines is flat (one level along the edge), while a picture's edge
// line is flat in one cell now and then but not in nearly all of them.

// maxFurniture caps the lines skipped as furniture on one side.
const maxFurniture = 16

// furnitureDepth returns, for each cell and side, how many lines inwards
// from the cell's edge are furniture: flat lines (one level along the
// edge), at the same depth and level in nearly every cell bordering a
// gutter there. Sides at the sheet's margins and sides between two cells
// are judged apart: the margin may carry furniture the gutters do not,
// and the layout may have left it out there already.
func (e *edgeProbe) furnitureDepth(cells []cell, rows, cols int) [][4]int {
	out := make([][4]int, len(cells))
	for side := range 4 {
		var groups [2][]int
		for i := range cells {
			outer := b2i(outerSide(i/cols, i%cols, rows, cols, side))
			groups[outer] = append(groups[outer], i)
		}
		all, allLong := e.sideDepth(cells, append(slices.Clone(groups[0]), groups[1]...), side)
		if allLong || e.flatFrom(cells, append(slices.Clone(groups[0]), groups[1]...), side, min(1, all-1), all) {
			all = 0
		}
		for _, g := range groups {
			d, long := e.sideDepth(cells, g, side)
			switch {
			case long, e.flatFrom(cells, g, side, min(1, d-1), d):
				// Flat lines alike all the way, or one flat level from
				// the edge on past the depth found: picture flat at the
				// edge of the few cells of this group (backdrops graded
				// the same way), after furniture or not.
				d = 0
			case d > all && e.flatFrom(cells, g, side, d-1, d):
				// Deeper than on the sheet as a whole, and the last line
				// of it goes on: picture flat at the furniture's level
				// beyond it in these few cells.
				d = all
			}
			// Compression breaks a furniture line in a cell now and then,
			// which stops a small group early; every cell of the sheet
			// together tells where the furniture really ends.
			d = max(d, all)
			for _, i := range g {
				out[i][side] = d
			}
		}
	}
	return out
}

// outerSide reports whether side of the cell at (r, c) faces the sheet's
// edge.
func outerSide(r, c, rows, cols, side int) bool {
	switch side {
	case sideLeft:
		return c == 0
	case sideRight:
		return c == cols-1
	case sideTop:
		return r == 0
	}
	return r == rows-1
}

// sideDepth returns, for the cells in group, how many lines inwards from
// their edges are flat, at one level, in nearly all of them; long is true
// when they are for maxFurniture lines or more. Furniture is narrow, so
// flat lines that go on are picture drawn alike in every cell (a studio
// floor, a white backdrop), or furniture and then such picture.
func (e *edgeProbe) sideDepth(cells []cell, group []int, side int) (depth int, long bool) {
	for k := range maxFurniture {
		var levels []int
		judged := 0
		for _, i := range group {
			l, ok := e.sideLine(cells[i], side, k)
			if !ok {
				continue
			}
			judged++
			if lv, flat := e.flat(l); flat {
				levels = append(levels, lv)
			}
		}
		if judged < 2 || !e.alike(levels, judged-outliers(judged)) {
			return depth, false
		}
		depth = k + 1
	}
	return depth, true
}

// furnitureEnd is how many lines past the depth where the flat lines
// stop being alike from cell to cell flatFrom looks at. Furniture ends at
// one depth round every cell, so past it the lines of most cells change;
// the flat edge of a picture (a backdrop graded along the edge) runs on.
const furnitureEnd = 4

// flatFrom reports, for a depth found, whether in at least half of the
// cells of group that can be judged, the lines from line from to
// furnitureEnd lines past depth are flat, each within half the gutter
// tolerance of the one before: one level running on where furniture would
// have ended. Furniture does not: a drop shadow steps down line by line to
// its plateau, and the picture after furniture is of another level.
func (e *edgeProbe) flatFrom(cells []cell, group []int, side, from, depth int) bool {
	if depth <= 0 {
		return false
	}
	step := max(2, e.d/2)
	n, judged := 0, 0
	for _, i := range group {
		if _, ok := e.sideLine(cells[i], side, from); !ok {
			continue
		}
		judged++
		prev, on := -1, true
		for k := from; k <= depth+furnitureEnd && on; k++ {
			l, ok := e.sideLine(cells[i], side, k)
			if !ok {
				on = false
				break
			}
			lv, flat := e.flat(l)
			on = flat && (prev < 0 || absInt(lv-prev) <= step)
			prev = lv
		}
		n += b2i(on)
	}
	return n >= 1 && 2*n >= judged
}

// outliers is how many of n cells may break a furniture line: one in
// five, and one of four (compression breaks a flat line now and then),
// but none of two or three.
func outliers(n int) int {
	if n >= 4 {
		return max(1, n/5)
	}
	return 0
}

// alike reports whether need of the levels lie within the gutter tolerance
// of their median, plus levelTol for compression: furniture is drawn the
// same round every cell, but JPEG blocks beside a picture shift a flat
// line's level by a few steps from cell to cell (a shadow's plateau next to
// dark picture), while pictures that happen to be flat at an edge differ
// from cell to cell by far more.
func (e *edgeProbe) alike(levels []int, need int) bool {
	if len(levels) < need || len(levels) == 0 {
		return false
	}
	med := medianInt(levels)
	n := 0
	for _, v := range levels {
		if absInt(v-med) <= e.d+levelTol {
			n++
		}
	}
	return n >= need
}

// sideLine returns the line k lines inside side of c, over the middle of
// the cell's extent, or false when that side has no gutter or the cell is
// too small to judge.
func (e *edgeProbe) sideLine(c cell, side, k int) ([]uint8, bool) {
	w, h := c.x.hi-c.x.lo+1, c.y.hi-c.y.lo+1
	if w < 8*maxFurniture || h < 8*maxFurniture {
		return nil, false
	}
	ya, yb := middle(c.y.lo, c.y.hi)
	xa, xb := middle(c.x.lo, c.x.hi)
	switch side {
	case sideLeft:
		return e.line(e.a, true, c.x.lo+k, ya, yb), c.x.loGut
	case sideRight:
		return e.line(e.a, true, c.x.hi-k, ya, yb), c.x.hiGut
	case sideTop:
		return e.line(e.a, false, c.y.lo+k, xa, xb), c.y.loGut
	default:
		return e.line(e.a, false, c.y.hi-k, xa, xb), c.y.hiGut
	}
}

// flat reports a line whose pixels lie, nine in ten, within the gutter
// tolerance of the line's median (one level along its whole length), and
// that level.
func (e *edgeProbe) flat(l []uint8) (int, bool) {
	var hist [256]int
	for _, v := range l {
		hist[v]++
	}
	med, acc := 0, 0
	for v, n := range hist {
		acc += n
		if 2*acc >= len(l) {
			med = v
			break
		}
	}
	near := 0
	for v := max(0, med-e.d); v <= min(255, med+e.d); v++ {
		near += hist[v]
	}
	return med, near*10 >= len(l)*9
}
