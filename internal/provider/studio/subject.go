package studio

import (
	"image"
	"math"
)

// subject is the figure layer of a hero: a premultiplied RGBA picture with
// transparent surroundings, and where it goes on the canvas.
type subject struct {
	layer  *image.RGBA
	at     image.Point // top-left corner on the canvas
	cutout bool        // a figure cut from its background (it stands on the floor)
}

// figureBox returns the canvas rectangle for a figure of aspect w/h, as tall
// as the frame comfortably allows, centred at cx and standing at footY.
func figureBox(w, h float64, W, H int, cx, footY, maxH float64) image.Rectangle {
	scale := math.Min(maxH*float64(H)/h, 0.64*float64(W)/w)
	fw, fh := max(1, int(w*scale+0.5)), max(1, int(h*scale+0.5))
	x := int(clamp64(cx*float64(W)-float64(fw)/2, 0, float64(W-fw)))
	y := int(footY*float64(H)) - fh
	return image.Rect(x, y, x+fw, y+fh)
}

// archDist is the signed distance to an arch filling w×h: a rectangle whose
// top is a half circle (negative inside).
func archDist(x, y, w, h float64) float64 {
	r := w / 2
	side := math.Max(math.Abs(x-r)-r, y-h)
	if y < r {
		return math.Max(math.Hypot(x-r, y-r)-r, y-h)
	}
	return math.Max(side, -y)
}

// applyAlpha multiplies every pixel of an opaque layer by alpha(x, y),
// making it premultiplied RGBA with that coverage.
func applyAlpha(layer *image.RGBA, workers int, alpha func(x, y int) float32) {
	w, h := layer.Bounds().Dx(), layer.Bounds().Dy()
	parallelRows(h, workers, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			i := layer.PixOffset(0, y)
			for x := range w {
				a := clamp32(alpha(x, y), 0, 1)
				p := layer.Pix[i : i+4 : i+4]
				p[0], p[1], p[2] = toByte(float32(p[0])*a), toByte(float32(p[1])*a), toByte(float32(p[2])*a)
				p[3] = toByte(float32(p[3]) * a)
				i += 4
			}
		}
	})
}

// composite draws a subject layer over the canvas.
func composite(dst *image.RGBA, s subject, workers int) {
	b := s.layer.Bounds().Add(s.at).Intersect(dst.Bounds())
	parallelRows(b.Dy(), workers, func(r0, r1 int) {
		for y := b.Min.Y + r0; y < b.Min.Y+r1; y++ {
			si := s.layer.PixOffset(b.Min.X-s.at.X, y-s.at.Y)
			di := dst.PixOffset(b.Min.X, y)
			for range b.Dx() {
				src := s.layer.Pix[si : si+4 : si+4]
				d := dst.Pix[di : di+4 : di+4]
				keep := 255 - uint32(src[3])
				for k := range 3 {
					d[k] = uint8(uint32(src[k]) + (uint32(d[k])*keep+127)/255)
				}
				si += 4
				di += 4
			}
		}
	})
}
