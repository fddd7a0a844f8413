package studio

import (
	"image"
	"math"
	"slices"
)

// matte is a reference separated into subject and backdrop: the subject's
// coverage, the shadow it casts on the backdrop (kept apart: a shadow is
// light taken off the floor, not part of the subject), and the model of
// the backdrop the subject was shot on.
type matte struct {
	w, h   int
	alpha  []float32 // subject coverage, 0..1
	shadow []float32 // light removed from the backdrop by the subject's shadow, 0..1
	bg     surface   // backdrop colour in sRGB 0..255
	box    image.Rectangle
	ok     bool
	reason string // why the reference could not be separated
}

// keyThreshold is the CIELAB distance from the backdrop model beyond which
// a pixel is something in front of it, for clean pictures; noisy ones
// raise it.
const keyThreshold = 3.5

// keyImage separates the subject of a reference shot on a plain or
// gradient backdrop. It fits a smooth surface to the backdrop (starting
// from the picture's border and then from every pixel that agrees with the
// fit), marks what stands off it, tells soft shadows from subject by the
// softness of their edges, and estimates each edge pixel's coverage from
// the colours of the subject and the backdrop around it. Enclosed backdrop
// — the gap between arm and body, the inside of a bag's handle — stays
// backdrop.
func keyImage(img *image.RGBA) matte {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	m := matte{w: w, h: h}
	if w < 16 || h < 16 {
		m.reason = "too small to separate"
		return m
	}
	lab := labImage(img)
	bgLab, noise, ok := fitBackdrop(lab, w, h)
	if !ok {
		m.reason = "the backdrop is not plain"
		return m
	}
	thr := float32(math.Max(keyThreshold, 2.8*noise))
	dist := make([]float32, w*h)
	for y := range h {
		for x := range w {
			b := bgLab.at(float64(x)+0.5, float64(y)+0.5)
			i := y*w + x
			dist[i] = labDist(lab[3*i:3*i+3], b[:])
		}
	}
	m.bg = rgbSurface(img, dist, thr)
	cand := make([]bool, w*h)
	for i, d := range dist {
		cand[i] = d > thr
	}
	shadowK := splitShadows(img, m.bg, dist, cand)
	subject := make([]bool, w*h)
	for i := range subject {
		subject[i] = cand[i] && shadowK[i] == 0
	}
	reclaimSubject(lab, subject, shadowK, w, h)
	cleanMask(subject, w, h)
	m.shadow = make([]float32, w*h)
	for i, k := range shadowK {
		if k > 0 && !subject[i] {
			m.shadow[i] = 1 - k
		}
	}
	m.alpha = coverage(img, m.bg, subject)
	m.box = maskBox(m.alpha, w, h)
	share := float64(m.box.Dx()*m.box.Dy()) / float64(w*h)
	switch {
	case m.box.Empty() || share < 0.004:
		m.reason = "no subject stands out from the backdrop"
	case subjectArea(m.alpha) > 0.92*float64(w*h):
		m.reason = "the subject fills the whole picture"
	default:
		m.ok = true
	}
	return m
}

func labImage(img *image.RGBA) []float32 {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	out := make([]float32, 3*w*h)
	for y := range h {
		for x := range w {
			p := img.Pix[img.PixOffset(x, y):]
			l := labOf(float64(srgbLinear[p[0]]), float64(srgbLinear[p[1]]), float64(srgbLinear[p[2]]))
			copy(out[3*(y*w+x):], l[:])
		}
	}
	return out
}

func labDist(a, b []float32) float32 {
	d0, d1, d2 := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return float32(math.Sqrt(float64(d0*d0 + d1*d1 + d2*d2)))
}

// fitBackdrop fits the backdrop surface in Lab. It starts from a band
// around the border, down-weighting border pixels that disagree (a subject
// touching the edge, a shadow), then refits on every sampled pixel that
// agrees with the fit, so gradients across the whole picture are followed.
// It reports the noise level (the median residual of the backdrop) and
// whether the border is plain enough to trust.
func fitBackdrop(lab []float32, w, h int) (surface, float64, bool) {
	step := max(1, max(w, h)/160)
	band := max(2, min(w, h)*4/100)
	var pts []image.Point
	var vals []float32
	var border []bool
	for y := step / 2; y < h; y += step {
		for x := step / 2; x < w; x += step {
			pts = append(pts, image.Pt(x, y))
			i := 3 * (y*w + x)
			vals = append(vals, lab[i], lab[i+1], lab[i+2])
			border = append(border, x < band || y < band || x >= w-band || y >= h-band)
		}
	}
	weight := make([]float64, len(pts))
	for i, b := range border {
		if b {
			weight[i] = 1
		}
	}
	resid := make([]float32, len(pts))
	var s surface
	for round := range 7 {
		var ok bool
		if s, ok = fitSurface(w, h, pts, vals, weight); !ok {
			return s, 0, false
		}
		for i, p := range pts {
			b := s.at(float64(p.X)+0.5, float64(p.Y)+0.5)
			resid[i] = labDist(vals[3*i:3*i+3], b[:])
		}
		for i, r := range resid {
			switch {
			case round < 4 && border[i]: // robust weights on the border
				weight[i] = 1 / (1 + float64(r*r)/9)
				if r > 12 {
					weight[i] = 0
				}
			case round >= 4: // every pixel that agrees with the backdrop
				weight[i] = 0
				if r < 4 {
					weight[i] = 1
				}
			}
		}
	}
	var br []float32
	for i, b := range border {
		if b {
			br = append(br, resid[i])
		}
	}
	slices.Sort(br)
	noise := float64(br[len(br)/2])
	agree := 0
	for _, r := range br {
		if float64(r) < math.Max(4, 2.5*noise) {
			agree++
		}
	}
	return s, noise, noise < 4 && agree*100 >= len(br)*55
}

// rgbSurface fits the backdrop's sRGB colour on the pixels the Lab model
// calls backdrop; the coverage estimate and the colour cleanup need it in
// the picture's own units.
func rgbSurface(img *image.RGBA, dist []float32, thr float32) surface {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	step := max(1, max(w, h)/160)
	var pts []image.Point
	var vals []float32
	var weight []float64
	for y := step / 2; y < h; y += step {
		for x := step / 2; x < w; x += step {
			if dist[y*w+x] >= thr*0.7 {
				continue
			}
			p := img.Pix[img.PixOffset(x, y):]
			pts = append(pts, image.Pt(x, y))
			vals = append(vals, float32(p[0]), float32(p[1]), float32(p[2]))
			weight = append(weight, 1)
		}
	}
	s, _ := fitSurface(w, h, pts, vals, weight)
	return s
}

func subjectArea(alpha []float32) float64 {
	var a float64
	for _, v := range alpha {
		a += float64(v)
	}
	return a
}

// maskBox is the bounding box of the pixels at least half covered.
func maskBox(alpha []float32, w, h int) image.Rectangle {
	b := image.Rectangle{Min: image.Pt(w, h)}
	for y := range h {
		for x := range w {
			if alpha[y*w+x] >= 0.5 {
				b.Min.X, b.Min.Y = min(b.Min.X, x), min(b.Min.Y, y)
				b.Max.X, b.Max.Y = max(b.Max.X, x+1), max(b.Max.Y, y+1)
			}
		}
	}
	if b.Min.X >= b.Max.X {
		return image.Rectangle{}
	}
	return b
}
