package qagen

import (
	"image"
	"image/color"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// addStrip paints, along one random edge of frame f, what a crop that
// missed the cell boundary leaves: a flat gutter 4–10% deep, sometimes
// with a caption's marks in it, sometimes with a sliver of the next cell
// (cut from window next of the scene) beyond a thinner gutter.
func addStrip(r *rand.Rand, f *image.RGBA, s *scene, next rectF) {
	side := r.IntN(4)
	across := frameH
	if side >= 2 {
		across = frameW
	}
	depth := int(between(r, 0.04, 0.1) * float64(across))
	ink := gutterColour(r, f, side, depth)
	band := func(from, to int, col func(x, y int) color.RGBA) {
		for d := from; d < to; d++ {
			for pos := range lengthOf(side) {
				x, y := edgeXY(side, pos, d)
				f.SetRGBA(x, y, col(x, y))
			}
		}
	}
	band(0, depth, func(int, int) color.RGBA { return ink })
	switch r.IntN(3) {
	case 1: // caption marks in the gutter
		dark := color.RGBA{uint8(255 - ink.R), uint8(255 - ink.G), uint8(255 - ink.B), 255}
		for i := 0; i < lengthOf(side)/3; i += 4 + r.IntN(5) {
			band(depth/3, depth*2/3, func(x, y int) color.RGBA {
				if p := posOf(side, x, y); p >= i+10 && p < i+13 {
					return dark
				}
				return f.RGBAAt(x, y)
			})
		}
	case 2: // a sliver of the neighbouring cell beyond a thinner gutter
		sliver := s.cut(r, next)
		band(0, depth/2, func(x, y int) color.RGBA { return sliver.RGBAAt(x, y) })
	}
}

func lengthOf(side int) int {
	if side >= 2 {
		return frameH
	}
	return frameW
}

// edgeXY is the pixel pos along side, d in from it.
func edgeXY(side, pos, d int) (int, int) {
	switch side {
	case 0:
		return pos, d
	case 1:
		return pos, frameH - 1 - d
	case 2:
		return d, pos
	}
	return frameW - 1 - d, pos
}

func posOf(side, x, y int) int {
	if side >= 2 {
		return y
	}
	return x
}

// gutterColour is white, black, grey or a tint, at least ΔE 15 from the
// mean of the picture just inside the gutter, so the gutter is visible.
func gutterColour(r *rand.Rand, f *image.RGBA, side, depth int) color.RGBA {
	var m refgen.RGB
	n := 0
	for pos := range lengthOf(side) {
		x, y := edgeXY(side, pos, depth+1)
		c := f.RGBAAt(x, y)
		m[0], m[1], m[2] = m[0]+float64(c.R), m[1]+float64(c.G), m[2]+float64(c.B)
		n++
	}
	for i := range m {
		m[i] /= float64(n)
	}
	for {
		var c refgen.RGB
		switch r.IntN(4) {
		case 0:
			c = refgen.RGB{250, 250, 250}
		case 1:
			c = refgen.RGB{12, 12, 12}
		case 2:
			v := between(r, 60, 200)
			c = refgen.RGB{v, v, v}
		default:
			c = refgen.RGB{between(r, 0, 255), between(r, 0, 255), between(r, 0, 255)}
		}
		if refgen.DeltaE(c, m) >= 15 {
			return color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), 255}
		}
	}
}
