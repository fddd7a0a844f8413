package media

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Worked test vectors: a 5.041667 s, 24 fps source mapped to
// 1.5 s at 60 fps.
func TestSourceTimesSpecVectors(t *testing.T) {
	t.Parallel()
	const dur, srcFPS = 5.041667, 24.0
	n := OutputFrames(1.5, 60)
	if n != 90 {
		t.Fatalf("OutputFrames(1.5, 60) = %d, want 90", n)
	}
	frames := []int{0, 1, 5, 10, 20, 30, 45, 60, 70, 80, 85, 86, 87, 88, 89}
	tests := []struct {
		name string
		want []float64
	}{
		{"dramaticSwoop", []float64{0, 0.0003, 0.0079, 0.0339, 0.1631, 0.4735, 2.7079, 4.6126, 4.8975, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0}},
		{"easeInOutSine", []float64{0, 0.0016, 0.0392, 0.1554, 0.6025, 1.2862, 2.5653, 3.8323, 4.4957, 4.9155, 5.0, 5.0, 5.0, 5.0, 5.0}},
		{"linear", []float64{0, 0.0566, 0.2832, 0.5665, 1.133, 1.6994, 2.5492, 3.3989, 3.9654, 4.5318, 4.8151, -1, -1, -1, 5.0}},
	}
	for _, tt := range tests {
		ease, err := Lookup(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		times := SourceTimes(ease, n, dur, srcFPS)
		for k, f := range frames {
			if tt.want[k] < 0 {
				continue // the spec gives only the ends of the 85–89 range for linear
			}
			if math.Abs(times[f]-tt.want[k]) > 1e-4 {
				t.Errorf("%s frame %d: t = %.6f, want %.4f", tt.name, f, times[f], tt.want[k])
			}
		}
	}
}

func TestSourceTimesClampAndSingleFrame(t *testing.T) {
	t.Parallel()
	back, _ := Lookup("easeInOutBack")
	times := SourceTimes(back, 30, 2, 24)
	for i, v := range times {
		if v < 0 || v > 2-1.0/24+1e-12 {
			t.Fatalf("frame %d: t = %v outside [0, duration−1/fps]", i, v)
		}
	}
	if got := SourceTimes(back, 1, 2, 24); len(got) != 1 || got[0] != 0 {
		t.Fatalf("one output frame: got %v, want [0]", got)
	}
	if got := SourceTimes(linear, 3, 0.01, 24); got[2] != 0 {
		t.Fatalf("clip shorter than one frame: last t = %v, want 0", got[2])
	}
}

func TestOutputFramesRounding(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    float64
		fps  int
		want int
	}{{1.5, 60, 90}, {0.7, 30, 21}, {1.0 / 3, 24, 8}, {0.01, 24, 0}, {2, 25, 50}} {
		if got := OutputFrames(tt.d, tt.fps); got != tt.want {
			t.Errorf("OutputFrames(%v, %d) = %d, want %d", tt.d, tt.fps, got, tt.want)
		}
	}
}

func TestSourceIndex(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		t, fps float64
		want   int
	}{{0, 24, 0}, {1.0 / 24, 24, 1}, {0.0003, 24, 1}, {5.0, 24, 120}, {3 * 0.1, 10, 3}, {-0.5, 24, 0}} {
		if got := sourceIndex(tt.t, tt.fps); got != tt.want {
			t.Errorf("sourceIndex(%v, %v) = %d, want %d", tt.t, tt.fps, got, tt.want)
		}
	}
}

// specNames are the easing names the studio documents. (Its prose says "41";
// the table itself lists these 45 and the catalogue implements all of them.)
var specNames = []string{
	"linear",
	"easeInQuad", "easeOutQuad", "easeInOutQuad",
	"easeInCubic", "easeOutCubic", "easeInOutCubic",
	"easeInQuart", "easeOutQuart", "easeInOutQuart",
	"easeInQuint", "easeOutQuint", "easeInOutQuint",
	"easeInSine", "easeOutSine", "easeInOutSine",
	"easeInExpo", "easeOutExpo", "easeInOutExpo",
	"easeInCirc", "easeOutCirc", "easeInOutCirc",
	"easeInElastic", "easeOutElastic", "easeInOutElastic",
	"easeInBack", "easeOutBack", "easeInOutBack",
	"easeInBounce", "easeOutBounce", "easeInOutBounce",
	"ease", "easeIn", "easeOut", "easeInOut", "dramaticSwoop", "gentleSwoop", "cinematic",
	"luxurious", "materialStandard", "materialDecelerate", "materialAccelerate",
	"easeInExpoOutCubic", "easeInQuartOutQuad", "easeInCircOutQuad",
}

