package sheetgen

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// shape is one figure in a picture: an ellipse or a rectangle.
type shape struct {
	cx, cy, rx, ry float64
	rect           bool
	c              color.RGBA
}

// paintPicture draws something photo-like in r: a backdrop graded between
// two colours at a random angle, well away from the gutter colour at the
// cell's border, figures of any colour (the gutter's included) that may
// touch the border along part of it, sometimes a woven texture, and grain.
func paintPicture(c *canvas, r image.Rectangle, rng *rand.Rand) {
	g := luma(c.sp.gutter)
	a, b := farFrom(rng, g), farFrom(rng, g)
	ang := rng.Float64() * 2 * math.Pi
	ux, uy := math.Cos(ang), math.Sin(ang)
	span := math.Abs(ux)*float64(r.Dx()) + math.Abs(uy)*float64(r.Dy())
	shapes := make([]shape, between(rng, 2, 5))
	for i := range shapes {
		col := randColor(rng)
		if rng.IntN(4) == 0 {
			col = shade(c.sp.gutter, between(rng, -6, 6))
		}
		shapes[i] = shape{
			cx: float64(r.Min.X) + rng.Float64()*float64(r.Dx()), cy: float64(r.Min.Y) + rng.Float64()*float64(r.Dy()),
			rx: float64(r.Dx()) * (0.05 + 0.17*rng.Float64()), ry: float64(r.Dy()) * (0.05 + 0.17*rng.Float64()),
			rect: rng.IntN(3) == 0, c: col,
		}
	}
	weave, period := 0.0, 6+rng.Float64()*30
	if rng.IntN(3) == 0 {
		weave = 6 + rng.Float64()*14
	}
	cx0, cy0 := float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2
	row := make([]color.RGBA, r.Dx())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for i := range row {
			x := r.Min.X + i
			t := 0.5 + ((float64(x)-cx0)*ux+(float64(y)-cy0)*uy)/span
			row[i] = mix(a, b, min(max(t, 0), 1))
		}
		for _, s := range shapes {
			lo, hi := s.rowSpan(float64(y) + 0.5)
			for x := max(r.Min.X, lo); x < min(r.Max.X, hi); x++ {
				row[x-r.Min.X] = s.c
			}
		}
		for i, col := range row {
			x := r.Min.X + i
			d := int(hash(uint32(x)<<16^uint32(y), c.salt)%7) - 3
			if weave > 0 {
				d += int(weave * math.Sin(float64(x+y)*2*math.Pi/period))
			}
			c.img.SetRGBA(x, y, shade(col, d))
		}
	}
}

// rowSpan returns the pixels [lo, hi) the shape covers on the row at y.
func (s shape) rowSpan(y float64) (int, int) {
	dy := (y - s.cy) / s.ry
	if dy <= -1 || dy >= 1 {
		return 0, 0
	}
	half := s.rx
	if !s.rect {
		half = s.rx * math.Sqrt(1-dy*dy)
	}
	return int(math.Ceil(s.cx - half - 0.5)), int(math.Ceil(s.cx + half - 0.5))
}

// farFrom returns a colour whose luma is at least 30 from g.
func farFrom(rng *rand.Rand, g int) color.RGBA {
	for {
		c := randColor(rng)
		if d := luma(c) - g; d >= 30 || d <= -30 {
			return c
		}
	}
}

func randColor(rng *rand.Rand) color.RGBA {
	return color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
}

// paintBand covers one whole edge of r with a band close to the gutter
// colour (a dark wall against black gutters, a white backdrop against
// white ones): 8 to 30 levels off, with a gentle grade along the edge and
// grain, reaching 8–25 % into the cell.
func paintBand(c *canvas, r image.Rectangle, rng *rand.Rand) {
	off := between(rng, 8, 30)
	if luma(c.sp.gutter) > 127 {
		off = -off
	}
	col := shade(c.sp.gutter, off)
	depth := 0.08 + 0.17*rng.Float64()
	var b image.Rectangle
	switch rng.IntN(4) {
	case 0:
		b = image.Rect(r.Min.X, r.Min.Y, r.Min.X+int(depth*float64(r.Dx())), r.Max.Y)
	case 1:
		b = image.Rect(r.Max.X-int(depth*float64(r.Dx())), r.Min.Y, r.Max.X, r.Max.Y)
	case 2:
		b = image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+int(depth*float64(r.Dy())))
	default:
		b = image.Rect(r.Min.X, r.Max.Y-int(depth*float64(r.Dy())), r.Max.X, r.Max.Y)
	}
	grade := float64(between(rng, 0, 4))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			t := float64(x-r.Min.X)/float64(r.Dx()) + float64(y-r.Min.Y)/float64(r.Dy())
			d := int(grade*t) + int(hash(uint32(x)*31^uint32(y), c.salt)%5) - 2
			if off < 0 {
				d = -d
			}
			c.img.SetRGBA(x, y, shade(col, d))
		}
	}
}

// roundCorners gives r corners of radius rad, anti-aliased: outside the arc
// the background shows.
func roundCorners(c *canvas, r image.Rectangle, rad int) {
	if rad < 2 {
		return
	}
	R := float64(rad)
	for _, k := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		for j := range rad {
			for i := range rad {
				x, y := r.Min.X+i, r.Min.Y+j
				if k[0] == 1 {
					x = r.Max.X - 1 - i
				}
				if k[1] == 1 {
					y = r.Max.Y - 1 - j
				}
				d := math.Hypot(R-float64(i)-0.5, R-float64(j)-0.5)
				cover := min(max(R-d+0.5, 0), 1)
				if cover < 1 {
					c.img.SetRGBA(x, y, mix(c.bg(x, y), c.img.RGBAAt(x, y), cover))
				}
			}
		}
	}
}

// blendRing mixes the picture's outermost pixels into the background round
// r, one or two rings deep, as a resampled drawing does. The truth stays the
// picture rectangle: ring pixels are mostly gutter.
func blendRing(c *canvas, r image.Rectangle, cells []image.Rectangle, rng *rand.Rand) {
	alphas := []float64{0.2 + 0.4*rng.Float64(), 0.05 + 0.15*rng.Float64()}[:c.sp.blend]
	bounds := c.img.Bounds()
	for i, a := range alphas {
		ring := r.Inset(-(i + 1)).Intersect(bounds)
		inner := r.Inset(-i)
		for y := ring.Min.Y; y < ring.Max.Y; y++ {
			for x := ring.Min.X; x < ring.Max.X; x++ {
				p := image.Pt(x, y)
				if p.In(inner) || inAny(p, cells) {
					continue
				}
				ex, ey := min(max(x, r.Min.X), r.Max.X-1), min(max(y, r.Min.Y), r.Max.Y-1)
				c.img.SetRGBA(x, y, mix(c.img.RGBAAt(x, y), c.img.RGBAAt(ex, ey), a))
			}
		}
	}
}

func inAny(p image.Point, cells []image.Rectangle) bool {
	for _, c := range cells {
		if p.In(c) {
			return true
		}
	}
	return false
}
