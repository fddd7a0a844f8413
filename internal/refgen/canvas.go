package refgen

import (
	"image"
	"math"
	"math/rand/v2"
)

// canvas accumulates a reference: colour, subject coverage and the
// backdrop it was painted on.
type canvas struct {
	w, h  int
	col   []float64 // 3 per pixel, 0..255
	cover []float64 // subject coverage 0..1
}

// box is a float bounding box in pixels.
type box struct{ x0, y0, x1, y1 float64 }

func around(pad float64, pts ...[2]float64) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range pts {
		b.x0, b.y0 = math.Min(b.x0, p[0]), math.Min(b.y0, p[1])
		b.x1, b.y1 = math.Max(b.x1, p[0]), math.Max(b.y1, p[1])
	}
	return box{b.x0 - pad - 2, b.y0 - pad - 2, b.x1 + pad + 2, b.y1 + pad + 2}
}

// backdrop paints a plain or gradient sweep: a linear ramp between two
// colours plus an optional soft vignette, the way a paper roll or a
// painted cove photographs.
type backdrop struct {
	a, b       RGB
	dirX, dirY float64 // ramp direction (unit), over the picture
	vignette   float64 // darkening at the corners, 0..0.1
}

func (bd backdrop) at(w, h int, x, y float64) RGB {
	u, v := x/float64(w)-0.5, y/float64(h)-0.5
	t := math.Max(0, math.Min(1, 0.5+u*bd.dirX+v*bd.dirY))
	k := 1 - bd.vignette*(u*u+v*v)*2
	var c RGB
	for i := range c {
		c[i] = (bd.a[i] + (bd.b[i]-bd.a[i])*t) * k
	}
	return c
}

func newCanvas(w, h int, bd backdrop, shadow func(x, y float64) float64) *canvas {
	c := &canvas{w: w, h: h, col: make([]float64, 3*w*h), cover: make([]float64, w*h)}
	for y := range h {
		for x := range w {
			bg := bd.at(w, h, float64(x)+0.5, float64(y)+0.5)
			s := 1.0
			if shadow != nil {
				s = 1 - shadow(float64(x)+0.5, float64(y)+0.5)
			}
			i := 3 * (y*w + x)
			c.col[i], c.col[i+1], c.col[i+2] = bg[0]*s, bg[1]*s, bg[2]*s
		}
	}
	return c
}

// paint draws a subject shape with anti-aliased coverage; shade darkens it
// towards its lower edge so flat colours read as cloth.
func (c *canvas) paint(d sdf, b box, col RGB, shade float64) {
	x0, y0 := max(0, int(b.x0)), max(0, int(b.y0))
	x1, y1 := min(c.w, int(math.Ceil(b.x1))), min(c.h, int(math.Ceil(b.y1)))
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			k := math.Max(0, math.Min(1, 0.5-d(float64(x)+0.5, float64(y)+0.5)))
			if k == 0 {
				continue
			}
			i := y*c.w + x
			g := 1 - shade*(float64(y)-b.y0)/math.Max(1, b.y1-b.y0)
			for ch := range 3 {
				c.col[3*i+ch] += (col[ch]*g - c.col[3*i+ch]) * k
			}
			c.cover[i] += (1 - c.cover[i]) * k
		}
	}
}

// softShadow is a shadow on the floor: an ellipse of strength s whose edge
// fades over soft pixels.
func softShadow(cx, cy, rx, ry, s, soft float64) func(x, y float64) float64 {
	e := ellipse(cx, cy, rx, ry)
	return func(x, y float64) float64 {
		d := e(x, y)
		t := math.Max(0, math.Min(1, 0.5-d/soft))
		return s * t * t * (3 - 2*t)
	}
}

// finish adds sensor noise and returns the picture and the truth mask.
func (c *canvas) finish(r *rand.Rand, noise float64) (*image.RGBA, []bool) {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	truth := make([]bool, c.w*c.h)
	for i := range truth {
		for ch := range 3 {
			v := c.col[3*i+ch] + noise*(r.Float64()+r.Float64()-1)
			img.Pix[4*i+ch] = uint8(math.Max(0, math.Min(255, math.Round(v))))
		}
		img.Pix[4*i+3] = 255
		truth[i] = c.cover[i] >= 0.5
	}
	return img, truth
}
