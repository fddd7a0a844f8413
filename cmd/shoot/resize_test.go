package main

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFrame writes a w×h image to dir/name as PNG or JPEG by extension.
func writeFrame(t *testing.T, dir, name string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 100, 255})
		}
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(name, ".png") {
		err = png.Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func imageSize(t *testing.T, path string) (image.Point, string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return image.Pt(cfg.Width, cfg.Height), format
}

func TestResizeCommand(t *testing.T) {
	t.Parallel()
	for _, inPlace := range []bool{false, true} {
		name := map[bool]string{false: "to out dir", true: "in place"}[inPlace]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFrame(t, dir, "frame-1.png", 400, 400)  // 225×400 crop: scaled to 300×533
			writeFrame(t, dir, "frame-2.jpg", 900, 1000) // 563×1000 crop
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skip me"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"resize", "--in", dir, "--aspect", "9:16"}
			out := dir
			if !inPlace {
				out = filepath.Join(dir, "out")
				args = append(args, "--out", out)
			}
			code, stdout, stderr := runMediaCmd(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if i1, i2 := strings.Index(stdout, "frame-1.png"), strings.Index(stdout, "frame-2.jpg"); i1 < 0 || i2 < i1 {
				t.Errorf("files not reported in name order:\n%s", stdout)
			}
			for file, want := range map[string]image.Point{"frame-1.png": {300, 533}, "frame-2.jpg": {563, 1000}} {
				got, format := imageSize(t, filepath.Join(out, file))
				if got != want || format != map[bool]string{true: "png", false: "jpeg"}[strings.HasSuffix(file, ".png")] {
					t.Errorf("%s: %v %s, want %v in its own format", file, got, format, want)
				}
			}
			entries, _ := os.ReadDir(out)
			for _, en := range entries {
				if strings.HasSuffix(en.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", en.Name())
				}
			}
		})
	}
}

func TestResizeCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := t.TempDir()
	writeFrame(t, dir, "a.png", 50, 50)
	if err := os.WriteFile(filepath.Join(dir, "b.png"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", []string{"--aspect", "1:1"}, 2, "--in"},
		{"bad aspect", []string{"--in", dir, "--aspect", "5:4"}, 2, "aspect"},
		{"no aspect", []string{"--in", dir}, 2, "aspect"},
		{"missing dir", []string{"--in", filepath.Join(dir, "nope"), "--aspect", "1:1"}, 1, "cannot read"},
		{"no images", []string{"--in", empty, "--aspect", "1:1"}, 1, "no png"},
		{"not an image", []string{"--in", dir, "--aspect", "1:1", "--out", filepath.Join(dir, "o")}, 1, "b.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runMediaCmd(t, append([]string{"resize"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
}
