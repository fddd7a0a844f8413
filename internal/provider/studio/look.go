package studio

import (
	"image"
	"math"
)

// look is a photographic finish: flash, vignette, a split-tone grade, a
// film tone curve and grain. Every studio image gets one, which is most of
// what makes a composite read as a photograph instead of a diagram.
type look struct {
	exposure   float32 // overall gain
	warmth     float32 // −1 … +1: split tone, warm highlights over teal shadows (or the reverse)
	temp       float32 // −1 cool … +1 warm: white balance, a shift of the whole picture
	saturation float32 // 1 = unchanged
	contrast   float32 // 0 = linear … 1 = a strong film S-curve
	lift       float32 // raised blacks, the faded base of print film
	// flash is a hotspot of light centred at (flashX, flashY) (fractions of
	// the area) with radius flashR (a fraction of the area's height): the
	// hard on-camera flash of the house style, bright on the subject and
	// falling off to the edges.
	flash, flashX, flashY, flashR float32
	vignette                      float32 // darkening at the corners, 0..1
	grain                         float32 // grain amplitude in 0..1 units
	grainSeed                     uint32
}

// curveSize is the length of the tone lookup table; it spans inputs 0..1.5
// so a flash-blown highlight rolls off instead of clipping hard.
const (
	curveSize  = 1536
	curveRange = 1.5
)

// curve tabulates the tone curve: a soft shoulder above 0.8, an S-curve of
// the look's contrast, then lifted blacks.
func (l look) curve() []float32 {
	t := make([]float32, curveSize)
	for i := range t {
		x := float64(i) / float64(curveSize-1) * curveRange
		if x > 0.8 {
			x = 0.8 + 0.2*(1-math.Exp(-(x-0.8)/0.2))
		}
		s := x * x * (3 - 2*x)
		y := x + float64(l.contrast)*(s-x)
		t[i] = float32(float64(l.lift) + (1-float64(l.lift))*y)
	}
	return t
}

// separable returns exp(−d²/r²) along one axis for every pixel of a line:
// the flash falloff is a Gaussian, whose 2-D form is the product of two 1-D
// ones, so finishing costs two multiplies per pixel instead of an exp.
func separable(n int, centre, radius float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		d := (float32(i) + 0.5 - centre) / radius
		out[i] = float32(math.Exp(float64(-d * d)))
	}
	return out
}

// finish applies l to the area of img in place.
func finish(img *image.RGBA, area image.Rectangle, l look, workers int) {
	area = area.Intersect(img.Bounds())
	if area.Empty() {
		return
	}
	aw, ah := area.Dx(), area.Dy()
	radius := max(l.flashR*float32(ah), 1)
	fx := separable(aw, l.flashX*float32(aw), radius)
	fy := separable(ah, l.flashY*float32(ah), radius)
	tone := l.curve()
	parallelRows(ah, workers, func(r0, r1 int) {
		for row := r0; row < r1; row++ {
			finishRow(img, area, row, l, fx, fy[row], tone)
		}
	})
}

func finishRow(img *image.RGBA, area image.Rectangle, row int, l look, fx []float32, fy float32, tone []float32) {
	aw, ah := float32(area.Dx()), float32(area.Dy())
	y := area.Min.Y + row
	cv := (float32(row)+0.5)/ah*2 - 1
	hi := [3]float32{1, 0.45, -0.7}    // warm highlights
	lo := [3]float32{-0.55, 0.1, 0.75} // teal shadows
	const tint = 0.07
	balance := [3]float32{1 + 0.12*l.temp, 1 + 0.01*l.temp, 1 - 0.14*l.temp}
	scale := float32(curveSize-1) / curveRange
	i := img.PixOffset(area.Min.X, y)
	for col := range area.Dx() {
		px := img.Pix[i : i+4 : i+4]
		i += 4
		cu := (float32(col)+0.5)/aw*2 - 1
		vig := 1 - l.vignette*smoothstep(0.35, 2.0, cu*cu+cv*cv)
		gain := l.exposure * (1 + l.flash*fx[col]*fy) * vig
		c := [3]float32{float32(px[0]) / 255 * gain * balance[0], float32(px[1]) / 255 * gain * balance[1], float32(px[2]) / 255 * gain * balance[2]}
		lum := 0.299*c[0] + 0.587*c[1] + 0.114*c[2]
		n := grainAt(area.Min.X+col, y, l.grainSeed) * l.grain * (0.35 + 2.6*clamp(lum, 0, 1)*(1-clamp(lum, 0, 1)))
		for k := range 3 {
			v := c[k] + l.warmth*tint*(hi[k]*lum+lo[k]*(1-lum))
			v = lum + (v-lum)*l.saturation
			idx := clamp(int(v*scale+0.5), 0, curveSize-1)
			px[k] = toByte((tone[idx] + n) * 255)
		}
	}
}
