package qagen

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// Scene size: a 3:2 hero.
const sceneW, sceneH = 540, 360

// scene is the composed picture in float RGB, with its subject truth.
type scene struct {
	col   []refgen.RGB
	truth []bool
	model image.Rectangle // where the model landed
}

func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// newScene paints a fresh backdrop: a light or mid colour with a gentle
// vertical gradient, as a studio sweep has.
func newScene(r *rand.Rand) *scene {
	top := labColour(r, between(r, 40, 92), 14)
	bot := top
	bot.L = math.Max(20, top.L-between(r, 0, 12))
	a, _ := refgen.ToRGB(top)
	b, _ := refgen.ToRGB(bot)
	s := &scene{col: make([]refgen.RGB, sceneW*sceneH), truth: make([]bool, sceneW*sceneH)}
	for y := range sceneH {
		t := float64(y) / sceneH
		c := refgen.RGB{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
		for x := range sceneW {
			s.col[y*sceneW+x] = clampRGB(c)
		}
	}
	return s
}

func labColour(r *rand.Rand, l, chroma float64) refgen.Lab {
	for {
		c := refgen.Lab{L: l, A: between(r, -chroma, chroma), B: between(r, -chroma, chroma)}
		if _, ok := refgen.ToRGB(c); ok {
			return c
		}
	}
}

func clampRGB(c refgen.RGB) refgen.RGB {
	for i := range c {
		c[i] = math.Max(0, math.Min(255, c[i]))
	}
	return c
}

// paste draws the subject of ref (its truth mask) scaled into dst, passing
// every colour through tone.
func (s *scene) paste(ref refgen.Ref, dst image.Rectangle, tone func(refgen.RGB) refgen.RGB) {
	src := ref.Box
	sx := float64(src.Dx()) / float64(max(1, dst.Dx()))
	sy := float64(src.Dy()) / float64(max(1, dst.Dy()))
	w := ref.Image.Bounds().Dx()
	for y := max(0, dst.Min.Y); y < min(sceneH, dst.Max.Y); y++ {
		for x := max(0, dst.Min.X); x < min(sceneW, dst.Max.X); x++ {
			u := src.Min.X + int((float64(x-dst.Min.X)+0.5)*sx)
			v := src.Min.Y + int((float64(y-dst.Min.Y)+0.5)*sy)
			i := v*w + u
			if u >= src.Max.X || v >= src.Max.Y || !ref.Truth[i] {
				continue
			}
			p := ref.Image.Pix[4*i : 4*i+3]
			s.col[y*sceneW+x] = clampRGB(tone(refgen.RGB{float64(p[0]), float64(p[1]), float64(p[2])}))
			s.truth[y*sceneW+x] = true
		}
	}
}

// finish adds sensor noise and returns the picture.
func (s *scene) finish(r *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, sceneW, sceneH))
	render(img, s.col, between(r, 0.5, 3), r)
	return img
}

func render(img *image.RGBA, col []refgen.RGB, noise float64, r *rand.Rand) {
	for i, c := range col {
		for ch := range 3 {
			v := c[ch] + noise*(r.Float64()+r.Float64()-1)
			img.Pix[4*i+ch] = uint8(math.Max(0, math.Min(255, math.Round(v))))
		}
		img.Pix[4*i+3] = 255
	}
}

// fitBox scales a w×h box to height h2, keeping its ratio, with its top
// centre at (cx, top).
func fitBox(b image.Rectangle, h2 float64, cx, top float64) image.Rectangle {
	w2 := h2 * float64(b.Dx()) / float64(max(1, b.Dy()))
	return image.Rect(int(cx-w2/2), int(top), int(cx+w2/2), int(top+h2))
}
