package studio

import (
	"math"
	"math/rand/v2"
)

// toGrid maps world coordinates to the stage's backdrop grid.
func (st *stage) toGrid(wx, wy float64) (float64, float64) {
	k := 1 + 2*stageMargin
	return (wx/float64(st.W) + stageMargin) / k * float64(st.bg.w), (wy/float64(st.H) + stageMargin) / k * float64(st.bg.h)
}

// fromGrid maps a grid pixel centre to world coordinates.
func (st *stage) fromGrid(gx, gy int) (float64, float64) {
	k := 1 + 2*stageMargin
	return ((float64(gx)+0.5)/float64(st.bg.w)*k - stageMargin) * float64(st.W),
		((float64(gy)+0.5)/float64(st.bg.h)*k - stageMargin) * float64(st.H)
}

// paintSet paints the backdrop over the widened world and lays the model's
// shadows on it: the floor shadow kept from the reference, a shadow cast
// away from the flash, and a soft contact shadow at the feet.
func (st *stage) paintSet(r *rand.Rand, model cutout, ms sprite, cx float64) {
	k := 1 + 2*stageMargin
	s := scene{lw: int(math.Ceil(float64(st.W) * k / lowRes)), lh: int(math.Ceil(float64(st.H) * k / lowRes)),
		aspect: float32(st.W) / float32(st.H), subjectX: float32((cx + stageMargin) / k), floorY: float32((0.7 + stageMargin) / k)}
	st.bg = paintBackdrop(st.preset, s, newRand(int64(r.Uint64()), "", "backdrop"))
	sh := newGrid(st.bg.w, st.bg.h, 1)
	strength := shadowStrength[st.preset]
	side := sign(r)
	offX, offY := side*0.03*float64(st.W), -0.012*float64(st.H)
	var a [1]float32
	for gy := range sh.h {
		for gx := range sh.w {
			wx, wy := st.fromGrid(gx, gy)
			v := float32(0)
			if mx, my := maskCoords(model.mask, ms.box, wx-offX, wy-offY); mx >= 0 {
				model.mask.sample(mx, my, a[:])
				v = strength * a[0]
			}
			if model.shadow != nil {
				kx, ky := ms.box.w()/float64(model.layer.Bounds().Dx()), ms.box.h()/float64(model.layer.Bounds().Dy())
				b := rectF{ms.box.x0 + model.shadowBox.x0*kx, ms.box.y0 + model.shadowBox.y0*ky, ms.box.x0 + model.shadowBox.x1*kx, ms.box.y0 + model.shadowBox.y1*ky}
				if mx, my := maskCoords(model.shadow, b, wx, wy); mx >= 0 {
					model.shadow.sample(mx, my, a[:])
					v = max(v, a[0])
				}
			}
			sh.pix[gy*sh.w+gx] = v
		}
	}
	st.contactShadow(sh)
	sh.blur(max(1, sh.h/90))
	for i, v := range sh.pix {
		for c := range 3 {
			st.bg.pix[i*3+c] *= 1 - min(v, 0.85)
		}
	}
}

// maskCoords maps a world point into a grid laid over box, or −1 outside.
func maskCoords(g *grid, box rectF, wx, wy float64) (float32, float32) {
	if wx < box.x0 || wy < box.y0 || wx >= box.x1 || wy >= box.y1 {
		return -1, -1
	}
	return float32((wx - box.x0) / box.w() * float64(g.w)), float32((wy - box.y0) / box.h() * float64(g.h))
}

// contactShadow adds the soft pool of shadow where the subject stands.
func (st *stage) contactShadow(sh *grid) {
	b := st.subject
	cx, cy := b.x0+b.w()/2, b.y1
	rx, ry := 0.5*b.w(), math.Max(3, 0.025*b.h())
	for gy := range sh.h {
		for gx := range sh.w {
			wx, wy := st.fromGrid(gx, gy)
			d := math.Hypot((wx-cx)/rx, (wy-cy)/ry)
			if d < 1 {
				i := gy*sh.w + gx
				sh.pix[i] = max(sh.pix[i], float32(0.5*(1-d*d)))
			}
		}
	}
}
