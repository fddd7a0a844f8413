package sheetgen

import (
	"image/color"
	"math/rand/v2"
)

// palette holds gutter colours image models use: paper whites, greys,
// charcoal, black and a dark navy.
var palette = []color.RGBA{
	{255, 255, 255, 255}, {246, 242, 233, 255}, {236, 236, 238, 255}, {250, 247, 240, 255},
	{128, 128, 128, 255}, {200, 200, 205, 255}, {38, 36, 40, 255}, {0, 0, 0, 255}, {14, 16, 28, 255},
}

func pick[T any](rng *rand.Rand, v ...T) T { return v[rng.IntN(len(v))] }

// between returns a random int in [lo, hi].
func between(rng *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + rng.IntN(hi-lo+1)
}

// specFor decides everything about one sheet of class c.
func specFor(c Class, rng *rand.Rand) spec {
	sp := base(rng)
	switch c {
	case Gutterless:
		sp.margins, sp.gx, sp.gy, sp.blend, sp.wander, sp.gradient = [4]int{}, 0, 0, 0, 0, 0
		sp.w = pick(rng, 2528, 1264, 2048, between(rng, 1000, 2600))
		sp.h = pick(rng, 1696, 848, sp.w*2/3+between(rng, -40, 40))
	case NearGutterBand:
		sp.gutter = pick(rng, palette[6], palette[7], palette[8], palette[0], palette[4])
		sp.band = true
	case UnequalMargins:
		for i := range sp.margins {
			sp.margins[i] = pick(rng, 0, between(rng, 1, 4), between(rng, 20, 180))
		}
	case Small:
		sp.w, sp.h = 1264, 848
		sp.gx, sp.gy = between(rng, 4, 20), between(rng, 4, 20)
		sp.margins = [4]int{between(rng, 0, 30), between(rng, 0, 30), between(rng, 0, 30), between(rng, 0, 30)}
	case Labels:
		sp.labels = true
		sp.gy = between(rng, 30, 70)
		sp.margins[1], sp.margins[3] = between(rng, 30, 80), between(rng, 30, 80)
	case Rounded:
		sp.radius = between(rng, 4, 28)
	case Shadow:
		sp.gutter = pick(rng, palette[0], palette[1], palette[2], palette[3], palette[5])
		sp.shadow = true
		sp.gx, sp.gy = between(rng, 20, 50), between(rng, 20, 50)
		sp.margins = [4]int{between(rng, 0, 40), between(rng, 0, 40), between(rng, 20, 50), between(rng, 20, 50)}
		sp.wander = 0
	case FilmStrip:
		filmSpec(&sp, rng)
	case Keyline:
		sp.keyline = true
		sp.gx, sp.gy = between(rng, 18, 50), between(rng, 18, 50)
		sp.margins = [4]int{between(rng, 10, 50), between(rng, 10, 50), between(rng, 10, 50), between(rng, 10, 50)}
		sp.wander = 0
	case WrongGrid:
		g := pick(rng, [2]int{3, 3}, [2]int{3, 3}, [2]int{2, 2}, [2]int{3, 2})
		sp.rows, sp.cols = g[0], g[1]
		sp.h = sp.w * sp.rows / sp.cols
		if sp.h > 2600 {
			sp.w, sp.h = sp.w*2600/sp.h, 2600
		}
	case WorkedExample:
		sp = spec{w: 2528, h: 1696, rows: 2, cols: 3, margins: [4]int{9, 19, 8, 16}, gx: 31, gy: 28,
			colW: []int{816, 816, 817}, rowH: []int{815, 818}, gutter: palette[0], blend: 2, jpegQ: 90}
	}
	return sp
}

// base is a plain sheet: 2×3 landscape (sometimes 3×2 portrait) with
// everything random that every class shares.
func base(rng *rand.Rand) spec {
	sp := spec{rows: 2, cols: 3, gutter: pick(rng, palette...)}
	sp.w = between(rng, 1264, 2528)
	sp.h = sp.w * 2 / 3
	if rng.IntN(5) == 0 {
		sp.rows, sp.cols = 3, 2
		sp.w, sp.h = sp.h, sp.w
	}
	sp.gx, sp.gy = between(rng, 4, 48), between(rng, 4, 48)
	if rng.IntN(2) == 0 {
		sp.gy = sp.gx
	}
	for i := range sp.margins {
		sp.margins[i] = pick(rng, 0, between(rng, 1, 3), between(rng, 4, 60), between(rng, 4, 60))
	}
	sp.gradient = pick(rng, 0, 0, between(rng, 1, 6))
	sp.blend = between(rng, 0, 2)
	sp.noise = pick(rng, 0, between(rng, 1, 3))
	if rng.IntN(2) == 0 {
		sp.jpegQ = between(rng, 70, 95)
	}
	if narrow := min(sp.gx, sp.gy); narrow >= 10 && rng.IntN(3) == 0 {
		sp.wander = between(rng, 1, min(3, (narrow-6)/4))
	}
	return sp
}

// filmSpec lays out strips of black film, one per row, each with a band
// of sprocket holes above and below its frames.
func filmSpec(sp *spec, rng *rand.Rand) {
	sp.film = true
	sp.gutter = pick(rng, color.RGBA{12, 10, 10, 255}, color.RGBA{22, 20, 18, 255}, color.RGBA{4, 4, 6, 255})
	// The film keeps a clear strip between the holes and the picture, as
	// real film does (about a millimetre of a 24 mm frame).
	band := between(rng, 26, 44)
	sp.margins = [4]int{between(rng, 0, 30), band, between(rng, 0, 30), band}
	sp.gy = 2 * band
	sp.gx = between(rng, 6, 24)
	sp.wander, sp.gradient = 0, 0
}
