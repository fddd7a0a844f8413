package imaging

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/sheetgen"
)

// requiredIoU is the overlap every frame must have with its true cell.
const requiredIoU = 0.985

// classStats gathers one class's figures across seeds.
type classStats struct {
	mu                   sync.Mutex
	sheets, frames, fail int
	sum, min             float64
}

func (c *classStats) add(ious []float64, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sheets == 0 {
		c.min = 1
	}
	c.sheets++
	if failed {
		c.fail++
	}
	for _, v := range ious {
		c.frames++
		c.sum += v
		c.min = math.Min(c.min, v)
	}
}

// sheetsPerClass is how many sheets of each class the property test draws:
// a few by default, SHOOT_GRID_SHEETS in total (spread over the classes)
// for a soak.
func sheetsPerClass() int {
	n := 4
	if v, err := strconv.Atoi(os.Getenv("SHOOT_GRID_SHEETS")); err == nil && v > 0 {
		n = max(1, (v+len(sheetgen.Classes)-1)/len(sheetgen.Classes))
	}
	return n
}

// TestFramesAgainstGeneratedTruth is the property test over sheets drawn by
// sheetgen, which knows nothing of this package: for every class and seed,
// the grid drawn is found (and a grid other than the one asked for is
// reported), and every final frame lies inside its true cell (so it holds no
// gutter, margin, label, keyline, shadow, sprocket or neighbour pixel) and
// overlaps it by requiredIoU.
func TestFramesAgainstGeneratedTruth(t *testing.T) {
	t.Parallel()
	n := sheetsPerClass()
	base := uint64(1)
	if v, err := strconv.ParseUint(os.Getenv("SHOOT_GRID_SEED"), 10, 64); err == nil {
		base = v
	}
	stats := map[sheetgen.Class]*classStats{}
	for _, c := range sheetgen.Classes {
		stats[c] = &classStats{}
	}
	t.Cleanup(func() {
		for _, c := range sheetgen.Classes {
			s := stats[c]
			if s.frames == 0 {
				continue
			}
			t.Logf("class %-17s sheets %5d frames %6d failed sheets %d  IoU mean %.4f min %.4f",
				c, s.sheets, s.frames, s.fail, s.sum/float64(s.frames), s.min)
		}
	})
	for _, c := range sheetgen.Classes {
		for i := range n {
			seed := base + uint64(i)
			t.Run(fmt.Sprintf("%s/%d", c, seed), func(t *testing.T) {
				t.Parallel()
				s := sheetgen.Generate(c, seed)
				var ious []float64
				// Deferred, so that a sheet stopped by t.Fatal (a wrong grid
				// found) still counts as failed.
				defer func() {
					stats[c].add(ious, t.Failed())
					if t.Failed() {
						t.Logf("sheet: %s", s.Describe)
					}
				}()
				ious = checkGenerated(t, s)
			})
		}
	}
}

// checkGenerated detects and sizes the frames of s and checks them against
// the truth, returning every frame's IoU.
func checkGenerated(t *testing.T, s *sheetgen.Sheet) []float64 {
	t.Helper()
	g, err := DetectGrid(s.Image, GridOptions{Rows: s.AskRows, Cols: s.AskCols})
	if err != nil {
		t.Fatal(err)
	}
	if g.Rows != s.Rows || g.Cols != s.Cols {
		t.Fatalf("found a %d×%d grid (%s, %q), drew %d×%d", g.Rows, g.Cols, g.Method, g.Warnings, s.Rows, s.Cols)
	}
	if mismatch := s.Rows != s.AskRows || s.Cols != s.AskCols; mismatch != g.Mismatch() {
		t.Errorf("grid mismatch reported %v, want %v", g.Mismatch(), mismatch)
	}
	sz := Equalize(g.Cells)
	ious := make([]float64, len(s.Cells))
	for i, truth := range s.Cells {
		src := sz.Src[i]
		ious[i] = iou(src, truth)
		if !src.In(truth) {
			t.Errorf("frame %d: %v leaves its true cell %v (method %s)", i+1, src, truth, g.Method)
		}
		if ious[i] < requiredIoU {
			t.Errorf("frame %d: %v vs true %v: IoU %.4f", i+1, src, truth, ious[i])
		}
	}
	return ious
}
