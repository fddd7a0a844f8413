package imaging

// Edge refinement. The gutters found on whole-sheet lines give each cell a
// first estimate; refine walks each edge that borders a gutter or margin
// inwards, line by line, over the cell's own extent, and stops at the first
// line that is picture. It removes what the global search cannot see:
// gutter pixels of a cell drawn a few pixels off the common grid, JPEG
// ringing next to the gutter and the anti-aliased blend between gutter and
// picture. One more line is then given up as a safety margin, because a
// blend that is 90 % picture cannot be told from picture.

// maxTrim caps the lines refine may remove from one edge, so that a cell
// whose picture really is gutter-coloured at the edge loses little. It
// covers a cell drawn 8 px inside a neighbour's edge on each side (16),
// two blended lines and one of JPEG ringing.
const maxTrim = 20

// edgeProbe holds what refine needs to judge a line.
type edgeProbe struct {
	p             *plane
	g             float64
	d             int // a step towards g larger than this is a blend
	strict, loose *[256]uint8
	a, b          []uint8 // reusable line buffers
}

func newEdgeProbe(p *plane, g float64, tol int) *edgeProbe {
	return &edgeProbe{
		p: p, g: g, d: tol,
		strict: colorTable(g, tol),
		loose:  colorTable(g, looseTol(tol)),
		a:      make([]uint8, max(p.w, p.h)),
		b:      make([]uint8, max(p.w, p.h)),
	}
}

// cell is a cell rectangle in plane coordinates, inclusive on all sides,
// with the gutter flags of its four sides.
type cell struct {
	x, y span
}

// refine trims the four edges of c.
func (e *edgeProbe) refine(c cell) cell {
	ya, yb := middle(c.y.lo, c.y.hi)
	if c.x.loGut {
		c.x.lo = e.trim(true, c.x.lo, +1, ya, yb, c.x.hi-c.x.lo+1)
	}
	if c.x.hiGut {
		c.x.hi = e.trim(true, c.x.hi, -1, ya, yb, c.x.hi-c.x.lo+1)
	}
	xa, xb := middle(c.x.lo, c.x.hi)
	if c.y.loGut {
		c.y.lo = e.trim(false, c.y.lo, +1, xa, xb, c.y.hi-c.y.lo+1)
	}
	if c.y.hiGut {
		c.y.hi = e.trim(false, c.y.hi, -1, xa, xb, c.y.hi-c.y.lo+1)
	}
	return c
}

// middle returns the central 90 % of [lo, hi], so that corners, where two
// transitions meet, do not blur the judgement of an edge.
func middle(lo, hi int) (int, int) {
	cut := (hi - lo + 1) / 20
	return lo + cut, hi - cut
}

// trim walks from the edge line pos in direction dir (into the cell) and
// returns the new edge. Lines are vertical (columns) or horizontal (rows),
// judged over [a, b] of the other axis. size is the cell's extent along the
// walk; a cell too small to judge keeps its edge.
func (e *edgeProbe) trim(vertical bool, pos, dir, a, b, size int) int {
	if size < 16 || b-a < 3 {
		return pos
	}
	steps := min(maxTrim, size/4)
	for range steps {
		cur := e.line(e.a, vertical, pos, a, b)
		ref := e.line(e.b, vertical, pos+refDepth*dir, a, b)
		if !e.gutterish(cur) && !e.blend(cur, ref) {
			break
		}
		pos += dir
	}
	return pos + dir
}

// line copies one line of the plane into buf.
func (e *edgeProbe) line(buf []uint8, vertical bool, pos, a, b int) []uint8 {
	if !vertical {
		return e.p.row(pos)[a : b+1]
	}
	buf = buf[:b-a+1]
	for i := range buf {
		buf[i] = e.p.at(pos, a+i)
	}
	return buf
}

// gutterish reports a line that is (nearly) all gutter colour: part of a
// gutter this cell was drawn beside, or JPEG ringing just off the gutter,
// which strays further from the colour but stays centred on it. A flat
// patch of picture a few levels off the gutter colour is neither.
func (e *edgeProbe) gutterish(l []uint8) bool {
	var s, lo, sum int
	for _, v := range l {
		s += int(e.strict[v])
		lo += int(e.loose[v])
		sum += int(v)
	}
	if s*10 >= len(l)*9 {
		return true
	}
	mean := float64(sum) / float64(len(l))
	return lo*20 >= len(l)*19 && absDiff(mean, e.g) <= float64(e.d)/2
}

// refDepth is how far inside an edge line the picture it is compared with
// lies: beyond the widest anti-aliased band we expect (three pixels).
const refDepth = 4

// blend reports a line that mixes gutter and picture: where the picture
// refDepth lines further in differs clearly from the gutter colour, this
// line is, on the whole, markedly closer to it. A resampled edge pixel that
// is w parts picture sits at w of the picture's distance from the gutter.
func (e *edgeProbe) blend(l, ref []uint8) bool {
	var contrast int
	var dl, dr float64
	for i, v := range l {
		r := absDiff(float64(ref[i]), e.g)
		if r <= float64(3*e.d) {
			continue
		}
		contrast++
		dl += absDiff(float64(v), e.g)
		dr += r
	}
	return contrast*20 >= len(l) && dl < 0.8*dr
}

func absDiff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}
