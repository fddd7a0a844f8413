package studio

import (
	"fmt"
	"image"
	"math"
)

// Kinds of cut-out a reference can give.
const (
	kindModel   = "model"
	kindEyewear = "eyewear"
	kindBag     = "bag"
	kindGarment = "garment"
	kindOther   = "accessory"
)

// keySide is the long side references are keyed at: enough for a clean
// silhouette, small enough to key four references in well under a second.
const keySide = 512

// layerSide caps the long side of a cut-out layer; a subject never needs
// more source pixels than a 4K frame shows of it.
const layerSide = 2048

// cutout is one separated piece of a reference: the model, or one garment
// or accessory (a reference may hold several, like sunglasses above a bag).
type cutout struct {
	layer  *image.RGBA // premultiplied, backdrop colour removed from its edges
	mask   *grid       // coverage over the layer, at key resolution
	shadow *grid       // the reference's floor shadow over shadowBox (nil without one)
	// shadowBox is where shadow lies, in layer pixels (it reaches past the
	// layer: a shadow falls beside and below its subject).
	shadowBox rectF
	kind      string
	ref       int    // 1-based reference number
	note      string // set when the reference could not be separated
}

// cutReference separates a reference. The first reference is the model and
// stays whole; the others are split into their separate pieces. A reference
// that cannot be separated comes back whole and opaque, with a note.
func cutReference(img *image.RGBA, ref int) []cutout {
	rw, rh := img.Bounds().Dx(), img.Bounds().Dy()
	k := math.Min(1, keySide/float64(max(rw, rh)))
	small := img
	if k < 1 {
		small = scaled(img, img.Bounds(), max(1, int(float64(rw)*k+0.5)), max(1, int(float64(rh)*k+0.5)))
	}
	m := keyImage(small)
	if !m.ok {
		c := opaqueCutout(img, ref)
		c.note = fmt.Sprintf("reference %d could not be separated (%s); used the whole picture instead", ref, m.reason)
		return []cutout{c}
	}
	if ref == 1 {
		c := buildCutout(img, m, m.alpha, m.box, ref)
		c.kind = kindModel
		return []cutout{c}
	}
	var out []cutout
	for _, p := range splitParts(m) {
		c := buildCutout(img, m, p.alpha, p.box, ref)
		c.kind = classify(c.mask)
		out = append(out, c)
	}
	return out
}

// opaqueCutout is a whole picture used as is.
func opaqueCutout(img *image.RGBA, ref int) cutout {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	k := math.Min(1, layerSide/float64(max(w, h)))
	layer := img
	if k < 1 {
		layer = scaled(img, img.Bounds(), int(float64(w)*k), int(float64(h)*k))
	}
	mask := newGrid(8, 8, 1)
	for i := range mask.pix {
		mask.pix[i] = 1
	}
	return cutout{layer: layer, mask: mask, kind: kindOther, ref: ref}
}

// piece is one connected part of a matte.
type piece struct {
	alpha []float32
	box   image.Rectangle
}

// splitParts separates a matte into its connected pieces, dropping crumbs
// smaller than a twentieth of the largest.
func splitParts(m matte) []piece {
	w, h := m.w, m.h
	label := make([]int, w*h)
	var sizes []int
	var stack []int
	for start, a := range m.alpha {
		if a < 0.5 || label[start] != 0 {
			continue
		}
		sizes = append(sizes, 0)
		id := len(sizes)
		label[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			sizes[id-1]++
			forNeighbours8(i, w, h, func(j int) {
				if label[j] == 0 && m.alpha[j] >= 0.5 {
					label[j] = id
					stack = append(stack, j)
				}
			})
		}
	}
	largest := 0
	for _, s := range sizes {
		largest = max(largest, s)
	}
	var parts []piece
	for id, s := range sizes {
		if s*20 < largest {
			continue
		}
		a := make([]float32, w*h)
		for i, l := range label {
			if l == id+1 {
				a[i] = m.alpha[i]
			}
		}
		// Soft edge pixels below one half belong to the nearest piece.
		for i, l := range label {
			if l == 0 && m.alpha[i] > 0 {
				forNeighbours8(i, w, h, func(j int) {
					if label[j] == id+1 {
						a[i] = m.alpha[i]
					}
				})
			}
		}
		parts = append(parts, piece{alpha: a, box: maskBox(a, w, h)})
	}
	return parts
}

