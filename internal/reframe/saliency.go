package reframe

import (
	"image"
	"math"
	"slices"
)

// Box is a rectangle in source pixels, X0 ≤ X1, Y0 ≤ Y1.
type Box struct{ X0, Y0, X1, Y1 float64 }

// W and H are the box's size; CX its horizontal centre.
func (b Box) W() float64  { return b.X1 - b.X0 }
func (b Box) H() float64  { return b.Y1 - b.Y0 }
func (b Box) CX() float64 { return (b.X0 + b.X1) / 2 }

// Saliency finds the subject of a frame without any model: every pixel's
// distance in colour from the background (the median of the frame's
// border, where a studio backdrop shows), plus its local edge strength,
// makes a saliency map; the box holds the middle 90 % of the map's mass
// above its mean, in each direction. It works on a copy at most 96 pixels
// wide and returns the box in the frame's own pixels.
func Saliency(img image.Image) Box {
	b := img.Bounds()
	step := max(1, b.Dx()/96)
	w, h := b.Dx()/step, b.Dy()/step
	if w < 4 || h < 4 {
		return Box{0, 0, float64(b.Dx()), float64(b.Dy())}
	}
	px := make([][3]float64, w*h)
	for y := range h {
		for x := range w {
			r, g, bl, _ := img.At(b.Min.X+x*step, b.Min.Y+y*step).RGBA()
			px[y*w+x] = [3]float64{float64(r >> 8), float64(g >> 8), float64(bl >> 8)}
		}
	}
	var border [3][]float64
	for y := range h {
		for x := range w {
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				for c := range 3 {
					border[c] = append(border[c], px[y*w+x][c])
				}
			}
		}
	}
	var bg [3]float64
	for c := range 3 {
		slices.Sort(border[c])
		bg[c] = border[c][len(border[c])/2]
	}
	sal := make([]float64, w*h)
	mean := 0.0
	for y := range h {
		for x := range w {
			p := px[y*w+x]
			d := math.Sqrt(sq(p[0]-bg[0]) + sq(p[1]-bg[1]) + sq(p[2]-bg[2]))
			if x > 0 && y > 0 {
				l, u := px[y*w+x-1], px[(y-1)*w+x]
				d += 0.5 * (math.Abs(lum(p)-lum(l)) + math.Abs(lum(p)-lum(u)))
			}
			sal[y*w+x] = d
			mean += d
		}
	}
	mean /= float64(w * h)
	cols, rows := make([]float64, w), make([]float64, h)
	for y := range h {
		for x := range w {
			if v := sal[y*w+x] - mean; v > 0 {
				cols[x] += v
				rows[y] += v
			}
		}
	}
	x0, x1 := massSpan(cols)
	y0, y1 := massSpan(rows)
	s := float64(step)
	return Box{float64(x0) * s, float64(y0) * s, math.Min(float64(x1+1)*s, float64(b.Dx())), math.Min(float64(y1+1)*s, float64(b.Dy()))}
}

// massSpan is the span holding the middle 90 % of a profile's mass.
func massSpan(p []float64) (int, int) {
	total := 0.0
	for _, v := range p {
		total += v
	}
	if total == 0 {
		return 0, len(p) - 1
	}
	lo, hi, acc := 0, len(p)-1, 0.0
	for i, v := range p {
		acc += v
		if acc >= 0.05*total {
			lo = i
			break
		}
	}
	acc = 0
	for i := len(p) - 1; i >= 0; i-- {
		acc += p[i]
		if acc >= 0.05*total {
			hi = i
			break
		}
	}
	return lo, hi
}

func sq(x float64) float64 { return x * x }

func lum(p [3]float64) float64 { return 0.299*p[0] + 0.587*p[1] + 0.114*p[2] }
