package imaging

import (
	"image"
	"image/color"
)

// plane is an 8-bit luma copy of an image with its origin moved to (0, 0).
// Grid detection reads every pixel a few times, so it pays to convert once
// into a flat, cache-friendly slice instead of calling At in the hot loops.
type plane struct {
	w, h int
	pix  []uint8 // row-major, stride w
}

// at returns the luma at (x, y) in plane coordinates.
func (p *plane) at(x, y int) uint8 { return p.pix[y*p.w+x] }

// row returns row y.
func (p *plane) row(y int) []uint8 { return p.pix[y*p.w : (y+1)*p.w] }

// lumaPlane converts img to BT.601 luma, with fast paths for the types the
// standard decoders return.
func lumaPlane(img image.Image) *plane {
	b := img.Bounds()
	p := &plane{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.YCbCr:
		// JPEG's Y channel already is BT.601 luma.
		for y := 0; y < p.h; y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(p.row(y), m.Y[off:off+p.w])
		}
	case *image.Gray:
		for y := 0; y < p.h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(p.row(y), m.Pix[off:off+p.w])
		}
	case *image.RGBA:
		lumaFrom4(p, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	case *image.NRGBA:
		lumaFrom4(p, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	default:
		lumaGeneric(p, img)
	}
	return p
}

// lumaFrom4 converts 4-byte-per-pixel RGB(A) rows. Alpha is ignored: a
// contact sheet is opaque, and a transparent one has no meaningful gutters.
func lumaFrom4(p *plane, pix []uint8, stride, start int) {
	for y := 0; y < p.h; y++ {
		src := pix[start+y*stride : start+y*stride+4*p.w]
		dst := p.row(y)
		for x := range dst {
			s := src[4*x : 4*x+3 : 4*x+3]
			dst[x] = uint8((19595*uint32(s[0]) + 38470*uint32(s[1]) + 7471*uint32(s[2]) + 1<<15) >> 16)
		}
	}
}

func lumaGeneric(p *plane, img image.Image) {
	b := img.Bounds()
	for y := 0; y < p.h; y++ {
		dst := p.row(y)
		for x := range dst {
			dst[x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
}
