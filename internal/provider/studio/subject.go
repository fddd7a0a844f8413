package studio

import (
	"image"
	"math"
)

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
				a := clamp(alpha(x, y), 0, 1)
				p := layer.Pix[i : i+4 : i+4]
				p[0], p[1], p[2] = toByte(float32(p[0])*a), toByte(float32(p[1])*a), toByte(float32(p[2])*a)
				p[3] = toByte(float32(p[3]) * a)
				i += 4
			}
		}
	})
}