func TestNamesMatchSpecTable(t *testing.T) {
	t.Parallel()
	if got := Names(); !slices.Equal(got, specNames) {
		t.Fatalf("Names() = %v\nwant %v", got, specNames)
	}
	if len(Catalog()) != len(specNames) {
		t.Fatalf("Catalog has %d entries, want %d", len(Catalog()), len(specNames))
	}
}

func TestEndpointsAndMonotonicity(t *testing.T) {
	t.Parallel()
	for _, info := range Catalog() {
		ease, err := Lookup(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		if v := ease(0); math.Abs(v) > 1e-12 {
			t.Errorf("%s(0) = %v, want 0", info.Name, v)
		}
		if v := ease(1); math.Abs(v-1) > 1e-12 {
			t.Errorf("%s(1) = %v, want 1", info.Name, v)
		}
		prev := ease(0)
		for i := 1; i <= 1000; i++ {
			v := ease(float64(i) / 1000)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s(%v) = %v", info.Name, float64(i)/1000, v)
			}
			if info.Monotonic && v < prev-1e-12 {
				t.Errorf("%s decreases at %v: %v < %v", info.Name, float64(i)/1000, v, prev)
				break
			}
			prev = v
		}
	}
}

// The curves flagged non-monotonic really do go backwards (or overshoot),
// so the flag the stitch relies on is not just set to false everywhere.
func TestNonMonotonicFlagIsEarned(t *testing.T) {
	t.Parallel()
	for _, info := range Catalog() {
		if info.Monotonic {
			continue
		}
		ease, _ := Lookup(info.Name)
		decreases := false
		for i := 1; i <= 1000 && !decreases; i++ {
			decreases = ease(float64(i)/1000) < ease(float64(i-1)/1000)
		}
		if !decreases {
			t.Errorf("%s is flagged non-monotonic but never decreases", info.Name)
		}
	}
}

func TestFamilySpotValues(t *testing.T) {
	t.Parallel()
	pow := math.Pow
	tests := []struct {
		name string
		t    float64
		want float64
	}{
		{"linear", 0.37, 0.37},
		{"easeInQuad", 0.3, 0.09},
		{"easeOutQuad", 0.3, 0.51},
		{"easeInOutQuad", 0.25, 0.125},
		{"easeInOutQuad", 0.75, 0.875},
		{"easeInCubic", 0.5, 0.125},
		{"easeOutCubic", 0.5, 0.875},
		{"easeInOutCubic", 0.25, 0.0625},
		{"easeInOutCubic", 0.75, 0.9375},
		{"easeInQuart", 0.5, 0.0625},
		{"easeOutQuart", 0.5, 0.9375},
		{"easeInOutQuart", 0.25, 0.03125},
		{"easeInQuint", 0.5, 0.03125},
		{"easeOutQuint", 0.5, 0.96875},
		{"easeInOutQuint", 0.75, 1 - pow(0.5, 5)/2},
		{"easeInSine", 0.5, 1 - math.Sqrt2/2},
		{"easeOutSine", 0.5, math.Sqrt2 / 2},
		{"easeInOutSine", 0.25, (1 - math.Sqrt2/2) / 2},
		{"easeInExpo", 0.5, pow(2, -5)},
		{"easeOutExpo", 0.5, 1 - pow(2, -5)},
		{"easeInOutExpo", 0.25, pow(2, -5) / 2},
		{"easeInOutExpo", 0.5, 0.5},
		{"easeInCirc", 0.6, 0.2},
		{"easeOutCirc", 0.4, 0.8},
		{"easeInOutCirc", 0.3, 0.1},
		{"easeOutElastic", 0.1, pow(2, -1)*math.Sin(0.25*2*math.Pi/3) + 1},
		{"easeInElastic", 0.9, -pow(2, -1) * math.Sin((9-10.75)*2*math.Pi/3)},
		{"easeInOutElastic", 0.25, -pow(2, -5) * math.Sin((5-11.125)*2*math.Pi/4.5) / 2},
		{"easeInBack", 0.5, 2.70158*0.125 - 1.70158*0.25},
		{"easeOutBack", 0.5, 1 - 2.70158*0.125 + 1.70158*0.25},
		{"easeInOutBack", 0.25, 0.25 * ((1.70158*1.525+1)*0.5 - 1.70158*1.525) / 2},
		{"easeOutBounce", 0.2, 7.5625 * 0.04},
		{"easeOutBounce", 0.5, 7.5625*pow(0.5-1.5/2.75, 2) + 0.75},
		{"easeOutBounce", 0.95, 7.5625*pow(0.95-2.625/2.75, 2) + 0.984375},
		{"easeInBounce", 0.8, 1 - 7.5625*0.04},
		{"easeInOutBounce", 0.75, (1 + 7.5625*pow(0.5-1.5/2.75, 2) + 0.75) / 2},
		{"easeInExpoOutCubic", 0.25, 0.5 * pow(2, -5)},
		{"easeInExpoOutCubic", 0.75, 0.5 + 0.5*0.875},
		{"easeInQuartOutQuad", 0.25, 0.5 * 0.0625},
		{"easeInQuartOutQuad", 0.75, 0.5 + 0.5*0.75},
		{"easeInCircOutQuad", 0.3, 0.5 * 0.2},
		{"easeInOut", 0.5, 0.5}, // symmetric curve
		{"dramaticSwoop", 0.5, 0.5},
	}
	for _, tt := range tests {
		ease, err := Lookup(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if got := ease(tt.t); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s(%v) = %.12f, want %.12f", tt.name, tt.t, got, tt.want)
		}
	}
}

