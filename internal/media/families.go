package media

import "math"

// The base families follow the easings.net definitions quoted in
// the documented easing table. Each is a plain function so the hybrids can reuse them.

func linear(t float64) float64 { return t }

func inQuad(t float64) float64  { return t * t }
func outQuad(t float64) float64 { return t * (2 - t) }
func inOutQuad(t float64) float64 {
	if t < 0.5 {
		return 2 * t * t
	}
	return -1 + (4-2*t)*t
}

func inCubic(t float64) float64  { return t * t * t }
func outCubic(t float64) float64 { return math.Pow(t-1, 3) + 1 }
func inOutCubic(t float64) float64 {
	if t < 0.5 {
		return 4 * t * t * t
	}
	return 1 - math.Pow(-2*t+2, 3)/2
}

func inQuart(t float64) float64  { return math.Pow(t, 4) }
func outQuart(t float64) float64 { return 1 - math.Pow(t-1, 4) }
func inOutQuart(t float64) float64 {
	if t < 0.5 {
		return 8 * math.Pow(t, 4)
	}
	return 1 - math.Pow(-2*t+2, 4)/2
}

func inQuint(t float64) float64  { return math.Pow(t, 5) }
func outQuint(t float64) float64 { return 1 + math.Pow(t-1, 5) }
func inOutQuint(t float64) float64 {
	if t < 0.5 {
		return 16 * math.Pow(t, 5)
	}
	return 1 - math.Pow(-2*t+2, 5)/2
}

func inSine(t float64) float64    { return 1 - math.Cos(t*math.Pi/2) }
func outSine(t float64) float64   { return math.Sin(t * math.Pi / 2) }
func inOutSine(t float64) float64 { return -(math.Cos(math.Pi*t) - 1) / 2 }

// The exponential curves never reach 0 or 1 on their own, so the endpoints
// are pinned; otherwise the first output frame would not be source frame 0.
func inExpo(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return math.Pow(2, 10*t-10)
}

func outExpo(t float64) float64 {
	if t >= 1 {
		return 1
	}
	return 1 - math.Pow(2, -10*t)
}

func inOutExpo(t float64) float64 {
	switch {
	case t <= 0:
		return 0
	case t >= 1:
		return 1
	case t < 0.5:
		return math.Pow(2, 20*t-10) / 2
	}
	return (2 - math.Pow(2, -20*t+10)) / 2
}

func inCirc(t float64) float64  { return 1 - math.Sqrt(1-t*t) }
func outCirc(t float64) float64 { return math.Sqrt(1 - (t-1)*(t-1)) }
func inOutCirc(t float64) float64 {
	if t < 0.5 {
		return (1 - math.Sqrt(1-4*t*t)) / 2
	}
	u := -2*t + 2
	return (math.Sqrt(1-u*u) + 1) / 2
}

const (
	elasticC4 = 2 * math.Pi / 3
	elasticC5 = 2 * math.Pi / 4.5
)

func inElastic(t float64) float64 {
	if t <= 0 || t >= 1 {
		return pinEnds(t)
	}
	return -math.Pow(2, 10*t-10) * math.Sin((t*10-10.75)*elasticC4)
}

func outElastic(t float64) float64 {
	if t <= 0 || t >= 1 {
		return pinEnds(t)
	}
	return math.Pow(2, -10*t)*math.Sin((t*10-0.75)*elasticC4) + 1
}

func inOutElastic(t float64) float64 {
	switch {
	case t <= 0 || t >= 1:
		return pinEnds(t)
	case t < 0.5:
		return -(math.Pow(2, 20*t-10) * math.Sin((20*t-11.125)*elasticC5)) / 2
	}
	return math.Pow(2, -20*t+10)*math.Sin((20*t-11.125)*elasticC5)/2 + 1
}

// pinEnds returns the exact endpoint for t at or beyond 0 or 1.
func pinEnds(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return 1
}

const (
	backC1 = 1.70158
	backC2 = backC1 * 1.525
	backC3 = backC1 + 1
)

func inBack(t float64) float64 { return backC3*t*t*t - backC1*t*t }
func outBack(t float64) float64 {
	u := t - 1
	return 1 + backC3*u*u*u + backC1*u*u
}
func inOutBack(t float64) float64 {
	if t < 0.5 {
		u := 2 * t
		return u * u * ((backC2+1)*u - backC2) / 2
	}
	u := 2*t - 2
	return (u*u*((backC2+1)*u+backC2) + 2) / 2
}

const (
	bounceN1 = 7.5625
	bounceD1 = 2.75
)

func outBounce(t float64) float64 {
	switch {
	case t < 1/bounceD1:
		return bounceN1 * t * t
	case t < 2/bounceD1:
		t -= 1.5 / bounceD1
		return bounceN1*t*t + 0.75
	case t < 2.5/bounceD1:
		t -= 2.25 / bounceD1
		return bounceN1*t*t + 0.9375
	}
	t -= 2.625 / bounceD1
	return bounceN1*t*t + 0.984375
}

func inBounce(t float64) float64 { return 1 - outBounce(1-t) }
func inOutBounce(t float64) float64 {
	if t < 0.5 {
		return (1 - outBounce(1-2*t)) / 2
	}
	return (1 + outBounce(2*t-1)) / 2
}

// baseEasings lists linear and the ten in/out/in-out families.
func baseEasings() []catalogEntry {
	type fam struct {
		name, suffix string
		in, out, io  Easing
		monotonic    bool
	}
	fams := []fam{
		{"quad", "Quad", inQuad, outQuad, inOutQuad, true},
		{"cubic", "Cubic", inCubic, outCubic, inOutCubic, true},
		{"quart", "Quart", inQuart, outQuart, inOutQuart, true},
		{"quint", "Quint", inQuint, outQuint, inOutQuint, true},
		{"sine", "Sine", inSine, outSine, inOutSine, true},
		{"expo", "Expo", inExpo, outExpo, inOutExpo, true},
		{"circ", "Circ", inCirc, outCirc, inOutCirc, true},
		{"elastic", "Elastic", inElastic, outElastic, inOutElastic, false},
		{"back", "Back", inBack, outBack, inOutBack, false},
		{"bounce", "Bounce", inBounce, outBounce, inOutBounce, false},
	}
	out := []catalogEntry{{EasingInfo{Name: "linear", Family: "linear", Monotonic: true}, linear}}
	for _, f := range fams {
		for _, v := range []struct {
			prefix string
			fn     Easing
		}{{"easeIn", f.in}, {"easeOut", f.out}, {"easeInOut", f.io}} {
			info := EasingInfo{Name: v.prefix + f.suffix, Family: f.name, Monotonic: f.monotonic}
			out = append(out, catalogEntry{info, v.fn})
		}
	}
	return out
}
