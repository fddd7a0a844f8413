package studio

import (
	"bytes"
	"image"
	"image/draw"
	_ "image/gif" // references may be GIFs
	_ "image/jpeg"
	_ "image/png"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // references may be WebP

	"github.com/fashionshoot/shoot/internal/shoot"
)

// maxPixels bounds a decoded reference (the size is read from the header
// before any pixel is decoded), so a hostile file cannot exhaust memory.
const maxPixels = 64 << 20

// checkHeader reads a reference's image header — cheap, no pixels — and
// refuses what cannot be decoded or is too large. which names it in errors
// ("reference 2", "start frame").
func checkHeader(ref shoot.Reference, which string) error {
	if len(ref.Data) == 0 {
		return shoot.Errorf(shoot.EINVALID, "%s is empty", which)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(ref.Data))
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, which+" is not a PNG, JPEG, GIF or WebP image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return shoot.Errorf(shoot.EINVALID, "%s has no pixels", which)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return shoot.Errorf(shoot.ETOOLARGE, "%s is %d×%d, over the %d-megapixel limit", which, cfg.Width, cfg.Height, maxPixels>>20)
	}
	return nil
}

// decodeReference decodes one reference image into RGBA.
func decodeReference(ref shoot.Reference, which string) (*image.RGBA, error) {
	if err := checkHeader(ref, which); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(ref.Data))
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, which+" could not be decoded")
	}
	return toRGBA(img), nil
}

// toRGBA converts any image to an RGBA whose bounds start at (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	if rgba, ok := img.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return rgba
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// scaled returns the part sr of src resized to w×h with a bilinear kernel
// (which filters properly when shrinking, unlike point sampling).
func scaled(src *image.RGBA, sr image.Rectangle, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	xdraw.BiLinear.Scale(out, out.Bounds(), src, sr, xdraw.Src, nil)
	return out
}

// coverRect returns the centred part of a w×h picture with the aspect of
// tw×th: what to crop so the picture fills the target without bars.
func coverRect(w, h int, tw, th float64) image.Rectangle {
	if float64(w)*th > float64(h)*tw { // too wide: crop the sides
		cw := max(1, int(float64(h)*tw/th+0.5))
		x := (w - cw) / 2
		return image.Rect(x, 0, x+cw, h)
	}
	ch := max(1, int(float64(w)*th/tw+0.5))
	y := (h - ch) / 2
	return image.Rect(0, y, w, y+ch)
}
