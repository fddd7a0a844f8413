package studio

import (
	"math"
	"math/rand/v2"
)

// paintConcrete paints board-formed concrete: stained, with formwork seams
// and tie holes in a grid, over a darker polished floor, lit from above.
func paintConcrete(g *grid, s scene, r *rand.Rand, seed uint32) {
	panelW, panelH := float32(between(r, 0.28, 0.4)), float32(between(r, 0.18, 0.26))
	offX := float32(r.Float64())
	px2h := 1 / float32(g.h) // one grid pixel in canvas-height units
	each(g, func(u, v float32, px []float32) {
		x, y := u*s.aspect, v
		stain := fbm(x*float32(g.h), y*float32(g.h), float32(g.h)/2.5, 4, seed)
		if v >= s.floorY {
			paintFloor(px, u, v, s, stain)
			return
		}
		base := 0.5 + 0.09*stain
		px0, py0 := (x+offX)/panelW, y/panelH
		fx, fy := px0-floor32(px0), py0-floor32(py0)
		seam := min(min(fx, 1-fx)*panelW, min(fy, 1-fy)*panelH)
		if seam < 1.2*px2h {
			base -= 0.1
		}
		if tieHole(fx*panelW, fy*panelH, panelW, panelH) {
			base -= 0.22
		}
		base *= lerp(0.72, 1, smoothstep(0, 0.55, v))
		px[0], px[1], px[2] = base*1.02, base, base*0.95
	})
	addLight(g, s, s.subjectX, 0.35, 0.45, [3]float32{0.1, 0.1, 0.09})
}

// tieHole reports whether a point (in canvas-height units, relative to its
// panel's corner) falls in one of the four form-tie holes of the panel.
func tieHole(x, y, w, h float32) bool {
	const radius = 0.007
	for _, c := range [][2]float32{{0.2, 0.25}, {0.8, 0.25}, {0.2, 0.75}, {0.8, 0.75}} {
		dx, dy := x-c[0]*w, y-c[1]*h
		if dx*dx+dy*dy < radius*radius {
			return true
		}
	}
	return false
}

// paintFloor is polished concrete: darker, with a sheen near the wall line.
func paintFloor(px []float32, u, v float32, s scene, stain float32) {
	depth := smoothstep(s.floorY, 1, v)
	sheen := 0.12 * (1 - smoothstep(s.floorY, s.floorY+0.12, v))
	base := 0.34 + 0.05*stain + sheen - 0.08*depth
	px[0], px[1], px[2] = base, base*0.98, base*0.95
}

// paintDaylight paints a warm plaster wall crossed by the slanted light of a
// paned window, over a plank floor.
func paintDaylight(g *grid, s scene, r *rand.Rand, seed uint32) {
	shear := float32(between(r, 0.25, 0.5) * sign(r))
	winX := float32(between(r, 0.1, 0.5)) * s.aspect
	winW, winH, winTop := float32(0.55), float32(0.5), float32(0.08)
	each(g, func(u, v float32, px []float32) {
		x := u * s.aspect
		tex := fbm(x*float32(g.h), v*float32(g.h), float32(g.h)/4, 3, seed) * 0.025
		if v >= s.floorY {
			plankFloor(px, u, v, s, tex)
			return
		}
		shade := lerp(0.78, 1, smoothstep(0, 0.6, v))
		wall := [3]float32{0.84 * shade, 0.71 * shade, 0.57 * shade}
		light := windowLight(x-(v-winTop)*shear-winX, v-winTop, winW, winH)
		for c, k := range [3]float32{0.3, 0.24, 0.13} {
			px[c] = wall[c] + tex + k*light
		}
	})
	side := float32(0.1)
	if shear < 0 {
		side = 0.9
	}
	addLight(g, s, side, 0.25, 0.6, [3]float32{0.1, 0.06, 0.02})
}

// windowLight is 1 inside the panes of a 2×3 window of size w×h at the
// origin and 0 on its mullions and outside.
func windowLight(x, y, w, h float32) float32 {
	if x < 0 || y < 0 || x > w || y > h {
		return 0
	}
	const bar = 0.014
	cx, cy := x/(w/2), y/(h/3)
	fx, fy := (cx-floor32(cx))*w/2, (cy-floor32(cy))*h/3
	if fx < bar || fy < bar {
		return 0
	}
	return 1
}

