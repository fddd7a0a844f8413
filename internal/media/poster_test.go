package media

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/fashionshoot/shoot/internal/reframegen"
)

// blurred returns img box-blurred (radius 2), as a soft, out-of-focus frame.
func blurred(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var s [4]int
			n := 0
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					if p := (image.Point{X: x + dx, Y: y + dy}); p.In(b) {
						o := img.PixOffset(p.X, p.Y)
						for c := range 4 {
							s[c] += int(img.Pix[o+c])
						}
						n++
					}
				}
			}
			o := out.PixOffset(x, y)
			for c := range 4 {
				out.Pix[o+c] = uint8(s[c] / n)
			}
		}
	}
	return out
}

// TestPostersPickTheSharpFrame: in a film where every frame but one is
// soft, the poster is that frame; poster.jpg is a full-size JPEG,
// poster.webp a WebP, and preview.webp an animated WebP of 3 s at 15 fps
// under 2 MB.
func TestPostersPickTheSharpFrame(t *testing.T) {
	t.Parallel()
	const sharp = 37
	film := reframegen.Generate(160, 120, 64, []string{reframegen.Centre}, 5)
	for i := range film.Frames {
		if i != sharp {
			film.Frames[i] = blurred(film.Frames[i])
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "film.mp4")
	encodeGenerated(t, src, film, 16)
	res, err := Posters(context.Background(), src, filepath.Join(dir, "9x16"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Frame != sharp {
		t.Errorf("poster is frame %d (sharpness %.1f), want the one sharp frame %d", res.Frame, res.Sharpness, sharp)
	}
	data, err := os.ReadFile(res.JPEG)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 160 || img.Bounds().Dy() != 120 {
		t.Fatalf("poster.jpg: %v, %v", err, img)
	}
	webp, err := os.ReadFile(res.WebP)
	if err != nil || len(webp) < 12 || string(webp[:4]) != "RIFF" || string(webp[8:12]) != "WEBP" {
		t.Fatalf("poster.webp is not a WebP: %v", err)
	}
	prev, err := os.ReadFile(res.Preview)
	if err != nil {
		t.Fatal(err)
	}
	ms := animationMS(prev)
	if string(prev[8:12]) != "WEBP" || ms < 2900 || ms > 3100 || len(prev) > PreviewMaxBytes {
		t.Errorf("preview.webp: %d bytes lasting %d ms; want an animated WebP of 3 s under 2 MB", len(prev), ms)
	}
}

// animationMS adds up the frame durations of an animated WebP, walking its
// RIFF chunks: each ANMF chunk holds a 24-bit duration in ms at offset 12
// of its payload.
func animationMS(b []byte) int {
	total := 0
	for at := 12; at+8 <= len(b); {
		id, size := string(b[at:at+4]), int(b[at+4])|int(b[at+5])<<8|int(b[at+6])<<16|int(b[at+7])<<24
		if id == "ANMF" && at+8+15 <= len(b) {
			d := b[at+8+12:]
			total += int(d[0]) | int(d[1])<<8 | int(d[2])<<16
		}
		at += 8 + size + size%2
	}
	return total
}
