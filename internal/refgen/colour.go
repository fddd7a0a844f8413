package refgen

import (
	"math"
	"math/rand/v2"
)

// Lab is a CIELAB colour (D65 white).
type Lab struct{ L, A, B float64 }

// RGB is an sRGB colour with channels in 0..255.
type RGB [3]float64

func linear(c float64) float64 {
	c /= 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func gamma(c float64) float64 {
	if c <= 0.0031308 {
		return 255 * 12.92 * c
	}
	return 255 * (1.055*math.Pow(c, 1/2.4) - 0.055)
}

const xn, yn, zn = 0.95047, 1.0, 1.08883

func labF(t float64) float64 {
	if t > 216.0/24389 {
		return math.Cbrt(t)
	}
	return (24389.0/27*t + 16) / 116
}

func labFinv(t float64) float64 {
	if t3 := t * t * t; t3 > 216.0/24389 {
		return t3
	}
	return (116*t - 16) * 27 / 24389
}

// ToLab converts an sRGB colour to CIELAB.
func ToLab(c RGB) Lab {
	r, g, b := linear(c[0]), linear(c[1]), linear(c[2])
	x := 0.4124564*r + 0.3575761*g + 0.1804375*b
	y := 0.2126729*r + 0.7151522*g + 0.0721750*b
	z := 0.0193339*r + 0.1191920*g + 0.9503041*b
	fx, fy, fz := labF(x/xn), labF(y/yn), labF(z/zn)
	return Lab{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// ToRGB converts CIELAB to sRGB; ok is false when the colour is outside
// the sRGB gamut.
func ToRGB(l Lab) (RGB, bool) {
	fy := (l.L + 16) / 116
	fx, fz := fy+l.A/500, fy-l.B/200
	x, y, z := xn*labFinv(fx), yn*labFinv(fy), zn*labFinv(fz)
	r := 3.2404542*x - 1.5371385*y - 0.4985314*z
	g := -0.9692660*x + 1.8760108*y + 0.0415560*z
	b := 0.0556434*x - 0.2040259*y + 1.0572252*z
	out := RGB{gamma(r), gamma(g), gamma(b)}
	ok := true
	for _, v := range out {
		if v < 0 || v > 255 {
			ok = false
		}
	}
	return out, ok
}

// DeltaE is the CIE76 colour difference of two sRGB colours.
func DeltaE(a, b RGB) float64 {
	p, q := ToLab(a), ToLab(b)
	return math.Sqrt((p.L-q.L)*(p.L-q.L) + (p.A-q.A)*(p.A-q.A) + (p.B-q.B)*(p.B-q.B))
}

// colourAway draws an in-gamut colour whose ΔE from every colour of avoid
// is at least lo and from the first is at most hi.
func colourAway(r *rand.Rand, avoid []RGB, lo, hi float64) RGB {
	centre := ToLab(avoid[0])
	for range 2000 {
		d := lo + (hi-lo)*r.Float64()
		// A random direction in Lab, biased towards lightness and
		// chroma changes alike.
		u, v, w := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		n := math.Sqrt(u*u + v*v + w*w)
		c := Lab{centre.L + d*u/n, centre.A + d*v/n, centre.B + d*w/n}
		rgb, ok := ToRGB(c)
		if !ok || c.L < 8 || c.L > 98 {
			continue
		}
		far := true
		for _, a := range avoid {
			if e := DeltaE(rgb, a); e < lo || e > hi+12 {
				far = false
			}
		}
		if far && DeltaE(rgb, avoid[0]) <= hi {
			return rgb
		}
	}
	// Unreachable in practice: fall back on a lightness step.
	c := centre
	if c.L > 50 {
		c.L -= (lo + hi) / 2
	} else {
		c.L += (lo + hi) / 2
	}
	rgb, _ := ToRGB(c)
	return clampRGB(rgb)
}

func clampRGB(c RGB) RGB {
	for i := range c {
		c[i] = math.Max(0, math.Min(255, c[i]))
	}
	return c
}
