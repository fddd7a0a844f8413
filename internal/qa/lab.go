package qa

import (
	"image"
	"math"

	"golang.org/x/image/draw"
)

// lab is a CIELAB colour (D65 white).
type lab [3]float64

// dist is the CIE76 colour difference: the straight distance in CIELAB.
// It is the measure every threshold of the offline checks is written in.
func dist(p, q lab) float64 {
	dl, da, db := p[0]-q[0], p[1]-q[1], p[2]-q[2]
	return math.Sqrt(dl*dl + da*da + db*db)
}

// linearLUT maps an 8-bit sRGB value to linear light.
var linearLUT = func() [256]float64 {
	var t [256]float64
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			t[i] = c / 12.92
		} else {
			t[i] = math.Pow((c+0.055)/1.055, 2.4)
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

// toLab converts an 8-bit sRGB colour to CIELAB.
func toLab(r, g, b uint8) lab {
	lr, lg, lb := linearLUT[r], linearLUT[g], linearLUT[b]
	x := (0.4124564*lr + 0.3575761*lg + 0.1804375*lb) / 0.95047
	y := 0.2126729*lr + 0.7151522*lg + 0.0721750*lb
	z := (0.0193339*lr + 0.1191920*lg + 0.9503041*lb) / 1.08883
	fx, fy, fz := labF(x), labF(y), labF(z)
	return lab{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// picture is an image in CIELAB, row-major, small enough to scan freely.
type picture struct {
	w, h int
	px   []lab
	rgba *image.RGBA // the shrunk picture itself, for hashing
}

func (p *picture) at(x, y int) lab { return p.px[y*p.w+x] }

// maxSide bounds the pictures the offline checks look at: a 4K hero is
// shrunk first, which also averages away sensor noise.
const maxSide = 512

// newPicture converts img, shrunk to at most maxSide on its long side with
// an area-weighted filter, to CIELAB.
func newPicture(img image.Image) *picture {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if s := max(w, h); s > maxSide {
		w, h = max(1, w*maxSide/s), max(1, h*maxSide/s)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	} else {
		draw.BiLinear.Scale(rgba, rgba.Bounds(), img, b, draw.Src, nil)
	}
	p := &picture{w: w, h: h, px: make([]lab, w*h), rgba: rgba}
	for i := range p.px {
		o := 4 * i
		p.px[i] = toLab(rgba.Pix[o], rgba.Pix[o+1], rgba.Pix[o+2])
	}
	return p
}
