package studio

import (
	"image"
	"math"
)

// The keyer works in CIELAB, where equal distances are roughly equal
// visible differences, so one threshold serves light and dark backdrops.

// srgbLinear maps an 8-bit sRGB value to linear light.
var srgbLinear = func() (t [256]float32) {
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			t[i] = float32(c / 12.92)
		} else {
			t[i] = float32(math.Pow((c+0.055)/1.055, 2.4))
		}
	}
	return t
}()

func labF(t float64) float64 {
	if t > 216.0/24389 {
		return math.Cbrt(t)
	}
	return (24389.0/27*t + 16) / 116
}

// labOf converts linear RGB to CIELAB (D65).
func labOf(r, g, b float64) [3]float32 {
	x := (0.4124564*r + 0.3575761*g + 0.1804375*b) / 0.95047
	y := 0.2126729*r + 0.7151522*g + 0.0721750*b
	z := (0.0193339*r + 0.1191920*g + 0.9503041*b) / 1.08883
	fx, fy, fz := labF(x), labF(y), labF(z)
	return [3]float32{float32(116*fy - 16), float32(500 * (fx - fy)), float32(200 * (fy - fz))}
}

// surface is a smooth backdrop model: per channel a quadratic in the
// picture's normalised coordinates. A paper sweep, a painted cove and a
// vignetted product shot are all smooth to this order.
type surface struct {
	w, h int
	k    [3][6]float64
}

func basis(w, h int, x, y float64) [6]float64 {
	u, v := 2*x/float64(w)-1, 2*y/float64(h)-1
	return [6]float64{1, u, v, u * u, u * v, v * v}
}

func (s *surface) at(x, y float64) [3]float32 {
	b := basis(s.w, s.h, x, y)
	var out [3]float32
	for c := range 3 {
		var v float64
		for i, k := range s.k[c] {
			v += k * b[i]
		}
		out[c] = float32(v)
	}
	return out
}

// fitSurface solves the weighted least squares fit of the samples'
// channels (vals, 3 per sample) at points pts.
func fitSurface(w, h int, pts []image.Point, vals []float32, weight []float64) (surface, bool) {
	var ata [6][6]float64
	var atb [3][6]float64
	var total float64
	for n, p := range pts {
		wt := weight[n]
		if wt <= 0 {
			continue
		}
		total += wt
		b := basis(w, h, float64(p.X)+0.5, float64(p.Y)+0.5)
		for i := range 6 {
			for j := range 6 {
				ata[i][j] += wt * b[i] * b[j]
			}
			for c := range 3 {
				atb[c][i] += wt * b[i] * float64(vals[3*n+c])
			}
		}
	}
	s := surface{w: w, h: h}
	if total < 12 {
		return s, false
	}
	for i := range 6 { // a whisper of ridge keeps one-sided samples solvable
		ata[i][i] += 1e-6 * total
	}
	for c := range 3 {
		k, ok := solve6(ata, atb[c])
		if !ok {
			return s, false
		}
		s.k[c] = k
	}
	return s, true
}

// solve6 is Gaussian elimination with partial pivoting.
func solve6(a [6][6]float64, b [6]float64) ([6]float64, bool) {
	for col := range 6 {
		p := col
		for r := col + 1; r < 6; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return b, false
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := col + 1; r < 6; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < 6; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	var x [6]float64
	for r := 5; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < 6; k++ {
			v -= a[r][k] * x[k]
		}
		x[r] = v / a[r][r]
	}
	return x, true
}
