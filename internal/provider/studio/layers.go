package studio

import (
	"image"
	"math"
)

// layerKeySide is the long side frames are keyed at to split them into
// layers; the matte is soft at this size, which suits a parallax layer.
const layerKeySide = 360

// layers is a frame split for a 2.5D move: the subject (premultiplied) and
// the set behind it with the subject's place filled in from around it.
// Composited without moving, fg + (1 − α)·bg gives the frame back.
type layers struct {
	fg, bg *image.RGBA
}

// splitLayers re-keys a frame into subject and set. The frames of a shoot
// come from the contact sheet as plain pictures, so the layers are
// recovered from the pixels, not carried along; a frame that cannot be
// separated (busy set, no clear subject) moves as one layer.
func splitLayers(img *image.RGBA) (layers, bool) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	k := math.Min(1, layerKeySide/float64(max(w, h)))
	sw, sh := max(16, int(float64(w)*k+0.5)), max(16, int(float64(h)*k+0.5))
	small := scaled(img, img.Bounds(), sw, sh)
	m := keyImage(small)
	if !m.ok {
		return layers{}, false
	}
	alpha := &grid{w: sw, h: sh, c: 1, pix: m.alpha}
	plate := fillPlate(small, m.alpha)
	fg := image.NewRGBA(img.Bounds())
	bg := image.NewRGBA(img.Bounds())
	kx, ky := float32(sw)/float32(w), float32(sh)/float32(h)
	var a [1]float32
	var c [3]float32
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+4 : i+4]
			alpha.sample((float32(x)+0.5)*kx, (float32(y)+0.5)*ky, a[:])
			al := clamp(a[0], 0, 1)
			b, f := bg.Pix[i:i+4:i+4], fg.Pix[i:i+4:i+4]
			b[3], f[3] = 255, toByte(255*al)
			if al < 1.0/255 {
				copy(b[:3], p[:3])
				continue
			}
			plate.sample((float32(x)+0.5)*kx, (float32(y)+0.5)*ky, c[:])
			for ch := range 3 {
				b[ch] = toByte(c[ch])
				f[ch] = toByte(clamp(float32(p[ch])-(1-al)*float32(b[ch]), 0, 255*al))
			}
		}
	}
	return layers{fg: fg, bg: bg}, true
}

// fillPlate fills the subject's place in a small frame with the set around
// it (a push-pull fill: average down to coarser levels where the set shows,
// then pull those averages back into the holes), so a subject moving
// against its set never uncovers a hole.
func fillPlate(img *image.RGBA, alpha []float32) *grid {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	g := newGrid(w, h, 4) // colour·weight, weight
	for y := range h {
		for x := range w {
			i := y*w + x
			wt := float32(0)
			if alpha[i] < 0.02 {
				wt = 1
			}
			p := img.Pix[img.PixOffset(x, y):]
			g.pix[4*i], g.pix[4*i+1], g.pix[4*i+2], g.pix[4*i+3] = float32(p[0])*wt, float32(p[1])*wt, float32(p[2])*wt, wt
		}
	}
	pushPull(g)
	out := newGrid(w, h, 3)
	for i := range w * h {
		wt := max(g.pix[4*i+3], 1e-6)
		for c := range 3 {
			out.pix[3*i+c] = g.pix[4*i+c] / wt
		}
	}
	return out
}

// pushPull fills the zero-weight pixels of a premultiplied 4-channel grid
// from a pyramid of halved copies.
func pushPull(g *grid) {
	if g.w <= 1 && g.h <= 1 {
		return
	}
	cw, ch := (g.w+1)/2, (g.h+1)/2
	coarse := newGrid(cw, ch, 4)
	for y := range g.h {
		for x := range g.w {
			for c := range 4 {
				coarse.pix[4*((y/2)*cw+x/2)+c] += g.pix[4*(y*g.w+x)+c]
			}
		}
	}
	pushPull(coarse)
	var s [4]float32
	for y := range g.h {
		for x := range g.w {
			i := 4 * (y*g.w + x)
			wt := g.pix[i+3]
			if wt >= 1 {
				continue
			}
			coarse.sample((float32(x)+0.5)/2, (float32(y)+0.5)/2, s[:])
			if s[3] <= 0 {
				continue
			}
			for c := range 4 {
				g.pix[i+c] += (1 - wt) * s[c] / s[3]
			}
		}
	}
}
