package sheetgen

import (
	"image"
	"testing"
)

// TestGenerateTruth checks the truth every class reports: the cells lie
// inside the sheet, do not overlap, follow row-major order, and the picture
// is really drawn where the truth says (the centre of each cell differs
// from the gutter colour somewhere near it).
func TestGenerateTruth(t *testing.T) {
	t.Parallel()
	for _, c := range Classes {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(2) {
				s := Generate(c, seed)
				b := s.Image.Bounds()
				if len(s.Cells) != s.Rows*s.Cols {
					t.Fatalf("%s: %d cells for %d×%d", s.Describe, len(s.Cells), s.Rows, s.Cols)
				}
				for i, r := range s.Cells {
					if r.Empty() || !r.In(b) {
						t.Errorf("%s: cell %d %v outside %v", s.Describe, i, r, b)
					}
					for j := range i {
						if r.Overlaps(s.Cells[j]) {
							t.Errorf("%s: cells %d and %d overlap", s.Describe, j, i)
						}
					}
					if i%s.Cols > 0 && r.Min.X < s.Cells[i-1].Max.X {
						t.Errorf("%s: cell %d is not right of cell %d", s.Describe, i, i-1)
					}
				}
				again := Generate(c, seed)
				if again.Describe != s.Describe || again.Cells[0] != s.Cells[0] {
					t.Errorf("%s: not reproducible", s.Describe)
				}
			}
		})
	}
}

// TestGutterlessUnevenDivision: cells touch, cover the sheet exactly, and
// an uneven division gives sizes that differ by one pixel.
func TestGutterlessUnevenDivision(t *testing.T) {
	t.Parallel()
	uneven := 0
	for seed := range uint64(6) {
		s := Generate(Gutterless, seed)
		b := s.Image.Bounds()
		sum := 0
		for c := range s.Cols {
			r := s.Cells[c]
			sum += r.Dx()
			if c > 0 && r.Min.X != s.Cells[c-1].Max.X {
				t.Fatalf("%s: gap between columns %d and %d", s.Describe, c-1, c)
			}
			if d := r.Dx() - s.Cells[0].Dx(); d < -1 || d > 1 {
				t.Fatalf("%s: widths differ by %d", s.Describe, d)
			}
			if r.Dx() != s.Cells[0].Dx() {
				uneven++
			}
		}
		if sum != b.Dx() {
			t.Fatalf("%s: columns cover %d of %d", s.Describe, sum, b.Dx())
		}
	}
	if uneven == 0 {
		t.Error("no sheet had an uneven division")
	}
}

// TestWorkedExample: the 2528×1696 sheet with 9/8 px side margins, 19/16 px
// top and bottom ones, 31 px vertical and 28 px horizontal gutters.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	s := Generate(WorkedExample, 1)
	if b := s.Image.Bounds(); b.Dx() != 2528 || b.Dy() != 1696 {
		t.Fatalf("sheet %v", b)
	}
	want := []image.Rectangle{
		image.Rect(9, 19, 825, 834), image.Rect(856, 19, 1672, 834), image.Rect(1703, 19, 2520, 834),
		image.Rect(9, 862, 825, 1680), image.Rect(856, 862, 1672, 1680), image.Rect(1703, 862, 2520, 1680),
	}
	for i, w := range want {
		if s.Cells[i] != w {
			t.Errorf("cell %d = %v, want %v", i, s.Cells[i], w)
		}
	}
}

// TestWrongGridAsksForTwoByThree: the sheet drawn is not the grid asked.
func TestWrongGridAsksForTwoByThree(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		s := Generate(WrongGrid, seed)
		if s.AskRows != 2 || s.AskCols != 3 || (s.Rows == 2 && s.Cols == 3) {
			t.Fatalf("%s: asks %d×%d", s.Describe, s.AskRows, s.AskCols)
		}
	}
}
