package sheetgen

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// canvas is the sheet being drawn, with the background function that
// rounded corners and blends fall back to.
type canvas struct {
	img  *image.RGBA
	sp   spec
	tilt [2]float64 // gutter brightness gradient per pixel in x and y
	salt uint32
}

// bg returns the gutter colour at (x, y), gradient included.
func (c *canvas) bg(x, y int) color.RGBA {
	d := int(math.Round(c.tilt[0]*float64(x) + c.tilt[1]*float64(y)))
	return shade(c.sp.gutter, d)
}

// draw lays out and paints the sheet, returning it and the true cells.
func draw(sp spec, rng *rand.Rand) (*image.RGBA, []image.Rectangle) {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, sp.w, sp.h)), sp: sp, salt: rng.Uint32()}
	if sp.gradient > 0 {
		// Drift away from the nearer end of the range so the colour stays
		// representable; half the time along x, half along y.
		dir := 1.0
		if luma(sp.gutter) > 127 {
			dir = -1
		}
		if rng.IntN(2) == 0 {
			c.tilt[0] = dir * float64(sp.gradient) / float64(sp.w)
		} else {
			c.tilt[1] = dir * float64(sp.gradient) / float64(sp.h)
		}
	}
	for y := range sp.h {
		for x := range sp.w {
			c.img.SetRGBA(x, y, c.bg(x, y))
		}
	}
	cells := layout(sp, rng)
	if sp.shadow {
		drawShadows(c, cells, rng)
	}
	bandCell := -1
	if sp.band {
		bandCell = rng.IntN(len(cells))
	}
	for i, r := range cells {
		paintPicture(c, r, rng)
		if i == bandCell {
			paintBand(c, r, rng)
		}
		if sp.radius > 0 {
			roundCorners(c, r, min(sp.radius, r.Dx()/8, r.Dy()/8))
		}
	}
	if sp.blend > 0 {
		for _, r := range cells {
			blendRing(c, r, cells, rng)
		}
	}
	if sp.keyline {
		drawKeylines(c, cells, rng)
	}
	if sp.labels {
		drawLabels(c, cells, rng)
	}
	if sp.film {
		drawSprockets(c, cells, rng)
	}
	addNoise(c)
	return c.img, cells
}

// layout places the cells: the content between margins and gutters is
// divided as evenly as integers allow, the odd pixels going to random
// cells; unless exact sizes are given, gutters then move by a few pixels
// and every edge may wander on its own, as a model's drawing does.
func layout(sp spec, rng *rand.Rand) []image.Rectangle {
	xs := positions(sp.w, sp.margins[0], sp.margins[2], sp.gx, sp.cols, sp.colW, rng)
	ys := positions(sp.h, sp.margins[1], sp.margins[3], sp.gy, sp.rows, sp.rowH, rng)
	var cells []image.Rectangle
	bounds := image.Rect(0, 0, sp.w, sp.h)
	for r := range sp.rows {
		for c := range sp.cols {
			cr := image.Rect(xs[c][0], ys[r][0], xs[c][1], ys[r][1])
			if j := sp.wander; j > 0 {
				d := func() int { return between(rng, -j, j) }
				cr = image.Rect(cr.Min.X+d(), cr.Min.Y+d(), cr.Max.X+d(), cr.Max.Y+d()).Intersect(bounds)
			}
			cells = append(cells, cr)
		}
	}
	return cells
}

// positions returns [start, end) of every cell along one axis.
func positions(size, lo, hi, gutter, n int, exact []int, rng *rand.Rand) [][2]int {
	content := size - lo - hi - (n-1)*gutter
	sizes := exact
	if sizes == nil {
		sizes = make([]int, n)
		for i := range sizes {
			sizes[i] = content / n
		}
		for _, i := range rng.Perm(n)[:content%n] {
			sizes[i]++
		}
		if gutter > 0 {
			for i := 0; i+1 < n; i++ {
				// Move the gutter after cell i.
				d := between(rng, -4, 4)
				sizes[i] += d
				sizes[i+1] -= d
			}
		}
	}
	out := make([][2]int, n)
	at := lo
	for i, s := range sizes {
		out[i] = [2]int{at, at + s}
		at += s + gutter
	}
	return out
}

// addNoise adds sensor-like grain of ±noise to every channel.
func addNoise(c *canvas) {
	n := c.sp.noise
	if n == 0 {
		return
	}
	for i := range c.img.Pix {
		if i%4 == 3 {
			continue
		}
		v := int(hash(uint32(i), c.salt)%uint32(2*n+1)) - n
		c.img.Pix[i] = clamp(int(c.img.Pix[i]) + v)
	}
}

func shade(c color.RGBA, d int) color.RGBA {
	return color.RGBA{clamp(int(c.R) + d), clamp(int(c.G) + d), clamp(int(c.B) + d), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return clamp(int(math.Round(float64(x)*(1-t) + float64(y)*t))) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func luma(c color.RGBA) int {
	return int(math.Round(0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B)))
}

func clamp(v int) uint8 { return uint8(min(max(v, 0), 255)) }

func hash(a, b uint32) uint32 {
	h := a*0x9e3779b1 ^ b*0x85ebca77
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	h *= 0x297a2d39
	return h ^ (h >> 15)
}