// buildCutout makes the layer of one piece at up to layerSide pixels: the
// reference's colours with the backdrop's share taken out of every edge
// pixel (so no halo of the old backdrop follows the subject), times the
// piece's coverage.
func buildCutout(img *image.RGBA, m matte, alpha []float32, box image.Rectangle, ref int) cutout {
	rw, rh := img.Bounds().Dx(), img.Bounds().Dy()
	kx, ky := float64(rw)/float64(m.w), float64(rh)/float64(m.h)
	box = box.Inset(-2).Intersect(image.Rect(0, 0, m.w, m.h))
	src := image.Rect(int(float64(box.Min.X)*kx), int(float64(box.Min.Y)*ky),
		int(math.Ceil(float64(box.Max.X)*kx)), int(math.Ceil(float64(box.Max.Y)*ky))).Intersect(img.Bounds())
	k := math.Min(1, layerSide/float64(max(src.Dx(), src.Dy())))
	lw, lh := max(1, int(float64(src.Dx())*k+0.5)), max(1, int(float64(src.Dy())*k+0.5))
	layer := scaled(img, src, lw, lh)
	mg := &grid{w: m.w, h: m.h, c: 1, pix: alpha}
	// Layer pixel (x, y) sits at key pixel (ox + x·sx, oy + y·sy).
	sx, sy := float32(src.Dx())/float32(lw)/float32(kx), float32(src.Dy())/float32(lh)/float32(ky)
	ox, oy := float32(src.Min.X)/float32(kx), float32(src.Min.Y)/float32(ky)
	var a [1]float32
	for y := range lh {
		for x := range lw {
			mx, my := ox+(float32(x)+0.5)*sx, oy+(float32(y)+0.5)*sy
			mg.sample(mx, my, a[:])
			al := clamp(a[0], 0, 1)
			bg := m.bg.at(float64(mx), float64(my))
			p := layer.Pix[layer.PixOffset(x, y):]
			for c := range 3 {
				v := float32(p[c]) - (1-al)*bg[c]
				p[c] = toByte(clamp(v, 0, 255*al))
			}
			p[3] = toByte(255 * al)
		}
	}
	mask := newGrid(box.Dx(), box.Dy(), 1)
	for y := range box.Dy() {
		copy(mask.pix[y*box.Dx():(y+1)*box.Dx()], alpha[(box.Min.Y+y)*m.w+box.Min.X:(box.Min.Y+y)*m.w+box.Max.X])
	}
	c := cutout{layer: layer, mask: mask, ref: ref}
	c.shadow, c.shadowBox = shadowPart(m, box, float64(lw)/float64(box.Dx()), float64(lh)/float64(box.Dy()))
	return c
}

// shadowPart cuts the matte's shadow around a piece: the box widened by
// half its width on each side and lengthened by a third below, in layer
// pixels (scale kx, ky per key pixel).
func shadowPart(m matte, box image.Rectangle, kx, ky float64) (*grid, rectF) {
	ext := image.Rect(box.Min.X-box.Dx()/2, box.Min.Y, box.Max.X+box.Dx()/2, box.Max.Y+box.Dy()/3).Intersect(image.Rect(0, 0, m.w, m.h))
	g := newGrid(ext.Dx(), ext.Dy(), 1)
	var any float32
	for y := range ext.Dy() {
		for x := range ext.Dx() {
			v := m.shadow[(ext.Min.Y+y)*m.w+ext.Min.X+x]
			g.pix[y*ext.Dx()+x] = v
			any = max(any, v)
		}
	}
	if any < 0.03 {
		return nil, rectF{}
	}
	g.blur(1)
	r := rectF{float64(ext.Min.X-box.Min.X) * kx, float64(ext.Min.Y-box.Min.Y) * ky, 0, 0}
	r.x1, r.y1 = r.x0+float64(ext.Dx())*kx, r.y0+float64(ext.Dy())*ky
	return g, r
}
