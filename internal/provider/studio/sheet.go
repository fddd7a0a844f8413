package studio

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Sheet layout: 2 rows × 3 columns, like the hosted model's contact sheets.
const (
	sheetRows = 2
	sheetCols = 3
)

// shot is one framing of the contact sheet, after the shot list of the
// contact-sheet prompt: which part of the subject it frames, what share of
// the frame's height that part spans, where it sits, how the camera is
// turned, and how the grade departs from the hero's.
type shot struct {
	name                 string
	region               string  // "portrait", "three-quarter", "full", "head" or "detail"
	share                float64 // of the frame height the region spans
	fy                   float64 // where the region's centre sits, fraction of the frame height
	angle                float64 // degrees
	mirror               bool
	warmth, contrast     float32
	saturation, exposure float32
}

// shotList frames the subject six ways. The shares are what the previz
// promises: the beauty portrait's head and shoulders fill 85 % of the
// frame's height; the high three-quarter's head-to-knee 92 %; the low
// oblique full body 84 %; the side-on long lens 62 % (more set, flattened);
// the close portrait's head 70 % from a tilted, unexpected height; the
// extreme detail's garment or accessory region 85 %.
var shotList = [sheetRows * sheetCols]shot{
	{name: "beauty portrait", region: "portrait", share: 0.85, fy: 0.5, angle: -2, warmth: 0.15, contrast: 0.05, saturation: 1.05, exposure: 1.02},
	{name: "high three-quarter", region: "three-quarter", share: 0.92, fy: 0.52, angle: 1.5, mirror: true, warmth: -0.2, saturation: 1, exposure: 1},
	{name: "low oblique full body", region: "full", share: 0.84, fy: 0.46, angle: 3, contrast: 0.15, saturation: 1.1, exposure: 0.98},
	{name: "side-on long lens", region: "full", share: 0.62, fy: 0.5, mirror: true, warmth: -0.05, saturation: 0.72, exposure: 1},
	{name: "close portrait from an unexpected height", region: "head", share: 0.7, fy: 0.56, angle: -9, warmth: 0.3, saturation: 1.05, exposure: 1.06},
	{name: "extreme detail", region: "detail", share: 0.85, fy: 0.5, angle: 6, mirror: true, warmth: -0.15, contrast: 0.25, saturation: 1.1, exposure: 1},
}

// sheetLayout is where the cells of a sheet fall.
type sheetLayout struct {
	gutter  float64
	margins [4]float64 // left, top, right, bottom
	colour  [3]float32
	cells   [sheetRows * sheetCols]rectF
}

// layoutSheet draws a layout the way image models draw sheets: a flat
// off-white or near-black gutter of 10–40 px (at 2K), outer margins of four
// different widths, and cells whose edges wander by up to ±4 px — so the
// grid cropper has to find the gutters rather than divide evenly.
func layoutSheet(W, H int, r *rand.Rand) sheetLayout {
	s := clamp64(float64(max(W, H))/2528, 0.4, 1)
	var l sheetLayout
	l.gutter = math.Round(10 + r.Float64()*30*s)
	for i := range l.margins {
		l.margins[i] = math.Round(between(r, 0.3, 1.6) * l.gutter)
		for slices.Contains(l.margins[:i], l.margins[i]) { // four different widths
			l.margins[i]++
		}
	}
	if r.Float64() < 0.55 {
		v := float32(between(r, 0.93, 0.98))
		l.colour = [3]float32{v, v - 0.01, v - 0.035}
	} else {
		v := float32(between(r, 0.04, 0.09))
		l.colour = [3]float32{v, v, v + 0.005}
	}
	jitter := math.Min(4, (l.gutter-6)/2)
	cw := (float64(W) - l.margins[0] - l.margins[2] - float64(sheetCols-1)*l.gutter) / sheetCols
	ch := (float64(H) - l.margins[1] - l.margins[3] - float64(sheetRows-1)*l.gutter) / sheetRows
	for i := range l.cells {
		x := l.margins[0] + float64(i%sheetCols)*(cw+l.gutter)
		y := l.margins[1] + float64(i/sheetCols)*(ch+l.gutter)
		j := func() float64 { return between(r, -jitter, jitter) }
		l.cells[i] = rectF{x + j(), y + j(), x + cw + j(), y + ch + j()}
	}
	return l
}

// renderSheet draws six framings of the previz into a 2×3 contact sheet.
// The stage is rebuilt from the hero's recipe and the references, so every
// cell is a fresh render aimed at the subject rather than an enlargement.
func renderSheet(req shoot.ImageRequest, st *stage, W, H, workers int) *image.RGBA {
	r := newRand(req.Seed, req.Prompt, "sheet-layout")
	l := layoutSheet(W, H, r)
	canvas := image.NewRGBA(image.Rect(0, 0, W, H))
	fill(canvas, canvas.Bounds(), l.colour)
	base := look{exposure: 1, saturation: 1, contrast: 0.1, lift: 0.01, flashR: 1, vignette: 0.22, grain: 0.022}
	for i, cell := range l.cells {
		area := inner(cell)
		cam := st.shotCamera(shotList[i], float64(area.Dx()), float64(area.Dy()), r)
		st.renderInto(canvas, area, cam, workers)
		finish(canvas, area, shotLook(base, shotList[i], r), workers)
	}
	return canvas
}

// inner is the whole pixels of a cell: its anti-aliased edge pixels, which
// are part gutter, are left as drawn.
func inner(c rectF) image.Rectangle {
	return image.Rect(int(math.Ceil(c.x0)), int(math.Ceil(c.y0)), int(math.Floor(c.x1)), int(math.Floor(c.y1)))
}

// region is the part of the stage a shot frames.
func (st *stage) region(name string) rectF {
	s, h := st.subject, st.head
	switch name {
	case "portrait":
		cx, hw := h.x0+h.w()/2, 1.2*h.w()
		return rectF{cx - hw, h.y0, cx + hw, h.y1 + 0.45*h.h()}
	case "three-quarter":
		return rectF{s.x0, s.y0, s.x1, s.y0 + 0.78*s.h()}
	case "head":
		return h
	case "detail":
		return st.detail
	}
	return s
}

// shotCamera aims a shot at its region: the region's height spans the
// shot's share of a w×h frame, centred across and at fy down, with a little
// seeded variation in the turn.
func (st *stage) shotCamera(s shot, w, h float64, r *rand.Rand) camera {
	reg := st.region(s.region)
	scale := reg.h() / (s.share * h)
	if reg.w()/scale > 0.96*w { // a wide region fits the width instead
		scale = reg.w() / (0.96 * w)
	}
	return camera{
		cx: reg.x0 + reg.w()/2, cy: reg.y0 + reg.h()/2 + (0.5-s.fy)*h*scale,
		scale:  scale,
		angle:  deg(s.angle + between(r, -0.5, 0.5)),
		mirror: s.mirror,
	}
}

func shotLook(base look, s shot, r *rand.Rand) look {
	l := base
	l.temp += s.warmth
	l.contrast += s.contrast
	l.saturation *= s.saturation
	l.exposure *= s.exposure
	l.grainSeed = r.Uint32()
	return l
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
