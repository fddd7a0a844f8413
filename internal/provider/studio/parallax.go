package studio

import (
	"image"
	"math"
)

// parallax is how much faster than the set the subject moves in a layered
// clip: she is nearer the camera, so the same camera move shifts and
// magnifies her more.
const parallax = 1.8

// layerPlan is what an inner frame of a layered clip shows: set and subject
// cameras for the start and the end frame, and the dissolve weight.
type layerPlan struct {
	sBg, sFg, eBg, eFg camera
	mix                float64
}

// layerPlan extends framePlan with subject cameras that move parallax
// times as far as the set's.
func (m move) layerPlan(i, n int, w, h float64) layerPlan {
	t := float64(i) / float64(max(n-1, 1))
	sBg, eBg, mix := m.framePlan(i, n, w, h)
	ps := ease(t / m.fadeTo)
	pe := 1 - ease((t-m.fadeIn)/(1-m.fadeIn))
	return layerPlan{
		sBg: sBg, sFg: cameraAt(w, h, m.zoomS*parallax, m.dirX, m.dirY, ps),
		eBg: eBg, eFg: cameraAt(w, h, m.zoomE*parallax, -m.dirX, -m.dirY, pe),
		mix: mix,
	}
}

// layeredSampler composites one frame's subject over its set, each through
// its own camera.
type layeredSampler struct{ bg, fg frameSampler }

// rgb returns the composite at output pixel (x, y) in 0..255·65536 fixed point.
// Where the subject layer is transparent (most of a frame) only the set is
// sampled.
func (s *layeredSampler) rgb(x, y int) (r, g, b int32) {
	br, bgc, bb := s.bg.rgb(x, int(s.bg.y.i0[y])*s.bg.img.Stride, int(s.bg.y.i1[y])*s.bg.img.Stride, s.bg.y.f[y])
	f0, f1 := int(s.fg.y.i0[y])*s.fg.img.Stride, int(s.fg.y.i1[y])*s.fg.img.Stride
	fa := s.fg.alpha(x, f0, f1, s.fg.y.f[y])
	if fa == 0 {
		return br, bgc, bb
	}
	fr, fg, fb := s.fg.rgb(x, f0, f1, s.fg.y.f[y])
	// The set shows through by keep/(255·65536); keep/255 is that share in
	// 1/65536ths, one division a pixel instead of one a channel.
	keep := ((255 << 16) - fa) / 255
	over := func(f, b int32) int32 { return f + int32((int64(b)*int64(keep)+1<<15)>>16) }
	return over(fr, br), over(fg, bgc), over(fb, bb)
}

// alpha is the bilinear alpha at output pixel x in 0..255·65536.
func (s *frameSampler) alpha(x, row0, row1 int, fy int32) int32 {
	p := s.img.Pix
	i0, i1 := row0+int(s.x.i0[x])*4+3, row0+int(s.x.i1[x])*4+3
	j0, j1 := row1+int(s.x.i0[x])*4+3, row1+int(s.x.i1[x])*4+3
	fx := s.x.f[x]
	top := int32(p[i0])*(256-fx) + int32(p[i1])*fx
	bot := int32(p[j0])*(256-fx) + int32(p[j1])*fx
	return top*(256-fy) + bot*fy
}

// drawLayeredFrame renders an inner frame of a layered clip as packed RGB.
func drawLayeredFrame(out []byte, a, b layers, lp layerPlan, workers int) {
	w, h := a.bg.Bounds().Dx(), a.bg.Bounds().Dy()
	sa := layeredSampler{bg: newFrameSampler(a.bg, lp.sBg), fg: newFrameSampler(a.fg, lp.sFg)}
	sb := layeredSampler{bg: newFrameSampler(b.bg, lp.eBg), fg: newFrameSampler(b.fg, lp.eFg)}
	k := int32(math.Round(lp.mix * 256))
	parallelRows(h, workers, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			j := y * w * 3
			for x := range w {
				var r, g, bl int32
				if k < 256 {
					r, g, bl = sa.rgb(x, y)
				}
				if k > 0 {
					er, eg, eb := sb.rgb(x, y)
					r, g, bl = blend(r, er, k), blend(g, eg, k), blend(bl, eb, k)
				}
				out[j], out[j+1], out[j+2] = fixedByte(r), fixedByte(g), fixedByte(bl)
				j += 3
			}
		}
	})
}

// packRGB writes a picture as packed RGB: the exact first and last frames.
func packRGB(out []byte, img *image.RGBA) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	for y := range h {
		row := img.Pix[img.PixOffset(0, y):]
		for x := range w {
			copy(out[(y*w+x)*3:(y*w+x)*3+3], row[x*4:x*4+3])
		}
	}
}
