package imaging

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/imaging/imagingtest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestSniffAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		data   []byte
		format Format
		w, h   int
	}{
		{"jpeg", imagingtest.JPEG(t, 64, 48), FormatJPEG, 64, 48},
		{"png", imagingtest.PNG(t, 64, 48), FormatPNG, 64, 48},
		{"gif", imagingtest.GIF(t, 40, 30), FormatGIF, 40, 30},
		{"webp lossless", imagingtest.WebP(t, true), FormatWebP, 16, 16},
		{"webp lossy", imagingtest.WebP(t, false), FormatWebP, 16, 16},
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
	jpg, pngData, gifData, webpData := imagingtest.JPEG(t, 64, 48), imagingtest.PNG(t, 64, 48), imagingtest.GIF(t, 40, 30), imagingtest.WebP(t, false)
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
		{"png bomb header", "60000×60000", shoot.ETOOLARGE, imagingtest.PNGHeader(60000, 60000)},
		{"png just over 40 MP", "megapixels", shoot.ETOOLARGE, imagingtest.PNGHeader(8000, 5001)},
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
	_, _, _, err := Sniff(imagingtest.PNGHeader(8000, 5000))
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
	f.Add(imagingtest.PNGHeader(10, 10))
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
