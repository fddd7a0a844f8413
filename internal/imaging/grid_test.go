package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

var (
	white    = color.RGBA{255, 255, 255, 255}
	black    = color.RGBA{0, 0, 0, 255}
	grey     = color.RGBA{128, 128, 128, 255}
	offWhite = color.RGBA{246, 242, 233, 255}
	charcoal = color.RGBA{38, 36, 40, 255}
)

// minIoU is the required overlap of every detected frame with its true cell.
const minIoU = 0.97

func TestDetectGridSynthetic(t *testing.T) {
	t.Parallel()
	base := sheetSpec{rows: 2, cols: 3, cellW: 520, cellH: 540, jitter: 8, gutter: 24, margins: [4]int{16, 16, 16, 16}, gutterRGB: white, aa: true, seed: 1}
	with := func(f func(*sheetSpec)) sheetSpec { s := base; f(&s); return s }
	cases := []struct {
		name string
		spec sheetSpec
		opt  GridOptions
	}{
		{"white gutters png", base, GridOptions{}},
		{"black gutters jpeg", with(func(s *sheetSpec) { s.gutterRGB, s.jpegQ, s.seed = black, 85, 2 }), GridOptions{}},
		{"grey gutters noise", with(func(s *sheetSpec) { s.gutterRGB, s.noise, s.seed = grey, 4, 3 }), GridOptions{}},
		{"off-white gutters jpeg", with(func(s *sheetSpec) { s.gutterRGB, s.jpegQ, s.seed = offWhite, 80, 4 }), GridOptions{}},
		{"charcoal gutters", with(func(s *sheetSpec) { s.gutterRGB, s.seed = charcoal, 5 }), GridOptions{}},
		{"gutter 4 px", with(func(s *sheetSpec) { s.gutter, s.seed = 4, 6 }), GridOptions{}},
		{"gutter 4 px jpeg", with(func(s *sheetSpec) { s.gutter, s.jpegQ, s.seed = 4, 90, 7 }), GridOptions{}},
		{"gutter 6 px black noise", with(func(s *sheetSpec) { s.gutter, s.gutterRGB, s.noise, s.seed = 6, black, 3, 8 }), GridOptions{}},
		{"gutter 44 px", with(func(s *sheetSpec) { s.gutter, s.seed = 44, 9 }), GridOptions{}},
		{"gutters 10 and 40", with(func(s *sheetSpec) { s.gutter, s.gutterY, s.seed = 10, 40, 10 }), GridOptions{}},
		{"no margins", with(func(s *sheetSpec) { s.margins, s.seed = [4]int{}, 11 }), GridOptions{}},
		{"thin margins 1 px", with(func(s *sheetSpec) { s.margins, s.aa, s.seed = [4]int{1, 1, 1, 1}, false, 12 }), GridOptions{}},
		{"thin margins 3 px aa", with(func(s *sheetSpec) { s.margins, s.seed = [4]int{3, 2, 3, 2}, 13 }), GridOptions{}},
		{"wide uneven margins", with(func(s *sheetSpec) { s.margins, s.gutterRGB, s.seed = [4]int{70, 12, 3, 95}, offWhite, 14 }), GridOptions{}},
		{"irregular cells no jitter cap", with(func(s *sheetSpec) { s.jitter, s.jpegQ, s.seed = 8, 88, 15 }), GridOptions{}},
		{"flats same colour", with(func(s *sheetSpec) { s.flats, s.flatDelta, s.seed = true, 0, 16 }), GridOptions{}},
		{"flats near white", with(func(s *sheetSpec) { s.flats, s.flatDelta, s.jpegQ, s.seed = true, 12, 85, 17 }), GridOptions{}},
		{"flats near black", with(func(s *sheetSpec) { s.flats, s.flatDelta, s.gutterRGB, s.noise, s.seed = true, 8, black, 2, 18 }), GridOptions{}},
		{"studio floor near gutter", with(func(s *sheetSpec) { s.floor, s.flatDelta, s.gutterRGB, s.seed = true, 4, grey, 19 }), GridOptions{}},
		{"misaligned rows", with(func(s *sheetSpec) { s.brick, s.gutter, s.seed = true, 6, 20 }), GridOptions{}},
		{"every cell edge wanders", with(func(s *sheetSpec) { s.cellJitter, s.gutter, s.jpegQ, s.seed = 4, 14, 88, 34 }), GridOptions{}},
		{"cell edges wander, black", with(func(s *sheetSpec) { s.cellJitter, s.gutter, s.gutterRGB, s.seed = 6, 20, charcoal, 35 }), GridOptions{}},
		{"cell edges wander 8 px", with(func(s *sheetSpec) { s.cellJitter, s.gutter, s.gutterRGB, s.noise, s.seed = 8, 24, grey, 2, 36 }), GridOptions{}},
		{"3x2 given", with(func(s *sheetSpec) { s.rows, s.cols, s.cellW, s.cellH, s.seed = 3, 2, 600, 400, 21 }), GridOptions{Rows: 3, Cols: 2}},
		{"3x3 given", with(func(s *sheetSpec) { s.rows, s.cols, s.cellW, s.cellH, s.seed = 3, 3, 420, 420, 22 }), GridOptions{Rows: 3, Cols: 3}},
		{"2x2 given", with(func(s *sheetSpec) { s.rows, s.cols, s.seed = 2, 2, 23 }), GridOptions{Rows: 2, Cols: 2}},
		{"2x3 auto", with(func(s *sheetSpec) { s.jpegQ, s.seed = 85, 24 }), GridOptions{Auto: true}},
		{"3x2 auto black", with(func(s *sheetSpec) { s.rows, s.cols, s.cellW, s.cellH, s.gutterRGB, s.seed = 3, 2, 560, 380, black, 25 }), GridOptions{Auto: true}},
		{"3x3 auto grey", with(func(s *sheetSpec) {
			s.rows, s.cols, s.cellW, s.cellH, s.gutterRGB, s.gutter, s.seed = 3, 3, 400, 400, grey, 8, 26
		}), GridOptions{Auto: true}},
		{"2x2 auto off-white", with(func(s *sheetSpec) { s.rows, s.cols, s.gutterRGB, s.jpegQ, s.seed = 2, 2, offWhite, 90, 27 }), GridOptions{Auto: true}},
		{"3x4 given", with(func(s *sheetSpec) { s.rows, s.cols, s.cellW, s.cellH, s.seed = 3, 4, 360, 360, 28 }), GridOptions{Rows: 3, Cols: 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := makeSheet(t, tc.spec)
			g, err := DetectGrid(s.img, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if g.Method != MethodGutters {
				t.Fatalf("method %q, warnings %q", g.Method, g.Warnings)
			}
			if g.Rows != tc.spec.rows || g.Cols != tc.spec.cols {
				t.Fatalf("grid %d×%d, want %d×%d", g.Rows, g.Cols, tc.spec.rows, tc.spec.cols)
			}
			checkFrames(t, s, g.Cells)
			checkNormalized(t, s, Equalize(g.Cells))
		})
	}
}

// checkFrames asserts every frame overlaps its true cell by minIoU and that
// no pixel on a frame's outermost rows and columns is gutter or margin.
func checkFrames(t *testing.T, s *sheet, got []image.Rectangle) {
	t.Helper()
	if len(got) != len(s.cells) {
		t.Fatalf("%d frames, want %d", len(got), len(s.cells))
	}
	for i, r := range got {
		if iou := iou(r, s.cells[i]); iou < minIoU {
			t.Errorf("frame %d: %v vs true %v: IoU %.4f < %.2f", i+1, r, s.cells[i], iou, minIoU)
		}
		if x, y, bad := borderOutside(s, r); bad {
			t.Errorf("frame %d: %v has a gutter/margin pixel at (%d,%d); true cell %v", i+1, r, x, y, s.cells[i])
		}
	}
}

// checkNormalized asserts the equalised frames share one size, still hold
// picture only, and that a crop takes no more than cropBudget from a cell.
func checkNormalized(t *testing.T, s *sheet, sz *Sizing) {
	t.Helper()
	for i, r := range sz.Src {
		if sz.Mode == SizingCrop && (r.Dx() != sz.Width || r.Dy() != sz.Height) {
			t.Errorf("frame %d is %v, want %d×%d", i+1, r.Size(), sz.Width, sz.Height)
		}
		if x, y, bad := borderOutside(s, r); bad {
			t.Errorf("equalised frame %d: %v has a gutter/margin pixel at (%d,%d)", i+1, r, x, y)
		}
		if v := iou(r, s.cells[i]); v < minIoU {
			t.Errorf("equalised frame %d: IoU %.4f", i+1, v)
		}
	}
}

// borderOutside returns the first pixel on r's outermost rows or columns
// that is not picture (or lies outside the sheet).
func borderOutside(s *sheet, r image.Rectangle) (int, int, bool) {
	if r.Empty() {
		return r.Min.X, r.Min.Y, true
	}
	for x := r.Min.X; x < r.Max.X; x++ {
		for _, y := range []int{r.Min.Y, r.Max.Y - 1} {
			if x < 0 || y < 0 || x >= s.w || y >= s.h || !s.isPicture(x, y) {
				return x, y, true
			}
		}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for _, x := range []int{r.Min.X, r.Max.X - 1} {
			if x < 0 || y < 0 || x >= s.w || y >= s.h || !s.isPicture(x, y) {
				return x, y, true
			}
		}
	}
	return 0, 0, false
}

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	ia := in.Dx() * in.Dy()
	u := a.Dx()*a.Dy() + b.Dx()*b.Dy() - ia
	if u == 0 {
		return 0
	}
	return float64(ia) / float64(u)
}

