package media

import (
	"math"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// CubicBezier returns the CSS cubic-bezier(x1, y1, x2, y2) timing curve.
// The x values are times and must lie in [0,1] (otherwise the curve would not
// be a function of time); the y values are free, so a curve may overshoot.
func CubicBezier(x1, y1, x2, y2 float64) (Easing, error) {
	for _, v := range []float64{x1, y1, x2, y2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, shoot.Errorf(shoot.EINVALID, "bezier control points must be finite numbers")
		}
	}
	if x1 < 0 || x1 > 1 || x2 < 0 || x2 > 1 {
		return nil, shoot.Errorf(shoot.EINVALID,
			"bezier x values must be within [0,1], got x1=%g x2=%g", x1, x2)
	}
	return bezier(x1, y1, x2, y2), nil
}

// ParseBezier parses "x1,y1,x2,y2" (spaces allowed) into a curve.
func ParseBezier(s string) (Easing, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, shoot.Errorf(shoot.EINVALID,
			"bezier must be four comma-separated numbers x1,y1,x2,y2, got %q", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, shoot.Errorf(shoot.EINVALID, "bezier value %d (%q) is not a number", i+1, strings.TrimSpace(p))
		}
		v[i] = f
	}
	return CubicBezier(v[0], v[1], v[2], v[3])
}

// bezierSolveEps is how closely the solved parameter must reproduce t.
// It is tighter than the usual 1e-6 so the curve's own error stays far
// below one source frame even on the steepest presets.
const bezierSolveEps = 1e-9

// bezier builds the curve without validation; callers guarantee x1, x2 in
// [0,1]. Both axes are the polynomial ((a·s + b)·s + c)·s with c = 3·p1,
// b = 3·(p2 − p1) − c and a = 1 − c − b.
func bezier(x1, y1, x2, y2 float64) Easing {
	cx := 3 * x1
	bx := 3*(x2-x1) - cx
	ax := 1 - cx - bx
	cy := 3 * y1
	by := 3*(y2-y1) - cy
	ay := 1 - cy - by
	x := func(s float64) float64 { return ((ax*s+bx)*s + cx) * s }
	dx := func(s float64) float64 { return (3*ax*s+2*bx)*s + cx }
	return func(t float64) float64 {
		if t <= 0 {
			return 0
		}
		if t >= 1 {
			return 1
		}
		s := solveBezierX(t, x, dx)
		return ((ay*s+by)*s + cy) * s
	}
}

// solveBezierX finds s with x(s) = t: a few Newton steps from s = t, which
// converge fast where the curve is smooth, then bisection, which always
// converges because x is monotonic on [0,1] when x1 and x2 are in [0,1].
func solveBezierX(t float64, x, dx func(float64) float64) float64 {
	s := t
	for range 8 {
		err := x(s) - t
		if math.Abs(err) < bezierSolveEps {
			return s
		}
		d := dx(s)
		if math.Abs(d) < 1e-6 {
			break
		}
		s -= err / d
	}
	lo, hi := 0.0, 1.0
	s = t
	for range 100 {
		v := x(s)
		if math.Abs(v-t) < bezierSolveEps {
			break
		}
		if v < t {
			lo = s
		} else {
			hi = s
		}
		s = (lo + hi) / 2
	}
	return s
}
