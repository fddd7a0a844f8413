package studio

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// stageMargin is how far past the hero's edges the backdrop is painted (a
// fraction of each side), so a camera pulled back for a full-length shot
// still sees set, not void.
const stageMargin = 0.3

// sprite is a cut-out placed in the world: world coordinates map to its
// pixels through toSrc, and it covers box.
type sprite struct {
	img    *image.RGBA
	toSrc  affine
	box    rectF
	edgeAA bool
}

// stage is the previz set: the backdrop with the shadows on it, the model
// and what was placed on her, in world coordinates (the hero's pixels). The
// hero is the stage seen whole; every contact-sheet cell is the same stage
// seen through a camera aimed at a known part of the subject.
type stage struct {
	W, H    int
	preset  string
	bg      *grid // backdrop over the world widened by stageMargin
	sprites []sprite
	subject rectF // the model's box
	head    rectF // the head, for the portraits
	detail  rectF // a garment or accessory region, for the detail shot
	look    look
	notes   previzNotes
}

// previzNotes is what the studio tells the manifest about a previz: how
// each reference was used and what could not be separated.
type previzNotes struct {
	Subject    string          `json:"subject"`
	Pose       string          `json:"pose"`
	Backdrop   string          `json:"backdrop"`
	Placements []placementNote `json:"placements,omitempty"`
	Fallbacks  []string        `json:"fallbacks,omitempty"`
}

// placementNote records where one garment or accessory went: "eyes",
// "hand", "body", or "inset" (a styled flat-lay beside the model).
type placementNote struct {
	Reference int    `json:"reference"`
	Kind      string `json:"kind"`
	Placed    string `json:"placed"`
}

// pose is how the pose preset moves the model on the set.
type pose struct {
	name         string
	cx, foot, ht float64 // centre (fraction of width), foot line and height (fractions of height)
}

// poseCues map the pose preset's words, as they reach the prompt, to a
// position; the first match wins.
var poseCues = []struct {
	words []string
	p     pose
}{
	{[]string{"seated", "sitting", "plinth"}, pose{name: "seated", cx: 0.5, foot: 0.93, ht: 0.66}},
	{[]string{"leaning a shoulder", "leaning back", "against a wall", "railing"}, pose{name: "leaning", cx: 0.34, foot: 0.95, ht: 0.84}},
	{[]string{"walking", "mid-stride"}, pose{name: "walking", cx: 0.44, foot: 0.97, ht: 0.9}},
	{[]string{"sculptural", "sharp angles"}, pose{name: "drama", cx: 0.6, foot: 0.96, ht: 0.88}},
	{[]string{"candid", "in-between"}, pose{name: "relaxed", cx: 0.56, foot: 0.94, ht: 0.8}},
}

func poseOf(prompt string) pose {
	p := strings.ToLower(prompt)
	for _, c := range poseCues {
		for _, w := range c.words {
			if strings.Contains(p, w) {
				return c.p
			}
		}
	}
	return pose{name: "standing", cx: 0.5, foot: 0.95, ht: 0.86}
}

// buildStage lays out the previz of a request on a W×H world.
func buildStage(seed int64, prompt, background string, refs []*image.RGBA, W, H int) *stage {
	st := &stage{W: W, H: H, preset: backdropPreset(background)}
	r := newRand(seed, prompt, "hero-layout")
	ps := poseOf(prompt)
	cx := ps.cx + between(r, -0.03, 0.03)
	if len(refs) > 1 && ps.name == "standing" { // leave room for an inset
		cx += sign(r) * 0.08
	}
	st.notes = previzNotes{Pose: ps.name, Backdrop: st.preset}
	model := modelCutout(seed, prompt, refs, st)
	box := figureBox(float64(model.layer.Bounds().Dx()), float64(model.layer.Bounds().Dy()), W, H, cx, ps.foot, ps.ht)
	ms := spriteAt(model.layer, toRectF(box))
	st.sprites = append(st.sprites, ms)
	st.subject = worldBox(model.mask, ms.box)
	an := anatomy{}
	if model.kind == kindModel {
		an = findAnatomy(model.mask)
	}
	st.head = headBox(an, st.subject, ms.box)
	var rest []cutout
	for i := 1; i < min(len(refs), maxHeroReferences); i++ {
		rest = append(rest, cutReference(refs[i], i+1)...)
	}
	st.placeAll(rest, an, ms.box, r)
	st.paintSet(r, model, ms, cx)
	st.look = presetLook(st.preset, newRand(seed, prompt, "look"))
	st.look.flash *= 0.5 // a previz keeps the garments' colours readable
	st.look.flashX = float32((st.subject.x0 + st.subject.w()/2) / float64(W))
	st.look.flashY = float32((st.subject.y0 + 0.3*st.subject.h()) / float64(H))
	return st
}

