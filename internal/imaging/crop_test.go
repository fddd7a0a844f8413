package imaging

import (
	"image"
	"image/color"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   []image.Rectangle
		want []image.Rectangle
	}{
		{"empty", nil, nil},
		{"one", []image.Rectangle{image.Rect(5, 5, 15, 25)}, []image.Rectangle{image.Rect(5, 5, 15, 25)}},
		{
			"crops to the common minimum, centred",
			[]image.Rectangle{image.Rect(0, 0, 806, 807), image.Rect(861, 23, 1668, 832), image.Rect(10, 900, 820, 1705)},
			// min 806 × 805: the 807-wide cell loses its odd pixel on the
			// right, the 809-high one 2 on top and 2 below.
			[]image.Rectangle{image.Rect(0, 1, 806, 806), image.Rect(861, 25, 1667, 830), image.Rect(12, 900, 818, 1705)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Normalize(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("cell %d: got %v, want %v", i, got[i], tc.want[i])
				}
				if !got[i].In(tc.in[i]) {
					t.Errorf("cell %d: %v is not inside %v (normalising must never pad)", i, got[i], tc.in[i])
				}
			}
		})
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
