// Package refgen draws reference photographs with exact truth: a model, a
// garment, sunglasses or a bag of random shapes and colours on a plain or
// gradient backdrop whose colour is only ΔE 8–40 away, with the hard parts
// of real product and model shots — holes between arm and body, hair-like
// strands, thin straps and soft floor shadows that are not subject.
//
// It is a test oracle: it knows nothing of any keyer and imports nothing
// from the code it checks.
package refgen

import (
	"image"
	"math"
	"math/rand/v2"
)

// Kind is what a reference shows.
type Kind string

// The kinds of reference.
const (
	Model   Kind = "model"
	Garment Kind = "garment"
	Eyewear Kind = "eyewear"
	Bag     Kind = "bag"
)

// Ref is a generated reference and its truth.
type Ref struct {
	Kind  Kind
	Image *image.RGBA
	// Truth is the subject mask, row-major: true where the subject covers at
	// least half the pixel. Shadows are not subject.
	Truth []bool
	// Box is the bounding box of Truth.
	Box image.Rectangle
	// DeltaE is the CIE76 difference between the main subject colour and
	// the backdrop behind the subject's centre.
	DeltaE float64
	// Eyes (between the eyes) and Hand (the free hand) are set for models.
	Eyes, Hand image.Point
	// Shadow reports whether a floor shadow was drawn.
	Shadow bool
}

// New draws one reference of the kind from the seed.
func New(seed uint64, kind Kind) Ref {
	r := rand.New(rand.NewPCG(seed, uint64(len(kind))*0x9e3779b97f4a7c15))
	switch kind {
	case Model:
		return model(r)
	case Eyewear:
		return eyewear(r)
	case Bag:
		return bag(r)
	}
	return garment(r)
}

// Set draws the references of one shoot: a model and one to three
// garments or accessories.
func Set(seed uint64) []Ref {
	r := rand.New(rand.NewPCG(seed, 7))
	refs := []Ref{New(r.Uint64(), Model)}
	others := []Kind{Garment, Eyewear, Bag}
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	for _, k := range others[:1+r.IntN(3)] {
		refs = append(refs, New(r.Uint64(), k))
	}
	return refs
}

func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// randomBackdrop draws a backdrop: light or mid neutrals and pastels most of
// the time, sometimes saturated or dark; plain or a gentle gradient.
func randomBackdrop(r *rand.Rand) backdrop {
	var l Lab
	for {
		l = Lab{between(r, 25, 95), between(r, -14, 14), between(r, -10, 22)}
		if r.IntN(5) == 0 {
			l.A, l.B = between(r, -40, 40), between(r, -40, 40)
		}
		if _, ok := ToRGB(l); ok {
			break
		}
	}
	a, _ := ToRGB(l)
	bd := backdrop{a: a, b: a}
	if r.IntN(10) < 6 { // a gradient spanning up to ΔE 10
		ang := r.Float64() * 2 * math.Pi
		bd.dirX, bd.dirY = math.Cos(ang), math.Sin(ang)
		bd.b = colourAway(r, []RGB{a}, 2, 10)
		bd.vignette = between(r, 0, 0.08)
	}
	return bd
}

// pick chooses the main subject colour ΔE 8–40 from the backdrop at
// (x, y) and at least ΔE 8 from the backdrop anywhere in b.
func pick(r *rand.Rand, bd backdrop, w, h int, x, y float64, b box) (RGB, float64) {
	avoid := []RGB{bd.at(w, h, x, y)}
	for _, p := range [][2]float64{{b.x0, b.y0}, {b.x1, b.y0}, {b.x0, b.y1}, {b.x1, b.y1}} {
		avoid = append(avoid, bd.at(w, h, math.Max(0, math.Min(float64(w), p[0])), math.Max(0, math.Min(float64(h), p[1]))))
	}
	c := colourAway(r, avoid, 8, 40)
	return c, DeltaE(c, avoid[0])
}

// other is a secondary colour (skin, hair, lenses), clearly off the backdrop.
func other(r *rand.Rand, bd backdrop, w, h int) RGB {
	return colourAway(r, []RGB{bd.a, bd.b}, 18, 70)
}

func result(kind Kind, c *canvas, r *rand.Rand, dE float64, shadow bool) Ref {
	img, truth := c.finish(r, between(r, 0.5, 3))
	b := image.Rectangle{Min: image.Pt(c.w, c.h)}
	for i, t := range truth {
		if t {
			x, y := i%c.w, i/c.w
			b = b.Union(image.Rect(x, y, x+1, y+1))
		}
	}
	return Ref{Kind: kind, Image: img, Truth: truth, Box: b, DeltaE: dE, Shadow: shadow}
}
