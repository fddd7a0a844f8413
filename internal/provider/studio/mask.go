package studio

import (
	"image"
	"math"
)

// keyMask tries to separate a subject from a plain background: it reads the
// background colour from the picture's border, marks pixels far from it as
// subject, and then treats as background only what is connected to the
// border — so a white shirt on a white sweep keeps its body instead of
// getting holes. It returns false when the border is not plain or the
// result is not a plausible subject.
func keyMask(img *image.RGBA) (*grid, bool) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w < 8 || h < 8 {
		return nil, false
	}
	bg, spread := borderColour(img)
	if spread > 14 {
		return nil, false
	}
	t0 := float32(2.5*spread + 14)
	t1 := t0 + 30
	m := newGrid(w, h, 1)
	for y := range h {
		for x := range w {
			m.pix[y*w+x] = smoothstep(t0, t1, colourDist(img, x, y, bg))
		}
	}
	fillEnclosed(m)
	m.blur(1)
	var sum float32
	for _, v := range m.pix {
		sum += v
	}
	cover := sum / float32(len(m.pix))
	return m, cover > 0.04 && cover < 0.9
}

// colourDist is the largest channel difference (0..255) between the pixel
// and a colour; alpha counts as a channel so transparent cut-outs key too.
func colourDist(img *image.RGBA, x, y int, c [4]float32) float32 {
	i := img.PixOffset(x, y)
	var d float32
	for k := range 4 {
		d = max(d, float32(math.Abs(float64(float32(img.Pix[i+k])-c[k]))))
	}
	return d
}

// borderColour returns the per-channel median of a band around the picture's
// edge and the mean distance of the band's pixels from it.
func borderColour(img *image.RGBA) ([4]float32, float32) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	band := max(1, min(w, h)*3/100)
	var hist [4][256]int
	var pts []image.Point
	for y := range h {
		for x := range w {
			if x >= band && x < w-band && y >= band && y < h-band {
				continue
			}
			pts = append(pts, image.Pt(x, y))
			i := img.PixOffset(x, y)
			for k := range 4 {
				hist[k][img.Pix[i+k]]++
			}
		}
	}
	var med [4]float32
	for k := range 4 {
		med[k] = float32(median(hist[k][:], len(pts)))
	}
	var dev float32
	for _, p := range pts {
		dev += colourDist(img, p.X, p.Y, med)
	}
	return med, dev / float32(len(pts))
}

func median(hist []int, n int) int {
	seen := 0
	for v, c := range hist {
		seen += c
		if 2*seen >= n {
			return v
		}
	}
	return len(hist) - 1
}

// fillEnclosed sets to 1 every pixel of the mask that is not reachable from
// the border through background-like pixels (< 0.5).
func fillEnclosed(m *grid) {
	w, h := m.w, m.h
	reached := make([]bool, w*h)
	var stack []int
	push := func(x, y int) {
		i := y*w + x
		if !reached[i] && m.pix[i] < 0.5 {
			reached[i] = true
			stack = append(stack, i)
		}
	}
	for x := range w {
		push(x, 0)
		push(x, h-1)
	}
	for y := range h {
		push(0, y)
		push(w-1, y)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		if x > 0 {
			push(x-1, y)
		}
		if x < w-1 {
			push(x+1, y)
		}
		if y > 0 {
			push(x, y-1)
		}
		if y < h-1 {
			push(x, y+1)
		}
	}
	for i, r := range reached {
		if !r {
			m.pix[i] = 1
		}
	}
}

// maskBounds is the box of the mask's confident pixels (≥ 0.5), with a
// margin so soft edges are kept.
func maskBounds(m *grid) image.Rectangle {
	b := image.Rectangle{Min: image.Pt(m.w, m.h)}
	for y := range m.h {
		for x := range m.w {
			if m.pix[y*m.w+x] >= 0.5 {
				b.Min.X, b.Min.Y = min(b.Min.X, x), min(b.Min.Y, y)
				b.Max.X, b.Max.Y = max(b.Max.X, x+1), max(b.Max.Y, y+1)
			}
		}
	}
	if b.Empty() {
		return image.Rect(0, 0, m.w, m.h)
	}
	pad := max(2, max(m.w, m.h)/40)
	return b.Inset(-pad).Intersect(image.Rect(0, 0, m.w, m.h))
}
