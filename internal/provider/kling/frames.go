package kling

import (
	"bytes"
	"image"
	_ "image/gif" // frames may arrive as any upload format
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Kling's frame limits (image and image_tail).
const (
	MinSide     = 300
	MaxBytes    = 10 << 20
	MaxAspect   = 2.5 // width/height at most 2.5:1 …
	MinAspect   = 1 / MaxAspect
	maxPixels   = 80_000_000 // refuse decompression bombs
	jpegQuality = 90
)

// FitFrame returns ref as a frame Kling accepts — JPEG or PNG, at least
// 300 px a side, aspect within 1:2.5 … 2.5:1, at most 10 MB — cropping
// (centred), scaling and re-encoding only as far as needed, so a frame that
// already fits is passed through byte for byte. Kling on FAL has the same
// limits. (A local stand-in until internal/imaging offers FitForKling.)
func FitFrame(ref shoot.Reference) (shoot.Reference, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(ref.Data))
	if err != nil {
		return ref, shoot.Errorf(shoot.EINVALID, "frame %q is not a decodable image", ref.Name)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return ref, shoot.Errorf(shoot.ETOOLARGE, "frame %q is %dx%d, too large to process", ref.Name, cfg.Width, cfg.Height)
	}
	if fits(format, cfg.Width, cfg.Height, len(ref.Data)) {
		ref.ContentType = "image/" + format
		return ref, nil
	}
	img, _, err := image.Decode(bytes.NewReader(ref.Data))
	if err != nil {
		return ref, shoot.Errorf(shoot.EINVALID, "frame %q could not be decoded", ref.Name)
	}
	img = scaleToMin(cropToAspect(img))
	data, ct, err := encodeWithin(img)
	if err != nil {
		return ref, err
	}
	return shoot.Reference{Name: ref.Name, ContentType: ct, Data: data}, nil
}

func fits(format string, w, h, size int) bool {
	r := float64(w) / float64(h)
	return (format == "jpeg" || format == "png") && w >= MinSide && h >= MinSide &&
		r >= MinAspect && r <= MaxAspect && size <= MaxBytes
}

// cropToAspect cuts the long side (centred) so the aspect is within limits.
func cropToAspect(img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	r := b
	switch {
	case float64(w) > MaxAspect*float64(h):
		nw := int(MaxAspect * float64(h))
		r = image.Rect(b.Min.X+(w-nw)/2, b.Min.Y, b.Min.X+(w-nw)/2+nw, b.Max.Y)
	case float64(h) > MaxAspect*float64(w):
		nh := int(MaxAspect * float64(w))
		r = image.Rect(b.Min.X, b.Min.Y+(h-nh)/2, b.Max.X, b.Min.Y+(h-nh)/2+nh)
	default:
		return img
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Copy(dst, image.Point{}, img, r, draw.Src, nil)
	return dst
}

// scaleToMin enlarges img so its short side is at least MinSide.
func scaleToMin(img image.Image) image.Image {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	if short >= MinSide {
		return img
	}
	return resize(img, float64(MinSide)/float64(short))
}

// resize scales by f, rounding up so the short side never drops below the
// size asked for, and keeps the aspect within limits after rounding.
func resize(img image.Image, f float64) image.Image {
	b := img.Bounds()
	w := max(int(float64(b.Dx())*f+0.999), 1)
	h := max(int(float64(b.Dy())*f+0.999), 1)
	w = min(w, int(MaxAspect*float64(h)))
	h = min(h, int(MaxAspect*float64(w)))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// encodeWithin encodes img as PNG, or as JPEG shrinking step by step (never
// below MinSide) when the PNG is over MaxBytes.
func encodeWithin(img image.Image) ([]byte, string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err == nil && buf.Len() <= MaxBytes {
		return buf.Bytes(), "image/png", nil
	}
	for range 12 {
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return nil, "", shoot.Wrap(err, shoot.EINTERNAL, "frame could not be encoded")
		}
		if buf.Len() <= MaxBytes {
			return buf.Bytes(), "image/jpeg", nil
		}
		b := img.Bounds()
		f := 0.8
		if short := float64(min(b.Dx(), b.Dy())); short*f < MinSide {
			f = MinSide / short
		}
		if f >= 1 {
			break
		}
		img = resize(img, f)
	}
	return nil, "", shoot.Errorf(shoot.ETOOLARGE, "frame cannot be brought under 10 MB")
}
