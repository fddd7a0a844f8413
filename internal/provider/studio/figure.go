package studio

import (
	"image"
	"math"
	"math/rand/v2"
)

// part is one shape of the drawn figure, in figure units (the figure is one
// unit tall, x = 0 on its centre line, y down from the top of the head).
type part struct {
	dist   func(x, y float64) float64 // signed distance, negative inside
	colour [3]float32
}

var (
	coatColours = [][3]float32{
		{0.72, 0.55, 0.36}, {0.45, 0.08, 0.1}, {0.1, 0.25, 0.65},
		{0.08, 0.08, 0.09}, {0.9, 0.87, 0.8}, {0.05, 0.4, 0.3},
	}
	skinTones = [][3]float32{{0.86, 0.68, 0.58}, {0.64, 0.45, 0.34}, {0.42, 0.28, 0.2}}
)

// poses are arm paths (shoulder, elbow, wrist) for the right and left arm.
var poses = [][2][3][2]float64{
	{{{0.1, 0.17}, {0.175, 0.31}, {0.085, 0.4}}, {{-0.1, 0.17}, {-0.125, 0.34}, {-0.115, 0.5}}}, // hand on hip
	{{{0.1, 0.17}, {0.13, 0.34}, {0.125, 0.5}}, {{-0.1, 0.17}, {-0.13, 0.34}, {-0.125, 0.5}}},   // arms down
	{{{0.1, 0.17}, {0.16, 0.32}, {0.11, 0.44}}, {{-0.1, 0.17}, {-0.11, 0.34}, {-0.16, 0.48}}},   // walking
}

// figureParts builds a stylised fashion figure — a belted coat over a
// contrasting top, hat or hair, stance and arms chosen by the seed — as a
// back-to-front list of shapes.
func figureParts(r *rand.Rand) []part {
	coat := coatColours[r.IntN(len(coatColours))]
	skin := skinTones[r.IntN(len(skinTones))]
	legs := skin
	if r.IntN(2) == 0 {
		legs = [3]float32{0.07, 0.07, 0.08}
	}
	top := [3]float32{0.92, 0.9, 0.86}
	if coat[0]+coat[1]+coat[2] > 1.8 {
		top = [3]float32{0.08, 0.08, 0.09}
	}
	shoes := [3]float32{0.06, 0.05, 0.05}
	hem := between(r, 0.56, 0.68)
	stance := between(r, 0, 0.06)
	pose := poses[r.IntN(len(poses))]
	flare := between(r, 0.12, 0.16)
	parts := []part{
		{capsule3(0.04, hem-0.05, 0.05+stance/2, 0.78, 0.058+stance, 0.955, 0.026), legs},
		{capsule3(-0.04, hem-0.05, -0.045, 0.78, -0.048, 0.955, 0.026), legs},
		{ellipse(0.072+stance, 0.966, 0.03, 0.013), shoes},
		{ellipse(-0.034, 0.966, 0.03, 0.013), shoes},
		{capsule(0, 0.11, 0, 0.17, 0.017), skin},
		{coatBody(0.155, hem, flare), coat},
		{vNeck(0.155, 0.3, 0.36), top},
		{belt(0.352, 0.37, 0.082), scaleRGB(coat, 0.45)},
	}
	for _, arm := range pose {
		parts = append(parts,
			part{capsule3(arm[0][0], arm[0][1], arm[1][0], arm[1][1], arm[2][0], arm[2][1], 0.024), coat},
			part{ellipse(arm[2][0], arm[2][1]+0.02, 0.016, 0.022), skin})
	}
	if r.IntN(2) == 0 {
		parts = append(parts, part{ellipse(0, 0.075, 0.04, 0.052), skin},
			part{union(ellipse(0, 0.03, 0.1, 0.011), ellipse(0, 0.02, 0.046, 0.03)), scaleRGB(coat, 0.6)})
	} else {
		hair := [3]float32{0.12, 0.08, 0.06}
		parts = append(parts, part{union(ellipse(0, 0.07, 0.05, 0.058), ellipse(0.02, 0.12, 0.04, 0.05)), hair},
			part{ellipse(-0.004, 0.08, 0.038, 0.05), skin},
			part{ellipse(0.01, 0.04, 0.046, 0.026), hair})
	}
	return parts
}

