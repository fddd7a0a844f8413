package media

import (
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Easing maps output progress p in [0,1] to source progress. Most curves
// stay within [0,1]; the back and elastic families overshoot on purpose.
type Easing func(p float64) float64

// DefaultEasing is the curve the pipeline uses when none is chosen: an
// almost frozen start and end with a fast middle, so hard cuts land on
// near-still pictures.
const DefaultEasing = "dramaticSwoop"

// EasingInfo describes one named curve of the catalogue.
type EasingInfo struct {
	Name   string `json:"name"`
	Family string `json:"family"`
	// Bezier holds the CSS control points x1,y1,x2,y2 of bezier presets.
	Bezier []float64 `json:"bezier,omitempty"`
	// Monotonic is false for curves that go backwards at some point (back,
	// elastic and bounce); the stitch then clamps and buffers (see Stitch).
	Monotonic bool `json:"monotonic"`
}

// catalogEntry pairs the description with the function.
type catalogEntry struct {
	info EasingInfo
	fn   Easing
}

// Catalog returns every named easing in a stable order: the base families,
// then the bezier presets, then the asymmetric hybrids.
func Catalog() []EasingInfo {
	entries := catalog()
	out := make([]EasingInfo, len(entries))
	for i, e := range entries {
		out[i] = e.info
		out[i].Bezier = slices.Clone(e.info.Bezier)
	}
	return out
}

// Names returns the names of every easing, in Catalog order.
func Names() []string {
	entries := catalog()
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.info.Name
	}
	return out
}

// Lookup returns the easing called name (case-sensitive). An unknown name is
// an EINVALID error listing the valid names; there is deliberately no silent
// fallback to linear, so a typo never turns into a flat film.
func Lookup(name string) (Easing, error) {
	for _, e := range catalog() {
		if e.info.Name == name {
			return e.fn, nil
		}
	}
	return nil, shoot.Errorf(shoot.EINVALID, "unknown easing %q; valid names: %s",
		name, strings.Join(Names(), ", "))
}

// catalog builds the table. It is a function rather than a package variable
// so no caller can mutate shared state.
func catalog() []catalogEntry {
	entries := baseEasings()
	for _, p := range bezierPresets() {
		entries = append(entries, catalogEntry{
			info: EasingInfo{Name: p.name, Family: "bezier", Bezier: p.pts[:], Monotonic: true},
			fn:   bezier(p.pts[0], p.pts[1], p.pts[2], p.pts[3]),
		})
	}
	return append(entries, hybridEasings()...)
}

type bezierPreset struct {
	name string
	pts  [4]float64
}

// bezierPresets are the CSS-style named curves the studio documents.
func bezierPresets() []bezierPreset {
	return []bezierPreset{
		{"ease", [4]float64{0.25, 0.1, 0.25, 1}},
		{"easeIn", [4]float64{0.42, 0, 1, 1}},
		{"easeOut", [4]float64{0, 0, 0.58, 1}},
		{"easeInOut", [4]float64{0.42, 0, 0.58, 1}},
		{"dramaticSwoop", [4]float64{0.85, 0, 0.15, 1}},
		{"gentleSwoop", [4]float64{0.7, 0, 0.3, 1}},
		{"cinematic", [4]float64{0.77, 0, 0.175, 1}},
		{"luxurious", [4]float64{0.19, 1, 0.22, 1}},
		{"materialStandard", [4]float64{0.4, 0, 0.2, 1}},
		{"materialDecelerate", [4]float64{0, 0, 0.2, 1}},
		{"materialAccelerate", [4]float64{0.4, 0, 1, 1}},
	}
}

// hybridEasings join one family's ease-in (first half) to another's
// ease-out (second half).
func hybridEasings() []catalogEntry {
	hybrid := func(name string, in, out Easing) catalogEntry {
		return catalogEntry{
			info: EasingInfo{Name: name, Family: "hybrid", Monotonic: true},
			fn:   asymmetric(in, out),
		}
	}
	return []catalogEntry{
		hybrid("easeInExpoOutCubic", inExpo, outCubic),
		hybrid("easeInQuartOutQuad", inQuart, outQuad),
		hybrid("easeInCircOutQuad", inCirc, outQuad),
	}
}

// asymmetric runs in over the first half of the time and out over the
// second, each squeezed into half of the progress range.
func asymmetric(in, out Easing) Easing {
	return func(t float64) float64 {
		if t <= 0.5 {
			return 0.5 * in(2*t)
		}
		return 0.5 + 0.5*out(2*t-1)
	}
}
