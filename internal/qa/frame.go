package qa

import (
	"fmt"
	"math"
)

// subjectItem checks that a frame shows a subject. A frame is empty when
// nearly all of it fits one smooth backdrop and that backdrop is the
// scene's: a frame filled edge to edge by a garment fits a smooth surface
// too, but not in the backdrop's colour.
func subjectItem(n int, p *picture, bd backdrop, scene backdropView, minShare float64) Item {
	it := Item{Item: "subject", Frame: n}
	s := share(subjectMask(p, bd))
	if s >= minShare {
		it.Status, it.Reason = Pass, fmt.Sprintf("%.0f%% of the frame stands out from the backdrop", 100*s)
		return it
	}
	if d := scene.distance(centre(p, bd)); d > backdropSpread {
		it.Status, it.Reason = Pass, fmt.Sprintf("the frame is filled by a colour ΔE %.0f from the backdrop", d)
		return it
	}
	it.Status = Fail
	it.Reason = fmt.Sprintf("only %.1f%% of the frame differs from the backdrop", 100*s)
	return it
}

// backdropSpread is how far (CIE76) a frame's view of the backdrop may be
// from the scene's backdrop: light falls off, exposures differ.
const backdropSpread = 12

// centre is the fitted backdrop colour at the middle of the picture.
func centre(p *picture, bd backdrop) lab { return bd.at(float64(p.w)/2, float64(p.h)/2) }

// backdropView is the scene's backdrop as seen down its middle, top to
// bottom: a studio sweep changes colour with height, and a frame may be
// cut from any height.
type backdropView []lab

func viewOf(p *picture) backdropView {
	bd := fitBackdrop(p)
	v := make(backdropView, 0, 9)
	for i := range 9 {
		v = append(v, bd.at(float64(p.w)/2, float64(p.h-1)*float64(i)/8))
	}
	return v
}

func (v backdropView) distance(c lab) float64 {
	best := math.Inf(1)
	for _, b := range v {
		best = math.Min(best, dist(b, c))
	}
	return best
}

// side names the four frame edges.
var sides = []string{"top", "bottom", "left", "right"}

// stripItem looks along each edge of a frame for a straight line parallel
// to it, a little way in, across nearly its whole length: the inner edge of
// a gutter, a caption band or a sliver of the neighbouring cell left inside
// the crop. Subjects cross edges at an angle or over part of their length;
// such a line runs the full length.
func stripItem(n int, p *picture, step, cover, depth float64) Item {
	for s, name := range sides {
		if d, frac := findStrip(p, s, step, cover, depth); d > 0 {
			return Item{Item: "gutter", Frame: n, Status: Fail,
				Reason: fmt.Sprintf("a straight line runs along %.0f%% of the %s edge, %d px in", 100*frac, name, d)}
		}
	}
	return Item{Item: "gutter", Frame: n, Status: Pass, Reason: "no strip along the edges"}
}

// findStrip returns the depth of the first full-length step along side s,
// and the share of the edge it covers, or 0.
func findStrip(p *picture, s int, step, cover, depth float64) (int, float64) {
	length, across := p.w, p.h
	if s >= 2 {
		length, across = p.h, p.w
	}
	at := func(pos, d int) lab { // pixel at pos along the edge, d in from it
		switch s {
		case 0:
			return p.at(pos, d)
		case 1:
			return p.at(pos, p.h-1-d)
		case 2:
			return p.at(d, pos)
		}
		return p.at(p.w-1-d, pos)
	}
	maxD := int(depth * float64(across))
	for d := 3; d <= maxD && d+2 < across; d++ {
		hits := 0
		for pos := range length {
			a := mean2(at(pos, d-2), at(pos, d-1))
			b := mean2(at(pos, d+1), at(pos, d+2))
			if dist(a, b) > step {
				hits++
			}
		}
		if f := float64(hits) / float64(length); f >= cover && flatLine(length, func(pos int) lab {
			return mean2(at(pos, d-2), at(pos, d-1))
		}, cover) {
			return d, f
		}
	}
	return 0, 0
}

// flatLine reports whether a line along the edge is one flat colour over
// at least the share cover of its length: the gutter side of a strip's
// edge. A hem or a horizon across a frame has legs, arms or objects beyond
// it; a gutter has at most a caption's marks.
func flatLine(length int, at func(int) lab, cover float64) bool {
	px := make([]lab, length)
	for i := range px {
		px[i] = at(i)
	}
	m := median(px)
	n := 0
	for _, c := range px {
		if dist(c, m) <= 5 {
			n++
		}
	}
	return float64(n) >= cover*float64(length)
}

func mean2(a, b lab) lab { return lab{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2} }
