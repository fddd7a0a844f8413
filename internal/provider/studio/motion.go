package studio

import (
	"image"
	"math"
	"math/rand/v2"
	"strings"
)

// move is the virtual camera of a clip. The start frame is pushed in and
// drifted during the first part of the clip; the end frame arrives already
// pushed in and drifting the same way, settling on its exact framing; a
// dissolve joins them in the middle. Both ends ease to a standstill, so a
// clip begins exactly on its start frame and ends exactly on its end frame,
// and the film's hard cuts land on frozen, identical pictures.
type move struct {
	name           string
	zoomS, zoomE   float64 // extra magnification the start frame reaches / the end frame leaves
	dirX, dirY     float64 // drift direction on screen (unit vector)
	fadeIn, fadeTo float64 // the dissolve runs over this part of the clip (0..1)
}

// moveCues map camera language in a prompt to a move; the first match wins.
var moveCues = []struct {
	words []string
	m     move
}{
	{[]string{"pull back", "pull out", "zoom out", "dolly out"}, move{name: "pull back", zoomS: 0.03, zoomE: 0.16, dirY: -1}},
	{[]string{"macro", "creep", "push", "dolly in", "zoom in"}, move{name: "push in", zoomS: 0.14, zoomE: 0.06}},
	{[]string{"jib up", "crane up", "rise", "rises", "ascend", "tilt up"}, move{name: "rise", zoomS: 0.08, zoomE: 0.08, dirY: -1}},
	{[]string{"descend", "crane down", "tilt down", "lower"}, move{name: "descend", zoomS: 0.08, zoomE: 0.08, dirY: 1}},
	{[]string{"arc", "orbit", "circle", "truck", "pan"}, move{name: "arc", zoomS: 0.1, zoomE: 0.1, dirX: 1}},
}

// planMove reads the camera move from the prompt, or draws one from the
// seed, and sets its dissolve.
func planMove(prompt string, r *rand.Rand) move {
	p := strings.ToLower(prompt)
	m, found := move{}, false
	for _, c := range moveCues {
		for _, w := range c.words {
			if strings.Contains(p, w) && !found {
				m, found = c.m, true
			}
		}
	}
	if !found {
		a := r.Float64() * 2 * math.Pi
		m = move{name: "drift", zoomS: between(r, 0.06, 0.1), zoomE: between(r, 0.06, 0.1), dirX: math.Cos(a), dirY: math.Sin(a)}
	}
	if m.name == "arc" { // orbit left or right
		m.dirX = sign(r)
	}
	m.fadeIn, m.fadeTo = 0.33, 0.67
	return m
}

// ease is a cubic ease-in-out of t clamped to [0, 1].
func ease(t float64) float64 {
	t = clamp64(t, 0, 1)
	return t * t * (3 - 2*t)
}

// cameraAt returns the camera on a w×h frame that has moved by p (0..1)
// along a push of zoom and a drift in direction (dx, dy). The drift is
// bounded by the zoom, so the window never leaves the frame.
func cameraAt(w, h, zoom, dx, dy, p float64) camera {
	drift := 0.95 * zoom / (2 * (1 + zoom)) * p
	return camera{cx: w/2 + dx*drift*w, cy: h/2 + dy*drift*h, scale: 1 / (1 + zoom*p)}
}

// framePlan is what frame i of n shows: the two cameras and the dissolve
// weight of the end frame.
func (m move) framePlan(i, n int, w, h float64) (s, e camera, mix float64) {
	t := float64(i) / float64(max(n-1, 1))
	hold := m.fadeTo // the start frame moves until the dissolve ends
	s = cameraAt(w, h, m.zoomS, m.dirX, m.dirY, ease(t/hold))
	rest := 1 - ease((t-m.fadeIn)/(1-m.fadeIn))
	e = cameraAt(w, h, m.zoomE, -m.dirX, -m.dirY, rest)
	mix = ease((t - m.fadeIn) / (m.fadeTo - m.fadeIn))
	return s, e, mix
}

// axis holds, for every output pixel along one axis, the two source pixels
// it blends and the weight (0..256) of the second. Clip cameras never turn,
// so their mapping is separable and bilinear sampling becomes two table
// look-ups and integer arithmetic per pixel.
type axis struct {
	i0, i1 []int32
	f      []int32
}

// newAxis tabulates src = scale·(x + 0.5) + offset − 0.5 for n outputs over
// a source of srcN pixels, clamping at the edges. At scale 1 and offset 0
// every weight is 0: the source pixels come through untouched.
func newAxis(n, srcN int, scale, offset float64) axis {
	a := axis{i0: make([]int32, n), i1: make([]int32, n), f: make([]int32, n)}
	for x := range n {
		s := scale*(float64(x)+0.5) + offset - 0.5
		fl := math.Floor(s)
		a.i0[x] = int32(clamp(int(fl), 0, srcN-1))
		a.i1[x] = int32(clamp(int(fl)+1, 0, srcN-1))
		a.f[x] = int32(math.Round((s - fl) * 256))
		if a.f[x] == 256 { // rounding reached the next pixel
			a.i0[x], a.f[x] = a.i1[x], 0
		}
	}
	return a
}

// frameSampler samples one picture through one unrotated camera.
type frameSampler struct {
	img  *image.RGBA
	x, y axis
}

func newFrameSampler(img *image.RGBA, c camera) frameSampler {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	m := c.toSource(0, 0, float64(w), float64(h))
	return frameSampler{img: img, x: newAxis(w, w, m.a, m.c), y: newAxis(h, h, m.e, m.f)}
}

// rgb returns the colour at output pixel (x, y) in 0..255·65536 fixed point.
func (s *frameSampler) rgb(x, row0, row1 int, fy int32) (r, g, b int32) {
	p := s.img.Pix
	i0, i1 := row0+int(s.x.i0[x])*4, row0+int(s.x.i1[x])*4
	j0, j1 := row1+int(s.x.i0[x])*4, row1+int(s.x.i1[x])*4
	fx := s.x.f[x]
	mixc := func(k int) int32 {
		top := int32(p[i0+k])*(256-fx) + int32(p[i1+k])*fx
		bot := int32(p[j0+k])*(256-fx) + int32(p[j1+k])*fx
		return top*(256-fy) + bot*fy
	}
	return mixc(0), mixc(1), mixc(2)
}

// blend mixes two fixed-point values with weight k/256 of the second,
// exactly returning a at k = 0 and b at k = 256.
func blend(a, b, k int32) int32 {
	return int32((int64(a)*int64(256-k) + int64(b)*int64(k)) >> 8)
}

// fixedByte rounds a 0..255·65536 value to a byte.
func fixedByte(v int32) uint8 {
	return uint8(min(max((v+32768)>>16, 0), 255))
}
