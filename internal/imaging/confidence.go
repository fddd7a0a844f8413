package imaging

// DoubtfulBelow is the confidence under which a frame is worth a look: at
// least one of its edges was guessed, or its size is out of line with its
// row and column.
const DoubtfulBelow = 0.75

// edgeConfidence is a cell's confidence from the number of its edges that
// were placed without evidence: each costs a third.
func edgeConfidence(weak int) float64 {
	return max(0, 1-float64(weak)/3)
}

// sizeConfidence lowers the confidence of cells whose width differs from
// the median width of their column, or whose height differs from the
// median height of their row, by more than 2 %: the cells of one sheet are
// drawn alike, so an odd one is likely cut wrong.
func sizeConfidence(g *Grid) {
	if len(g.Cells) != g.Rows*g.Cols || len(g.Confidence) != len(g.Cells) {
		return
	}
	for i, c := range g.Cells {
		r, k := i/g.Cols, i%g.Cols
		var ws, hs []int
		for j := range g.Rows {
			ws = append(ws, g.Cells[j*g.Cols+k].Dx())
		}
		for j := range g.Cols {
			hs = append(hs, g.Cells[r*g.Cols+j].Dy())
		}
		for _, d := range []float64{off(c.Dx(), medianInt(ws)), off(c.Dy(), medianInt(hs))} {
			if d > 0.02 {
				g.Confidence[i] *= max(0.3, 1-5*d)
			}
		}
	}
}

func off(v, ref int) float64 {
	if ref == 0 {
		return 0
	}
	return float64(absInt(v-ref)) / float64(ref)
}
