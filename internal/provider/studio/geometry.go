package studio

import (
	"math"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// baseSizes are the 1K output sizes of the hosted image model per aspect
// ratio (the FAL model answers 1264×848 for 1K 3:2); 2K doubles them. The
// studio draws the same sizes, so everything downstream (grid cropping,
// resizing, clip sizes) sees what it would see from the real service.
var baseSizes = map[string][2]int{
	"21:9": {1584, 672},
	"16:9": {1376, 768},
	"3:2":  {1264, 848},
	"4:3":  {1200, 896},
	"5:4":  {1152, 928},
	"1:1":  {1024, 1024},
	"4:5":  {928, 1152},
	"3:4":  {896, 1200},
	"2:3":  {848, 1264},
	"9:16": {768, 1376},
}

// outputSize returns the pixel size of an image request: the hosted
// model's size for the aspect ratio at 1K, doubled at 2K and quadrupled at
// 4K, so a studio picture is as large as the resolution option says.
func outputSize(aspect, resolution string) (w, h int, err error) {
	if aspect == "" {
		aspect = shoot.DefaultAspectRatio
	}
	base, ok := baseSizes[aspect]
	if !ok {
		return 0, 0, shoot.Errorf(shoot.EINVALID, "aspect ratio %q is not supported; use one of %v", aspect, shoot.ImageAspectRatios)
	}
	switch resolution {
	case "1K":
		return base[0], base[1], nil
	case "", "2K":
		return base[0] * 2, base[1] * 2, nil
	case "4K":
		return base[0] * 4, base[1] * 4, nil
	}
	return 0, 0, shoot.Errorf(shoot.EINVALID, "resolution %q is not supported; use one of %v", resolution, shoot.Resolutions)
}

// evenFit scales w×h so its long side is at most maxSide and both sides are
// even (H.264 in yuv420p needs even sizes), keeping the aspect as closely as
// whole pixels allow.
func evenFit(w, h, maxSide int) (int, int) {
	long := max(w, h)
	scale := 1.0
	if long > maxSide {
		scale = float64(maxSide) / float64(long)
	}
	ew := max(2, 2*int(math.Round(float64(w)*scale/2)))
	eh := max(2, 2*int(math.Round(float64(h)*scale/2)))
	if ew > maxSide {
		ew = maxSide &^ 1
	}
	if eh > maxSide {
		eh = maxSide &^ 1
	}
	return ew, eh
}

// affine maps a point (x, y) to (a·x + b·y + c, d·x + e·y + f).
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.b*y + m.c, m.d*x + m.e*y + m.f
}

// camera describes a framing of a source picture: the source point shown at
// the centre of the target, how many source pixels one target pixel spans,
// a rotation and an optional mirror. Its inverse mapping (target → source) is
// what the samplers need.
type camera struct {
	cx, cy float64 // source point at the centre of the target
	scale  float64 // source pixels per target pixel (< 1 magnifies)
	angle  float64 // radians, counter-clockwise on screen
	mirror bool
}

// toSource returns the map from target coordinates (a tw×th area whose
// top-left corner is at ox, oy) to source coordinates.
func (c camera) toSource(ox, oy, tw, th float64) affine {
	cos, sin := math.Cos(c.angle)*c.scale, math.Sin(c.angle)*c.scale
	fx := 1.0
	if c.mirror {
		fx = -1
	}
	tx, ty := ox+tw/2, oy+th/2
	// source = centre + R·S·(mirror·(target − targetCentre))
	m := affine{a: cos * fx, b: -sin, d: sin * fx, e: cos}
	m.c = c.cx - m.a*tx - m.b*ty
	m.f = c.cy - m.d*tx - m.e*ty
	return m
}

// fit adjusts the camera so that a tw×th target never sees outside a sw×sh
// source: first it magnifies until the rotated target fits, then it moves
// the centre inwards. This is why rotated and zoomed framings never show
// empty corners.
func (c camera) fit(sw, sh, tw, th float64) camera {
	cos, sin := math.Abs(math.Cos(c.angle)), math.Abs(math.Sin(c.angle))
	hx := (tw/2*cos + th/2*sin) // half extents of the rotated target, in target pixels
	hy := (tw/2*sin + th/2*cos)
	limit := math.Min(sw/2/hx, sh/2/hy) * 0.999
	c.scale = math.Min(c.scale, limit)
	ex, ey := hx*c.scale, hy*c.scale
	c.cx = clamp64(c.cx, ex, sw-ex)
	c.cy = clamp64(c.cy, ey, sh-ey)
	return c
}

func clamp64(v, lo, hi float64) float64 {
	if lo > hi {
		return (lo + hi) / 2
	}
	return math.Min(math.Max(v, lo), hi)
}

func deg(d float64) float64 { return d * math.Pi / 180 }
