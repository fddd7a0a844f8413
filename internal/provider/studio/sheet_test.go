package studio

import (
	"fmt"
	"image"
	"math"
	"slices"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestLayoutSheetRules(t *testing.T) {
	t.Parallel()
	colours := map[string]bool{}
	for seed := range int64(60) {
		W, H := 2528, 1696
		l := layoutSheet(W, H, newRand(seed, "", "sheet-layout"))
		if l.gutter < 10 || l.gutter > 40 {
			t.Errorf("seed %d: gutter %.0f px outside 10–40", seed, l.gutter)
		}
		m := l.margins
		if m[0] == m[1] || m[0] == m[2] || m[0] == m[3] || m[1] == m[2] || m[1] == m[3] || m[2] == m[3] {
			t.Errorf("seed %d: margins %v are not four different widths", seed, m)
		}
		switch v := l.colour[0]; {
		case v > 0.9:
			colours["light"] = true
		case v < 0.1:
			colours["dark"] = true
		default:
			t.Errorf("seed %d: gutter colour %v is neither off-white nor near-black", seed, l.colour)
		}
		cw := (float64(W) - m[0] - m[2] - 2*l.gutter) / 3
		ch := (float64(H) - m[1] - m[3] - l.gutter) / 2
		for i, c := range l.cells {
			if math.Abs(c.w()-cw) > 8 || math.Abs(c.h()-ch) > 8 {
				t.Errorf("seed %d cell %d: %.1f×%.1f, nominal %.1f×%.1f: more than ±4 px per edge", seed, i, c.w(), c.h(), cw, ch)
			}
			if i%3 < 2 && l.cells[i+1].x0-c.x1 < 2 {
				t.Errorf("seed %d: cells %d and %d leave no gutter", seed, i, i+1)
			}
			if c.x0 < 0 || c.y0 < 0 || c.x1 > float64(W) || c.y1 > float64(H) {
				t.Errorf("seed %d: cell %d %v leaves the sheet", seed, i, c)
			}
		}
	}
	if !colours["light"] || !colours["dark"] {
		t.Errorf("60 seeds never drew both gutter colours: %v", colours)
	}
}

// uniformRuns finds runs of whole columns (vertical) or rows that are all
// within tol of colour c; it returns each run as [start, end).
func uniformRuns(img *image.RGBA, c [3]uint8, tol int, vertical bool) [][2]int {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	n, m := W, H
	if !vertical {
		n, m = H, W
	}
	var runs [][2]int
	for i := range n {
		uniform := true
		for j := 0; j < m && uniform; j++ {
			x, y := i, j
			if !vertical {
				x, y = j, i
			}
			p := img.Pix[img.PixOffset(x, y):]
			for k := range 3 {
				if d := int(p[k]) - int(c[k]); d > tol || d < -tol {
					uniform = false
				}
			}
		}
		if uniform {
			if len(runs) > 0 && runs[len(runs)-1][1] == i {
				runs[len(runs)-1][1] = i + 1
			} else {
				runs = append(runs, [2]int{i, i + 1})
			}
		}
	}
	return runs
}

func TestContactSheetGuttersAndCells(t *testing.T) {
	t.Parallel()
	hero := renderHero(shoot.ImageRequest{Seed: 9, Background: WarmDaylight}, []*image.RGBA{subjectReference(300, 450)}, 1264, 848, 2)
	cases := []struct {
		aspect, res string
		seed        int64
		refs        []shoot.Reference
	}{
		{"3:2", "1K", 1, []shoot.Reference{{Data: pngOf(t, hero)}}},
		{"3:2", "2K", 2, []shoot.Reference{{Data: pngOf(t, hero)}}},
		{"16:9", "1K", 3, nil}, // no hero: the studio draws one
		{"", "1K", 4, []shoot.Reference{{Data: pngOf(t, hero)}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%s-%d", c.aspect, c.res, c.seed), func(t *testing.T) {
			t.Parallel()
			req := shoot.ImageRequest{Kind: shoot.ImageContactSheet, AspectRatio: c.aspect, Resolution: c.res, Seed: c.seed, References: c.refs}
			st := generate(t, NewImages(Options{}), req)
			if st.Result.Model != ModelSheet {
				t.Errorf("model %q", st.Result.Model)
			}
			sheet := decodePNG(t, st.Result.Data)
			if w, h := expectedSize(t, c.aspect, c.res); sheet.Bounds().Dx() != w || sheet.Bounds().Dy() != h {
				t.Fatalf("size %v, want %d×%d", sheet.Bounds().Size(), w, h)
			}
			checkSheet(t, sheet)
		})
	}
}

// checkSheet verifies, from pixels alone, that a sheet has flat gutters and
// margins around a 2×3 grid, margins of different widths, and six different
// cells.
func checkSheet(t *testing.T, sheet *image.RGBA) {
	t.Helper()
	p := sheet.Pix[:3]
	gutter := [3]uint8{p[0], p[1], p[2]}
	if l := int(gutter[0]); l > 40 && l < 215 {
		t.Errorf("gutter colour %v is neither off-white nor near-black", gutter)
	}
	cols := uniformRuns(sheet, gutter, 2, true)
	rows := uniformRuns(sheet, gutter, 2, false)
	if len(cols) != 4 || len(rows) != 3 {
		t.Fatalf("want 4 uniform column runs and 3 row runs (margins and gutters), got %v and %v", cols, rows)
	}
	W, H := sheet.Bounds().Dx(), sheet.Bounds().Dy()
	if cols[0][0] != 0 || cols[3][1] != W || rows[0][0] != 0 || rows[2][1] != H {
		t.Errorf("margins do not reach the edges: %v %v", cols, rows)
	}
	margins := []int{cols[0][1], rows[0][1], W - cols[3][0], H - rows[2][0]}
	if slices.Min(margins) == slices.Max(margins) {
		t.Errorf("all four margins are %d px", margins[0])
	}
	var cells []*image.RGBA
	for r := range 2 {
		for c := range 3 {
			box := image.Rect(cols[c][1], rows[r][1], cols[c+1][0], rows[r+1][0]).Inset(6)
			cells = append(cells, scaled(sheet, box, 32, 32))
			if s := measure(sheet, box); s.variance < 20 && s.colours < 50 {
				t.Errorf("cell %d is flat", r*3+c+1)
			}
		}
	}
	for i := range cells {
		for j := i + 1; j < len(cells); j++ {
			if d := meanAbsDiff(cells[i], cells[j]); d < 0.03 {
				t.Errorf("cells %d and %d are nearly the same (%.3f)", i+1, j+1, d)
			}
		}
	}
}

func TestSubjectBoxFindsTheFigure(t *testing.T) {
	t.Parallel()
	// With a second reference the figure stands 10 % off centre and a print
	// sits on the other side: the box must hold the figure, not the print.
	req := shoot.ImageRequest{Seed: 1, Background: StudioGrey}
	refs := []*image.RGBA{subjectReference(300, 450), busyPhoto(200, 150)}
	hero := renderHero(req, refs, 1264, 848, 2)
	b := subjectBox(hero)
	mid := (b.x0 + b.x1) / 2
	right := mid > 1264*0.5
	if math.Abs(mid-1264*0.6) > 60 && math.Abs(mid-1264*0.4) > 60 || b.h() < 848*0.6 ||
		right && b.x0 < 1264*0.26 || !right && b.x1 > 1264*0.74 {
		t.Errorf("subject box %+v does not frame the figure", b)
	}
}
