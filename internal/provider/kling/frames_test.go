package kling_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func dims(t *testing.T, data []byte) (int, int, string) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height, format
}

func TestFitFrameShapes(t *testing.T) {
	t.Parallel()
	gifData := func() []byte {
		var b bytes.Buffer
		gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 400, 400), color.Palette{color.Black, color.White}), nil)
		return b.Bytes()
	}()
	cases := []struct {
		name         string
		data         []byte
		w, h         int
		format       string
		sameBytesOut bool
	}{
		{"fits already", providertest.PNG(640, 400), 640, 400, "png", true},
		{"jpeg fits", providertest.JPEG(300, 750), 300, 750, "jpeg", true},
		{"too small", providertest.PNG(200, 120), 500, 300, "png", false},
		{"too wide", providertest.PNG(1000, 200), 750, 300, "png", false},
		{"too tall", providertest.PNG(400, 1200), 400, 1000, "png", false},
		{"gif converted", gifData, 400, 400, "png", false},
	}
	for _, tc := range cases {
		out, err := kling.FitFrame(shoot.Reference{Name: tc.name, Data: tc.data})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		w, h, format := dims(t, out.Data)
		if w != tc.w || h != tc.h || format != tc.format || out.ContentType != "image/"+format {
			t.Errorf("%s: got %dx%d %s (%s), want %dx%d %s", tc.name, w, h, format, out.ContentType, tc.w, tc.h, tc.format)
		}
		if same := bytes.Equal(out.Data, tc.data); same != tc.sameBytesOut {
			t.Errorf("%s: passed through unchanged = %v", tc.name, same)
		}
	}
}

func TestFitFrameShrinksHeavyFramesUnderTenMB(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1800))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.UintN(256))
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if b.Len() <= kling.MaxBytes {
		t.Fatalf("test frame is only %d bytes", b.Len())
	}
	out, err := kling.FitFrame(shoot.Reference{Data: b.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	w, h, format := dims(t, out.Data)
	if len(out.Data) > kling.MaxBytes || format != "jpeg" || w < kling.MinSide || h < kling.MinSide {
		t.Fatalf("got %d bytes %s %dx%d", len(out.Data), format, w, h)
	}
}

func TestFitFrameRefusesGarbage(t *testing.T) {
	t.Parallel()
	for _, data := range [][]byte{nil, []byte("hello"), providertest.PNG(10, 10)[:30]} {
		if _, err := kling.FitFrame(shoot.Reference{Data: data}); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("FitFrame(%q…) = %v, want EINVALID", data[:min(len(data), 8)], err)
		}
	}
}
