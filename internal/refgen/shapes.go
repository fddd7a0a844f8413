package refgen

import "math"

// sdf is a signed distance in pixels: negative inside a shape.
type sdf func(x, y float64) float64

func capsule(ax, ay, bx, by, r float64) sdf {
	return func(x, y float64) float64 {
		px, py, dx, dy := x-ax, y-ay, bx-ax, by-ay
		h := math.Max(0, math.Min(1, (px*dx+py*dy)/math.Max(dx*dx+dy*dy, 1e-9)))
		return math.Hypot(px-dx*h, py-dy*h) - r
	}
}

// ellipse uses the usual gradient-corrected approximation, good to a
// fraction of a pixel near the edge, which is all coverage needs.
func ellipse(cx, cy, rx, ry float64) sdf {
	return func(x, y float64) float64 {
		u, v := (x-cx)/rx, (y-cy)/ry
		k0 := math.Hypot(u, v)
		k1 := math.Hypot(u/rx, v/ry)
		if k1 == 0 {
			return -math.Min(rx, ry)
		}
		return k0 * (k0 - 1) / k1
	}
}

// quad is a convex quadrilateral with corners in clockwise screen order.
func quad(pts [4][2]float64) sdf {
	return func(x, y float64) float64 {
		d := math.Inf(-1)
		for i := range 4 {
			a, b := pts[i], pts[(i+1)%4]
			ex, ey := b[0]-a[0], b[1]-a[1]
			n := math.Hypot(ex, ey)
			// Outward normal of a clockwise (on screen, y down) polygon.
			d = math.Max(d, ((x-a[0])*ey-(y-a[1])*ex)/n)
		}
		return d
	}
}

// roundRect is a rectangle centred at (cx, cy) with half sizes hw, hh and
// corner radius r.
func roundRect(cx, cy, hw, hh, r float64) sdf {
	return func(x, y float64) float64 {
		qx, qy := math.Abs(x-cx)-hw+r, math.Abs(y-cy)-hh+r
		return math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0) - r
	}
}

// ring is the outline of width t around a shape.
func ring(s sdf, t float64) sdf {
	return func(x, y float64) float64 { return math.Abs(s(x, y)) - t/2 }
}

// above keeps the part of a shape above the line y = limit.
func above(s sdf, limit float64) sdf {
	return func(x, y float64) float64 { return math.Max(s(x, y), y-limit) }
}

// union joins shapes.
func union(ss ...sdf) sdf {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		for _, s := range ss {
			d = math.Min(d, s(x, y))
		}
		return d
	}
}
