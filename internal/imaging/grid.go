package imaging

import (
	"fmt"
	"image"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Grid detection methods reported in Grid.Method.
const (
	MethodGutters = "gutters" // cells bounded by detected gutters and margins
	MethodEqual   = "equal"   // at least one axis divided equally (no gutters found)
)

// MaxGridSide is the most rows or columns DetectGrid accepts.
const MaxGridSide = 12

// minCellSide is the smallest cell side DetectGrid will produce; smaller
// sheets are rejected rather than cut into slivers.
const minCellSide = 4

// GridOptions says which grid to look for. Rows and Cols default to 2×3.
// With Auto set, DetectGrid decides between 2 and 3 on each axis from the
// gutters it finds (2×3, 3×2, 3×3, 2×2) and ignores Rows and Cols.
type GridOptions struct {
	Rows, Cols int
	Auto       bool
}

// Grid is the result of DetectGrid.
type Grid struct {
	// Method is MethodGutters or MethodEqual.
	Method     string
	Rows, Cols int
	// Cells are the frames in row-major order, in the image's coordinates.
	// They contain picture only: no gutter, margin or transition pixels.
	Cells []image.Rectangle
	// Warnings explain fallbacks (equal division, assumed grid size, a
	// grid other than the one asked for).
	Warnings []string
	// AskedRows and AskedCols are the grid asked for (0 in auto mode).
	// Rows and Cols differ from them when the gutters show another grid:
	// DetectGrid reports that rather than forcing the asked grid.
	AskedRows, AskedCols int
	// Confidence holds, per cell, how sure detection is of it, from 0 to 1:
	// 1 when all four edges were found on clear evidence, lower for an edge
	// that had to be guessed (an equal division without a visible seam, an
	// edge whose picture is the gutter's colour) or a cell much smaller
	// than its row and column.
	Confidence []float64
}

// Mismatch reports whether the grid found differs from the one asked for.
func (g *Grid) Mismatch() bool {
	return g.AskedRows != 0 && (g.Rows != g.AskedRows || g.Cols != g.AskedCols)
}

// DetectGrid finds the cells of a contact sheet. It never fails on a hard
// sheet: when gutters cannot be found it divides the sheet equally and says
// so in Method and Warnings. It returns an *shoot.Error (EINVALID) only for
// bad options or an image too small to hold the grid.
func DetectGrid(img image.Image, opt GridOptions) (*Grid, error) {
	rows, cols, err := opt.size()
	if err != nil {
		return nil, err
	}
	if img == nil {
		return nil, shoot.Errorf(shoot.EINVALID, "no image to detect a grid in")
	}
	b := img.Bounds()
	needR, needC := rows, cols
	if opt.Auto {
		needR, needC = 3, 3
	}
	if b.Dx() < needC*minCellSide || b.Dy() < needR*minCellSide {
		return nil, shoot.Errorf(shoot.EINVALID, "image %d×%d is too small for a %d×%d grid", b.Dx(), b.Dy(), needR, needC)
	}
	d := &detector{p: lumaPlane(img), auto: opt.Auto}
	g := d.detect(rows, cols)
	if !opt.Auto {
		g.AskedRows, g.AskedCols = rows, cols
		if g.Mismatch() {
			g.Warnings = append(g.Warnings, fmt.Sprintf("asked for a %d×%d grid but the gutters show %d×%d: used %d×%d", rows, cols, g.Rows, g.Cols, g.Rows, g.Cols))
		}
	}
	if len(g.Confidence) != len(g.Cells) {
		g.Confidence = make([]float64, len(g.Cells))
		for i := range g.Confidence {
			g.Confidence[i] = 1
		}
	}
	for i := range g.Cells {
		g.Cells[i] = g.Cells[i].Add(b.Min)
	}
	return g, nil
}

// size validates the options and applies the 2×3 default.
func (o GridOptions) size() (rows, cols int, err error) {
	rows, cols = o.Rows, o.Cols
	if o.Auto || (rows == 0 && cols == 0) {
		return 2, 3, nil
	}
	if rows < 1 || cols < 1 || rows > MaxGridSide || cols > MaxGridSide {
		return 0, 0, shoot.Errorf(shoot.EINVALID, "grid must be 1..%d rows by 1..%d columns, got %d×%d", MaxGridSide, MaxGridSide, rows, cols)
	}
	return rows, cols, nil
}

// detector carries one detection's working state.
type detector struct {
	p    *plane
	auto bool
	// g and tol are the gutter colour and its tolerance, once known.
	g        float64
	tol      int
	hasColor bool
}

// axes is what one attempt found: cell extents along x for every row and
// along y for every column, and whether each axis came from gutters.
type axes struct {
	xs, ys     [][]span
	okX, okY   bool
	bandedX    bool // vertical gutters found row by row
	bandedY    bool
	rows, cols int
}

func (a axes) score() int { return b2i(a.okX) + b2i(a.okY) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (d *detector) detect(rows, cols int) *Grid {
	g, tol, ok := gutterColor(sheetStats(d.p))
	d.g, d.tol, d.hasColor = g, tol, ok
	if !ok {
		return d.equalGrid(rows, cols, "no gutters found: the sheet was divided into equal cells")
	}
	best := d.attempt(colorTable(g, tol), rows, cols)
	if best.score() < 2 {
		// JPEG ringing can break a thin gutter under the strict tolerance.
		if loose := d.attempt(colorTable(g, looseTol(tol)), rows, cols); loose.score() > best.score() {
			best = loose
		}
	}
	return d.assemble(best, newEdgeProbe(d.p, g, tol))
}

// equalGrid divides the whole image equally.
func (d *detector) equalGrid(rows, cols int, why string) *Grid {
	if d.auto {
		rows, cols = d.defaultSize()
		why += fmt.Sprintf("; assumed a %d×%d grid", rows, cols)
	}
	x := d.seamSpans(axisLayout{lo: 0, hi: d.p.w - 1}, cols, true)
	y := d.seamSpans(axisLayout{lo: 0, hi: d.p.h - 1}, rows, false)
	gr := &Grid{Method: MethodEqual, Rows: rows, Cols: cols, Warnings: []string{why}}
	for r := range rows {
		for c := range cols {
			gr.Cells = append(gr.Cells, rectOf(cell{x: x[c], y: y[r]}))
			weak := b2i(x[c].loWeak) + b2i(x[c].hiWeak) + b2i(y[r].loWeak) + b2i(y[r].hiWeak)
			gr.Confidence = append(gr.Confidence, edgeConfidence(weak))
		}
	}
	return gr
}

// defaultSize is the grid assumed in auto mode when gutters do not tell:
// 2×3 for a landscape or square sheet, 3×2 for a portrait one.
func (d *detector) defaultSize() (rows, cols int) {
	if d.p.h > d.p.w {
		return 3, 2
	}
	return 2, 3
}

func rectOf(c cell) image.Rectangle {
	return image.Rect(c.x.lo, c.y.lo, c.x.hi+1, c.y.hi+1)
}
