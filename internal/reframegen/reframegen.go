// Package reframegen draws test films for reframing: a figure on a studio
// backdrop whose bounding box is known exactly, in shots that put it in
// the middle, walking along one side (side-on), walking across the whole
// frame (walk), or close up (detail). It shares no code with the reframing
// it tests.
package reframegen

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Box is the figure's bounding box in pixels.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Shot kinds.
const (
	Centre = "centre"
	SideOn = "side-on"
	Detail = "detail"
	// Walk crosses the frame from one side to the other, so a narrow crop
	// has to pan to keep the figure.
	Walk = "walk"
)

// Film is a drawn film.
type Film struct {
	Frames []*image.RGBA
	Truth  []Box
	Kinds  []string // each frame's shot kind
	Cuts   []int    // first frame of every shot after the first
}

// Generate draws shots of frames each at w×h, kinds in order, seeded.
func Generate(w, h, frames int, kinds []string, seed uint64) Film {
	r := rand.New(rand.NewPCG(seed, 0xf11))
	var f Film
	for s, kind := range kinds {
		if s > 0 {
			f.Cuts = append(f.Cuts, len(f.Frames))
		}
		bg := color.RGBA{uint8(150 + r.IntN(80)), uint8(150 + r.IntN(80)), uint8(150 + r.IntN(80)), 255}
		fig := color.RGBA{uint8(20 + r.IntN(60)), uint8(20 + r.IntN(60)), uint8(40 + r.IntN(80)), 255}
		fh := 0.8 * float64(h)
		var x0, x1 float64 // figure centre at the first and last frame
		switch kind {
		case SideOn:
			fh = 0.75 * float64(h)
			if r.IntN(2) == 0 {
				x0, x1 = 0.12*float64(w), 0.22*float64(w)
			} else {
				x0, x1 = 0.88*float64(w), 0.76*float64(w)
			}
		case Walk:
			fh = 0.75 * float64(h)
			x0, x1 = 0.2*float64(w), 0.8*float64(w)
			if r.IntN(2) == 0 {
				x0, x1 = x1, x0
			}
		case Detail:
			fh = 1.5 * float64(h) // close up: the figure runs off the frame
			x0 = (0.35 + 0.3*r.Float64()) * float64(w)
			x1 = x0 + (r.Float64()-0.5)*0.05*float64(w)
		default:
			x0 = (0.45 + 0.1*r.Float64()) * float64(w)
			x1 = x0
		}
		for i := range frames {
			t := float64(i) / math.Max(1, float64(frames-1))
			ease := t * t * (3 - 2*t) // the figure starts and stops gently
			cx := x0 + (x1-x0)*ease
			img, box := draw(w, h, cx, fh, bg, fig, r)
			f.Frames = append(f.Frames, img)
			f.Truth = append(f.Truth, box)
			f.Kinds = append(f.Kinds, kind)
		}
	}
	return f
}

// draw paints the backdrop (a soft vertical gradient with grain) and a
// figure fh tall centred at cx: a head, a torso and legs.
func draw(w, h int, cx, fh float64, bg, fig color.RGBA, r *rand.Rand) (*image.RGBA, Box) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top := float64(h) - 0.05*float64(h) - fh
	head := fh * 0.13
	torsoW, legsW := fh*0.28, fh*0.2
	box := Box{X0: math.Max(0, cx-torsoW/2), Y0: math.Max(0, top), X1: math.Min(float64(w), cx+torsoW/2), Y1: math.Min(float64(h), top+fh)}
	for y := range h {
		shade := 1 - 0.15*float64(y)/float64(h)
		for x := range w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			in := false
			switch {
			case fy >= top && fy < top+head:
				dx, dy := fx-cx, fy-(top+head/2)
				in = dx*dx+dy*dy <= sqr(head/2)
			case fy >= top+head && fy < top+0.55*fh:
				in = math.Abs(fx-cx) <= torsoW/2
			case fy >= top+0.55*fh && fy < top+fh:
				in = math.Abs(fx-cx) <= legsW/2
			}
			grain := r.NormFloat64() * 4
			c := bg
			k := shade
			if in {
				c, k = fig, 1
			}
			img.SetRGBA(x, y, color.RGBA{clamp(float64(c.R)*k + grain), clamp(float64(c.G)*k + grain), clamp(float64(c.B)*k + grain), 255})
		}
	}
	return img, box
}

func sqr(x float64) float64 { return x * x }

func clamp(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(v)))) }
