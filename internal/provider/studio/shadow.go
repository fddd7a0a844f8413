package studio

import (
	"image"
	"math"
	"slices"
)

// linearOf reads an sRGB value (0..255, fractional) as linear light.
func linearOf(v float32) float32 { return srgbLinear[clamp(int(v+0.5), 0, 255)] }

// shadowRatio returns how much light a pixel keeps relative to the backdrop
// behind it when it is only a darker copy of that backdrop (all channels
// scaled alike), or 0 when it is not.
func shadowRatio(p []uint8, b [3]float32) float32 {
	var k [3]float32
	var sum, n float32
	for c := range 3 {
		bl := linearOf(b[c])
		if bl < 0.02 {
			continue
		}
		k[c] = srgbLinear[p[c]] / bl
		sum += k[c]
		n++
	}
	if n < 2 {
		return 0
	}
	mean := sum / n
	if mean < 0.25 || mean > 0.97 {
		return 0
	}
	for c := range 3 {
		if linearOf(b[c]) >= 0.02 && abs32(k[c]-mean) > 0.035+0.06*mean {
			return 0
		}
	}
	return mean
}

// splitShadows finds the candidate pixels that are shadow: regions that are
// only darker backdrop and whose edge against the backdrop is soft. A
// garment that happens to be a darker shade of the backdrop has the same
// colour relation but a sharp edge, so it stays subject. It returns the
// kept light ratio of shadow pixels (0 elsewhere).
func splitShadows(img *image.RGBA, bg surface, dist []float32, cand []bool) []float32 {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	ratio := make([]float32, w*h)
	for y := range h {
		for x := range w {
			i := y*w + x
			if cand[i] {
				ratio[i] = shadowRatio(img.Pix[img.PixOffset(x, y):], bg.at(float64(x)+0.5, float64(y)+0.5))
			}
		}
	}
	out := make([]float32, w*h)
	seen := make([]bool, w*h)
	var comp, stack []int
	for start := range ratio {
		if ratio[start] == 0 || seen[start] {
			continue
		}
		comp = comp[:0]
		seen[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, i)
			forNeighbours8(i, w, h, func(j int) {
				if !seen[j] && ratio[j] > 0 {
					seen[j] = true
					stack = append(stack, j)
				}
			})
		}
		if softEdged(comp, dist, cand, w, h) {
			for _, i := range comp {
				out[i] = ratio[i]
			}
		}
	}
	return out
}

// softEdged reports whether a region fades into the backdrop: along its
// border with the backdrop the distance changes slowly compared with how far
// the region stands off at its strongest.
func softEdged(comp []int, dist []float32, cand []bool, w, h int) bool {
	if len(comp) < 20 {
		return false
	}
	ds := make([]float32, len(comp))
	for n, i := range comp {
		ds[n] = dist[i]
	}
	slices.Sort(ds)
	peak := ds[len(ds)*9/10]
	var grad float64
	edge := 0
	for _, i := range comp {
		x, y := i%w, i/w
		if x == 0 || y == 0 || x == w-1 || y == h-1 {
			continue
		}
		if cand[i-1] && cand[i+1] && cand[i-w] && cand[i+w] {
			continue
		}
		gx, gy := (dist[i+1]-dist[i-1])/2, (dist[i+w]-dist[i-w])/2
		grad += math.Hypot(float64(gx), float64(gy))
		edge++
	}
	if edge < 3 {
		return false
	}
	return grad/float64(edge) < 0.3*float64(peak)
}

func forNeighbours8(i, w, h int, fn func(j int)) {
	x, y := i%w, i/w
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			nx, ny := x+dx, y+dy
			if (dx != 0 || dy != 0) && nx >= 0 && ny >= 0 && nx < w && ny < h {
				fn(ny*w + nx)
			}
		}
	}
}

// cleanMask drops specks of subject too small to be anything and fills
// pinholes too small to be a gap in the figure.
func cleanMask(m []bool, w, h int) {
	minArea := max(6, w*h/20000)
	for _, want := range []bool{true, false} {
		seen := make([]bool, w*h)
		var comp, stack []int
		for start := range m {
			if m[start] != want || seen[start] {
				continue
			}
			comp, touches := comp[:0], false
			seen[start] = true
			stack = append(stack[:0], start)
			for len(stack) > 0 {
				i := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				comp = append(comp, i)
				x, y := i%w, i/w
				touches = touches || x == 0 || y == 0 || x == w-1 || y == h-1
				forNeighbours8(i, w, h, func(j int) {
					if !seen[j] && m[j] == want {
						seen[j] = true
						stack = append(stack, j)
					}
				})
			}
			if len(comp) < minArea && (want || !touches) {
				for _, i := range comp {
					m[i] = !want
				}
			}
		}
	}
}

