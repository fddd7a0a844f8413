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
	a, b, c       []uint8 // reusable line buffers
}

func newEdgeProbe(p *plane, g float64, tol int) *edgeProbe {
	return &edgeProbe{
		p: p, g: g, d: tol,
		strict: colorTable(g, tol),
		loose:  colorTable(g, looseTol(tol)),
		a:      make([]uint8, max(p.w, p.h)),
		b:      make([]uint8, max(p.w, p.h)),
		c:      make([]uint8, max(p.w, p.h)),
	}
}

// cell is a cell rectangle in plane coordinates, inclusive on all sides,
// with the gutter flags of its four sides.
type cell struct {
	x, y span
}

// side indexes the four sides of a cell.
const (
	sideLeft = iota
	sideRight
	sideTop
	sideBottom
)

// refine trims the four edges of c, first skipping skip[side] lines of
// frame furniture on each side that borders a gutter. weak reports the
// sides whose walk found no picture within maxTrim lines.
func (e *edgeProbe) refine(c cell, skip [4]int) (cell, int) {
	weak := 0
	walk := func(vertical bool, pos, dir, a, b, size, side int) int {
		p, ok := e.trim(vertical, pos, dir, a, b, size, skip[side])
		if !ok {
			weak++
		}
		return p
	}
	ya, yb := middle(c.y.lo, c.y.hi)
	w := c.x.hi - c.x.lo + 1
	if c.x.loGut {
		c.x.lo = walk(true, c.x.lo, +1, ya, yb, w, sideLeft)
	}
	if c.x.hiGut {
		c.x.hi = walk(true, c.x.hi, -1, ya, yb, w, sideRight)
	}
	xa, xb := middle(c.x.lo, c.x.hi)
	h := c.y.hi - c.y.lo + 1
	if c.y.loGut {
		c.y.lo = walk(false, c.y.lo, +1, xa, xb, h, sideTop)
	}
	if c.y.hiGut {
		c.y.hi = walk(false, c.y.hi, -1, xa, xb, h, sideBottom)
	}
	return c, weak
}

// middle returns the central 90 % of [lo, hi], so that corners, where two
// transitions meet (or a rounded corner or a drop shadow's offset shows
// the gutter), do not blur the judgement of an edge.
func middle(lo, hi int) (int, int) {
	cut := (hi - lo + 1) / 20
	return lo + cut, hi - cut
}

// trim walks from the edge line pos in direction dir (into the cell), past
// skip lines of furniture, and returns the new edge. Lines are vertical
// (columns) or horizontal (rows), judged over [a, b] of the other axis.
// size is the cell's extent along the walk; a cell too small to judge
// keeps its edge. ok is false when the walk ran out of steps: the picture
// at that edge may itself be the gutter's colour.
func (e *edgeProbe) trim(vertical bool, pos, dir, a, b, size, skip int) (int, bool) {
	if size < 16 || b-a < 3 {
		return pos, true
	}
	// The gutter's own level beside this edge: the line just outside it,
	// unless that is off the sheet. Picture a few levels off the gutter
	// colour (a dark wall against black gutters) differs from it in mean
	// even where each pixel is within the tolerance.
	level := e.g
	if o := pos - dir; o >= 0 && o < e.extent(vertical) {
		if l := e.line(e.a, vertical, o, a, b); e.clean(l) {
			level = mean(l)
		}
	}
	if p := e.absorbStripe(vertical, pos, dir, a, b, size, level); p != pos {
		pos, skip = p, 0
	}
	skip = min(skip, size/8)
	pos += skip * dir
	var outside []uint8
	if o := pos - dir; o >= 0 && o < e.extent(vertical) {
		outside = append(e.c[:0], e.line(e.a, vertical, o, a, b)...)
	}
	steps, blends := min(maxTrim, size/4), 0
	for range steps {
		cur := e.line(e.a, vertical, pos, a, b)
		if !e.gutterish(cur, level) {
			ref := e.line(e.b, vertical, pos+refDepth*dir, a, b)
			if blends == maxBlend || (!e.blend(cur, ref, outside) && !e.blend(cur, ref, nil)) {
				return pos + dir, true
			}
			blends++
		}
		pos += dir
	}
	return pos + dir, false
}

