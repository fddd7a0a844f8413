package pipeline

import (
	"encoding/json"
	"testing"

	"github.com/fashionshoot/shoot/internal/sheetgen"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// sheetOf returns the first generated sheet of class c drawn as rows×cols.
func sheetOf(t *testing.T, c sheetgen.Class, rows, cols int) *sheetgen.Sheet {
	t.Helper()
	for seed := range uint64(200) {
		if s := sheetgen.Generate(c, seed); s.Rows == rows && s.Cols == cols {
			return s
		}
	}
	t.Fatalf("no %s sheet of %d×%d", c, rows, cols)
	return nil
}

// TestDetectSix: the grid asked for is used when the sheet shows it; a
// sheet with more cells gives its first six and reports the mismatch; one
// with fewer is refused rather than cut through its pictures.
func TestDetectSix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sheet      func(t *testing.T) *sheetgen.Sheet
		params     FramesParams
		mismatch   bool
		wantErr    bool
		rows, cols int
	}{
		{"2x3 as asked", func(t *testing.T) *sheetgen.Sheet { return sheetOf(t, sheetgen.Plain, 2, 3) }, FramesParams{}, false, false, 2, 3},
		{"3x2 as asked", func(t *testing.T) *sheetgen.Sheet { return sheetOf(t, sheetgen.Plain, 3, 2) }, FramesParams{Rows: 3, Cols: 2}, false, false, 3, 2},
		{"3x3 when 2x3 asked", func(t *testing.T) *sheetgen.Sheet { return sheetOf(t, sheetgen.WrongGrid, 3, 3) }, FramesParams{}, true, false, 3, 3},
		{"2x2 when 2x3 asked", func(t *testing.T) *sheetgen.Sheet { return sheetOf(t, sheetgen.WrongGrid, 2, 2) }, FramesParams{}, true, true, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.sheet(t)
			cells, g, err := detectSix(s.Image, tc.params)
			if tc.wantErr {
				if err == nil || shoot.ErrorCode(err) != shoot.EINVALID {
					t.Fatalf("got %v cells, err %v; want an invalid-input error", cells, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cells) != frameCount || g.Rows != tc.rows || g.Cols != tc.cols || g.Mismatch() != tc.mismatch {
				t.Fatalf("%d cells, grid %d×%d mismatch %v; want 6, %d×%d, %v (%s)", len(cells), g.Rows, g.Cols, g.Mismatch(), tc.rows, tc.cols, tc.mismatch, s.Describe)
			}
			for i, c := range cells {
				if !c.In(s.Cells[i]) {
					t.Errorf("cell %d %v outside its true cell %v", i+1, c, s.Cells[i])
				}
			}
			if m := gridMismatch(g); (m != nil) != tc.mismatch || (m != nil && (m["askedRows"] != 2 || m["rows"] != tc.rows)) {
				t.Errorf("mismatch report %v", m)
			}
		})
	}
}

// TestFrameFacts reads a frame's confidence and the grid mismatch back from
// the grid metadata saved with it.
func TestFrameFacts(t *testing.T) {
	t.Parallel()
	grid, _ := json.Marshal(map[string]any{"confidence": []float64{1, 0.5, 0.9}, "gridMismatch": map[string]int{"askedRows": 2, "rows": 3}})
	for _, tc := range []struct {
		name     string
		meta     shoot.AssetMeta
		n        int
		want     float64
		has      bool
		mismatch bool
	}{
		{"second frame", shoot.AssetMeta{Grid: grid}, 2, 0.5, true, true},
		{"out of range", shoot.AssetMeta{Grid: grid}, 7, 0, false, true},
		{"no grid", shoot.AssetMeta{}, 1, 0, false, false},
		{"bad grid", shoot.AssetMeta{Grid: json.RawMessage(`[1,2]`)}, 1, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := frameFacts(tc.meta, tc.n)
			if (c != nil) != tc.has || (c != nil && *c != tc.want) || (m != nil) != tc.mismatch {
				t.Fatalf("got %v, %v", c, m)
			}
		})
	}
}

func TestDoubtNotice(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name  string
		confs []*float64
		want  string
	}{
		{"all sure", []*float64{f(1), f(0.9), nil}, ""},
		{"one doubtful", []*float64{f(1), f(0.4), f(0.8)}, ` Frame 2 looks doubtful (confidence 0.40): check it, or reply "regenerate frame 2".`},
		{"at the threshold", []*float64{f(0.75)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := doubtNotice(tc.confs); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
