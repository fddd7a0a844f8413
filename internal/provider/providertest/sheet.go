package providertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
)

// SheetImage returns an Image generator that answers every request with a
// 2×3 contact sheet the frames stage can cut, sized from the request's
// aspect_ratio with the given long side (3:2 when there is none) and white
// gutters and margins of long/60 px. A hero that looks like a sheet is fine
// for the tests that use it.
func SheetImage(long int) func(string, map[string]any) []byte {
	return func(_ string, input map[string]any) []byte {
		w, h := aspectSize(input, long, long, long*2/3)
		return SheetPNG(w, h, long/60)
	}
}

// SheetPNG draws a w×h contact sheet: six textured cells in two rows of
// three, separated by white gutters and margins of gutter px.
func SheetPNG(w, h, gutter int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	cw, ch := (w-4*gutter)/3, (h-3*gutter)/2
	for cell := range 6 {
		x0, y0 := gutter+(cell%3)*(cw+gutter), gutter+(cell/3)*(ch+gutter)
		for y := range ch {
			for x := range cw {
				v := uint8((x*7 + y*3 + cell*40) % 200)
				img.Set(x0+x, y0+y, color.RGBA{v, uint8(40 + cell*30), uint8(200 - int(v)/2), 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return b.Bytes()
}

// PlayableMP4 renders a one-second w×h H.264 clip at 24 fps with ffmpeg,
// for Video generators in tests that decode or stitch the clips.
func PlayableMP4(ctx context.Context, w, h int) ([]byte, error) {
	dir, err := os.MkdirTemp("", "providertest-clip-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "clip.mp4")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
		"-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=24:duration=1", w, h), "-pix_fmt", "yuv420p", "-c:v", "libx264",
		"-preset", "ultrafast", "-movflags", "+faststart", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ffmpeg: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}