// coverage estimates the subject's coverage of every pixel on or next to
// its mask: the pixel's colour is read as a mix of the subject colour near
// it (the mean of the fully covered pixels around) and the backdrop model,
// and the mix weight is the coverage.
func coverage(img *image.RGBA, bg surface, subject []bool) []float32 {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	inner := newGrid(w, h, 4)
	for y := range h {
		for x := range w {
			i := y*w + x
			if !subject[i] || !allNeighbours(subject, i, w, h) {
				continue
			}
			p := img.Pix[img.PixOffset(x, y):]
			inner.pix[4*i], inner.pix[4*i+1], inner.pix[4*i+2], inner.pix[4*i+3] = float32(p[0]), float32(p[1]), float32(p[2]), 1
		}
	}
	fg := &grid{w: w, h: h, c: 4, pix: slices.Clone(inner.pix)}
	fg.blur(2)
	// Thin parts (strands, straps) have no fully covered pixels of their
	// own; they take the subject colour from further around.
	wide := &grid{w: w, h: h, c: 4, pix: slices.Clone(inner.pix)}
	wide.blur(max(6, max(w, h)/60))
	alpha := make([]float32, w*h)
	for y := range h {
		for x := range w {
			i := y*w + x
			if inner.pix[4*i+3] == 1 {
				alpha[i] = 1
				continue
			}
			if !subject[i] && !nearMask(subject, i, w, h) {
				continue
			}
			f := fg.pix[4*i : 4*i+4]
			if f[3] < 0.02 {
				f = wide.pix[4*i : 4*i+4]
			}
			alpha[i] = edgeAlpha(img.Pix[img.PixOffset(x, y):], f, bg.at(float64(x)+0.5, float64(y)+0.5), subject[i])
		}
	}
	return alpha
}

// edgeAlpha projects the pixel c onto the line from backdrop b to subject
// colour f; without a usable subject colour nearby it trusts the mask.
func edgeAlpha(c []uint8, f []float32, b [3]float32, in bool) float32 {
	hard := float32(0)
	if in {
		hard = 1
	}
	if f[3] < 0.02 {
		return hard
	}
	var num, den float32
	for k := range 3 {
		fk := f[k]/f[3] - b[k]
		num += (float32(c[k]) - b[k]) * fk
		den += fk * fk
	}
	if den < 100 { // subject and backdrop too alike to measure a mix
		return hard
	}
	return clamp(num/den, 0, 1)
}

func allNeighbours(m []bool, i, w, h int) bool {
	all := true
	forNeighbours8(i, w, h, func(j int) { all = all && m[j] })
	return all
}

func nearMask(m []bool, i, w, h int) bool {
	any := false
	forNeighbours8(i, w, h, func(j int) { any = any || m[j] })
	return any
}

// reclaimSubject gives back to the subject the shadow pixels that continue
// a subject region's colour without a step: a garment a shade darker than
// the backdrop lying over its own shadow looks like shadow, but its colour
// runs on smoothly from the part of it that is plainly subject.
func reclaimSubject(lab []float32, subject []bool, shadowK []float32, w, h int) {
	seed := make([]int32, w*h)
	var queue []int
	for i, s := range subject {
		seed[i] = -1
		if s {
			seed[i] = int32(i)
		}
	}
	for i, s := range subject {
		if !s {
			continue
		}
		near := false
		forNeighbours8(i, w, h, func(j int) { near = near || shadowK[j] > 0 })
		if near {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		s := int(seed[i])
		forNeighbours8(i, w, h, func(j int) {
			if shadowK[j] == 0 || subject[j] {
				return
			}
			if labDist(lab[3*i:3*i+3], lab[3*j:3*j+3]) < 2.5 && labDist(lab[3*s:3*s+3], lab[3*j:3*j+3]) < 4 {
				subject[j], shadowK[j], seed[j] = true, 0, int32(s)
				queue = append(queue, j)
			}
		})
	}
}
