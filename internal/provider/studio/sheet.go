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

// shot is one camera angle of the contact sheet, after the shot list of the
// contact-sheet prompt: where it looks (as fractions of the subject's box),
// how much of the subject's height it shows, how it is turned, and how its
// grade departs from the hero's.
type shot struct {
	fx, fy, cover, angle float64
	mirror               bool
	warmth, contrast     float32
	saturation, exposure float32
}

var shotList = [sheetRows * sheetCols]shot{
	{fx: 0.5, fy: 0.12, cover: 0.34, angle: -2, warmth: 0.15, contrast: 0.05, saturation: 1.05, exposure: 1.02},            // beauty portrait
	{fx: 0.45, fy: 0.38, cover: 0.85, angle: 1.5, mirror: true, warmth: -0.2, saturation: 1, exposure: 1},                  // high-angle three-quarter
	{fx: 0.5, fy: 0.55, cover: 1.12, angle: 3, contrast: 0.15, saturation: 1.1, exposure: 0.98},                            // low-angle full body
	{fx: 0.62, fy: 0.42, cover: 0.7, mirror: true, warmth: -0.05, saturation: 0.72, exposure: 1},                           // side-on compression
	{fx: 0.4, fy: 0.16, cover: 0.24, angle: -4, warmth: 0.3, saturation: 1.05, exposure: 1.06},                             // intimate close portrait
	{fx: 0.55, fy: 0.66, cover: 0.16, angle: 6, mirror: true, warmth: -0.15, contrast: 0.25, saturation: 1.1, exposure: 1}, // extreme detail
}

// maxZoom limits how far a shot magnifies the hero, so that the closest
// detail stays a photograph rather than a smear.
const maxZoom = 3

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

// renderSheet draws six framings of the hero (the first reference, or a
// studio hero drawn for the purpose) into a 2×3 contact sheet.
func renderSheet(req shoot.ImageRequest, refs []*image.RGBA, W, H, workers int) *image.RGBA {
	var hero *image.RGBA
	if len(refs) > 0 {
		hero = refs[0]
	} else {
		hr := req
		hr.Kind = shoot.ImageHero
		hero = renderHero(hr, nil, W, H, workers)
	}
	r := newRand(req.Seed, req.Prompt, "sheet-layout")
	l := layoutSheet(W, H, r)
	canvas := image.NewRGBA(image.Rect(0, 0, W, H))
	fill(canvas, canvas.Bounds(), l.colour)
	box := subjectBox(hero)
	base := look{exposure: 1, saturation: 1, contrast: 0.1, lift: 0.01, flashR: 1, vignette: 0.22, grain: 0.022}
	for i, cell := range l.cells {
		cam := shotCamera(shotList[i], box, cell, r)
		cam = cam.fit(float64(hero.Bounds().Dx()), float64(hero.Bounds().Dy()), cell.w(), cell.h())
		drawOver(canvas, placement{src: hero, toSrc: cam.toSource(cell.x0, cell.y0, cell.w(), cell.h()), area: cell}, workers)
		finish(canvas, inner(cell), shotLook(base, shotList[i], r), workers)
	}
	return canvas
}

// inner is the whole pixels of a cell: its anti-aliased edge pixels, which
// are part gutter, are left as drawn.
func inner(c rectF) image.Rectangle {
	return image.Rect(int(math.Ceil(c.x0)), int(math.Ceil(c.y0)), int(math.Floor(c.x1)), int(math.Floor(c.y1)))
}

// shotCamera aims a shot at the subject box, with a little seeded variation.
func shotCamera(s shot, box rectF, cell rectF, r *rand.Rand) camera {
	fx := s.fx + between(r, -0.04, 0.04)
	fy := s.fy + between(r, -0.03, 0.03)
	cover := s.cover * between(r, 0.92, 1.08)
	return camera{
		cx: box.x0 + fx*box.w(), cy: box.y0 + fy*box.h(),
		scale:  cover * box.h() / cell.h(),
		angle:  deg(s.angle + between(r, -1, 1)),
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

// subjectBox estimates where the subject of a picture is. Studio backdrops
// are smooth and subjects are not, so each pixel is marked salient when it
// differs clearly from a heavily blurred copy of the picture (a
// centre–surround measure); the subject is the largest connected salient
// region, so props and prints beside it do not drag the box away. A picture
// with nothing standing out gets a central portrait box.
func subjectBox(img *image.RGBA) rectF {
	W, H := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	k := math.Min(1, 160/math.Max(W, H))
	small := scaled(img, img.Bounds(), max(1, int(W*k)), max(1, int(H*k)))
	sw, sh := small.Bounds().Dx(), small.Bounds().Dy()
	salient := saliency(small)
	b, area := largestRegion(salient, sw, sh)
	if area < sw*sh/100 {
		return rectF{0.3 * W, 0.08 * H, 0.7 * W, 0.95 * H}
	}
	fx, fy := W/float64(sw), H/float64(sh)
	return rectF{float64(b.Min.X) * fx, float64(b.Min.Y) * fy, float64(b.Max.X) * fx, float64(b.Max.Y) * fy}
}

// saliency marks the pixels of a small picture that differ from their
// blurred surroundings by more than a clear step.
func saliency(small *image.RGBA) []bool {
	sw, sh := small.Bounds().Dx(), small.Bounds().Dy()
	sharp := newGrid(sw, sh, 3)
	for i := range sw * sh {
		for c := range 3 {
			sharp.pix[i*3+c] = float32(small.Pix[i*4+c])
		}
	}
	soft := &grid{w: sw, h: sh, c: 3, pix: append([]float32(nil), sharp.pix...)}
	soft.blur(max(2, max(sw, sh)/12))
	out := make([]bool, sw*sh)
	for i := range out {
		var d float32
		for c := range 3 {
			d = max(d, abs32(sharp.pix[i*3+c]-soft.pix[i*3+c]))
		}
		out[i] = d > 24
	}
	return out
}

// largestRegion returns the bounding box and size of the largest
// 8-connected region of set pixels.
func largestRegion(set []bool, w, h int) (image.Rectangle, int) {
	seen := make([]bool, len(set))
	var best image.Rectangle
	bestArea := 0
	var stack []int
	for start := range set {
		if !set[start] || seen[start] {
			continue
		}
		var b image.Rectangle
		area := 0
		seen[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			area++
			b = b.Union(image.Rect(x, y, x+1, y+1))
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if j := ny*w + nx; set[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if area > bestArea {
			best, bestArea = b, area
		}
	}
	return best, bestArea
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
