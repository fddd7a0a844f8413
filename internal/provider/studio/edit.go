package studio

import (
	"hash/fnv"
	"image"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// editCue is a grade change asked for in words; the studio cannot follow an
// instruction literally, but it can honour its mood.
type editCue struct {
	words              []string
	warmth, saturation float32
	exposure, contrast float32
	zoom               float64
}

var editCues = []editCue{
	{words: []string{"warm", "golden", "sunset", "sun"}, warmth: 0.45},
	{words: []string{"cool", "cold", "blue", "winter"}, warmth: -0.45},
	{words: []string{"dark", "moody", "night", "shadow"}, exposure: -0.18, contrast: 0.2},
	{words: []string{"bright", "airy", "light"}, exposure: 0.14},
	{words: []string{"black and white", "monochrome", "b&w", "mono", "greyscale", "grayscale"}, saturation: -1},
	{words: []string{"vivid", "saturated", "colorful", "colourful", "bold"}, saturation: 0.35},
	{words: []string{"close", "zoom", "tight", "crop"}, zoom: 0.15},
}

// renderEdit makes a visible, deterministic change to a frame: a reframing
// (zoom, slight turn, shift), a grade following the mood words of the
// instruction (or the prompt's hash when it has none), and a light leak
// whose corner and colour come from the prompt's hash — so a regenerated
// frame is plainly new, and the same instruction always gives the same
// picture. The frame keeps its size, because frames must stay one size.
func renderEdit(req shoot.ImageRequest, frame *image.RGBA, workers int) *image.RGBA {
	W, H := frame.Bounds().Dx(), frame.Bounds().Dy()
	r := newRand(req.Seed, req.Prompt, "edit")
	cue := promptCue(req.Prompt, r)
	cam := camera{
		cx: float64(W) * between(r, 0.45, 0.55), cy: float64(H) * between(r, 0.42, 0.52),
		scale: 1 / (between(r, 1.05, 1.12) + cue.zoom),
		angle: deg(between(r, 0.6, 1.5) * sign(r)),
	}.fit(float64(W), float64(H), float64(W), float64(H))
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	drawOver(out, placement{src: frame, toSrc: cam.toSource(0, 0, float64(W), float64(H)),
		area: rectF{0, 0, float64(W), float64(H)}}, workers)
	l := look{exposure: 1 + cue.exposure, temp: cue.warmth, saturation: max(0, 1+cue.saturation),
		contrast: 0.12 + cue.contrast, lift: 0.015, flashR: 1, vignette: 0.2, grain: 0.018, grainSeed: r.Uint32()}
	finish(out, out.Bounds(), l, workers)
	lightLeak(out, req.Prompt)
	return out
}

// promptCue sums the cues whose words appear in the prompt; with none it
// draws a warm or cool shift from the seed so the edit still shows.
func promptCue(prompt string, r *rand.Rand) editCue {
	p := strings.ToLower(prompt)
	var c editCue
	matched := false
	for _, cue := range editCues {
		for _, w := range cue.words {
			if strings.Contains(p, w) {
				c.warmth += cue.warmth
				c.saturation += cue.saturation
				c.exposure += cue.exposure
				c.contrast += cue.contrast
				c.zoom += cue.zoom
				matched = true
				break
			}
		}
	}
	if !matched {
		c.warmth = float32(between(r, 0.25, 0.45) * sign(r))
		c.saturation = float32(between(r, 0.05, 0.2))
	}
	return c
}

// leakColours are the hues of the light leak.
var leakColours = [][3]float32{{1, 0.45, 0.12}, {1, 0.2, 0.15}, {0.95, 0.25, 0.55}, {1, 0.7, 0.2}}

// lightLeak screens a glow of coloured light into one corner, the way light
// fogs the edge of a film frame.
func lightLeak(img *image.RGBA, prompt string) {
	h := fnv.New32a()
	h.Write([]byte(prompt))
	sum := h.Sum32()
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	cx, cy := float64(W)*float64(sum&1), float64(H)*float64(sum>>1&1)
	col := leakColours[sum>>2%uint32(len(leakColours))]
	radius := 0.55 * float64(min(W, H))
	b := image.Rect(int(cx-radius), int(cy-radius), int(cx+radius)+1, int(cy+radius)+1).Intersect(img.Bounds())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) / radius
			k := float32(0.75 * math.Max(0, 1-d) * math.Max(0, 1-d))
			if k <= 0 {
				continue
			}
			i := img.PixOffset(x, y)
			for c := range 3 {
				v := float32(img.Pix[i+c]) / 255
				v = 1 - (1-v)*(1-col[c]*k) // screen blend
				img.Pix[i+c] = toByte(v * 255)
			}
		}
	}
}
