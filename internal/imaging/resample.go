package imaging

import (
	"image"
	"image/draw"
)

// Bilinear resampling for frames that differ from the common size by a few
// percent at most. At such near-1 factors plain bilinear interpolation (no
// widened kernel) keeps all the detail there is, and a separable, fixed
// point pass over 4-byte pixels is an order of magnitude faster than a
// generic kernel scaler working through the image interfaces.

// resampleBilinear scales the rectangle r of src to a new w×h RGBA image.
// src must be *image.RGBA or *image.NRGBA (opaque sheets: alpha is carried
// through like the colour channels); other types are converted first.
func resampleBilinear(src image.Image, r image.Rectangle, w, h int) *image.RGBA {
	pix, stride, origin := pixOf(src, r)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := r.Dx(), r.Dy()
	xi, xf := taps(sw, w)
	yi, yf := taps(sh, h)
	// Horizontal pass into 16-bit rows (value × 256), then vertical.
	tmp := make([]uint16, sh*w*4)
	right := make([]int, w) // byte offset of the right-hand sample
	for x := range w {
		right[x] = min(xi[x]+1, sw-1) * 4
	}
	for y := range sh {
		row := pix[origin+y*stride : origin+y*stride+sw*4]
		out := tmp[y*w*4 : (y+1)*w*4]
		for x := range w {
			f := uint32(xf[x])
			g := 256 - f
			p := row[xi[x]*4 : xi[x]*4+4 : xi[x]*4+4]
			q := row[right[x] : right[x]+4 : right[x]+4]
			o := out[x*4 : x*4+4 : x*4+4]
			o[0] = uint16(uint32(p[0])*g + uint32(q[0])*f)
			o[1] = uint16(uint32(p[1])*g + uint32(q[1])*f)
			o[2] = uint16(uint32(p[2])*g + uint32(q[2])*f)
			o[3] = uint16(uint32(p[3])*g + uint32(q[3])*f)
		}
	}
	for y := range h {
		a := tmp[yi[y]*w*4 : (yi[y]+1)*w*4]
		b := a
		if yi[y]+1 < sh {
			b = tmp[(yi[y]+1)*w*4 : (yi[y]+2)*w*4]
		}
		f := uint32(yf[y])
		g := 256 - f
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		b = b[:len(out)]
		a = a[:len(out)]
		for i := range out {
			out[i] = uint8((uint32(a[i])*g + uint32(b[i])*f + 1<<15) >> 16)
		}
	}
	return dst
}

// taps maps each of n destination positions to the source sample left of
// its centre and the 8-bit weight of the sample right of it, for a source
// of m samples (pixel centres aligned, edges clamped).
func taps(m, n int) (idx []int, frac []uint16) {
	idx, frac = make([]int, n), make([]uint16, n)
	for i := range n {
		// Source position of the centre of destination pixel i, in 1/256ths.
		p := ((2*i+1)*m*256/n - 256) / 2
		p = min(max(p, 0), (m-1)*256)
		idx[i], frac[i] = p>>8, uint16(p&255)
	}
	return idx, frac
}

// pixOf returns the 4-byte pixels of src, the stride and the offset of
// r.Min.
func pixOf(src image.Image, r image.Rectangle) ([]uint8, int, int) {
	switch m := src.(type) {
	case *image.RGBA:
		return m.Pix, m.Stride, m.PixOffset(r.Min.X, r.Min.Y)
	case *image.NRGBA:
		return m.Pix, m.Stride, m.PixOffset(r.Min.X, r.Min.Y)
	}
	c := image.NewRGBA(r)
	draw.Draw(c, r, src, r.Min, draw.Src)
	return c.Pix, c.Stride, 0
}
