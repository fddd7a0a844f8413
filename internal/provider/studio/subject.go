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

// subjectFromReference cuts the subject out of a reference. A reference shot
// on a plain background (most product and model references) is keyed out
// and stands on the floor; any other photograph is set in a soft-edged arch,
// the way an art director would place a picture that cannot be cut.
func subjectFromReference(ref *image.RGBA, W, H int, cx float64, workers int) subject {
	rw, rh := ref.Bounds().Dx(), ref.Bounds().Dy()
	k := math.Min(1, 256/float64(max(rw, rh)))
	small := scaled(ref, ref.Bounds(), max(1, int(float64(rw)*k+0.5)), max(1, int(float64(rh)*k+0.5)))
	if mask, ok := keyMask(small); ok {
		return keyedSubject(ref, small, mask, W, H, cx, workers)
	}
	return archSubject(ref, W, H, cx, workers)
}

func keyedSubject(ref, small *image.RGBA, mask *grid, W, H int, cx float64, workers int) subject {
	sb := maskBounds(mask)
	kx := float64(ref.Bounds().Dx()) / float64(mask.w)
	ky := float64(ref.Bounds().Dy()) / float64(mask.h)
	crop := image.Rect(int(float64(sb.Min.X)*kx), int(float64(sb.Min.Y)*ky),
		int(math.Ceil(float64(sb.Max.X)*kx)), int(math.Ceil(float64(sb.Max.Y)*ky))).Intersect(ref.Bounds())
	box := figureBox(float64(crop.Dx()), float64(crop.Dy()), W, H, cx, 0.95, 0.86)
	layer := scaled(ref, crop, box.Dx(), box.Dy())
	sx, sy := float32(crop.Dx())/float32(box.Dx())/float32(kx), float32(crop.Dy())/float32(box.Dy())/float32(ky)
	ox, oy := float32(crop.Min.X)/float32(kx), float32(crop.Min.Y)/float32(ky)
	applyAlpha(layer, workers, func(x, y int) float32 {
		var a [1]float32 // per call: rows are drawn in parallel
		mask.sample(ox+(float32(x)+0.5)*sx, oy+(float32(y)+0.5)*sy, a[:])
		// Choke the edge: the outer half of a soft key still carries the
		// old background's colour and would glow as a halo.
		return smoothstep(0.4, 0.9, a[0])
	})
	return subject{layer: layer, at: box.Min, cutout: true}
}

func archSubject(ref *image.RGBA, W, H int, cx float64, workers int) subject {
	rw, rh := float64(ref.Bounds().Dx()), float64(ref.Bounds().Dy())
	aspect := clamp64(rw/rh, 0.62, 0.85)
	box := figureBox(aspect, 1, W, H, cx, 0.92, 0.82)
	fw, fh := float64(box.Dx()), float64(box.Dy())
	layer := scaled(ref, coverRect(int(rw), int(rh), fw, fh), box.Dx(), box.Dy())
	feather := math.Max(1.5, 0.012*fh)
	applyAlpha(layer, workers, func(x, y int) float32 {
		d := archDist(float64(x)+0.5, float64(y)+0.5, fw, fh)
		return 1 - smoothstep(-float32(feather), float32(feather), float32(d))
	})
	return subject{layer: layer, at: box.Min}
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
