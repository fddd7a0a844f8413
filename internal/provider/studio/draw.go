package studio

import (
	"image"
	"math"
)

// rectF is an axis-aligned rectangle with float edges, in target pixels.
type rectF struct{ x0, y0, x1, y1 float64 }

func (r rectF) w() float64 { return r.x1 - r.x0 }
func (r rectF) h() float64 { return r.y1 - r.y0 }

// bounds is the smallest integer rectangle covering r, clipped to clip.
func (r rectF) bounds(clip image.Rectangle) image.Rectangle {
	b := image.Rect(int(math.Floor(r.x0)), int(math.Floor(r.y0)), int(math.Ceil(r.x1)), int(math.Ceil(r.y1)))
	return b.Intersect(clip)
}

// span is how much of the unit interval [p, p+1) lies inside [lo, hi).
func span(p, lo, hi float64) float64 {
	return math.Max(0, math.Min(p+1, hi)-math.Max(p, lo))
}

// placement draws a source picture into part of a target.
type placement struct {
	src *image.RGBA
	// toSrc maps target coordinates to source coordinates.
	toSrc affine
	// area is the part of the target covered; its edges are anti-aliased
	// by exact pixel coverage, so a cell edge at x = 10.4 gives pixel 10
	// 60 % of the cell, like a real render's soft edge.
	area rectF
	// edgeAA also fades the picture out at the source's own edges, for
	// rotated cards whose borders are not axis-aligned in the target.
	edgeAA bool
	// srcScale is source pixels per target pixel, for edgeAA's ramp width.
	srcScale float64
}

// drawOver composites p onto dst (source over destination), sampling the
// source bilinearly. Rows run on up to workers goroutines.
func drawOver(dst *image.RGBA, p placement, workers int) {
	b := p.area.bounds(dst.Bounds())
	if b.Empty() {
		return
	}
	sw, sh := p.src.Bounds().Dx(), p.src.Bounds().Dy()
	parallelRows(b.Dy(), workers, func(r0, r1 int) {
		for y := b.Min.Y + r0; y < b.Min.Y+r1; y++ {
			cy := span(float64(y), p.area.y0, p.area.y1)
			for x := b.Min.X; x < b.Max.X; x++ {
				cov := cy * span(float64(x), p.area.x0, p.area.x1)
				if cov <= 0 {
					continue
				}
				blendPixel(dst, x, y, p, sw, sh, cov)
			}
		}
	})
}

func blendPixel(dst *image.RGBA, x, y int, p placement, sw, sh int, cov float64) {
	sx, sy := p.toSrc.apply(float64(x)+0.5, float64(y)+0.5)
	if p.edgeAA {
		inside := math.Min(math.Min(sx, float64(sw)-sx), math.Min(sy, float64(sh)-sy))
		cov *= clamp64(inside/p.srcScale+0.5, 0, 1)
		if cov <= 0 {
			return
		}
	}
	r, g, b, a := sampleRGBA(p.src, sw, sh, float32(sx), float32(sy))
	c := float32(cov)
	keep := 1 - a*c/255
	i := dst.PixOffset(x, y)
	px := dst.Pix[i : i+4 : i+4]
	px[0] = toByte(r*c + float32(px[0])*keep)
	px[1] = toByte(g*c + float32(px[1])*keep)
	px[2] = toByte(b*c + float32(px[2])*keep)
	px[3] = toByte(a*c + float32(px[3])*keep)
}

// fill paints a solid opaque colour (0..1 channels) over r.
func fill(dst *image.RGBA, r image.Rectangle, c [3]float32) {
	r = r.Intersect(dst.Bounds())
	px := [4]uint8{toByte(c[0] * 255), toByte(c[1] * 255), toByte(c[2] * 255), 255}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			copy(row[i:i+4], px[:])
		}
	}
}

// softShadow darkens dst under a rotated rounded rectangle (centre cx, cy,
// half sizes hw, hh, angle) with a soft falloff of width blur: the drop
// shadow of a print lying on the picture, computed analytically so it costs
// nothing to blur.
func softShadow(dst *image.RGBA, cx, cy, hw, hh, angle, blur, strength float64) {
	ext := math.Hypot(hw, hh) + 2*blur
	b := image.Rect(int(cx-ext), int(cy-ext), int(cx+ext)+1, int(cy+ext)+1).Intersect(dst.Bounds())
	cos, sin := math.Cos(angle), math.Sin(angle)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			u, v := dx*cos+dy*sin, -dx*sin+dy*cos
			d := roundRectDist(u, v, hw, hh, blur*0.5)
			s := float32(strength) * (1 - smoothstep(-float32(blur), float32(blur), float32(d)))
			if s <= 0 {
				continue
			}
			i := dst.PixOffset(x, y)
			for k := range 3 {
				dst.Pix[i+k] = toByte(float32(dst.Pix[i+k]) * (1 - s))
			}
		}
	}
}

// roundRectDist is the signed distance from (u, v) to a rounded rectangle
// centred at the origin (negative inside).
func roundRectDist(u, v, hw, hh, radius float64) float64 {
	qx := math.Abs(u) - hw + radius
	qy := math.Abs(v) - hh + radius
	out := math.Hypot(math.Max(qx, 0), math.Max(qy, 0))
	return out + math.Min(math.Max(qx, qy), 0) - radius
}