// drawFigure renders the parts into a w×h premultiplied layer. Each shape
// is shaded like a rounded volume lit from the front left: bright in its
// middle, darker towards its edges, with a thin rim of back light on the
// edges that face right.
//
// The layer is drawn in tiles, and a tile only evaluates the parts whose
// distance at its centre says they can reach it (a distance field never
// changes faster than the distance moved), which skips most of the work:
// a figure covers a third of its box and any pixel is near two or three
// of its twenty shapes.
func drawFigure(parts []part, w, h, workers int) *image.RGBA {
	const tile = 8
	layer := image.NewRGBA(image.Rect(0, 0, w, h))
	px := 1 / float64(h)
	reach := 1.5*tile*px + 2*px // the tile's half-diagonal, with a margin for anti-aliasing
	tilesY := (h + tile - 1) / tile
	parallelRows(tilesY, workers, func(t0, t1 int) {
		active := make([]part, 0, len(parts))
		for ty := t0; ty < t1; ty++ {
			for tx := 0; tx < w; tx += tile {
				cx := (float64(tx) + tile/2 - float64(w)/2) * px
				cy := (float64(ty*tile)+tile/2)*px - 0.015
				active = active[:0]
				for _, p := range parts {
					if p.dist(cx, cy) < reach {
						active = append(active, p)
					}
				}
				if len(active) == 0 {
					continue
				}
				for y := ty * tile; y < min((ty+1)*tile, h); y++ {
					for x := tx; x < min(tx+tile, w); x++ {
						fx, fy := (float64(x)+0.5-float64(w)/2)*px, (float64(y)+0.5)*px-0.015
						shadeFigurePixel(layer, x, y, active, fx, fy, px)
					}
				}
			}
		}
	})
	return layer
}

func shadeFigurePixel(layer *image.RGBA, x, y int, parts []part, fx, fy, px float64) {
	var col [3]float32
	var alpha float32
	for _, p := range parts {
		d := p.dist(fx, fy)
		cov := float32(clamp64(0.5-d/px, 0, 1))
		if cov == 0 {
			continue
		}
		shade := float32(0.5+0.5*smoothstep64(0, 0.03, -d)) * float32(1.1-fx*1.2)
		var rim float32
		if d > -0.012 {
			nx := (p.dist(fx+px, fy) - p.dist(fx-px, fy)) / (2 * px)
			shade *= float32(1 - 0.25*nx)                                        // key light from the left
			rim = float32(0.35 * clamp64(nx, 0, 1) * smoothstep64(-0.006, 0, d)) // back light on the right edges
		}
		for k := range 3 {
			c := min(p.colour[k]*shade+rim, 1)
			col[k] = col[k]*(1-cov) + c*cov
		}
		alpha = alpha*(1-cov) + cov
	}
	i := layer.PixOffset(x, y)
	for k := range 3 {
		layer.Pix[i+k] = toByte(col[k] * 255) // col is already premultiplied
	}
	layer.Pix[i+3] = toByte(alpha * 255)
}

func smoothstep64(e0, e1, x float64) float64 {
	t := clamp64((x-e0)/(e1-e0), 0, 1)
	return t * t * (3 - 2*t)
}

// coatBody is a belted coat: shoulders, a nipped waist, flaring to the hem.
func coatBody(y0, hem, flare float64) func(x, y float64) float64 {
	knots := [][2]float64{{y0, 0.1}, {0.25, 0.09}, {0.36, 0.074}, {0.45, 0.098}, {hem, flare}}
	return union(func(x, y float64) float64 {
		half := knots[len(knots)-1][1]
		for i := 1; i < len(knots); i++ {
			if y < knots[i][0] {
				t := clamp64((y-knots[i-1][0])/(knots[i][0]-knots[i-1][0]), 0, 1)
				half = knots[i-1][1] + t*(knots[i][1]-knots[i-1][1])
				break
			}
		}
		return math.Max((math.Abs(x)-half)/1.05, math.Max(y0-y, y-hem))
	}, capsule(-0.088, 0.178, 0.088, 0.178, 0.03))
}

// vNeck is the top showing in the coat's V opening, widest (half width
// top) at y0 and closing at y1.
func vNeck(y0, y1, slope float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		return math.Max((math.Abs(x)-(y1-y)*slope)/math.Hypot(1, slope), math.Max(y0-y, y-y1))
	}
}

// belt is a band across the waist.
func belt(y0, y1, half float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		return math.Max(math.Abs(x)-half, math.Max(y0-y, y-y1))
	}
}

func capsule(ax, ay, bx, by, r float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		dx, dy := bx-ax, by-ay
		t := clamp64(((x-ax)*dx+(y-ay)*dy)/(dx*dx+dy*dy), 0, 1)
		return math.Hypot(x-ax-t*dx, y-ay-t*dy) - r
	}
}

// capsule3 is a limb: two capsules joined at the middle point.
func capsule3(ax, ay, bx, by, cx, cy, r float64) func(x, y float64) float64 {
	return union(capsule(ax, ay, bx, by, r), capsule(bx, by, cx, cy, r*0.9))
}

// ellipse returns an approximate signed distance to an axis-aligned ellipse,
// exact enough for anti-aliasing a one-pixel edge.
func ellipse(cx, cy, rx, ry float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		return (math.Hypot((x-cx)/rx, (y-cy)/ry) - 1) * math.Min(rx, ry)
	}
}

func union(a, b func(x, y float64) float64) func(x, y float64) float64 {
	return func(x, y float64) float64 { return math.Min(a(x, y), b(x, y)) }
}
