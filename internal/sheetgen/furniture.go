package sheetgen

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// drawShadows darkens the background under every cell, offset down and to
// the right and blurred, as a page layout's drop shadow does.
func drawShadows(c *canvas, cells []image.Rectangle, rng *rand.Rand) {
	dx, dy := between(rng, 3, 8), between(rng, 3, 8)
	blur := between(rng, 2, 6)
	strength := 0.25 + 0.3*rng.Float64()
	ramp := func(v, lo, hi int) float64 {
		// 1 inside [lo, hi), falling linearly to 0 over blur pixels.
		d := max(lo-v, v-(hi-1), 0)
		return max(0, 1-float64(d)/float64(blur+1))
	}
	for _, r := range cells {
		s := r.Add(image.Pt(dx, dy))
		area := s.Inset(-blur).Intersect(c.img.Bounds())
		for y := area.Min.Y; y < area.Max.Y; y++ {
			for x := area.Min.X; x < area.Max.X; x++ {
				k := strength * ramp(x, s.Min.X, s.Max.X) * ramp(y, s.Min.Y, s.Max.Y)
				c.img.SetRGBA(x, y, mix(c.img.RGBAAt(x, y), color.RGBA{0, 0, 0, 255}, k))
			}
		}
	}
}

// drawKeylines draws a thin line round every cell, a small gap outside it.
func drawKeylines(c *canvas, cells []image.Rectangle, rng *rand.Rand) {
	gap, width := between(rng, 2, 6), between(rng, 1, 2)
	col := contrast(rng, c.sp.gutter)
	for _, r := range cells {
		outer := r.Inset(-(gap + width)).Intersect(c.img.Bounds())
		inner := r.Inset(-gap)
		for y := outer.Min.Y; y < outer.Max.Y; y++ {
			for x := outer.Min.X; x < outer.Max.X; x++ {
				if !image.Pt(x, y).In(inner) {
					c.img.SetRGBA(x, y, col)
				}
			}
		}
	}
}

// contrast returns a colour at least 60 levels of luma from g.
func contrast(rng *rand.Rand, g color.RGBA) color.RGBA {
	for {
		col := randColor(rng)
		if d := luma(col) - luma(g); d >= 60 || d <= -60 {
			return col
		}
	}
}

// drawLabels writes text-like captions or frame numbers in the space below
// (or above) cells, a few pixels clear of every picture, and sometimes a
// title in the top margin.
func drawLabels(c *canvas, cells []image.Rectangle, rng *rand.Rand) {
	ink := contrast(rng, c.sp.gutter)
	below := rng.IntN(3) != 0
	for i, r := range cells {
		// The free space is measured to the picture actually drawn next in
		// the column (or the sheet's edge): gutters move and cells wander.
		top, space := r.Max.Y, c.sp.h-r.Max.Y
		if n := i + c.sp.cols; n < len(cells) {
			space = cells[n].Min.Y - r.Max.Y
		}
		if !below {
			space = r.Min.Y
			if p := i - c.sp.cols; p >= 0 {
				space = r.Min.Y - cells[p].Max.Y
			}
			top = r.Min.Y - space
		}
		if space < 16 {
			continue
		}
		th := between(rng, 8, min(18, space-8))
		y := top + between(rng, 3, space-th-3)
		w := int(float64(r.Dx()) * (0.1 + 0.5*rng.Float64()))
		x := r.Min.X + between(rng, 0, r.Dx()-w)
		text(c, image.Rect(x, y, x+w, y+th), ink, rng)
	}
	if m := c.sp.margins[1]; m >= 24 && rng.IntN(2) == 0 && below {
		th := between(rng, 8, min(20, m-10))
		w := c.sp.w / 4
		x, y := between(rng, 0, c.sp.w-w), between(rng, 3, m-th-3)
		text(c, image.Rect(x, y, x+w, y+th), ink, rng)
	}
}

// text fills box with glyph-like strokes: letters of bars and dots in
// words separated by spaces.
func text(c *canvas, box image.Rectangle, ink color.RGBA, rng *rand.Rand) {
	h := box.Dy()
	gw, stroke := max(4, h*3/5), max(1, h/7)
	for x := box.Min.X; x+gw <= box.Max.X; x += gw + max(1, h/6) {
		if rng.IntN(6) == 0 {
			continue // a space
		}
		for range between(rng, 2, 4) {
			var s image.Rectangle
			switch rng.IntN(3) {
			case 0: // vertical bar
				sx := x + rng.IntN(gw-stroke+1)
				s = image.Rect(sx, box.Min.Y, sx+stroke, box.Max.Y)
			case 1: // horizontal bar
				sy := box.Min.Y + rng.IntN(h-stroke+1)
				s = image.Rect(x, sy, x+gw, sy+stroke)
			default: // diagonal
				for i := range h {
					px := x + i*(gw-stroke)/max(1, h-1)
					fillRect(c, image.Rect(px, box.Min.Y+i, px+stroke, box.Min.Y+i+1), ink)
				}
				continue
			}
			fillRect(c, s, ink)
		}
	}
}

func fillRect(c *canvas, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(c.img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c.img.SetRGBA(x, y, col)
		}
	}
}

// drawSprockets punches a row of rounded sprocket holes into the film band
// above and below every row of frames.
func drawSprockets(c *canvas, cells []image.Rectangle, rng *rand.Rand) {
	band := c.sp.margins[1]
	hh := band * between(rng, 35, 50) / 100
	hw := between(rng, 8, 20)
	period := hw + between(rng, hw/2, 2*hw)
	start := rng.IntN(period)
	hole := color.RGBA{uint8(between(rng, 190, 240)), uint8(between(rng, 190, 235)), uint8(between(rng, 180, 230)), 255}
	for r := 0; r < c.sp.rows; r++ {
		cell := cells[r*c.sp.cols]
		for _, top := range []int{cell.Min.Y - band, cell.Max.Y} {
			y := top + (band-hh)/2
			for x := start; x+hw <= c.sp.w; x += period {
				roundRect(c, image.Rect(x, y, x+hw, y+hh), 2, hole)
			}
		}
	}
}

// roundRect fills r with col, corners rounded by rad.
func roundRect(c *canvas, r image.Rectangle, rad int, col color.RGBA) {
	R := float64(rad)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cx := math.Max(0, math.Max(float64(r.Min.X)+R-float64(x)-0.5, float64(x)+0.5-(float64(r.Max.X)-R)))
			cy := math.Max(0, math.Max(float64(r.Min.Y)+R-float64(y)-0.5, float64(y)+0.5-(float64(r.Max.Y)-R)))
			if math.Hypot(cx, cy) <= R {
				c.img.SetRGBA(x, y, col)
			}
		}
	}
}
