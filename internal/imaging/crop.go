package imaging

import (
	"image"
	"image/draw"
	"slices"
	"sync"
)

// Ways Equalize makes the frames of one sheet the same size.
const (
	SizingCrop     = "crop"     // every cell cut about its centre to the smallest, a few pixels at most
	SizingResample = "resample" // every whole cell scaled to the median size
)

// Sizing says how the frames of one sheet are made the same size, which
// the clips need (a video between two keyframes of different sizes gets
// letterbox bars that video models then animate).
type Sizing struct {
	// Mode is SizingCrop or SizingResample.
	Mode string
	// Width and Height are the common frame size.
	Width, Height int
	// Src is, for each cell, the part of the sheet its frame shows: the
	// centred crop, or the whole cell when resampling.
	Src []image.Rectangle
}

// cropBudget is the most a centred crop may take from a cell side of n
// pixels: half a percent, at least two pixels and at most four. More than
// that and the cells are resampled instead: a frame never loses more than
// a sliver of picture to a smaller neighbour.
func cropBudget(n int) int { return min(4, max(2, n/200)) }

// Equalize decides, for one sheet, how its cells become frames of one size:
// a centred crop to the smallest cell when no cell loses more than
// cropBudget on either axis (sizes off by rounding), otherwise every whole
// cell resampled to the median cell size.
func Equalize(cells []image.Rectangle) *Sizing {
	if len(cells) == 0 {
		return &Sizing{Mode: SizingCrop}
	}
	minW, minH := cells[0].Dx(), cells[0].Dy()
	for _, c := range cells[1:] {
		minW, minH = min(minW, c.Dx()), min(minH, c.Dy())
	}
	crop := true
	for _, c := range cells {
		if c.Dx()-minW > cropBudget(c.Dx()) || c.Dy()-minH > cropBudget(c.Dy()) {
			crop = false
		}
	}
	if !crop {
		ws, hs := make([]int, len(cells)), make([]int, len(cells))
		for i, c := range cells {
			ws[i], hs[i] = c.Dx(), c.Dy()
		}
		return &Sizing{Mode: SizingResample, Width: medianInt(ws), Height: medianInt(hs), Src: slices.Clone(cells)}
	}
	s := &Sizing{Mode: SizingCrop, Width: minW, Height: minH, Src: make([]image.Rectangle, len(cells))}
	for i, c := range cells {
		x := c.Min.X + (c.Dx()-minW)/2
		y := c.Min.Y + (c.Dy()-minH)/2
		s.Src[i] = image.Rect(x, y, x+minW, y+minH)
	}
	return s
}

func medianInt(v []int) int {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// subImager is implemented by every concrete image type of the standard
// library.
type subImager interface {
	SubImage(r image.Rectangle) image.Image
}

// Frames cuts the frames out of img. Cropped frames share pixels with one
// RGBA copy of img (or with img itself when it already is RGBA or NRGBA),
// so cropping costs one conversion at most; resampled frames are new
// images of Width×Height, scaled bilinearly (cells differ by a few percent
// at most, where bilinear is as good as slower kernels), in parallel.
func (s *Sizing) Frames(img image.Image) []image.Image {
	src := rgbaOf(img)
	out := make([]image.Image, len(s.Src))
	var wg sync.WaitGroup
	for i, r := range s.Src {
		r = r.Intersect(img.Bounds())
		if s.Mode != SizingResample || (r.Dx() == s.Width && r.Dy() == s.Height) {
			out[i] = src.SubImage(r)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = resampleBilinear(src.(image.Image), r, s.Width, s.Height)
		}()
	}
	wg.Wait()
	return out
}

// CropFrames returns one image per cell of g, in row-major order, each
// exactly its cell (no equalising).
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
