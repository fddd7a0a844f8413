package studio

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// lowRes is how much smaller than the canvas backdrops and shadows are
// painted: they are soft, so a quarter of the size loses nothing.
const lowRes = 4

// renderHero composes an editorial hero: the subject (cut from the first
// reference, or drawn) on the backdrop of the background preset with its
// shadow, the other references pinned beside it as prints, and the house
// finish of flash, grade, vignette and grain.
func renderHero(req shoot.ImageRequest, refs []*image.RGBA, W, H, workers int) *image.RGBA {
	preset := backdropPreset(req.Background)
	layout := newRand(req.Seed, req.Prompt, "hero-layout")
	side := sign(layout)
	cx := 0.5 + between(layout, -0.04, 0.04)
	if len(refs) > 1 {
		cx = 0.5 + side*0.1
	}
	var sub subject
	if len(refs) > 0 {
		sub = subjectFromReference(refs[0], W, H, cx, workers)
	} else {
		sub = figureSubject(W, H, cx, newRand(req.Seed, req.Prompt, "figure"), workers)
	}
	s := scene{lw: (W + lowRes - 1) / lowRes, lh: (H + lowRes - 1) / lowRes,
		aspect: float32(W) / float32(H), subjectX: float32(cx), floorY: 0.7}
	bg := paintBackdrop(preset, s, newRand(req.Seed, req.Prompt, "backdrop"))
	castShadow(bg, sub, W, H, preset, side)
	canvas := image.NewRGBA(image.Rect(0, 0, W, H))
	upsample(canvas, bg, workers)
	composite(canvas, sub, workers)
	if len(refs) > 1 {
		pinPrints(canvas, refs[1:], -side, layout, workers)
	}
	l := presetLook(preset, newRand(req.Seed, req.Prompt, "look"))
	b := sub.layer.Bounds().Add(sub.at)
	l.flashX = (float32(b.Min.X) + float32(b.Dx())/2) / float32(W)
	l.flashY = (float32(b.Min.Y) + 0.3*float32(b.Dy())) / float32(H)
	finish(canvas, canvas.Bounds(), l, workers)
	return canvas
}

// upsample fills the canvas from a low-resolution 3-channel grid.
func upsample(canvas *image.RGBA, g *grid, workers int) {
	W, H := canvas.Bounds().Dx(), canvas.Bounds().Dy()
	kx, ky := float32(g.w)/float32(W), float32(g.h)/float32(H)
	parallelRows(H, workers, func(y0, y1 int) {
		var c [3]float32
		for y := y0; y < y1; y++ {
			i := canvas.PixOffset(0, y)
			for x := range W {
				g.sample((float32(x)+0.5)*kx, (float32(y)+0.5)*ky, c[:])
				p := canvas.Pix[i : i+4 : i+4]
				p[0], p[1], p[2], p[3] = toByte(c[0]*255), toByte(c[1]*255), toByte(c[2]*255), 255
				i += 4
			}
		}
	})
}

// shadowStrength is how dark the subject's cast shadow falls on each set;
// a distant city gets none, only the contact shadow at the feet.
var shadowStrength = map[string]float32{
	StudioGrey: 0.38, StudioWhite: 0.28, StudioBlack: 0.5, Industrial: 0.4,
	WarmDaylight: 0.32, ColorGel: 0.42, OutdoorUrban: 0,
}

// castShadow darkens the backdrop grid with the subject's shadow: its
// silhouette shifted away from the flash and blurred, plus a soft pool of
// shadow under the feet of a cut-out figure.
func castShadow(bg *grid, sub subject, W, H int, preset string, side float64) {
	sh := newGrid(bg.w, bg.h, 1)
	lw, lh := sub.layer.Bounds().Dx(), sub.layer.Bounds().Dy()
	offX, offY := int(side*0.03*float64(W)), int(-0.012*float64(H))
	kx, ky := float64(W)/float64(bg.w), float64(H)/float64(bg.h)
	strength := shadowStrength[preset]
	for y := range bg.h {
		for x := range bg.w {
			lx := int((float64(x)+0.5)*kx) - sub.at.X - offX
			ly := int((float64(y)+0.5)*ky) - sub.at.Y - offY
			if lx >= 0 && ly >= 0 && lx < lw && ly < lh {
				sh.pix[y*bg.w+x] = strength * float32(sub.layer.Pix[sub.layer.PixOffset(lx, ly)+3]) / 255
			}
		}
	}
	if sub.cutout {
		footShadow(sh, sub, kx, ky)
	}
	sh.blur(max(1, bg.h/80))
	for i, s := range sh.pix {
		for c := range 3 {
			bg.pix[i*3+c] *= 1 - min(s, 0.85)
		}
	}
}

// footShadow adds an elliptical contact shadow where the figure stands.
func footShadow(sh *grid, sub subject, kx, ky float64) {
	b := sub.layer.Bounds().Add(sub.at)
	cx, cy := (float64(b.Min.X)+float64(b.Dx())/2)/kx, float64(b.Max.Y)/ky-1
	rx, ry := float64(b.Dx())*0.45/kx, math.Max(1.5, float64(b.Dy())*0.022/ky)
	for y := range sh.h {
		for x := range sh.w {
			d := math.Hypot((float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry)
			if d < 1 {
				i := y*sh.w + x
				sh.pix[i] = max(sh.pix[i], float32(0.55*(1-d*d)))
			}
		}
	}
}

// pinPrints lays up to three more references beside the subject as small
// bordered prints, slightly rotated, with drop shadows — the mood-board
// accessories of an editorial layout.
func pinPrints(canvas *image.RGBA, refs []*image.RGBA, side float64, r *rand.Rand, workers int) {
	W, H := float64(canvas.Bounds().Dx()), float64(canvas.Bounds().Dy())
	n := min(len(refs), 3)
	for i, ref := range refs[:n] {
		card := printCard(ref, 0.2*W, 0.24*H)
		cw, ch := float64(card.Bounds().Dx()), float64(card.Bounds().Dy())
		px := (0.5 + side*0.36) * W
		py := (0.2 + 0.6*(float64(i)+0.5)/float64(n)) * H
		angle := deg(between(r, 1.5, 4)) * float64(1-2*(i%2))
		softShadow(canvas, px+0.006*W, py+0.01*H, cw/2, ch/2, angle, 0.012*H, 0.35)
		ext := math.Hypot(cw, ch)/2 + 2
		cam := camera{cx: cw / 2, cy: ch / 2, scale: 1, angle: -angle}
		drawOver(canvas, placement{src: card, toSrc: cam.toSource(px-ext, py-ext, 2*ext, 2*ext),
			area: rectF{px - ext, py - ext, px + ext, py + ext}, edgeAA: true, srcScale: 1}, workers)
	}
}

// printCard mounts a reference on an off-white border, fitting maxW×maxH.
func printCard(ref *image.RGBA, maxW, maxH float64) *image.RGBA {
	rw, rh := float64(ref.Bounds().Dx()), float64(ref.Bounds().Dy())
	k := math.Min(maxW/rw, maxH/rh)
	w, h := max(8, int(rw*k)), max(8, int(rh*k))
	border := max(2, min(w, h)/18)
	card := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(card, card.Bounds(), [3]float32{0.95, 0.94, 0.91})
	inner := image.Rect(border, border, w-border, h-border)
	if !inner.Empty() {
		pic := scaled(ref, coverRect(int(rw), int(rh), float64(inner.Dx()), float64(inner.Dy())), inner.Dx(), inner.Dy())
		composite(card, subject{layer: pic, at: inner.Min}, 1)
	}
	return card
}
