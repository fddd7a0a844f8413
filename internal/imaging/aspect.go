package imaging

import (
	"image"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/draw"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Kling's limits for a start or end frame; FAL's hosted
// Kling has the same.
const (
	KlingMinSide   = 300
	KlingMaxAspect = 2.5 // long side / short side
	KlingMaxBytes  = 10 << 20
)

// Aspects returns the aspect ratios CropToAspect accepts.
func Aspects() []string { return []string{"16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3"} }

// ParseAspect validates an aspect ratio such as "9:16" and returns its
// width and height terms.
func ParseAspect(s string) (w, h int, err error) {
	for _, a := range Aspects() {
		if s == a {
			ws, hs, _ := strings.Cut(a, ":")
			w, _ = strconv.Atoi(ws)
			h, _ = strconv.Atoi(hs)
			return w, h, nil
		}
	}
	return 0, 0, shoot.Errorf(shoot.EINVALID, "aspect ratio %q is not one of %s", s, strings.Join(Aspects(), ", "))
}

// CropToAspect cuts the largest centred rectangle of the given aspect out of
// img. If that leaves a side under KlingMinSide it is scaled up (Catmull-Rom)
// so the short side is KlingMinSide: a video model refuses anything smaller.
// An aspect ParseAspect rejects leaves img unchanged; validate it first.
func CropToAspect(img image.Image, aspect string) image.Image {
	aw, ah, err := ParseAspect(aspect)
	b := img.Bounds()
	if err != nil || b.Empty() {
		return img
	}
	crop := centredAspect(b, float64(aw)/float64(ah))
	if min(crop.Dx(), crop.Dy()) >= KlingMinSide {
		return cutTo(img, crop)
	}
	// Scale to the exact ratio, short side KlingMinSide, rather than
	// multiplying the rounded crop (200×113 would become 531×300).
	short, long := min(aw, ah), max(aw, ah)
	sl := int(math.Round(float64(KlingMinSide) * float64(long) / float64(short)))
	w, h := KlingMinSide, sl
	if aw > ah {
		w, h = sl, KlingMinSide
	}
	return scale(cutTo(img, crop), w, h)
}

// centredAspect returns the largest rectangle of width/height ratio r
// centred in b.
func centredAspect(b image.Rectangle, r float64) image.Rectangle {
	w, h := b.Dx(), b.Dy()
	if float64(w) > r*float64(h) {
		nw := max(1, int(math.Round(r*float64(h))))
		x := b.Min.X + (w-nw)/2
		return image.Rect(x, b.Min.Y, x+nw, b.Max.Y)
	}
	nh := max(1, int(math.Round(float64(w)/r)))
	y := b.Min.Y + (h-nh)/2
	return image.Rect(b.Min.X, y, b.Max.X, y+nh)
}

// cutTo returns the part r of img, sharing pixels when the type allows.
func cutTo(img image.Image, r image.Rectangle) image.Image {
	if r == img.Bounds() {
		return img
	}
	if s, ok := img.(subImager); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Copy(dst, image.Point{}, img, r, draw.Src, nil)
	return dst
}

// atLeast scales img up, keeping its aspect, until its short side is side.
func atLeast(img image.Image, side int) image.Image {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	if short >= side || short == 0 {
		return img
	}
	s := float64(side) / float64(short)
	w := max(side, int(math.Round(float64(b.Dx())*s)))
	h := max(side, int(math.Round(float64(b.Dy())*s)))
	return scale(img, w, h)
}

// scale resamples img to w×h with Catmull-Rom, sharp enough for upscaling
// frames that a model will look at closely.
func scale(img image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

// FitForKling returns img as Kling accepts it: the long side cropped
// (centred) so the aspect is within 1:2.5 … 2.5:1, then scaled up if a side
// is under 300 px. An image that already fits is returned as it is.
func FitForKling(img image.Image) image.Image {
	b := img.Bounds()
	if b.Empty() {
		return img
	}
	w, h := float64(b.Dx()), float64(b.Dy())
	switch {
	case w > KlingMaxAspect*h:
		img = cutTo(img, centredAspect(b, KlingMaxAspect))
	case h > KlingMaxAspect*w:
		img = cutTo(img, centredAspect(b, 1/KlingMaxAspect))
	}
	return atLeast(img, KlingMinSide)
}

// Fill scales img to cover w×h and crops the overflow, centred: the result
// is exactly w×h with no bars. The pipeline uses it to make an edited frame
// the size of the frame it replaces.
func Fill(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if w <= 0 || h <= 0 || b.Empty() {
		return img
	}
	if b.Dx() == w && b.Dy() == h {
		return img
	}
	crop := centredAspect(b, float64(w)/float64(h))
	return scale(cutTo(img, crop), w, h)
}