// TestDetectGridWorkedExample is the 2528×1696 worked-example sheet:
// margins x 0–8 and 2520–2527, gutters x 825–855 and 1672–1702, y 834–861.
// A fixed-inset crop gives 806–807 × 807–809 frames (the baseline below);
// ours must hold no gutter and keep at least as much picture.
func TestDetectGridWorkedExample(t *testing.T) {
	t.Parallel()
	sp := sheetSpec{
		rows: 2, cols: 3, gutter: 31, gutterY: 28, margins: [4]int{9, 19, 8, 16},
		colW: []int{816, 816, 817}, rowH: []int{815, 818}, gutterRGB: white, aa: true, jpegQ: 90, seed: 43,
	}
	s := makeSheet(t, sp)
	if s.w != 2528 || s.h != 1696 {
		t.Fatalf("generator made %d×%d", s.w, s.h)
	}
	for i, want := range []image.Rectangle{
		image.Rect(9, 19, 825, 834), image.Rect(856, 19, 1672, 834), image.Rect(1703, 19, 2520, 834),
		image.Rect(9, 862, 825, 1680), image.Rect(856, 862, 1672, 1680), image.Rect(1703, 862, 2520, 1680),
	} {
		if s.cells[i] != want {
			t.Fatalf("generator cell %d = %v, want %v", i, s.cells[i], want)
		}
	}
	g, err := DetectGrid(s.img, GridOptions{Rows: 2, Cols: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkFrames(t, s, g.Cells)
	baseline := []image.Rectangle{
		image.Rect(14, 23, 14+806, 23+807), image.Rect(861, 23, 861+806, 23+807), image.Rect(1708, 23, 1708+807, 23+807),
		image.Rect(14, 866, 14+806, 866+809), image.Rect(861, 866, 861+806, 866+809), image.Rect(1708, 866, 1708+807, 866+809),
	}
	for i, r := range g.Cells {
		if area(r) < area(baseline[i]) {
			t.Errorf("frame %d: %v keeps less picture than the baseline %v", i+1, r, baseline[i])
		}
	}
	t.Logf("frames %v (baseline: 806–807 × 807–809)", g.Cells)
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

func TestDetectGridGutterlessFallsBackToEqual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  GridOptions
	}{{"given", GridOptions{}}, {"auto", GridOptions{Auto: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := makeSheet(t, sheetSpec{rows: 2, cols: 3, cellW: 400, cellH: 400, gutterRGB: white, seed: 30})
			g, err := DetectGrid(s.img, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if g.Method != MethodEqual || len(g.Warnings) == 0 {
				t.Fatalf("method %q warnings %q, want equal with a warning", g.Method, g.Warnings)
			}
			if g.Rows != 2 || g.Cols != 3 {
				t.Fatalf("grid %d×%d, want 2×3", g.Rows, g.Cols)
			}
			checkFrames(t, s, g.Cells)
		})
	}
}

// TestDetectGridOneAxisMissing: columns separated by gutters but rows that
// touch. The columns come from the gutters, the rows from equal division,
// and the grid says so.
func TestDetectGridOneAxisMissing(t *testing.T) {
	t.Parallel()
	sp := sheetSpec{rows: 2, cols: 3, cellW: 420, cellH: 420, gutter: 20, gutterY: -1, margins: [4]int{10, 0, 10, 0}, gutterRGB: black, seed: 31}
	s := makeSheet(t, sp)
	g, err := DetectGrid(s.img, GridOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Method != MethodEqual || !slices.ContainsFunc(g.Warnings, func(w string) bool { return strings.Contains(w, "horizontal") }) {
		t.Fatalf("method %q warnings %q: want equal with a warning about the rows", g.Method, g.Warnings)
	}
	checkFrames(t, s, g.Cells)
}

// TestDetectGridMisalignedGutters: every row has its own column widths and
// the gutters are too thin to overlap from row to row, so no column is
// gutter over the whole height; they are found row by row.
func TestDetectGridMisalignedGutters(t *testing.T) {
	t.Parallel()
	sp := sheetSpec{rows: 2, cols: 3, cellW: 500, cellH: 500, jitter: 8, gutter: 4, margins: [4]int{12, 12, 12, 12}, gutterRGB: white, brick: true, seed: 32}
	s := makeSheet(t, sp)
	g, err := DetectGrid(s.img, GridOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Method != MethodGutters || !slices.ContainsFunc(g.Warnings, func(w string) bool { return strings.Contains(w, "row by row") }) {
		t.Fatalf("method %q warnings %q: want gutters found row by row", g.Method, g.Warnings)
	}
	checkFrames(t, s, g.Cells)
}

func TestDetectGridBadInput(t *testing.T) {
	t.Parallel()
	small := image.NewGray(image.Rect(0, 0, 10, 10))
	for _, tc := range []struct {
		name string
		img  image.Image
		opt  GridOptions
	}{
		{"nil image", nil, GridOptions{}},
		{"zero rows", small, GridOptions{Rows: 0, Cols: 3}},
		{"negative cols", small, GridOptions{Rows: 2, Cols: -1}},
		{"too many", small, GridOptions{Rows: 2, Cols: MaxGridSide + 1}},
		{"too small", small, GridOptions{Rows: 2, Cols: 3}},
		{"empty", image.NewGray(image.Rectangle{}), GridOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := DetectGrid(tc.img, tc.opt)
			if err == nil || shoot.ErrorCode(err) != shoot.EINVALID {
				t.Fatalf("got %+v, %v; want an invalid-input error", g, err)
			}
		})
	}
}

// TestDetectGridOffsetBounds: a sub-image keeps its coordinates, so the
// cells come back in the parent's coordinate space.
func TestDetectGridOffsetBounds(t *testing.T) {
	t.Parallel()
	sp := sheetSpec{rows: 2, cols: 3, cellW: 300, cellH: 300, gutter: 16, margins: [4]int{8, 8, 8, 8}, gutterRGB: white, seed: 33}
	s := makeSheet(t, sp)
	big := image.NewRGBA(image.Rect(0, 0, s.w+100, s.h+60))
	off := image.Pt(100, 60)
	draw.Draw(big, image.Rectangle{Min: off, Max: off.Add(image.Pt(s.w, s.h))}, s.img, image.Point{}, draw.Src)
	sub := big.SubImage(image.Rectangle{Min: off, Max: off.Add(image.Pt(s.w, s.h))})
	g, err := DetectGrid(sub, GridOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Cells {
		g.Cells[i] = g.Cells[i].Sub(off)
	}
	checkFrames(t, s, g.Cells)
}
