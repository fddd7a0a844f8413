package imaging

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// randomSpec mixes every variation the generator knows.
func randomSpec(seed uint64) (sheetSpec, GridOptions) {
	rng := rand.New(rand.NewPCG(seed, 99))
	grids := [][2]int{{2, 3}, {3, 2}, {3, 3}, {2, 2}}
	gsz := grids[rng.IntN(4)]
	colors := []color.RGBA{white, black, grey, offWhite, charcoal, {200, 200, 205, 255}}
	sp := sheetSpec{rows: gsz[0], cols: gsz[1], cellW: 350 + rng.IntN(450), cellH: 350 + rng.IntN(450), jitter: rng.IntN(9),
		gutter: 4 + rng.IntN(41), gutterRGB: colors[rng.IntN(len(colors))], seed: seed}
	if rng.IntN(3) == 0 {
		sp.gutterY = 4 + rng.IntN(41)
	}
	for i := range sp.margins {
		switch rng.IntN(4) {
		case 0:
		case 1:
			sp.margins[i] = 1 + rng.IntN(3)
		default:
			sp.margins[i] = rng.IntN(80)
		}
	}
	sp.aa = rng.IntN(2) == 0
	sp.flats = rng.IntN(3) == 0
	sp.flatDelta = rng.IntN(25)
	sp.floor = rng.IntN(5) == 0
	if rng.IntN(2) == 0 {
		sp.jpegQ = 75 + rng.IntN(21)
	}
	if rng.IntN(3) == 0 {
		sp.noise = 1 + rng.IntN(4)
	}
	// Wandering edges must leave some of every gutter intact, as an image
	// model's do; a gutter closed somewhere is a gutterless sheet.
	narrow := sp.gutter
	if sp.gutterY > 0 {
		narrow = min(narrow, sp.gutterY)
	}
	if j := (narrow - 6) / 2; j > 0 && rng.IntN(3) == 0 {
		sp.cellJitter = 1 + rng.IntN(min(j, 8))
	}
	opt := GridOptions{Rows: sp.rows, Cols: sp.cols}
	if rng.IntN(2) == 0 {
		opt = GridOptions{Auto: true}
	}
	return sp, opt
}

// TestDetectGridRandomSheets draws sheets with every variation mixed at
// random (fixed seeds, so failures reproduce). SHOOT_GRID_SHEETS raises the
// count for a longer soak; 300 sheets passed when this was written.
func TestDetectGridRandomSheets(t *testing.T) {
	t.Parallel()
	n := 24
	if v, err := strconv.Atoi(os.Getenv("SHOOT_GRID_SHEETS")); err == nil && v > 0 {
		n = v
	}
	for seed := uint64(1000); seed < uint64(1000+n); seed++ {
		sp, opt := randomSpec(seed)
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			s := makeSheet(t, sp)
			g, err := DetectGrid(s.img, opt)
			if err != nil {
				t.Fatal(err)
			}
			if g.Method != MethodGutters || g.Rows != sp.rows || g.Cols != sp.cols {
				t.Fatalf("%s: got %s %d×%d %q", specStr(sp), g.Method, g.Rows, g.Cols, g.Warnings)
			}
			checkFrames(t, s, g.Cells)
			if t.Failed() {
				t.Logf("sheet: %s, options %+v", specStr(sp), opt)
			}
		})
	}
}

func specStr(sp sheetSpec) string {
	return fmt.Sprintf("%dx%d cell %dx%d j%d cj%d g%d/%d m%v col%v aa%v flats%v/%d floor%v q%d n%d", sp.rows, sp.cols, sp.cellW, sp.cellH, sp.jitter, sp.cellJitter, sp.gutter, sp.gutterY, sp.margins, sp.gutterRGB, sp.aa, sp.flats, sp.flatDelta, sp.floor, sp.jpegQ, sp.noise)
}
