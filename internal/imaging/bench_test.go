package imaging

import (
	"image"
	"io"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// workedExample is the 2528×1696 sheet of the worked example: 2×3 cells of 816–817 × 815–818 px, white gutters.
func workedExample(jpegQ int) sheetSpec {
	return sheetSpec{
		rows: 2, cols: 3, gutter: 31, gutterY: 28, margins: [4]int{9, 19, 8, 16},
		colW: []int{816, 816, 817}, rowH: []int{815, 818}, gutterRGB: white, aa: true, jpegQ: jpegQ, seed: 43,
	}
}

// BenchmarkDetectAndCrop measures the frames stage on a 2K sheet: detection,
// equalising and cropping, and separately the same plus PNG encoding of
// the six frames. MB/s is of the sheet's RGBA pixels (17 MB).
func BenchmarkDetectAndCrop(b *testing.B) {
	for _, src := range []struct {
		name string
		q    int
	}{{"rgba", 0}, {"jpeg-ycbcr", 90}} {
		s := makeSheet(b, workedExample(src.q))
		size := int64(s.w * s.h * 4)
		b.Run(src.name+"/detect", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DetectGrid(s.img, GridOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(src.name+"/detect+normalize+crop", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				detectAndCrop(b, s)
			}
		})
		b.Run(src.name+"/detect+normalize+crop+png", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range detectAndCrop(b, s) {
					if err := Encode(io.Discard, f, "png"); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func detectAndCrop(b *testing.B, s *sheet) []image.Image {
	g, err := DetectGrid(s.img, GridOptions{})
	if err != nil || len(g.Cells) != 6 {
		b.Fatal(err, g)
	}
	return Equalize(g.Cells).Frames(s.img)
}
func BenchmarkLumaPlane(b *testing.B) {
	s := makeSheet(b, workedExample(0))
	b.SetBytes(int64(s.w * s.h * 4))
	for b.Loop() {
		lumaPlane(s.img)
	}
}

// BenchmarkResampleFrames measures making the worked example's six frames
// one size by resampling every cell (the path taken when cells differ by
// more than a centred crop may take), against x/image's BiLinear scaler.
func BenchmarkResampleFrames(b *testing.B) {
	s := makeSheet(b, workedExample(0))
	g, err := DetectGrid(s.img, GridOptions{})
	if err != nil {
		b.Fatal(err)
	}
	sz := &Sizing{Mode: SizingResample, Width: 820, Height: 820, Src: g.Cells}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sz.Frames(s.img)
		}
	})
	b.Run("x-image-bilinear", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, r := range sz.Src {
				dst := image.NewRGBA(image.Rect(0, 0, sz.Width, sz.Height))
				xdraw.BiLinear.Scale(dst, dst.Bounds(), s.img, r, xdraw.Src, nil)
			}
		}
	})
}
