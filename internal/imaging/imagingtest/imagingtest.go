// Package imagingtest makes the pictures the image and upload tests feed
// their code: small real JPEG, PNG, GIF and WebP files, and bare headers
// that claim a size. It imports nothing of the studio, so what it makes
// does not depend on the code under test.
package imagingtest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Picture is a w×h image with some detail, so encoders produce more than a
// few bytes and truncation cuts real pixel data.
func Picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

// JPEG is Picture(w, h) as a JPEG of quality 90.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNG is Picture(w, h) as a PNG.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// GIF is a two-frame w×h animation.
func GIF(t testing.TB, w, h int) []byte {
	t.Helper()
	anim := &gif.GIF{}
	for i := 0; i < 2; i++ {
		frame := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		for p := range frame.Pix {
			frame.Pix[p] = uint8((p + i*17) % 256)
		}
		anim.Image = append(anim.Image, frame)
		anim.Delay = append(anim.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WebP is a 16×16 WebP, lossless or lossy, made with ffmpeg: Go has no
// WebP encoder.
func WebP(t testing.TB, lossless bool) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is needed to make WebP test images: run scripts/setup.sh")
	}
	out := filepath.Join(t.TempDir(), "x.webp")
	mode := "0"
	if lossless {
		mode = "1"
	}
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=16x16",
		"-frames:v", "1", "-c:v", "libwebp", "-lossless", mode, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// PNGHeader is a PNG signature and a valid IHDR chunk claiming w×h pixels
// of 8-bit RGBA, and nothing else: a decompression-bomb header.
func PNGHeader(w, h uint32) []byte {
	chunk := []byte("IHDR")
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// Secret marks the metadata JPEGWithMetadata plants; it must never survive
// stripping.
const Secret = "GPS-48.8584N-2.2945E-SECRET"

// tiffWithGPS is an EXIF TIFF block (big-endian, to cover both orders)
// with Orientation 6 and a GPS IFD holding the Secret as GPSAreaInformation.
func tiffWithGPS() []byte {
	var b bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&b, be, v) }
	w32 := func(v uint32) { binary.Write(&b, be, v) }
	b.WriteString("MM")
	w16(42)
	w32(8)
	// IFD0 at 8: two entries.
	w16(2)
	w16(0x0112)
	w16(3)
	w32(1)
	w16(6)
	w16(0) // Orientation = 6
	gpsIFD := uint32(8 + 2 + 2*12 + 4)
	w16(0x8825)
	w16(4)
	w32(1)
	w32(gpsIFD) // GPSInfo pointer
	w32(0)
	// GPS IFD: one entry, GPSAreaInformation (UNDEFINED) pointing at the text.
	text := uint32(int(gpsIFD) + 2 + 12 + 4)
	w16(1)
	w16(0x001C)
	w16(7)
	w32(uint32(len(Secret)))
	w32(text)
	w32(0)
	b.WriteString(Secret)
	return b.Bytes()
}

// App is a JPEG APPn segment (marker 0xE0 to 0xEF) holding payload.
func App(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// JPEGWithMetadata is JPEG(t, 64, 48), plain, and dirty: the same with
// EXIF (Orientation 6 and GPS), XMP, IPTC, a comment and trailing bytes
// planted around it, each holding Secret.
func JPEGWithMetadata(t testing.TB) (plain, dirty []byte) {
	t.Helper()
	plain = JPEG(t, 64, 48)
	var d bytes.Buffer
	d.Write(plain[:2])
	d.Write(App(0xE1, append([]byte("Exif\x00\x00"), tiffWithGPS()...)))
	d.Write(App(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+Secret+"</x:xmpmeta>")))
	d.Write(App(0xED, []byte("Photoshop 3.0\x008BIM"+Secret)))
	d.Write(App(0xFE, []byte("comment "+Secret)))
	d.Write(plain[2:])
	d.WriteString("PK\x03\x04 appended archive " + Secret)
	return plain, d.Bytes()
}
