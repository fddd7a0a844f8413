package kling

import (
	"bytes"
	"image"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Kling's frame limits (image and image_tail), as internal/imaging knows
// them.
const (
	MinSide   = imaging.KlingMinSide
	MaxBytes  = imaging.KlingMaxBytes
	MaxAspect = imaging.KlingMaxAspect // long side / short side
)

// FitFrame returns ref as a frame Kling accepts — JPEG or PNG, at least
// 300 px a side, aspect within 1:2.5 … 2.5:1, at most 10 MB — using
// imaging.FitForKling (centred crop, then upscale) and
// imaging.EncodeForKling only when needed, so a frame that already fits is
// passed through byte for byte. Kling on FAL has the same limits.
func FitFrame(ref shoot.Reference) (shoot.Reference, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(ref.Data))
	if err == nil && fits(format, cfg.Width, cfg.Height, len(ref.Data)) {
		ref.ContentType = "image/" + format
		return ref, nil
	}
	img, _, err := imaging.Decode(bytes.NewReader(ref.Data))
	if err != nil {
		return ref, shoot.Wrap(err, shoot.ErrorCode(err), "frame "+quoted(ref.Name)+" is not a decodable image: "+shoot.ErrorMessage(err))
	}
	data, format, err := imaging.EncodeForKling(imaging.FitForKling(img))
	if err != nil {
		return ref, err
	}
	return shoot.Reference{Name: ref.Name, ContentType: "image/" + format, Data: data}, nil
}

func fits(format string, w, h, size int) bool {
	long, short := float64(max(w, h)), float64(min(w, h))
	return (format == "jpeg" || format == "png") && short >= MinSide && long <= MaxAspect*short && size <= MaxBytes
}

func quoted(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return `"` + name + `"`
}