// bezierPoint evaluates the curve parametrically, the independent truth the
// solver must reproduce.
func bezierPoint(x1, y1, x2, y2, s float64) (x, y float64) {
	u := 1 - s
	x = 3*u*u*s*x1 + 3*u*s*s*x2 + s*s*s
	y = 3*u*u*s*y1 + 3*u*s*s*y2 + s*s*s
	return x, y
}

func TestCubicBezierMatchesParametricCurve(t *testing.T) {
	t.Parallel()
	curves := [][4]float64{
		{0.85, 0, 0.15, 1}, {0.19, 1, 0.22, 1}, {0.4, 0, 1, 1}, {0, 0, 0.2, 1},
		{0.68, -0.6, 0.32, 1.6}, {0, 1, 1, 0}, {0.5, 0.5, 0.5, 0.5}, {0.77, 0, 0.175, 1},
	}
	for _, c := range curves {
		ease, err := CubicBezier(c[0], c[1], c[2], c[3])
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < 200; i++ {
			x, y := bezierPoint(c[0], c[1], c[2], c[3], float64(i)/200)
			if got := ease(x); math.Abs(got-y) > 1e-6 {
				t.Errorf("bezier%v(%v) = %v, want %v", c, x, got, y)
			}
		}
	}
}

// cubic-bezier(1,0,0,1) has a vertical tangent at its midpoint, where no
// solver can be accurate in y; it must still be monotonic and symmetric.
func TestCubicBezierVerticalTangent(t *testing.T) {
	t.Parallel()
	ease, err := CubicBezier(1, 0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	prev := 0.0
	for i := 1; i <= 1000; i++ {
		x := float64(i) / 1000
		v := ease(x)
		if v < prev-1e-9 {
			t.Fatalf("decreases at %v", x)
		}
		if math.Abs(v+ease(1-x)-1) > 1e-3 {
			t.Fatalf("not symmetric at %v: %v + %v", x, v, ease(1-x))
		}
		prev = v
	}
}

func TestCubicBezierLinearIdentity(t *testing.T) {
	t.Parallel()
	ease, err := ParseBezier(" 0.25 , 0.25,0.75, 0.75")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{0.1, 0.33, 0.5, 0.9} {
		if got := ease(x); math.Abs(got-x) > 1e-9 {
			t.Errorf("identity bezier(%v) = %v", x, got)
		}
	}
	if ease(-1) != 0 || ease(2) != 1 {
		t.Errorf("out-of-range input not pinned: %v %v", ease(-1), ease(2))
	}
}

func TestBezierAndLookupErrors(t *testing.T) {
	t.Parallel()
	bad := []string{"", "1,2,3", "0.1,0,0.2,1,5", "a,0,0.5,1", "1.2,0,0.5,1", "0.5,0,-0.1,1", "NaN,0,0.5,1", "0.5,0,Inf,1"}
	for _, s := range bad {
		if _, err := ParseBezier(s); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("ParseBezier(%q) err = %v, want EINVALID", s, err)
		}
	}
	_, err := Lookup("easeInOutSnake")
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "dramaticSwoop") {
		t.Fatalf("Lookup(unknown) err = %v, want EINVALID listing valid names", err)
	}
	if _, err := Lookup("easeinoutsine"); err == nil {
		t.Fatal("lookup is case-sensitive; want error for a wrongly-cased name")
	}
}

func TestCatalogReturnsCopies(t *testing.T) {
	t.Parallel()
	c := Catalog()
	for i := range c {
		if c[i].Name == DefaultEasing {
			c[i].Bezier[0] = 99
		}
	}
	for _, info := range Catalog() {
		if info.Name == DefaultEasing && info.Bezier[0] != 0.85 {
			t.Fatal("mutating Catalog's result changed the catalogue")
		}
	}
}
