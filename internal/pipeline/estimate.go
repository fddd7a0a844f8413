package pipeline

import (
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Estimate is the expected price of a whole shoot before it starts.
type Estimate struct {
	ImageProvider string  `json:"imageProvider"`
	VideoProvider string  `json:"videoProvider"`
	Images        int     `json:"images"`
	Clips         int     `json:"clips"`
	ImageUSD      float64 `json:"imageUsd"`
	ClipUSD       float64 `json:"clipUsd"`
	// QAUSD prices the picture checks of the hero, the contact sheet and
	// the frames when a model makes them (the Claude director), for
	// estimateRefs references; the offline check is free.
	QAUSD    float64 `json:"qaUsd"`
	TotalUSD float64 `json:"totalUsd"`
	// Note says what the figure leaves out.
	Note string `json:"note"`
}

// Estimate prices a shoot with options o: the hero, the contact sheet and
// every clip, with no changes along the way. Director tokens are not
// included (a few cents a turn with Claude).
func (e *Engine) Estimate(o shoot.Options) (Estimate, error) {
	if err := e.validateOptions(o); err != nil {
		return Estimate{}, err
	}
	o = o.WithDefaults()
	est := Estimate{ImageProvider: e.images.Name(), VideoProvider: e.videos.Name(), Images: 2, Clips: o.ClipCount(),
		Note: "hero, contact sheet and every clip once; changes and director tokens cost extra"}
	if len(o.Frames) > 0 {
		est.Images, est.Note = 0, "every clip between your own frames once; changes and director tokens cost extra"
	}
	if p, ok := e.images.(Estimator); ok && est.Images > 0 {
		for _, kind := range []string{shoot.ImageHero, shoot.ImageContactSheet} {
			est.ImageUSD += p.EstimateImage(shoot.ImageRequest{Kind: kind, AspectRatio: o.AspectRatio, Resolution: o.Resolution, References: make([]shoot.Reference, 1)})
		}
	}
	if p, ok := e.videos.(ClipEstimator); ok {
		est.ClipUSD = float64(est.Clips) * p.EstimateClip(shoot.ClipRequest{Seconds: o.VideoSeconds})
	}
	est.QAUSD = e.qaEstimate(o, estimateRefs)
	if est.QAUSD > 0 {
		est.Note += "; picture checks priced for three references"
	}
	est.TotalUSD = est.ImageUSD + est.ClipUSD + est.QAUSD
	return est, nil
}

// estimateRefs is how many references an estimate assumes a shoot has.
const estimateRefs = 3

// Presets returns the pose and background presets.
func (e *Engine) Presets() *prompt.Library { return e.presets }
