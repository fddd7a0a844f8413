package studio

import (
	"image"
	"sync"
)

// grid is a float raster with c channels per pixel (values nominally 0..1).
// Soft layers — backdrops, masks, shadows — are painted into small grids and
// sampled up, which is both faster and more photographic than painting them
// at full size: out-of-focus light has no sharp detail to lose.
type grid struct {
	w, h, c int
	pix     []float32
}

func newGrid(w, h, c int) *grid {
	return &grid{w: w, h: h, c: c, pix: make([]float32, w*h*c)}
}

// at returns the offset of pixel (x, y).
func (g *grid) at(x, y int) int { return (y*g.w + x) * g.c }

// sample reads the grid bilinearly at continuous coordinates (pixel centres
// at +0.5), clamping at the edges, into out (len ≥ c).
func (g *grid) sample(x, y float32, out []float32) {
	x -= 0.5
	y -= 0.5
	x0, y0 := clamp(int(floor32(x)), 0, g.w-1), clamp(int(floor32(y)), 0, g.h-1)
	x1, y1 := min(x0+1, g.w-1), min(y0+1, g.h-1)
	fx, fy := clamp(x-float32(x0), 0, 1), clamp(y-float32(y0), 0, 1)
	i00, i10, i01, i11 := g.at(x0, y0), g.at(x1, y0), g.at(x0, y1), g.at(x1, y1)
	for k := range g.c {
		top := g.pix[i00+k] + (g.pix[i10+k]-g.pix[i00+k])*fx
		bot := g.pix[i01+k] + (g.pix[i11+k]-g.pix[i01+k])*fx
		out[k] = top + (bot-top)*fy
	}
}

// blur softens the grid with three passes of a box filter of radius r in
// each direction, a close and cheap approximation of a Gaussian.
func (g *grid) blur(r int) {
	if r <= 0 {
		return
	}
	tmp := make([]float32, len(g.pix))
	for range 3 {
		boxPass(g.pix, tmp, g.w, g.h, g.c, r, 1, g.w)
		boxPass(tmp, g.pix, g.h, g.w, g.c, r, g.w, 1)
	}
}

// boxPass runs a running-sum box filter along lines of n pixels. step is the
// pixel stride along a line and lineStride the stride between lines (both in
// pixels), so the same code serves rows and columns.
func boxPass(src, dst []float32, n, lines, c, r, step, lineStride int) {
	norm := 1 / float32(2*r+1)
	for l := range lines {
		base := l * lineStride
		for k := range c {
			idx := func(i int) int { return (base+clamp(i, 0, n-1)*step)*c + k }
			var sum float32
			for i := -r; i <= r; i++ {
				sum += src[idx(i)]
			}
			for i := range n {
				dst[idx(i)] = sum * norm
				sum += src[idx(i+r+1)] - src[idx(i-r)]
			}
		}
	}
}

// parallelRows runs fn over horizontal bands of [0, h) on up to workers
// goroutines. Bands write disjoint rows, so the result never depends on the
// number of workers.
func parallelRows(h, workers int, fn func(y0, y1 int)) {
	workers = max(1, min(workers, h/16))
	if workers == 1 {
		fn(0, h)
		return
	}
	var wg sync.WaitGroup
	band := (h + workers - 1) / workers
	for y := 0; y < h; y += band {
		wg.Add(1)
		go func(y0, y1 int) {
			defer wg.Done()
			fn(y0, y1)
		}(y, min(y+band, h))
	}
	wg.Wait()
}

// sampleRGBA reads a premultiplied RGBA image bilinearly at continuous
// coordinates relative to its bounds' origin (pixel centres at +0.5),
// clamping at the edges. At exact pixel centres it returns the pixel itself,
// which is what lets clips start and end on their frames exactly.
func sampleRGBA(img *image.RGBA, w, h int, x, y float32) (r, g, b, a float32) {
	x -= 0.5
	y -= 0.5
	fx0, fy0 := floor32(x), floor32(y)
	x0, y0 := clamp(int(fx0), 0, w-1), clamp(int(fy0), 0, h-1)
	x1, y1 := clamp(int(fx0)+1, 0, w-1), clamp(int(fy0)+1, 0, h-1)
	fx, fy := x-fx0, y-fy0
	p := img.Pix
	s := img.Stride
	i00, i10 := y0*s+x0*4, y0*s+x1*4
	i01, i11 := y1*s+x0*4, y1*s+x1*4
	w00, w10 := (1-fx)*(1-fy), fx*(1-fy)
	w01, w11 := (1-fx)*fy, fx*fy
	r = float32(p[i00])*w00 + float32(p[i10])*w10 + float32(p[i01])*w01 + float32(p[i11])*w11
	g = float32(p[i00+1])*w00 + float32(p[i10+1])*w10 + float32(p[i01+1])*w01 + float32(p[i11+1])*w11
	b = float32(p[i00+2])*w00 + float32(p[i10+2])*w10 + float32(p[i01+2])*w01 + float32(p[i11+2])*w11
	a = float32(p[i00+3])*w00 + float32(p[i10+3])*w10 + float32(p[i01+3])*w01 + float32(p[i11+3])*w11
	return r, g, b, a
}

// toByte rounds a 0..255 float to a byte, clamping.
func toByte(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

func floor32(v float32) float32 {
	i := float32(int(v))
	if i > v {
		return i - 1
	}
	return i
}

// clamp limits v to [lo, hi], lo winning when they cross.
func clamp[T int | float32](v, lo, hi T) T {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// smoothstep is 0 below e0, 1 above e1 and a smooth S between.
func smoothstep(e0, e1, x float32) float32 {
	t := clamp((x-e0)/(e1-e0), 0, 1)
	return t * t * (3 - 2*t)
}

func lerp(a, b, t float32) float32 { return a + (b-a)*t }
