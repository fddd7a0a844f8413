package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// photoLike draws a w×h image with smooth gradients, hard-edged shapes and
// grain, like the pictures on a sheet.
func photoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := rng.Float64()*float64(w), rng.Float64()*float64(h), float64(min(w, h))/4
	for y := range h {
		for x := range w {
			v := 60 + 120*float64(x)/float64(w)
			if math.Hypot(float64(x)-cx, float64(y)-cy) < rad {
				v = 220 - 80*float64(y)/float64(h)
			}
			n := rng.IntN(9) - 4
			img.SetRGBA(x, y, color.RGBA{clamp8(int(v) + n), clamp8(int(v*0.8) + n), clamp8(int(255-v) + n), 255})
		}
	}
	return img
}

func psnr(a, b *image.RGBA) float64 {
	var se float64
	for i := range a.Pix {
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
	}
	mse := se / float64(len(a.Pix))
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// TestResampleBilinearMatchesXImage: the fast resampler agrees with
// golang.org/x/image/draw's BiLinear on near-1 factors, up and down,
// from RGBA and NRGBA sources and from a sub-rectangle.
func TestResampleBilinearMatchesXImage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ sw, sh, w, h int }{
		{816, 815, 817, 818}, {817, 818, 816, 815}, {430, 400, 420, 410}, {254, 252, 256, 250}, {100, 100, 100, 100},
	} {
		t.Run(fmt.Sprintf("%dx%d-to-%dx%d", tc.sw, tc.sh, tc.w, tc.h), func(t *testing.T) {
			t.Parallel()
			sheet := photoLike(tc.sw+20, tc.sh+10, uint64(tc.sw))
			r := image.Rect(7, 3, 7+tc.sw, 3+tc.sh)
			want := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
			xdraw.BiLinear.Scale(want, want.Bounds(), sheet, r, xdraw.Src, nil)
			nrgba := &image.NRGBA{Pix: sheet.Pix, Stride: sheet.Stride, Rect: sheet.Rect}
			for name, src := range map[string]image.Image{"rgba": sheet, "nrgba": nrgba} {
				got := resampleBilinear(src, r, tc.w, tc.h)
				if got.Bounds() != want.Bounds() {
					t.Fatalf("%s: bounds %v", name, got.Bounds())
				}
				p := psnr(got, want)
				t.Logf("%s: PSNR %.1f dB", name, p)
				if p < 40 {
					t.Errorf("%s: PSNR %.1f dB against x/image BiLinear, want ≥ 40", name, p)
				}
			}
		})
	}
}

// TestResampleBilinearSameSizeIsCopy: at factor 1 every pixel is kept.
func TestResampleBilinearSameSizeIsCopy(t *testing.T) {
	t.Parallel()
	sheet := photoLike(60, 50, 3)
	r := image.Rect(5, 4, 45, 44)
	got := resampleBilinear(sheet, r, 40, 40)
	for y := range 40 {
		for x := range 40 {
			if got.RGBAAt(x, y) != sheet.RGBAAt(r.Min.X+x, r.Min.Y+y) {
				t.Fatalf("pixel (%d,%d) changed", x, y)
			}
		}
	}
}
