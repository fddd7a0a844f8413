package provider_test

import (
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
)

// The clients satisfy the pipeline's ports. Kept apart from the clients'
// own tests so those build even while the pipeline package is in flux.
var (
	_ pipeline.ImageGenerator = (*fal.Images)(nil)
	_ pipeline.VideoGenerator = (*fal.Videos)(nil)
	_ pipeline.VideoGenerator = (*kling.Videos)(nil)
)
