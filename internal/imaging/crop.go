package imaging

import (
	"image"
	"image/draw"
)

// Normalize gives every cell the same size: the smallest width and the
// smallest height among them, each cell cropped about its centre. Frames of
// one sheet then line up in a video without letterbox bars, which the
// original added and which video models then animated.
func Normalize(cells []image.Rectangle) []image.Rectangle {
	if len(cells) == 0 {
		return nil
	}
	w, h := cells[0].Dx(), cells[0].Dy()
	for _, c := range cells[1:] {
		w, h = min(w, c.Dx()), min(h, c.Dy())
	}
	out := make([]image.Rectangle, len(cells))
	for i, c := range cells {
		x := c.Min.X + (c.Dx()-w)/2
		y := c.Min.Y + (c.Dy()-h)/2
		out[i] = image.Rect(x, y, x+w, y+h)
	}
	return out
}

// subImager is implemented by every concrete image type of the standard
// library.
type subImager interface {
	SubImage(r image.Rectangle) image.Image
}

// CropFrames returns one image per cell of g, in row-major order. The
// frames share pixels with one RGBA copy of img (or with img itself when it
// already is RGBA or NRGBA), so cropping costs one conversion at most; PNG
// and JPEG encoders have fast paths for those types.
func CropFrames(img image.Image, g *Grid) []image.Image {
	if g == nil {
		return nil
	}
	src := rgbaOf(img)
	out := make([]image.Image, len(g.Cells))
	for i, c := range g.Cells {
		out[i] = src.SubImage(c.Intersect(img.Bounds()))
	}
	return out
}

// rgbaOf returns img as an image that can be cut cheaply.
func rgbaOf(img image.Image) subImager {
	switch m := img.(type) {
	case *image.RGBA:
		return m
	case *image.NRGBA:
		return m
	}
	return toRGBA(img)
}

// toRGBA copies img into a new RGBA image with the same bounds.
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, img, b.Min, draw.Src)
	return dst
}
