package imaging

import (
	"image"
	"image/color"
	"testing"
)

func TestEqualize(t *testing.T) {
	t.Parallel()
	big := []image.Rectangle{image.Rect(0, 0, 806, 807), image.Rect(861, 23, 1668, 832), image.Rect(10, 900, 816, 1700)}
	for _, tc := range []struct {
		name string
		in   []image.Rectangle
		mode string
		w, h int
		want []image.Rectangle
	}{
		{"empty", nil, SizingCrop, 0, 0, nil},
		{"one", []image.Rectangle{image.Rect(5, 5, 15, 25)}, SizingCrop, 10, 20, []image.Rectangle{image.Rect(5, 5, 15, 25)}},
		{
			"sizes off by rounding are cropped about the centre",
			// 806–808 wide, 805–807 high: at most 2 px go.
			[]image.Rectangle{image.Rect(0, 0, 806, 807), image.Rect(861, 23, 1669, 828), image.Rect(10, 900, 817, 1707)},
			SizingCrop, 806, 805,
			[]image.Rectangle{image.Rect(0, 1, 806, 806), image.Rect(862, 23, 1668, 828), image.Rect(10, 901, 816, 1706)},
		},
		{
			// The worked example's rows, 815 and 818 high: 3 px of an
			// 818 px side is within half a percent, so a centred crop.
			"three pixels of a large cell are cropped",
			[]image.Rectangle{image.Rect(9, 19, 825, 834), image.Rect(9, 862, 825, 1680)},
			SizingCrop, 816, 815,
			[]image.Rectangle{image.Rect(9, 19, 825, 834), image.Rect(9, 863, 825, 1678)},
		},
		{
			// A cell 7 px smaller than the others must not cut them down:
			// every whole cell is resampled to the median size.
			"one small cell does not shrink the rest", big, SizingResample, 806, 807, big,
		},
		{
			// On a small cell even 3 px is more than half a percent.
			"small cells are resampled sooner",
			[]image.Rectangle{image.Rect(0, 0, 254, 254), image.Rect(300, 0, 554, 251)},
			SizingResample, 254, 254,
			[]image.Rectangle{image.Rect(0, 0, 254, 254), image.Rect(300, 0, 554, 251)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Equalize(tc.in)
			if got.Mode != tc.mode || got.Width != tc.w || got.Height != tc.h || len(got.Src) != len(tc.want) {
				t.Fatalf("got %+v, want %s %d×%d %v", got, tc.mode, tc.w, tc.h, tc.want)
			}
			for i := range got.Src {
				if got.Src[i] != tc.want[i] {
					t.Errorf("cell %d: got %v, want %v", i, got.Src[i], tc.want[i])
				}
				if !got.Src[i].In(tc.in[i]) {
					t.Errorf("cell %d: %v is not inside %v (equalising must never pad)", i, got.Src[i], tc.in[i])
				}
			}
		})
	}
}

// TestSizingFrames: every frame comes out at the common size, cropped ones
// sharing the sheet's pixels and resampled ones scaled from the whole cell.
func TestSizingFrames(t *testing.T) {
	t.Parallel()
	src := image.NewRGBA(image.Rect(0, 0, 60, 30))
	for y := range 30 {
		for x := range 60 {
			src.SetRGBA(x, y, color.RGBA{uint8(x * 4), uint8(y * 8), 0, 255})
		}
	}
	for _, cells := range [][]image.Rectangle{
		{image.Rect(0, 0, 20, 20), image.Rect(30, 0, 51, 21)},
		{image.Rect(0, 0, 20, 20), image.Rect(30, 0, 58, 29), image.Rect(0, 20, 18, 30)},
	} {
		sz := Equalize(cells)
		for i, f := range sz.Frames(src) {
			if f.Bounds().Dx() != sz.Width || f.Bounds().Dy() != sz.Height {
				t.Errorf("%s frame %d: %v, want %d×%d", sz.Mode, i, f.Bounds(), sz.Width, sz.Height)
			}
			if sz.Mode == SizingCrop && f.Bounds() != sz.Src[i] {
				t.Errorf("cropped frame %d: %v, want %v", i, f.Bounds(), sz.Src[i])
			}
		}
	}
}

func TestCropFrames(t *testing.T) {
	t.Parallel()
	src := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	ycc := image.NewYCbCr(image.Rect(0, 0, 30, 20), image.YCbCrSubsampleRatio420)
	for y := range 20 {
		for x := range 30 {
			src.SetNRGBA(x, y, color.NRGBA{uint8(x * 8), uint8(y * 12), 0, 255})
		}
	}
	g := &Grid{Cells: []image.Rectangle{image.Rect(0, 0, 10, 10), image.Rect(12, 2, 30, 20)}}
	for _, tc := range []struct {
		name string
		img  image.Image
	}{{"nrgba shares pixels", src}, {"ycbcr is converted", ycc}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			frames := CropFrames(tc.img, g)
			if len(frames) != 2 {
				t.Fatalf("%d frames", len(frames))
			}
			for i, f := range frames {
				if f.Bounds() != g.Cells[i] {
					t.Errorf("frame %d bounds %v, want %v", i, f.Bounds(), g.Cells[i])
				}
				p := g.Cells[i].Min.Add(image.Pt(3, 4))
				r1, g1, b1, _ := f.At(p.X, p.Y).RGBA()
				r2, g2, b2, _ := tc.img.At(p.X, p.Y).RGBA()
				if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
					t.Errorf("frame %d pixel %v differs from the sheet", i, p)
				}
			}
		})
	}
	if CropFrames(src, nil) != nil {
		t.Error("nil grid should give no frames")
	}
}
