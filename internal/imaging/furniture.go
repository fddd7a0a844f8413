package imaging

// Frame furniture drawn flush round every cell: a drop shadow, a keyline
// with no gap, a border. What sits between two gutter runs (captions,
// numbers, sprockets, a keyline with a gap) is left out by the layout
// already; what touches the picture is found here, on evidence from all
// cells together: such furniture is the same round every cell, and each
// of its lines is flat (one level along the edge), while a picture's edge
// line is flat in one cell now and then but not in nearly all of them.

// maxFurniture caps the lines skipped as furniture on one side.
const maxFurniture = 16

// furnitureDepth returns, for each side, how many lines inwards from the
// cells' edges are flat in nearly every cell that borders a gutter there.
func (e *edgeProbe) furnitureDepth(cells []cell) [4]int {
	var out [4]int
	for side := range 4 {
		for k := range maxFurniture {
			var levels []int
			judged := 0
			for _, c := range cells {
				l, ok := e.sideLine(c, side, k)
				if !ok {
					continue
				}
				judged++
				if lv, flat := e.flat(l); flat {
					levels = append(levels, lv)
				}
			}
			if judged < 2 || !e.alike(levels, judged-max(1, judged/5)) {
				break
			}
			out[side] = k + 1
		}
	}
	return out
}

// alike reports whether need of the levels lie within the gutter tolerance
// of their median: furniture is drawn the same round every cell, while
// pictures that happen to be flat at an edge differ from cell to cell.
func (e *edgeProbe) alike(levels []int, need int) bool {
	if len(levels) < need || len(levels) == 0 {
		return false
	}
	med := medianInt(levels)
	n := 0
	for _, v := range levels {
		if absInt(v-med) <= e.d {
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
