package studio

import (
	"math"
	"math/rand/v2"
	"strings"
)

// Background presets: the backdrops a brief or the user can choose.
const (
	StudioGrey   = "studio-grey"
	StudioWhite  = "studio-white"
	StudioBlack  = "studio-black"
	Industrial   = "industrial"
	WarmDaylight = "warm-daylight"
	ColorGel     = "color-gel"
	OutdoorUrban = "outdoor-urban"
)

// backdropKeywords map words of a free-form background to a preset, in
// order of precedence, so "a dark concrete loft" still gets a sensible set.
var backdropKeywords = []struct {
	preset string
	words  []string
}{
	{OutdoorUrban, []string{"urban", "street", "city", "outdoor"}},
	{Industrial, []string{"industrial", "concrete", "warehouse", "loft", "raw"}},
	{ColorGel, []string{"gel", "colour", "color", "neon", "vibrant"}},
	{WarmDaylight, []string{"daylight", "window", "warm", "sun"}},
	{StudioBlack, []string{"black", "dark", "low-key", "void"}},
	{StudioWhite, []string{"white", "high-key", "cyclorama"}},
	{StudioGrey, []string{"grey", "gray"}},
}

// backdropPreset resolves a background to one of the seven presets. Unknown
// text falls back on keywords and then on the default, studio-grey: the
// studio is a stand-in for a model that reads prose, so it must not refuse a
// description it cannot draw literally.
func backdropPreset(background string) string {
	b := strings.ToLower(strings.TrimSpace(background))
	for _, k := range backdropKeywords {
		if b == k.preset {
			return b
		}
	}
	for _, k := range backdropKeywords {
		for _, w := range k.words {
			if strings.Contains(b, w) {
				return k.preset
			}
		}
	}
	return StudioGrey
}

// scene is the layout a backdrop is painted for, in a low-resolution grid.
type scene struct {
	lw, lh   int     // grid size
	aspect   float32 // canvas width / height
	subjectX float32 // subject centre, fraction of the width
	floorY   float32 // where wall meets floor, fraction of the height
}

// paintBackdrop paints the preset into a new 3-channel grid and blurs it by
// the preset's depth of field.
func paintBackdrop(preset string, s scene, r *rand.Rand) *grid {
	g := newGrid(s.lw, s.lh, 3)
	seed := r.Uint32()
	blur := max(1, s.lh/200)
	switch preset {
	case StudioWhite:
		paintSweep(g, s, sweepWhite, seed)
	case StudioBlack:
		paintSweep(g, s, sweepBlack, seed)
	case Industrial:
		paintConcrete(g, s, r, seed)
	case WarmDaylight:
		paintDaylight(g, s, r, seed)
	case ColorGel:
		paintGel(g, s, r, seed)
	case OutdoorUrban:
		paintStreet(g, s, r, seed)
		blur = max(2, s.lh/70) // a long lens at f/2: the city melts
	default:
		paintSweep(g, s, sweepGrey, seed)
	}
	g.blur(blur)
	return g
}

// each calls fn for every grid pixel with its normalised position (u across,
// v down, both 0..1) and a pointer to its three channels.
func each(g *grid, fn func(u, v float32, px []float32)) {
	for y := range g.h {
		v := (float32(y) + 0.5) / float32(g.h)
		for x := range g.w {
			i := g.at(x, y)
			fn((float32(x)+0.5)/float32(g.w), v, g.pix[i:i+3:i+3])
		}
	}
}

// addLight adds a round pool of coloured light centred at (cu, cv) with a
// radius in units of the canvas height.
func addLight(g *grid, s scene, cu, cv, radius float32, col [3]float32) {
	each(g, func(u, v float32, px []float32) {
		dx, dy := (u-cu)*s.aspect, v-cv
		k := float32(math.Exp(float64(-(dx*dx + dy*dy) / (radius * radius))))
		for c := range 3 {
			px[c] += col[c] * k
		}
	})
}

// sweep is a seamless paper or painted-muslin backdrop: a wall that curves
// into the floor, a glow of the back light behind the subject, and a faint
// mottled texture.
type sweep struct {
	top, wall, floor, front [3]float32
	halo                    [3]float32
	texture                 float32
}

var (
	sweepGrey = sweep{
		top: [3]float32{0.36, 0.37, 0.39}, wall: [3]float32{0.55, 0.56, 0.57},
		floor: [3]float32{0.62, 0.62, 0.61}, front: [3]float32{0.5, 0.5, 0.5},
		halo: [3]float32{0.12, 0.12, 0.11}, texture: 0.035,
	}
	sweepWhite = sweep{
		top: [3]float32{0.88, 0.88, 0.87}, wall: [3]float32{0.95, 0.95, 0.94},
		floor: [3]float32{0.93, 0.93, 0.92}, front: [3]float32{0.84, 0.84, 0.83},
		halo: [3]float32{0.05, 0.05, 0.05}, texture: 0.008,
	}
	sweepBlack = sweep{
		top: [3]float32{0.02, 0.02, 0.025}, wall: [3]float32{0.06, 0.06, 0.07},
		floor: [3]float32{0.08, 0.08, 0.085}, front: [3]float32{0.02, 0.02, 0.02},
		halo: [3]float32{0.1, 0.1, 0.12}, texture: 0.012,
	}
)

func paintSweep(g *grid, s scene, sw sweep, seed uint32) {
	cell := float32(g.h) / 3
	each(g, func(u, v float32, px []float32) {
		wall := smoothstep(0, s.floorY, v)
		onFloor := smoothstep(s.floorY-0.04, s.floorY+0.06, v)
		front := smoothstep(s.floorY, 1, v)
		mottle := fbm(u*float32(g.w), v*float32(g.h), cell, 3, seed) * sw.texture
		dx, dy := (u-s.subjectX)*s.aspect, v-0.42
		glow := float32(math.Exp(float64(-(dx*dx + dy*dy) / 0.2)))
		for c := range 3 {
			w := lerp(sw.top[c], sw.wall[c], wall)
			f := lerp(sw.floor[c], sw.front[c], front)
			px[c] = lerp(w, f, onFloor) + mottle + sw.halo[c]*glow
		}
	})
}

// gelColours are saturated backdrop papers for the colour-gel preset.
var gelColours = [][3]float32{
	{0.86, 0.12, 0.42}, {0.05, 0.52, 0.72}, {0.95, 0.42, 0.06},
	{0.36, 0.16, 0.78}, {0.92, 0.76, 0.08}, {0.06, 0.58, 0.36},
}

// paintGel paints a bold paper lit by a complementary gel from one side.
func paintGel(g *grid, s scene, r *rand.Rand, seed uint32) {
	paper := gelColours[r.IntN(len(gelColours))]
	gel := gelColours[r.IntN(len(gelColours))]
	if gel == paper {
		gel = [3]float32{1 - paper[0], 1 - paper[1], 1 - paper[2]}
	}
	sw := sweep{
		top: scaleRGB(paper, 0.55), wall: paper, floor: scaleRGB(paper, 0.9), front: scaleRGB(paper, 0.6),
		halo: scaleRGB(paper, 0.35), texture: 0.02,
	}
	paintSweep(g, s, sw, seed)
	side := float32(0.02)
	if r.IntN(2) == 0 {
		side = 0.98
	}
	addLight(g, s, side, 0.3, 0.55, scaleRGB(gel, 0.55))
}

func scaleRGB(c [3]float32, k float32) [3]float32 { return [3]float32{c[0] * k, c[1] * k, c[2] * k} }
