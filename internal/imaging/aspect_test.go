package imaging

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestParseAspect(t *testing.T) {
	t.Parallel()
	for _, a := range Aspects() {
		if _, _, err := ParseAspect(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, bad := range []string{"", "16x9", "5:4", "0:1", "9:16 ", "auto"} {
		if _, _, err := ParseAspect(bad); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%q: got %v, want invalid", bad, err)
		}
	}
}

func TestCropToAspect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		aspect       string
		inW, inH     int
		wantW, wantH int
	}{
		{"9:16", 826, 836, 470, 836}, // a narrow frame: kept as is (≥ 300)
		{"16:9", 826, 836, 826, 465}, // keep full width
		{"1:1", 1200, 800, 800, 800}, // keep full height
		{"4:3", 800, 800, 800, 600},  //
		{"3:4", 800, 800, 600, 800},  //
		{"3:2", 900, 900, 900, 600},  //
		{"2:3", 900, 900, 600, 900},  //
		{"9:16", 400, 400, 300, 533}, // 225×400 would be too small: scaled up
		{"16:9", 200, 150, 533, 300}, // 200×113 scaled so the short side is 300
		{"1:1", 1000, 100, 300, 300}, // 100×100 scaled up
		{"1:1", 640, 640, 640, 640},  // nothing to do
		{"16:9", 1920, 1080, 1920, 1080},
	} {
		t.Run(tc.aspect, func(t *testing.T) {
			t.Parallel()
			img := gradient(tc.inW, tc.inH)
			out := CropToAspect(img, tc.aspect)
			b := out.Bounds()
			if b.Dx() != tc.wantW || b.Dy() != tc.wantH {
				t.Fatalf("%d×%d → %s: got %d×%d, want %d×%d", tc.inW, tc.inH, tc.aspect, b.Dx(), b.Dy(), tc.wantW, tc.wantH)
			}
			// The crop is centred: the middle pixel keeps the colour of
			// the source's middle pixel (the gradient is smooth, so a
			// resampled middle pixel stays close).
			assertClose(t, out.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2), img.At(7+tc.inW/2, 3+tc.inH/2), 6)
		})
	}
	img := gradient(50, 40)
	if CropToAspect(img, "7:5") != img {
		t.Error("an invalid aspect should leave the image unchanged")
	}
}

func TestFitForKling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		w, h     int
		wantSame bool
	}{
		{"fits", 806, 807, true},
		{"too wide", 3000, 800, false},
		{"too tall", 400, 1500, false},
		{"too small", 200, 250, false},
		{"small and wide", 600, 100, false},
		{"exactly 2.5", 750, 300, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img := gradient(tc.w, tc.h)
			out := FitForKling(img)
			b := out.Bounds()
			r := float64(b.Dx()) / float64(b.Dy())
			if b.Dx() < KlingMinSide || b.Dy() < KlingMinSide || r > KlingMaxAspect+1e-9 || r < 1/KlingMaxAspect-1e-9 {
				t.Fatalf("%d×%d → %d×%d (aspect %.3f) breaks Kling's limits", tc.w, tc.h, b.Dx(), b.Dy(), r)
			}
			if same := out == img; same != tc.wantSame {
				t.Errorf("returned the input unchanged: %v, want %v", same, tc.wantSame)
			}
			// Cropping is centred and scaling keeps the aspect of the crop.
			assertClose(t, out.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2), img.At(7+tc.w/2, 3+tc.h/2), 6)
		})
	}
}

func TestFill(t *testing.T) {
	t.Parallel()
	img := gradient(1000, 500)
	out := Fill(img, 300, 300)
	if out.Bounds().Size() != image.Pt(300, 300) {
		t.Fatalf("size %v", out.Bounds().Size())
	}
	assertClose(t, out.At(150, 150), img.At(7+500, 3+250), 6)
	if Fill(img, 1000, 500) != img || Fill(img, 0, 10) != img {
		t.Error("same size or a bad size should return the input")
	}
}

func TestEncodeWithinLimit(t *testing.T) {
	t.Parallel()
	// Noise does not compress: its PNG is ~1 MB, its JPEGs a few hundred KB.
	img := image.NewRGBA(image.Rect(0, 0, 600, 600))
	for i := range img.Pix {
		img.Pix[i] = uint8(hash2(i, i>>7))
	}
	for _, tc := range []struct {
		name   string
		limit  int
		format string
		scaled bool
	}{
		{"png fits", 4 << 20, "png", false},
		{"jpeg fits", 600_000, "jpeg", false},
		{"only a smaller jpeg fits", 60_000, "jpeg", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, format, err := encodeWithin(img, tc.limit)
			if err != nil || len(data) > tc.limit || format != tc.format {
				t.Fatalf("%d bytes as %s, %v; want %s within %d", len(data), format, err, tc.format, tc.limit)
			}
			cfg, got, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || got != format || (cfg.Width < 600) != tc.scaled {
				t.Fatalf("decoded %s %d×%d (%v); downscaled should be %v", got, cfg.Width, cfg.Height, err, tc.scaled)
			}
		})
	}
	data, format, err := EncodeForKling(gradient(400, 300))
	if err != nil || format != "png" || len(data) > KlingMaxBytes {
		t.Fatalf("a small frame should stay PNG: %s %d %v", format, len(data), err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// gradient returns a smooth w×h test image with a bounds offset, so code
// that forgets Bounds().Min shows up.
func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(7, 3, 7+w, 3+h))
	for y := range h {
		for x := range w {
			img.SetRGBA(7+x, 3+y, color.RGBA{uint8(255 * x / max(1, w-1)), uint8(255 * y / max(1, h-1)), 90, 255})
		}
	}
	return img.SubImage(img.Bounds()) // same bounds, exercised as an interface
}

func assertClose(t *testing.T, a, b color.Color, tol float64) {
	t.Helper()
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
		if math.Abs(d) > tol {
			t.Errorf("colour %v vs %v differs by %v", a, b, d)
			return
		}
	}
}
