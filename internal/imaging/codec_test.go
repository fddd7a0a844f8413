package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"
	"image/png"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	src := gradient(64, 48)
	for _, tc := range []struct {
		format, want string
		tol          float64
	}{
		{"png", "png", 0},
		{"jpeg", "jpeg", 8},
		{"JPG", "jpeg", 8},
		{"webp", "webp", 12},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Encode(&buf, src, tc.format); err != nil {
				t.Fatal(err)
			}
			img, format, err := Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.want || img.Bounds().Size() != image.Pt(64, 48) {
				t.Fatalf("decoded %s %v, want %s 64×48", format, img.Bounds().Size(), tc.want)
			}
			assertClose(t, img.At(img.Bounds().Min.X+20, img.Bounds().Min.Y+30), src.At(7+20, 3+30), tc.tol)
		})
	}
}

func TestDecodeGIF(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, gradient(20, 10), nil); err != nil {
		t.Fatal(err)
	}
	img, format, err := Decode(&buf)
	if err != nil || format != "gif" || img.Bounds().Dx() != 20 {
		t.Fatalf("%v %s %v", img, format, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := png.Encode(&good, gradient(40, 30)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, shoot.EINVALID},
		{"text", []byte("this is not an image at all"), shoot.EINVALID},
		{"truncated png", good.Bytes()[:good.Len()/2], shoot.EINVALID},
		{"pixel bomb", hugePNGHeader(t, good.Bytes(), 100_000, 100_000), shoot.ETOOLARGE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, _, err := Decode(bytes.NewReader(tc.data))
			if img != nil || shoot.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, %v; want %s", img, err, tc.code)
			}
		})
	}
}

// hugePNGHeader rewrites a PNG's IHDR to claim w×h pixels, fixing its CRC,
// as a decompression bomb would.
func hugePNGHeader(t *testing.T, p []byte, w, h uint32) []byte {
	t.Helper()
	out := bytes.Clone(p)
	const ihdr = 8 // after the signature: length(4) "IHDR"(4) data(13) crc(4)
	if string(out[ihdr+4:ihdr+8]) != "IHDR" {
		t.Fatal("unexpected PNG layout")
	}
	binary.BigEndian.PutUint32(out[ihdr+8:], w)
	binary.BigEndian.PutUint32(out[ihdr+12:], h)
	binary.BigEndian.PutUint32(out[ihdr+21:], crc32.ChecksumIEEE(out[ihdr+4:ihdr+21]))
	return out
}

func TestEncodeRejectsUnknownFormat(t *testing.T) {
	t.Parallel()
	err := Encode(&bytes.Buffer{}, gradient(4, 4), "tiff")
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "tiff") {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseFormat("bmp"); err == nil {
		t.Fatal("bmp accepted")
	}
	if Ext("jpeg") != ".jpg" || Ext("png") != ".png" || Ext("webp") != ".webp" {
		t.Fatal("extensions")
	}
}

// TestEncodeWebPWithoutFFmpeg cannot run in parallel: it empties PATH.
func TestEncodeWebPWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := EncodeWebP(context.Background(), &bytes.Buffer{}, gradient(4, 4))
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(err.Error(), "ffmpeg") {
		t.Fatalf("got %v; want a clear message naming ffmpeg", err)
	}
}

func TestEncodeWebPCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := EncodeWebP(ctx, &bytes.Buffer{}, gradient(64, 64)); err == nil {
		t.Fatal("a cancelled encode succeeded")
	}
}