// maxBlend is the most lines of blend between gutter and picture: an
// anti-aliased ring two lines deep and a line of compression ringing.
// Past that, a line that looks like a blend is texture in the picture.
const maxBlend = 3

// absorbStripe looks, within the furniture zone of the edge at pos, for
// the innermost gutter line reached over lines that are at least partly
// gutter: a caption, frame number or row of sprockets printed on the gutter
// beside this cell only, which no gutter run of the whole sheet separates
// from the picture. It returns pos when there is none.
func (e *edgeProbe) absorbStripe(vertical bool, pos, dir, a, b, size int, level float64) int {
	zone := int(furnitureZone * float64(size))
	best := pos
	for k := range zone {
		cur := e.line(e.a, vertical, pos+k*dir, a, b)
		if e.gutterish(cur, level) {
			best = pos + k*dir
			continue
		}
		var s int
		for _, v := range cur {
			s += int(e.strict[v])
		}
		if s*10 < len(cur)*3 {
			break
		}
	}
	return best
}

// clean reports a line all but 3 % of which has the gutter colour.
func (e *edgeProbe) clean(l []uint8) bool {
	var s int
	for _, v := range l {
		s += int(e.strict[v])
	}
	return s*100 >= len(l)*97
}

// extent is the number of lines across the plane in the walk's direction.
func (e *edgeProbe) extent(vertical bool) int {
	if vertical {
		return e.p.w
	}
	return e.p.h
}

func mean(l []uint8) float64 {
	var s int
	for _, v := range l {
		s += int(v)
	}
	return float64(s) / float64(max(1, len(l)))
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
// which strays further from the colour but stays centred on it. Its mean
// must match level, the gutter beside it, within levelTol: a flat patch of
// picture a few levels off the gutter colour is neither.
func (e *edgeProbe) gutterish(l []uint8, level float64) bool {
	var s, lo, sum int
	for _, v := range l {
		s += int(e.strict[v])
		lo += int(e.loose[v])
		sum += int(v)
	}
	m := float64(sum) / float64(len(l))
	if absDiff(m, level) > levelTol {
		return false
	}
	return s*10 >= len(l)*9 || lo*20 >= len(l)*19
}

// levelTol is how far the mean of a gutter line may stray from the line
// beside it: averaged over hundreds of pixels, noise and compression move
// it by a level or two at most.
const levelTol = 4

// refDepth is how far inside an edge line the picture it is compared with
// lies: beyond the widest anti-aliased band we expect (three pixels).
const refDepth = 4

// blend reports a line that mixes what lies outside the edge (gutter or
// furniture, the line out) with picture: where the picture refDepth lines
// further in differs clearly from out, this line lies between the two,
// pixel by pixel, and is, on the whole, markedly closer to out. A resampled edge pixel that is w parts picture sits at w of
// the picture's distance from what surrounds it.
func (e *edgeProbe) blend(l, ref, out []uint8) bool {
	var contrast, between int
	var dl, dr float64
	for i, v := range l {
		o := e.g
		if out != nil {
			o = float64(out[i])
		}
		r := absDiff(float64(ref[i]), o)
		if r <= float64(3*e.d) {
			continue
		}
		contrast++
		dl += absDiff(float64(v), o)
		dr += r
		lo, hi := min(o, float64(ref[i]))-float64(e.d), max(o, float64(ref[i]))+float64(e.d)
		if fv := float64(v); fv >= lo && fv <= hi {
			between++
		}
	}
	// Texture can make a picture line closer to the gutter than the line
	// refDepth further in, but not pixel by pixel between the two.
	return contrast*20 >= len(l) && dl < 0.8*dr && between*10 >= contrast*9
}

func absDiff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}
