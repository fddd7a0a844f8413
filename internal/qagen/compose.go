package qagen

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// compose builds the scene of case k: the model, then each item on it,
// with the class's defect on one item.
func compose(r *rand.Rand, k *Case) *scene {
	s := newScene(r)
	model := k.Refs[0]
	F := 0.85 * sceneH
	cx := between(r, 0.36, 0.64) * sceneW
	if k.Class == CroppedOut { // leave one side of the scene empty
		cx = between(r, 0.18, 0.24) * sceneW
		if r.IntN(2) == 0 {
			cx = sceneW - cx
		}
	}
	top := between(r, 0.03*sceneH, sceneH-F-0.02*sceneH)
	s.model = fitBox(model.Box, F, cx, top)
	s.paste(model, s.model, func(c refgen.RGB) refgen.RGB { return c })
	f := F / float64(model.Box.Dy())
	place := func(p image.Point) (float64, float64) {
		return float64(s.model.Min.X) + float64(p.X-model.Box.Min.X)*f, float64(s.model.Min.Y) + float64(p.Y-model.Box.Min.Y)*f
	}
	target := 1 + r.IntN(len(k.Refs)-1)
	for i, ref := range k.Refs[1:] {
		i++
		tone := light(r)
		switch {
		case i == target && k.Class == Removed:
			k.Changed[i] = true
			continue
		case i == target && k.Class == Recoloured:
			tone = recolour(r, ref)
			k.Changed[i] = true
		}
		k.ShiftDeltaE[i] = meanShift(ref, tone)
		ex, ey := place(model.Eyes)
		hx, hy := place(model.Hand)
		s.paste(ref, itemBox(ref, F, ex, ey, hx, hy), tone)
	}
	return s
}

// itemBox is where an item goes on the model: a garment over the torso,
// eyewear across the eyes, a bag hanging from the free hand.
func itemBox(ref refgen.Ref, F, eyesX, eyesY, handX, handY float64) image.Rectangle {
	b := ref.Box
	switch ref.Kind {
	case refgen.Eyewear:
		w := 0.17 * F
		h := w * float64(b.Dy()) / float64(max(1, b.Dx()))
		return image.Rect(int(eyesX-w/2), int(eyesY-h/2), int(eyesX+w/2), int(eyesY+h/2))
	case refgen.Bag:
		return fitBox(b, 0.18*F, handX, handY)
	}
	return fitBox(b, 0.5*F, eyesX, eyesY+0.1*F)
}

// light is the tone of a kept item: a new photograph's exposure and white
// balance, a few ΔE at most.
func light(r *rand.Rand) func(refgen.RGB) refgen.RGB {
	g := [3]float64{}
	base := between(r, 0.95, 1.05)
	for i := range g {
		g[i] = base * between(r, 0.985, 1.015)
	}
	return func(c refgen.RGB) refgen.RGB { return refgen.RGB{c[0] * g[0], c[1] * g[1], c[2] * g[2]} }
}

// recolour returns a tone that moves every colour of ref by one CIELAB
// vector, drawn until the item's colours move by at least ΔE 18 on average
// after clipping to the gamut.
func recolour(r *rand.Rand, ref refgen.Ref) func(refgen.RGB) refgen.RGB {
	for {
		d := between(r, 20, 40)
		th, ph := between(r, 0, 2*math.Pi), between(r, -0.6, 0.6)
		v := refgen.Lab{L: d * math.Sin(ph), A: d * math.Cos(ph) * math.Cos(th), B: d * math.Cos(ph) * math.Sin(th)}
		tone := func(c refgen.RGB) refgen.RGB {
			l := refgen.ToLab(c)
			out, _ := refgen.ToRGB(refgen.Lab{L: l.L + v.L, A: l.A + v.A, B: l.B + v.B})
			return clampRGB(out)
		}
		if meanShift(ref, tone) >= 18 {
			return tone
		}
	}
}

// meanShift is the mean CIE76 ΔE a tone moves the item's pixels by.
func meanShift(ref refgen.Ref, tone func(refgen.RGB) refgen.RGB) float64 {
	sum, n := 0.0, 0
	for i, t := range ref.Truth {
		if !t || i%7 != 0 {
			continue
		}
		p := ref.Image.Pix[4*i : 4*i+3]
		c := refgen.RGB{float64(p[0]), float64(p[1]), float64(p[2])}
		sum += refgen.DeltaE(c, clampRGB(tone(c)))
		n++
	}
	return sum / float64(max(1, n))
}
