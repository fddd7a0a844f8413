package qa

import (
	"math"
	"slices"
)

// backdrop is a smooth backdrop model: each CIELAB channel a plane
// c0 + c1·x + c2·y over the picture, fitted to its border, which in studio
// shots is mostly backdrop.
type backdrop struct {
	coef  [3][3]float64
	noise float64 // median distance of the border samples that fit
}

func (bd backdrop) at(x, y float64) lab {
	var l lab
	for ch := range 3 {
		l[ch] = bd.coef[ch][0] + bd.coef[ch][1]*x + bd.coef[ch][2]*y
	}
	return l
}

type sample struct {
	x, y float64
	c    lab
}

// border returns the pixels of a ring about 3% deep along the picture's
// edges, every other one.
func border(p *picture) []sample {
	d := max(2, min(p.w, p.h)*3/100)
	var out []sample
	for y := 0; y < p.h; y += 2 {
		for x := 0; x < p.w; x += 2 {
			if x < d || y < d || x >= p.w-d || y >= p.h-d {
				out = append(out, sample{float64(x), float64(y), p.at(x, y)})
			}
		}
	}
	return out
}

// fitBackdrop fits the backdrop to the border, dropping samples far from
// the fit and refitting, so a subject that crosses part of the border
// (legs cut by the frame, a gutter) does not drag the fit.
func fitBackdrop(p *picture) backdrop {
	pts := border(p)
	var bd backdrop
	for range 4 {
		bd = planeFit(pts)
		res := make([]float64, len(pts))
		for i, s := range pts {
			res[i] = dist(s.c, bd.at(s.x, s.y))
		}
		sorted := slices.Clone(res)
		slices.Sort(sorted)
		med := sorted[len(sorted)/2]
		bd.noise = med
		keep := pts[:0:0]
		for i, s := range pts {
			if res[i] <= math.Max(2, 2.5*med) {
				keep = append(keep, s)
			}
		}
		if len(keep) < 12 {
			break
		}
		pts = keep
	}
	return bd
}

// planeFit solves the least-squares plane of each channel.
func planeFit(pts []sample) backdrop {
	var m [3][3]float64
	var v [3][3]float64 // per channel right-hand side
	for _, s := range pts {
		basis := [3]float64{1, s.x, s.y}
		for i := range 3 {
			for j := range 3 {
				m[i][j] += basis[i] * basis[j]
			}
			for ch := range 3 {
				v[ch][i] += basis[i] * s.c[ch]
			}
		}
	}
	var bd backdrop
	for ch := range 3 {
		c, ok := solve3(m, v[ch])
		if !ok { // degenerate border: a flat mean
			c = [3]float64{v[ch][0] / math.Max(1, m[0][0]), 0, 0}
		}
		bd.coef[ch] = c
	}
	return bd
}

// solve3 solves a 3×3 system by Cramer's rule.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	if math.Abs(d) < 1e-9 {
		return [3]float64{}, false
	}
	var x [3]float64
	for k := range 3 {
		m := a
		for i := range 3 {
			m[i][k] = b[i]
		}
		x[k] = det(m) / d
	}
	return x, true
}

// subjectMask marks the pixels that differ from the fitted backdrop by more
// than the noise allows.
func subjectMask(p *picture, bd backdrop) []bool {
	thr := math.Min(12, math.Max(7, 4*bd.noise)) // a border half covered by subject must not blind the key
	mask := make([]bool, len(p.px))
	for i, c := range p.px {
		x, y := i%p.w, i/p.w
		mask[i] = dist(c, bd.at(float64(x), float64(y))) > thr
	}
	return mask
}

func share(mask []bool) float64 {
	n := 0
	for _, m := range mask {
		if m {
			n++
		}
	}
	return float64(n) / float64(max(1, len(mask)))
}

// interior clears from mask the pixels on an edge between two colours:
// those that differ from a 4-neighbour by more than ΔE 8. Shrinking and
// anti-aliasing blend neighbouring colours there, and such blends would
// otherwise pass for a colour the picture does not have.
func interior(p *picture, mask []bool) []bool {
	out := make([]bool, len(mask))
	for y := 1; y < p.h-1; y++ {
		for x := 1; x < p.w-1; x++ {
			i := y*p.w + x
			if !mask[i] {
				continue
			}
			c := p.px[i]
			out[i] = dist(c, p.px[i-1]) <= 8 && dist(c, p.px[i+1]) <= 8 &&
				dist(c, p.px[i-p.w]) <= 8 && dist(c, p.px[i+p.w]) <= 8
		}
	}
	return out
}
