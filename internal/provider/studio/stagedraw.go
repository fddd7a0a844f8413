package studio

import (
	"image"
	"math"
)

// then composes two maps: first m, then n.
func (m affine) then(n affine) affine {
	return affine{
		a: n.a*m.a + n.b*m.d, b: n.a*m.b + n.b*m.e, c: n.a*m.c + n.b*m.f + n.c,
		d: n.d*m.a + n.e*m.d, e: n.d*m.b + n.e*m.e, f: n.d*m.c + n.e*m.f + n.f,
	}
}

// inverse inverts the map (cameras never degenerate, so it exists).
func (m affine) inverse() affine {
	det := m.a*m.e - m.b*m.d
	a, b, d, e := m.e/det, -m.b/det, -m.d/det, m.a/det
	return affine{a: a, b: b, c: -(a*m.c + b*m.f), d: d, e: e, f: -(d*m.c + e*m.f)}
}

// heroCamera sees the world exactly as the hero frames it.
func (st *stage) heroCamera() camera {
	return camera{cx: float64(st.W) / 2, cy: float64(st.H) / 2, scale: 1}
}

// render draws the stage through a camera onto a new w×h picture: the
// backdrop first, then every sprite, back to front.
func (st *stage) render(cam camera, w, h, workers int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	st.renderInto(dst, dst.Bounds(), cam, workers)
	return dst
}

// renderInto draws the stage through a camera into the area of dst.
func (st *stage) renderInto(dst *image.RGBA, area image.Rectangle, cam camera, workers int) {
	toWorld := cam.toSource(float64(area.Min.X), float64(area.Min.Y), float64(area.Dx()), float64(area.Dy()))
	k := 1 + 2*stageMargin
	toGrid := toWorld.then(affine{a: float64(st.bg.w) / (k * float64(st.W)), c: stageMargin / k * float64(st.bg.w),
		e: float64(st.bg.h) / (k * float64(st.H)), f: stageMargin / k * float64(st.bg.h)})
	parallelRows(area.Dy(), workers, func(r0, r1 int) {
		var c [3]float32
		for y := area.Min.Y + r0; y < area.Min.Y+r1; y++ {
			i := dst.PixOffset(area.Min.X, y)
			for x := area.Min.X; x < area.Max.X; x++ {
				gx, gy := toGrid.apply(float64(x)+0.5, float64(y)+0.5)
				st.bg.sample(float32(gx), float32(gy), c[:])
				p := dst.Pix[i : i+4 : i+4]
				p[0], p[1], p[2], p[3] = toByte(c[0]*255), toByte(c[1]*255), toByte(c[2]*255), 255
				i += 4
			}
		}
	})
	fromWorld := toWorld.inverse()
	for _, sp := range st.sprites {
		b := mapBox(sp.box, fromWorld)
		b = rectF{math.Max(b.x0, float64(area.Min.X)), math.Max(b.y0, float64(area.Min.Y)),
			math.Min(b.x1, float64(area.Max.X)), math.Min(b.y1, float64(area.Max.Y))}
		if b.w() <= 0 || b.h() <= 0 {
			continue
		}
		toSrc := toWorld.then(sp.toSrc)
		drawOver(dst, placement{src: sp.img, toSrc: toSrc, area: b, edgeAA: sp.edgeAA,
			srcScale: math.Max(math.Hypot(toSrc.a, toSrc.d), 1e-6)}, workers)
	}
}

// mapBox is the bounding box of a rectangle's corners under a map.
func mapBox(r rectF, m affine) rectF {
	out := rectF{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range [][2]float64{{r.x0, r.y0}, {r.x1, r.y0}, {r.x0, r.y1}, {r.x1, r.y1}} {
		x, y := m.apply(p[0], p[1])
		out.x0, out.y0 = math.Min(out.x0, x), math.Min(out.y0, y)
		out.x1, out.y1 = math.Max(out.x1, x), math.Max(out.y1, y)
	}
	return out
}
