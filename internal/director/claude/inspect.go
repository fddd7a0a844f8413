package claude

import (
	"context"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/qa"
)

var _ pipeline.Inspector = (*Director)(nil)

// inspectTokens is the largest reply a picture check may write: a verdict
// of a few dozen short lines.
const inspectTokens = 2048

// vision is the picture checker on the director's client, model and
// prices, so its calls are priced like the director's own.
func (d *Director) vision() qa.Vision {
	return qa.Vision{Client: d.client, Model: d.model, MaxTokens: inspectTokens, Price: d.prices.Cost}
}

// InspectPicture asks the model whether a hero or contact sheet kept the
// references' garment, colours, accessories and model.
func (d *Director) InspectPicture(ctx context.Context, refs []qa.Image, pic qa.Image, sheet bool) (qa.Verdict, qa.Usage, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	return d.vision().Check(ctx, refs, pic, sheet)
}

// InspectFrames asks the model to judge the six frames as a set.
func (d *Director) InspectFrames(ctx context.Context, refs []qa.Image, frames []qa.Image) (qa.Verdict, qa.Usage, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	return d.vision().CheckFrames(ctx, refs, frames)
}

// InspectEstimate prices a check showing n pictures: their tokens, the
// instructions and a full verdict.
func (d *Director) InspectEstimate(n int) float64 {
	in := float64(n*qa.ImageTokens + 600)
	return (in*d.prices.Input + inspectTokens*d.prices.Output) / 1e6
}
