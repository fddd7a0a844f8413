package studio

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

// pngOf encodes an image as PNG.
func pngOf(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// decodePNG decodes PNG bytes into RGBA.
func decodePNG(tb testing.TB, data []byte) *image.RGBA {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return toRGBA(img)
}

// subjectReference is a product-style reference: a red dress and a head on
// a plain off-white background, anti-aliased.
func subjectReference(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			u, v := (float64(x)+0.5)/float64(w)-0.5, (float64(y)+0.5)/float64(h)
			c := [3]float64{236, 234, 230}
			dress := math.Max(math.Abs(u)-(0.08+0.25*v), math.Max(0.12-v, v-0.92)) * float64(h)
			head := (math.Hypot(u/0.07, (v-0.07)/0.05) - 1) * 0.05 * float64(h)
			c = over(c, [3]float64{150 + 60*v, 30, 40 + 80*math.Abs(u)}, dress)
			c = over(c, [3]float64{210, 160, 130}, head)
			img.SetRGBA(x, y, color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), 255})
		}
	}
	return img
}

// over blends colour b over a with the anti-aliased coverage of a shape at
// signed distance d (pixels).
func over(a, b [3]float64, d float64) [3]float64 {
	k := math.Max(0, math.Min(1, 0.5-d))
	return [3]float64{a[0] + (b[0]-a[0])*k, a[1] + (b[1]-a[1])*k, a[2] + (b[2]-a[2])*k}
}

// busyPhoto is a reference with no plain background: colour ramps and
// stripes everywhere, so it cannot be keyed.
func busyPhoto(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			img.SetRGBA(x, y, color.RGBA{uint8(255 * u), uint8(128 + 100*math.Sin(v*9+u*4)), uint8(255 * (1 - v)), 255})
		}
	}
	return img
}

// stats are simple measures of a picture.
type stats struct {
	mean     [3]float64
	variance float64 // of luminance, in 0..255 units squared
	colours  int     // distinct colours after dropping the 2 low bits per channel
}

func measure(img *image.RGBA, r image.Rectangle) stats {
	var s stats
	var sum, sum2 float64
	seen := map[uint32]bool{}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+3]
			for k := range 3 {
				s.mean[k] += float64(p[k])
			}
			l := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
			sum += l
			sum2 += l * l
			seen[uint32(p[0]>>2)<<16|uint32(p[1]>>2)<<8|uint32(p[2]>>2)] = true
			n++
		}
	}
	for k := range 3 {
		s.mean[k] /= float64(n)
	}
	m := sum / float64(n)
	s.variance = sum2/float64(n) - m*m
	s.colours = len(seen)
	return s
}

// meanAbsDiff is the mean absolute channel difference of two same-size
// pictures, in 0..1.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var d float64
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	for y := range h {
		for x := range w {
			i, j := a.PixOffset(x, y), b.PixOffset(x, y)
			for k := range 3 {
				d += math.Abs(float64(a.Pix[i+k]) - float64(b.Pix[j+k]))
			}
		}
	}
	return d / float64(w*h*3) / 255
}

// hugePNGHeader is a PNG whose header claims 100000×100000 pixels: the
// studio must refuse it from the header, before allocating anything.
func hugePNGHeader(tb testing.TB) []byte {
	tb.Helper()
	data := pngOf(tb, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	// IHDR data starts at byte 16: width and height, big-endian.
	copy(data[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(data[29:33], crc32.ChecksumIEEE(data[12:29]))
	return data
}