// modelCutout separates the first reference, or draws a figure when there
// is none; a model that cannot be separated is shown in an arch.
func modelCutout(seed int64, prompt string, refs []*image.RGBA, st *stage) cutout {
	if len(refs) == 0 {
		st.notes.Subject = "drawn figure (no reference)"
		layer := drawFigure(figureParts(newRand(seed, prompt, "figure")), 420, 1000, 1)
		return cutout{layer: layer, mask: alphaGrid(layer, 4), kind: kindModel}
	}
	c := cutReference(refs[0], 1)[0]
	if c.note == "" {
		st.notes.Subject = "reference 1, separated from its backdrop"
		return c
	}
	st.notes.Fallbacks = append(st.notes.Fallbacks, strings.Replace(c.note, "the whole picture", "the whole picture in an arch", 1))
	st.notes.Subject = "reference 1, whole, in an arch"
	archCut(&c)
	return c
}

// archCut turns an opaque picture into an arch-shaped print.
func archCut(c *cutout) {
	rw, rh := float64(c.layer.Bounds().Dx()), float64(c.layer.Bounds().Dy())
	aspect := clamp64(rw/rh, 0.62, 0.85)
	crop := coverRect(int(rw), int(rh), aspect, 1)
	c.layer = scaled(c.layer, crop, crop.Dx(), crop.Dy())
	fw, fh := float64(crop.Dx()), float64(crop.Dy())
	feather := math.Max(1.5, 0.012*fh)
	applyAlpha(c.layer, 1, func(x, y int) float32 {
		d := archDist(float64(x)+0.5, float64(y)+0.5, fw, fh)
		return 1 - smoothstep(-float32(feather), float32(feather), float32(d))
	})
	c.mask = alphaGrid(c.layer, 4)
	c.kind = kindOther
}

// alphaGrid samples a layer's alpha every step pixels.
func alphaGrid(img *image.RGBA, step int) *grid {
	w, h := max(1, img.Bounds().Dx()/step), max(1, img.Bounds().Dy()/step)
	g := newGrid(w, h, 1)
	for y := range h {
		for x := range w {
			g.pix[y*w+x] = float32(img.Pix[img.PixOffset(x*step+step/2, y*step+step/2)+3]) / 255
		}
	}
	return g
}

func toRectF(r image.Rectangle) rectF {
	return rectF{float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)}
}

// spriteAt places a picture to fill a world rectangle.
func spriteAt(img *image.RGBA, at rectF) sprite {
	kx, ky := float64(img.Bounds().Dx())/at.w(), float64(img.Bounds().Dy())/at.h()
	return sprite{img: img, box: at, toSrc: affine{a: kx, c: -at.x0 * kx, e: ky, f: -at.y0 * ky}}
}

// worldBox maps the confident part of a mask laid over a world rectangle.
func worldBox(mask *grid, at rectF) rectF {
	b := maskBox(mask.pix, mask.w, mask.h)
	if b.Empty() {
		return at
	}
	kx, ky := at.w()/float64(mask.w), at.h()/float64(mask.h)
	return rectF{at.x0 + float64(b.Min.X)*kx, at.y0 + float64(b.Min.Y)*ky, at.x0 + float64(b.Max.X)*kx, at.y0 + float64(b.Max.Y)*ky}
}

// headBox is the head and hair, from the anatomy or, without one, the top
// sixth of the subject.
func headBox(an anatomy, subject, at rectF) rectF {
	if !an.ok {
		return rectF{subject.x0 + 0.3*subject.w(), subject.y0, subject.x1 - 0.3*subject.w(), subject.y0 + subject.h()/6}
	}
	ex, hw := at.x0+an.eyeX*at.w(), an.headW*at.w()
	return rectF{ex - 0.75*hw, subject.y0, ex + 0.75*hw, at.y0 + an.shoulderY*at.h()}
}

func (n previzNotes) String() string {
	return fmt.Sprintf("subject %s, pose %s, backdrop %s, %d placements, %d fallbacks", n.Subject, n.Pose, n.Backdrop, len(n.Placements), len(n.Fallbacks))
}
