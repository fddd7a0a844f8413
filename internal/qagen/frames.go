package qagen

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// Frame size: a 2:3 portrait crop, as a contact-sheet cell.
const frameW, frameH = 200, 300

// frames cuts six portrait windows from the scene, each overlapping every
// other by at most half (six distinct framings), and applies the class's
// frame defect to one or two of them.
func (k *Case) frames(r *rand.Rand, s *scene) {
	n := 6
	k.NoSubject, k.Strip, k.DuplicateOf = make([]bool, n), make([]bool, n), make([]int, n)
	for i := range k.DuplicateOf {
		k.DuplicateOf[i] = -1
	}
	empty := -1
	if k.Class == CroppedOut {
		empty = r.IntN(n)
	}
	var wins []rectF
	for i := range n {
		wins = append(wins, s.window(r, wins, i == empty))
		k.NoSubject[i] = i == empty
	}
	dup, orig := -1, -1
	if k.Class == Duplicate {
		orig = r.IntN(n - 1)
		dup = orig + 1 + r.IntN(n-1-orig)
		wins[dup] = nudge(r, wins[orig])
		k.DuplicateOf[dup] = orig
	}
	for _, w := range wins {
		k.Frames = append(k.Frames, s.cut(r, w))
	}
	if k.Class == Gutter {
		for range 1 + r.IntN(2) {
			f := r.IntN(n)
			k.Strip[f] = true
			addStrip(r, k.Frames[f], s, wins[(f+1)%n])
		}
	}
}

type rectF struct{ x, y, w, h float64 }

func (a rectF) iou(b rectF) float64 {
	ix := math.Max(0, math.Min(a.x+a.w, b.x+b.w)-math.Max(a.x, b.x))
	iy := math.Max(0, math.Min(a.y+a.h, b.y+b.h)-math.Max(a.y, b.y))
	in := ix * iy
	return in / (a.w*a.h + b.w*b.h - in)
}

// window draws a window overlapping none of taken by more than IoU 0.45:
// with a clear subject (at least 8% of it), or, when empty, at most 1.5%.
func (s *scene) window(r *rand.Rand, taken []rectF, empty bool) rectF {
	for try := 0; ; try++ {
		h := between(r, 0.55, 1) * sceneH
		if empty {
			h = between(r, 0.5, 0.7) * sceneH
		}
		w := h * frameW / frameH
		cx := float64(s.model.Min.X+s.model.Max.X)/2 + between(r, -0.5, 0.5)*w
		if empty {
			cx = between(r, w/2, sceneW-w/2)
		}
		x := math.Max(0, math.Min(sceneW-w, cx-w/2))
		y := between(r, 0, sceneH-h)
		win := rectF{x, y, w, h}
		sh := s.share(win)
		if (empty && sh > 0.015) || (!empty && sh < 0.08) {
			continue
		}
		ok := true
		for _, t := range taken {
			if win.iou(t) > 0.45 {
				ok = false
			}
		}
		if ok || try > 2000 {
			return win
		}
	}
}

func (s *scene) share(w rectF) float64 {
	n, in := 0, 0
	for y := int(w.y); y < int(w.y+w.h) && y < sceneH; y++ {
		for x := int(w.x); x < int(w.x+w.w) && x < sceneW; x++ {
			n++
			if s.truth[y*sceneW+x] {
				in++
			}
		}
	}
	return float64(in) / float64(max(1, n))
}

// nudge is the same framing again: moved by 1–2% and a hair larger or
// smaller, as a model re-rendering one cell would.
func nudge(r *rand.Rand, w rectF) rectF {
	k := between(r, 0.98, 1.02)
	n := rectF{w.x + between(r, -0.02, 0.02)*w.w, w.y + between(r, -0.02, 0.02)*w.h, w.w * k, w.h * k}
	n.x = math.Max(0, math.Min(sceneW-n.w, n.x))
	n.y = math.Max(0, math.Min(sceneH-n.h, n.y))
	return n
}

// cut renders window w of the scene as a frame, bilinear, with its own
// exposure and noise.
func (s *scene) cut(r *rand.Rand, w rectF) *image.RGBA {
	col := make([]refgen.RGB, frameW*frameH)
	g := between(r, 0.97, 1.03)
	for y := range frameH {
		for x := range frameW {
			u := w.x + (float64(x)+0.5)*w.w/frameW - 0.5
			v := w.y + (float64(y)+0.5)*w.h/frameH - 0.5
			c := s.sample(u, v)
			col[y*frameW+x] = clampRGB(refgen.RGB{c[0] * g, c[1] * g, c[2] * g})
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, frameW, frameH))
	render(img, col, between(r, 0.5, 3), r)
	return img
}

func (s *scene) sample(u, v float64) refgen.RGB {
	u = math.Max(0, math.Min(sceneW-1.001, u))
	v = math.Max(0, math.Min(sceneH-1.001, v))
	x0, y0 := int(u), int(v)
	fx, fy := u-float64(x0), v-float64(y0)
	var out refgen.RGB
	for ch := range 3 {
		a := s.col[y0*sceneW+x0][ch]*(1-fx) + s.col[y0*sceneW+x0+1][ch]*fx
		b := s.col[(y0+1)*sceneW+x0][ch]*(1-fx) + s.col[(y0+1)*sceneW+x0+1][ch]*fx
		out[ch] = a*(1-fy) + b*fy
	}
	return out
}
