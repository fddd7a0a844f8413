package imaging

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
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// sniffTestImage is a small image with some detail, so encoders produce
// more than a few bytes and truncation cuts real pixel data.
func sniffTestImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

func sniffJPEG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sniffTestImage(64, 48), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sniffPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, sniffTestImage(64, 48)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sniffGIF returns a two-frame animation.
func sniffGIF(t *testing.T) []byte {
	anim := &gif.GIF{}
	for i := 0; i < 2; i++ {
		frame := image.NewPaletted(image.Rect(0, 0, 40, 30), palette.Plan9)
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

// sniffWebP encodes a 16×16 WebP with ffmpeg: Go has no WebP encoder.
func sniffWebP(t *testing.T, lossless bool) []byte {
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

// sniffPNGHeader returns a PNG signature and a valid IHDR chunk claiming
// w×h pixels, and nothing else: a decompression-bomb header.
func sniffPNGHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&buf, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	buf.Write(chunk)
	binary.Write(&buf, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return buf.Bytes()
}

func TestSniffAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		data   []byte
		format Format
		w, h   int
	}{
		{"jpeg", sniffJPEG(t), FormatJPEG, 64, 48},
		{"png", sniffPNG(t), FormatPNG, 64, 48},
		{"gif", sniffGIF(t), FormatGIF, 40, 30},
		{"webp lossless", sniffWebP(t, true), FormatWebP, 16, 16},
		{"webp lossy", sniffWebP(t, false), FormatWebP, 16, 16},
	}
	for _, tc := range cases {
		f, w, h, err := Sniff(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if f != tc.format || w != tc.w || h != tc.h {
			t.Errorf("%s: got %v %d×%d, want %v %d×%d", tc.name, f, w, h, tc.format, tc.w, tc.h)
		}
	}
}

func TestSniffRejects(t *testing.T) {
	t.Parallel()
	jpg, pngData, gifData, webpData := sniffJPEG(t), sniffPNG(t), sniffGIF(t), sniffWebP(t, false)
	cases := []struct {
		name, reason string
		code         string
		data         []byte
	}{
		{"empty", "not a JPEG", shoot.EINVALID, nil},
		{"text", "not a JPEG", shoot.EINVALID, []byte("hello, this is not an image")},
		{"pdf", "not a JPEG", shoot.EINVALID, []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj")},
		{"svg", "not a JPEG", shoot.EINVALID, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		{"jpeg magic only", "JPEG header", shoot.EINVALID, jpg[:3]},
		{"truncated jpeg", "JPEG image is truncated", shoot.EINVALID, jpg[:len(jpg)/2]},
		{"truncated png", "PNG image is truncated", shoot.EINVALID, pngData[:len(pngData)/2]},
		{"png without IEND", "PNG image is truncated", shoot.EINVALID, pngData[:len(pngData)-12]},
		{"png bad crc", "PNG", shoot.EINVALID, flipByte(pngData, len(pngData)-20)},
		{"gif without trailer", "GIF image is truncated", shoot.EINVALID, gifData[:len(gifData)-1]},
		{"gif cut in frame 2", "GIF image is truncated", shoot.EINVALID, gifData[:len(gifData)-30]},
		{"truncated webp", "WebP", shoot.EINVALID, webpData[:len(webpData)-10]},
		{"png bomb header", "60000×60000", shoot.ETOOLARGE, sniffPNGHeader(60000, 60000)},
		{"png just over 40 MP", "megapixels", shoot.ETOOLARGE, sniffPNGHeader(8000, 5001)},
		{"gif bomb header", "65535×65535", shoot.ETOOLARGE, sniffGIFHeader(65535, 65535)},
	}
	for _, tc := range cases {
		_, _, _, err := Sniff(tc.data)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if code := shoot.ErrorCode(err); code != tc.code {
			t.Errorf("%s: code %s, want %s (%v)", tc.name, code, tc.code, err)
		}
		if msg := shoot.ErrorMessage(err); !strings.Contains(msg, tc.reason) {
			t.Errorf("%s: reason %q should mention %q", tc.name, msg, tc.reason)
		}
	}
}

// TestSniffLimitIsInclusive checks that exactly 40 megapixels passes the
// header check (it then fails to decode, as the header has no pixels).
func TestSniffLimitIsInclusive(t *testing.T) {
	t.Parallel()
	_, _, _, err := Sniff(sniffPNGHeader(8000, 5000))
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(shoot.ErrorMessage(err), "truncated") {
		t.Errorf("8000×5000 header: %v, want a truncation error, not the size limit", err)
	}
}

func sniffGIFHeader(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 0, 0, 0x3B)
}

func flipByte(data []byte, i int) []byte {
	out := bytes.Clone(data)
	out[i] ^= 0xFF
	return out
}

func FuzzSniff(f *testing.F) {
	f.Add(sniffPNGHeader(10, 10))
	f.Add(sniffGIFHeader(10, 10))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8L"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDB})
	f.Fuzz(func(t *testing.T, data []byte) {
		format, w, h, err := Sniff(data)
		if err == nil && (format.Ext == "" || w <= 0 || h <= 0 || int64(w)*int64(h) > MaxUploadPixels) {
			t.Fatalf("accepted %v %d×%d", format, w, h)
		}
		if err != nil && shoot.ErrorMessage(err) == "Internal error." {
			t.Fatalf("error without a reason: %v", err)
		}
	})
}
