package imaging

// settleWeak places the edges whose walk ran out (picture of the gutter's
// colour all along the edge, a dark wall against black gutters, or a
// caption wider than the walk) where the other cells of the same row (top
// and bottom) or column (left and right) found theirs: the gutter line
// they share is the evidence, and of those edges the one furthest inside,
// so that no gutter is kept. Such a cell keeps its lowered confidence.
func settleWeak(cells []cell, weak [][4]bool, rows, cols int) {
	get := func(c *cell, side int) *int {
		switch side {
		case sideLeft:
			return &c.x.lo
		case sideRight:
			return &c.x.hi
		case sideTop:
			return &c.y.lo
		}
		return &c.y.hi
	}
	inward := func(side, a, b int) bool { // a lies further inside than b
		if side == sideLeft || side == sideTop {
			return a > b
		}
		return a < b
	}
	for i := range cells {
		for side := range 4 {
			if !weak[i][side] {
				continue
			}
			best, found := 0, false
			for j := range cells {
				same := i/cols == j/cols
				if side == sideLeft || side == sideRight {
					same = i%cols == j%cols
				}
				if j == i || !same || weak[j][side] {
					continue
				}
				if v := *get(&cells[j], side); !found || inward(side, v, best) {
					best, found = v, true
				}
			}
			if found {
				*get(&cells[i], side) = best
			}
		}
	}
}
