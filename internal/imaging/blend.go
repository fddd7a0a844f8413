package imaging

import (
	"math"
	"slices"
)

// Blends. A resampled or anti-aliased drawing leaves, between the gutter
// (or furniture) outside a cell and its picture, a line or two that mix
// the two: each pixel is w parts the picture beside it and 1-w parts what
// lies outside, with one w along the whole line. Such a line, less the
// outside, is a scaled copy of the picture line next to it (or of the one
// after, past a second ring). Texture in the picture is not: neighbouring
// picture lines are either nearly equal (w near 1) or differ from pixel to
// pixel in ways no single scale explains.

// lineKind is what judge makes of a line that is not gutter.
type lineKind int

const (
	lineUnsure  lineKind = iota // picture, or a blend too faint to tell
	lineBlend                   // mostly what lies outside: not picture
	linePicture                 // clearly picture from this line on
)

// Thresholds of judge. A blend line carries at most maxBlendShare of the
// picture; a line that is at least minPictureShare picture is picture. A
// line that steps away from the picture (a negative share) is compression
// ringing beside the edge, outside like a blend.
const (
	maxBlendShare   = 0.75
	minPictureShare = 0.92
	// fitSlack is the share of a line's own deviation from the outside
	// that a fit may leave unexplained (compression noise and grain).
	fitSlack = 0.2
)

// judge tells a blend from picture at the line cur, given the next two
// lines inwards (n1, n2) and the line just outside the edge (out, or the
// gutter colour when nil).
func (e *edgeProbe) judge(cur, n1, n2, out []uint8) lineKind {
	f1, f2 := e.fit(cur, n1, out), e.fit(cur, n2, out)
	switch {
	case f1.blend() || f2.blend():
		return lineBlend
	case f1.contrast && f1.fits && f1.share >= minPictureShare:
		return linePicture
	}
	return lineUnsure
}

// lineFit is cur-out fitted as share × (next-out).
type lineFit struct {
	share    float64
	fits     bool // the residual is within fitSlack and noise
	contrast bool // next differs clearly from out
}

func (f lineFit) blend() bool {
	return f.contrast && f.fits && f.share >= -1 && f.share <= maxBlendShare
}

// fit regresses cur-out on next-out by least squares through the origin.
func (e *edgeProbe) fit(cur, next, out []uint8) lineFit {
	var sxx, sxy, syy float64
	for i, v := range cur {
		o := e.g
		if out != nil {
			o = float64(out[i])
		}
		x, y := float64(v)-o, float64(next[i])-o
		sxx += x * x
		sxy += x * y
		syy += y * y
	}
	n := float64(len(cur))
	need := 1.5 * float64(e.d)
	if syy < n*need*need {
		return lineFit{}
	}
	share := sxy / syy
	res := math.Max(0, sxx-share*sxy)
	noise := float64(e.d) / 2
	return lineFit{share: share, contrast: true, fits: res <= fitSlack*sxx+n*noise*noise}
}

// unsureMargin is how many lines an edge gives up at a line that may be
// picture or a faint blend, after blends lines of measured blend. While
// the sheet's blend depth is unknown, one line, for safety. Once it is
// known from the edges where the picture began clearly (one drawing,
// one anti-aliasing), the lines of blend still missing, and none on a
// sheet drawn without blends.
func (e *edgeProbe) unsureMargin(blends int) int {
	if e.ring < 0 {
		return 1
	}
	return max(1, e.ring-blends)
}

// minRingEdges is how many clearly measured edges decide the blend depth.
const minRingEdges = 4

// decideRing sets the sheet's blend depth from the measured edges: the
// depth that nine in ten of them reach, when enough were measured.
func (e *edgeProbe) decideRing() {
	if len(e.rings) < minRingEdges {
		return
	}
	r := slices.Clone(e.rings)
	slices.Sort(r)
	e.ring = r[(len(r)*9)/10]
}
