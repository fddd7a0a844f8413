package studio

import (
	"encoding/json"
	"image"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// lowRes is how much smaller than the canvas backdrops and shadows are
// painted: they are soft, so a quarter of the size loses nothing.
const lowRes = 4

// shadowStrength is how dark the subject's cast shadow falls on each set;
// a distant city gets none, only the contact shadow at the feet.
var shadowStrength = map[string]float32{
	StudioGrey: 0.38, StudioWhite: 0.28, StudioBlack: 0.5, Industrial: 0.4,
	WarmDaylight: 0.32, ColorGel: 0.42, OutdoorUrban: 0,
}

// stageRecipe is what a hero records (in its PNG) so that the contact sheet
// can rebuild its stage: the inputs of buildStage besides the references.
type stageRecipe struct {
	Seed       int64  `json:"seed"`
	Prompt     string `json:"prompt"`
	Background string `json:"background"`
}

func (r stageRecipe) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// renderHero composes the previz hero: the model cut from the first
// reference (or drawn), the garments and accessories of the others worn or
// laid out beside her, on the backdrop of the background preset with her
// shadows, in the house finish of flash, grade, vignette and grain.
func renderHero(req shoot.ImageRequest, refs []*image.RGBA, W, H, workers int) *image.RGBA {
	img, _ := heroStage(req, refs, W, H, workers)
	return img
}

// heroStage renders the hero and returns the stage it was drawn from.
func heroStage(req shoot.ImageRequest, refs []*image.RGBA, W, H, workers int) (*image.RGBA, *stage) {
	st := buildStage(req.Seed, req.Prompt, req.Background, refs, W, H)
	canvas := st.render(st.heroCamera(), W, H, workers)
	finish(canvas, canvas.Bounds(), st.look, workers)
	return canvas, st
}
