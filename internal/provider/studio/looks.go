package studio

import "math/rand/v2"

// presetLooks are the finishes of the background presets: all share the
// house style (Velvia-like saturation, hard flash, heavy grain) and differ
// in temperature, contrast and how far the light falls off.
var presetLooks = map[string]look{
	StudioGrey:   {exposure: 1, warmth: 0.2, saturation: 1.2, contrast: 0.35, lift: 0.025, flash: 0.25, flashR: 0.45, vignette: 0.35, grain: 0.035},
	StudioWhite:  {exposure: 1.02, warmth: 0.08, saturation: 1.15, contrast: 0.25, lift: 0.02, flash: 0.1, flashR: 0.6, vignette: 0.14, grain: 0.025},
	StudioBlack:  {exposure: 1, warmth: -0.2, temp: -0.15, saturation: 1.15, contrast: 0.5, lift: 0.015, flash: 0.4, flashR: 0.35, vignette: 0.5, grain: 0.04},
	Industrial:   {exposure: 1, warmth: -0.12, saturation: 0.95, contrast: 0.45, lift: 0.03, flash: 0.25, flashR: 0.4, vignette: 0.42, grain: 0.045},
	WarmDaylight: {exposure: 1.03, warmth: 0.3, temp: 0.3, saturation: 1.1, contrast: 0.25, lift: 0.035, flash: 0.15, flashR: 0.55, vignette: 0.3, grain: 0.03},
	ColorGel:     {exposure: 1, warmth: 0, saturation: 1.35, contrast: 0.4, lift: 0.02, flash: 0.3, flashR: 0.4, vignette: 0.38, grain: 0.035},
	OutdoorUrban: {exposure: 1, warmth: 0.25, saturation: 1.15, contrast: 0.4, lift: 0.03, flash: 0.22, flashR: 0.45, vignette: 0.36, grain: 0.04},
}

// presetLook returns the finish of a preset, nudged by the seed so that two
// shoots on the same set are not graded identically.
func presetLook(preset string, r *rand.Rand) look {
	l, ok := presetLooks[preset]
	if !ok {
		l = presetLooks[StudioGrey]
	}
	l.warmth += float32(between(r, -0.08, 0.08))
	l.saturation *= float32(between(r, 0.95, 1.05))
	l.contrast += float32(between(r, -0.05, 0.05))
	l.grainSeed = r.Uint32()
	l.flashX, l.flashY = 0.5, 0.4
	return l
}