// plankFloor is a warm wooden floor whose boards converge in perspective.
func plankFloor(px []float32, u, v float32, s scene, tex float32) {
	depth := v - s.floorY + 0.04
	x := (u - 0.5) * s.aspect / depth * 0.1
	plank := floor32(x / 0.06)
	frac := x/0.06 - plank
	tone := 0.5 + 0.05*(float32(mix32(uint32(int32(plank)))&0xff)/255-0.5)
	if frac < 0.06 {
		tone -= 0.1
	}
	tone *= lerp(1, 0.75, smoothstep(s.floorY, 1, v))
	px[0], px[1], px[2] = tone+tex, tone*0.72+tex, tone*0.5+tex
}

// building is one facade of the street backdrop, spanning [x0, x1) across
// the width (fractions) with its roof at top (fraction of the height).
type building struct {
	x0, x1, top float32
	colour      [3]float32
	lit         uint32
}

var facades = [][3]float32{
	{0.36, 0.24, 0.22}, {0.42, 0.42, 0.46}, {0.16, 0.2, 0.28}, {0.5, 0.46, 0.44}, {0.26, 0.28, 0.34},
}

// paintStreet paints a city street at the blue hour seen through a long
// lens: a deep sky fading to a warm horizon, a row of facades with lit
// windows, a pavement, and out-of-focus street lights.
func paintStreet(g *grid, s scene, r *rand.Rand, seed uint32) {
	var row []building
	for x := float32(-0.05); x < 1; {
		w := float32(between(r, 0.08, 0.2))
		row = append(row, building{x0: x, x1: x + w, top: float32(between(r, 0.04, 0.36)),
			colour: facades[r.IntN(len(facades))], lit: r.Uint32()})
		x += w
	}
	const street = 0.7
	each(g, func(u, v float32, px []float32) {
		tex := fbm(u*float32(g.w), v*float32(g.h), float32(g.h)/6, 2, seed) * 0.03
		switch {
		case v >= street+0.06:
			a := lerp(0.2, 0.12, smoothstep(street, 1, v)) + tex
			px[0], px[1], px[2] = a, a*1.05, a*1.25
		case v >= street:
			px[0], px[1], px[2] = 0.4+tex, 0.4+tex, 0.44+tex
		default:
			facadeOrSky(px, u, v, s, row, street, tex)
		}
	})
	bokeh(g, s, r)
}

func facadeOrSky(px []float32, u, v float32, s scene, row []building, street, tex float32) {
	for _, b := range row {
		if u < b.x0 || u >= b.x1 || v < b.top {
			continue
		}
		c := b.colour
		wx := (u - b.x0) * s.aspect / 0.045
		wy := (v - b.top) / 0.06
		fx, fy := wx-floor32(wx), wy-floor32(wy)
		if fx > 0.3 && fx < 0.75 && fy > 0.3 && fy < 0.8 && v < street-0.08 {
			if hash2(int(wx), int(wy), b.lit)%3 == 0 {
				c = [3]float32{1, 0.82, 0.55}
			} else {
				c = scaleRGB(c, 0.55)
			}
		}
		px[0], px[1], px[2] = c[0]+tex, c[1]+tex, c[2]+tex
		return
	}
	haze := smoothstep(0, street, v)
	px[0], px[1], px[2] = lerp(0.2, 0.85, haze), lerp(0.3, 0.62, haze), lerp(0.58, 0.55, haze)
}

// bokeh adds discs of out-of-focus street light.
func bokeh(g *grid, s scene, r *rand.Rand) {
	warm, cool := [3]float32{0.5, 0.36, 0.18}, [3]float32{0.2, 0.38, 0.45}
	for range 28 {
		cu, cv := float32(r.Float64()), float32(between(r, 0.3, 0.72))
		rad := float32(between(r, 0.01, 0.035))
		col := warm
		if r.IntN(3) == 0 {
			col = cool
		}
		disc(g, s, cu, cv, rad, col)
	}
}

// disc adds a soft-edged disc of light (radius in canvas-height units),
// visiting only the pixels of its bounding box.
func disc(g *grid, s scene, cu, cv, rad float32, col [3]float32) {
	ry := rad * float32(g.h)
	cx, cy := cu*float32(g.w), cv*float32(g.h)
	for y := max(0, int(cy-ry)-1); y < min(g.h, int(cy+ry)+2); y++ {
		for x := max(0, int(cx-ry)-1); x < min(g.w, int(cx+ry)+2); x++ {
			dx, dy := float32(x)+0.5-cx, float32(y)+0.5-cy
			d := float32(math.Sqrt(float64(dx*dx+dy*dy))) / float32(g.h)
			k := 1 - smoothstep(rad*0.85, rad, d)
			i := g.at(x, y)
			for c := range 3 {
				g.pix[i+c] += col[c] * k
			}
		}
	}
}
