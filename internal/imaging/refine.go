package imaging

// Edge refinement. The gutters found on whole-sheet lines give each cell a
// first estimate; refine walks each edge that borders a gutter or margin
// inwards, line by line, over the cell's own extent, and stops at the first
// line that is picture. It removes what the global search cannot see:
// gutter pixels of a cell drawn a few pixels off the common grid, JPEG
// ringing next to the gutter and the anti-aliased blend between gutter and
// picture (see blend.go). The edge is kept at the first line when it is
// measured to be picture; a line that may still be a faint blend is given
// up, with as many lines as the sheet's blends are deep where they could
// be measured.

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
	a, b, c, n, o []uint8 // reusable line buffers
	// rings collects, for every edge whose picture began clearly, how many
	// blend lines lay before it; ring is the sheet's blend depth decided
	// from them (-1 while unknown).
	rings []int
	ring  int
}

func newEdgeProbe(p *plane, g float64, tol int) *edgeProbe {
	return &edgeProbe{
		p: p, g: g, d: tol,
		strict: colorTable(g, tol),
		loose:  colorTable(g, looseTol(tol)),
		a:      make([]uint8, max(p.w, p.h)),
		b:      make([]uint8, max(p.w, p.h)),
		c:      make([]uint8, max(p.w, p.h)),
		n:      make([]uint8, max(p.w, p.h)),
		o:      make([]uint8, max(p.w, p.h)),
		ring:   -1,
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
func (e *edgeProbe) refine(c cell, skip [4]int) (cell, [4]bool) {
	var weak [4]bool
	walk := func(vertical bool, pos, dir, a, b, size, side int) int {
		p, ok := e.trim(vertical, pos, dir, a, b, size, skip[side])
		weak[side] = !ok
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
	// The gutter's own level beside this edge. Picture a few levels off
	// the gutter colour (a dark wall against black gutters) differs from
	// it in mean even where each pixel is within the tolerance.
	level := e.gutterLevel(vertical, pos, dir, a, b)
	if p := e.absorbStripe(vertical, pos, dir, a, b, size, level); p != pos {
		pos, skip = p, 0
	}
	skip = min(skip, size/8)
	// beyond is the line outside the furniture skipped, if any: what a
	// picture drawn inside a keyline or border blends into.
	var beyond []uint8
	if o := pos - dir; skip > 0 && o >= 0 && o < e.extent(vertical) {
		beyond = append(e.o[:0], e.line(e.a, vertical, o, a, b)...)
	}
	pos += skip * dir
	var outside []uint8
	if o := pos - dir; o >= 0 && o < e.extent(vertical) {
		outside = append(e.c[:0], e.line(e.a, vertical, o, a, b)...)
	}
	if skip == 0 {
		// What lies outside a keyline is what the picture blends into.
		pos += e.keyline(vertical, pos, dir, a, b, level) * dir
	}
	// Past furniture (a shadow's flat plateau), a line flat at the level of
	// the furniture line outside it is more of the same furniture, for a
	// few lines at most: the depth measured on every cell is close, and a
	// picture flat at the plateau's level must not be eaten.
	furnLevel, furn, extra := 0, false, 0
	if skip > 0 && outside != nil {
		furnLevel, furn = e.flat(outside)
	}
	steps, blends := min(maxTrim, size/4), 0
	for range steps {
		cur := e.line(e.a, vertical, pos, a, b)
		if furn && extra < maxBlend {
			if lv, flat := e.flat(cur); flat && absInt(lv-furnLevel) <= 2 && e.same(cur, outside) {
				pos += dir
				extra++
				continue
			}
			furn = false
		}
		if !e.gutterish(cur, level) {
			if w := e.gappedKeyline(vertical, pos, dir, a, b, level); w > 0 {
				pos += w * dir
				continue
			}
			n1 := e.line(e.b, vertical, pos+dir, a, b)
			n2 := e.line(e.n, vertical, pos+2*dir, a, b)
			kind := e.judge(cur, n1, n2, outside)
			if kind != lineBlend && beyond != nil && e.judge(cur, n1, n2, beyond) == lineBlend {
				kind = lineBlend
			}
			switch kind {
			case lineBlend:
				if blends < maxBlend {
					blends++
					pos += dir
					continue
				}
			case linePicture:
				e.rings = append(e.rings, blends)
				return pos, true
			}
			return pos + e.unsureMargin(blends)*dir, true
		}
		pos += dir
	}
	return pos + dir, false
}

// levelLines is how many clean lines outside an edge gutterLevel averages.
const levelLines = 3

// gutterLevel is the gutter's level beside the edge at pos: the mean of
// the clean lines just outside it, up to levelLines of them (compression
// rings beside a picture or keyline raise and lower single lines by a few
// levels in turn), or the sheet's gutter colour when there are none.
func (e *edgeProbe) gutterLevel(vertical bool, pos, dir, a, b int) float64 {
	var sum float64
	n := 0
	for k := 1; k <= levelLines; k++ {
		o := pos - k*dir
		if o < 0 || o >= e.extent(vertical) {
			break
		}
		l := e.line(e.a, vertical, o, a, b)
		if !e.clean(l) {
			break
		}
		sum += mean(l)
		n++
	}
	if n == 0 {
		return e.g
	}
	return sum / float64(n)
}

// maxKeyline is the widest line drawn round a cell that keyline skips.
const maxKeyline = 3

// keyline returns the width of a thin line drawn along the edge at pos,
// or 0: up to maxKeyline lines, each flat (one level along the whole
// edge) at one level that is not the gutter's, and then a line that is
// not flat at that level. A picture flat along a whole edge stays flat
// for more lines than that.
func (e *edgeProbe) keyline(vertical bool, pos, dir, a, b int, level float64) int {
	first, ok := e.flat(e.line(e.a, vertical, pos, a, b))
	if !ok || absDiff(float64(first), level) <= float64(e.d) {
		return 0
	}
	for w := 1; w <= maxKeyline; w++ {
		q := pos + w*dir
		if q < 0 || q >= e.extent(vertical) {
			return 0
		}
		if lv, flat := e.flat(e.line(e.a, vertical, q, a, b)); !flat || absInt(lv-first) > e.d {
			return w
		}
	}
	return 0
}

// keylineContrast is how far a keyline's level lies from the gutter's at
// least: a line is drawn to be seen. A faint blend ring or compression
// ringing beside a picture is much closer.
const keylineContrast = 40

// gappedKeyline returns the width of a keyline drawn a gap away from the
// picture that starts at pos, reached over gutter: up to maxKeyline flat
// lines at one level off the gutter's, then a line of gutter again (the
// gap). It returns 0 when the lines at pos are anything else. It reads
// into e.b, leaving the walk's current line in e.a alone.
func (e *edgeProbe) gappedKeyline(vertical bool, pos, dir, a, b int, level float64) int {
	first, ok := e.flat(e.line(e.b, vertical, pos, a, b))
	if !ok || absDiff(float64(first), level) <= keylineContrast {
		return 0
	}
	for w := 1; w <= maxKeyline; w++ {
		q := pos + w*dir
		if q < 0 || q >= e.extent(vertical) {
			return 0
		}
		l := e.line(e.b, vertical, q, a, b)
		if e.gutterish(l, level) {
			return w
		}
		if lv, flat := e.flat(l); !flat || absInt(lv-first) > e.d {
			return 0
		}
	}
	return 0
}

// same reports two lines that match pixel by pixel, nine in ten within
// the gutter tolerance, with means within levelTol.
func (e *edgeProbe) same(l, m []uint8) bool {
	near := 0
	for i, v := range l {
		if absInt(int(v)-int(m[i])) <= e.d {
			near++
		}
	}
	return near*10 >= len(l)*9 && absDiff(mean(l), mean(m)) <= levelTol
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
	best, ink := pos, false
	for k := range zone {
		cur := e.line(e.a, vertical, pos+k*dir, a, b)
		if e.gutterish(cur, level) {
			// Only a gutter line past ink ends a stripe: gutter-coloured
			// lines alone are the walk's to judge. It must be mostly
			// gutter under the strict tolerance: picture that merely
			// straddles the gutter's level (a gradient through it) passes
			// the loose one, and would pass for the gap after a caption.
			if ink && e.strictLine(cur) {
				best = pos + k*dir
			}
			continue
		}
		ink = true
		// Compression rings round bright ink (the rounded ends of
		// sprocket holes), so the gutter between the ink counts under
		// the loose tolerance.
		var s int
		for _, v := range cur {
			s += int(e.loose[v])
		}
		if s*10 < len(cur)*3 {
			break
		}
	}
	return best
}

// strictLine reports a line six in ten of whose pixels have the gutter
// colour under the strict tolerance. The gap after a caption keeps that
// much even where compression rings round the ink; picture graded through
// the gutter's level spreads over the loose tolerance and keeps far less.
func (e *edgeProbe) strictLine(l []uint8) bool {
	var s int
	for _, v := range l {
		s += int(e.strict[v])
	}
	return s*10 >= len(l)*6
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

func absDiff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}
