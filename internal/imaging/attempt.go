package imaging

import (
	"fmt"
	"image"
)

// attempt looks for the gutters with one colour tolerance. Each axis is
// first searched on whole-sheet lines; if only one axis is found, the other
// is searched band by band (a row of cells at a time), which copes with
// gutters that do not line up from one row to the next. An axis that still
// fails is divided equally between its margins.
func (d *detector) attempt(lut *[256]uint8, rows, cols int) axes {
	colHits, rowHits := sheetHits(d.p, lut)
	vx, okX := layoutAxis(gutterRuns(colHits, d.p.h), d.p.w, cols-1, d.auto)
	hy, okY := layoutAxis(gutterRuns(rowHits, d.p.w), d.p.h, rows-1, d.auto)
	a := axes{okX: okX, okY: okY, rows: rows, cols: cols}
	if d.auto {
		a.rows, a.cols = d.defaultSize()
	}
	if okX {
		a.cols = len(vx.gutters) + 1
	}
	if okY {
		a.rows = len(hy.gutters) + 1
	}
	if !okX {
		a.cols = d.thinCount(vx, true, a.cols)
	}
	if !okY {
		a.rows = d.thinCount(hy, false, a.rows)
	}
	switch {
	case okX && okY:
		a.xs, a.ys = repeat(vx.spans(), a.rows), repeat(hy.spans(), a.cols)
	case okY:
		ys := hy.spans()
		a.xs, a.cols, a.okX = d.banded(ys, true, lut, cols-1, vx, a.cols)
		a.bandedX = a.okX
		a.ys = repeat(ys, a.cols)
	case okX:
		xs := vx.spans()
		a.ys, a.rows, a.okY = d.banded(xs, false, lut, rows-1, hy, a.rows)
		a.bandedY = a.okY
		a.xs = repeat(xs, a.rows)
	default:
		a.xs = repeat(d.seamSpans(vx, a.cols, true), a.rows)
		a.ys = repeat(d.seamSpans(hy, a.rows, false), a.cols)
	}
	return a
}

// axis finds one axis's layout from the lines of r, which always spans the
// whole sheet along the axis measured, so line indexes are plane
// coordinates.
func (d *detector) axis(r image.Rectangle, vertical bool, lut *[256]uint8, want int) (axisLayout, bool) {
	hits := lineHits(d.p, r, vertical, lut)
	_, length := lineCount(r, vertical)
	size := d.p.h
	if vertical {
		size = d.p.w
	}
	return layoutAxis(gutterRuns(hits, length), size, want, d.auto)
}

// banded searches one axis separately inside each band of the other. All
// bands must succeed (and agree on the count in auto mode); otherwise the
// axis is divided equally using the whole-sheet margins in fallback.
func (d *detector) banded(bands []span, vertical bool, lut *[256]uint8, want int, fallback axisLayout, n int) ([][]span, int, bool) {
	out := make([][]span, len(bands))
	count := -1
	for i, b := range bands {
		r := image.Rect(b.lo, 0, b.hi+1, d.p.h)
		if vertical {
			r = image.Rect(0, b.lo, d.p.w, b.hi+1)
		}
		l, ok := d.axis(r, vertical, lut, want)
		if !ok || (count >= 0 && len(l.gutters)+1 != count) {
			return repeat(d.seamSpans(fallback, n, vertical), len(bands)), n, false
		}
		count = len(l.gutters) + 1
		out[i] = l.spans()
	}
	return out, count, true
}

// repeat returns n references to the same spans (they are never modified).
func repeat(s []span, n int) [][]span {
	out := make([][]span, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// assemble builds the cells from an attempt, refines their edges and checks
// them; cells that are unusable after all send the sheet to equal division.
func (d *detector) assemble(a axes, e *edgeProbe) *Grid {
	g := &Grid{Method: MethodGutters, Rows: a.rows, Cols: a.cols}
	g.Warnings = append(g.Warnings, d.axisWarnings(a)...)
	if !a.okX || !a.okY {
		g.Method = MethodEqual
	}
	raw := make([]cell, 0, a.rows*a.cols)
	for r := range a.rows {
		for c := range a.cols {
			raw = append(raw, cell{x: a.xs[r][c], y: a.ys[c][r]})
		}
	}
	skip := e.furnitureDepth(raw, a.rows, a.cols)
	// A first pass measures the sheet's blend depth on the edges where it
	// shows; the cells are then refined knowing it.
	for i, rc := range raw {
		e.refine(rc, skip[i])
	}
	e.decideRing()
	cells := make([]cell, len(raw))
	weak := make([][4]bool, len(raw))
	for i, rc := range raw {
		cells[i], weak[i] = e.refine(rc, skip[i])
	}
	settleWeak(cells, weak, a.rows, a.cols)
	for i, cl := range cells {
		if cl.x.hi < cl.x.lo || cl.y.hi < cl.y.lo || cl.x.lo < 0 || cl.y.lo < 0 || cl.x.hi >= d.p.w || cl.y.hi >= d.p.h {
			return d.equalGrid(a.rows, a.cols, "the gutters found gave unusable cells: the sheet was divided into equal cells")
		}
		g.Cells = append(g.Cells, rectOf(cl))
		n := b2i(cl.x.loWeak) + b2i(cl.x.hiWeak) + b2i(cl.y.loWeak) + b2i(cl.y.hiWeak)
		for _, w := range weak[i] {
			n += b2i(w)
		}
		g.Confidence = append(g.Confidence, edgeConfidence(n))
	}
	sizeConfidence(g)
	return g
}

// axisWarnings explains every axis that was not found the normal way.
func (d *detector) axisWarnings(a axes) []string {
	var w []string
	if !a.okX {
		w = append(w, "no vertical gutters found: the columns are an equal division of the sheet")
	}
	if !a.okY {
		w = append(w, "no horizontal gutters found: the rows are an equal division of the sheet")
	}
	if a.bandedX {
		w = append(w, "the vertical gutters do not line up from row to row: they were found row by row")
	}
	if a.bandedY {
		w = append(w, "the horizontal gutters do not line up from column to column: they were found column by column")
	}
	if d.auto && (!a.okX || !a.okY) {
		w = append(w, fmt.Sprintf("could not tell the grid size from the gutters: assumed %d×%d where unknown", a.rows, a.cols))
	}
	return w
}
