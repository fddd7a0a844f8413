package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/webp"

	"github.com/fashionshoot/shoot/internal/imaging/imagingtest"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v vs %v", a.Bounds(), b.Bounds())
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}
}

func TestStripJPEG(t *testing.T) {
	t.Parallel()
	plain, dirty := imagingtest.JPEGWithMetadata(t)
	if _, _, _, err := Sniff(dirty); err != nil {
		t.Fatalf("the planted file must still be a valid upload: %v", err)
	}
	out, err := StripMetadata(dirty)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(imagingtest.Secret)) || bytes.Contains(out, []byte("xmpmeta")) || bytes.Contains(out, []byte("PK\x03\x04")) {
		t.Fatal("metadata or trailing bytes survived")
	}
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Fatal("output does not end at EOI")
	}
	i := bytes.Index(out, []byte("Exif\x00\x00"))
	if i < 0 {
		t.Fatal("the orientation block is missing")
	}
	if o, ok := exifOrientation(out[i+6:]); !ok || o != 6 {
		t.Fatalf("orientation %d %v, want 6", o, ok)
	}
	a, err := jpeg.Decode(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped JPEG does not decode: %v", err)
	}
	samePixels(t, a, b)
	// A clean file loses nothing but stays decodable.
	again, err := StripMetadata(plain)
	if err != nil || !bytes.Equal(again, plain) {
		t.Fatalf("a file without metadata changed (%d → %d bytes, %v)", len(plain), len(again), err)
	}
}

func TestStripJPEGWithoutOrientation(t *testing.T) {
	t.Parallel()
	plain, _ := imagingtest.JPEGWithMetadata(t)
	tiff := []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00" + imagingtest.Secret)
	dirty := append(append(append([]byte(nil), plain[:2]...), imagingtest.App(0xE1, append([]byte("Exif\x00\x00"), tiff...))...), plain[2:]...)
	out, err := StripMetadata(dirty)
	if err != nil || !bytes.Equal(out, plain) {
		t.Fatalf("EXIF without orientation must go entirely: %v", err)
	}
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestStripPNG(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := png.Encode(&b, imagingtest.Picture(64, 48)); err != nil {
		t.Fatal(err)
	}
	plain := b.Bytes()
	ihdrEnd := 8 + 12 + 13
	var d bytes.Buffer
	d.Write(plain[:ihdrEnd])
	d.Write(pngChunk("eXIf", append([]byte("MM\x00\x2a"), imagingtest.Secret...)))
	d.Write(pngChunk("tEXt", []byte("Comment\x00"+imagingtest.Secret)))
	d.Write(pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+imagingtest.Secret)))
	d.Write(plain[ihdrEnd:])
	d.WriteString("<html><script>alert(1)</script>" + imagingtest.Secret)
	dirty := d.Bytes()
	out, err := StripMetadata(dirty)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, plain) {
		t.Fatalf("stripped PNG is not the clean original (%d vs %d bytes)", len(out), len(plain))
	}
	bad := append([]byte(nil), dirty...)
	bad[ihdrEnd+10] ^= 0xFF // corrupt the eXIf chunk: its CRC fails
	if _, err := StripMetadata(bad); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Fatalf("corrupt chunk: %v", err)
	}
}

func TestStripWebP(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := EncodeWebP(context.Background(), &b, imagingtest.Picture(64, 48)); err != nil {
		t.Fatal(err)
	}
	simple := b.Bytes()
	if string(simple[12:15]) != "VP8" {
		t.Fatalf("unexpected WebP layout %q", simple[12:16])
	}
	// Rebuild it in the extended layout with EXIF and XMP chunks.
	vp8x := make([]byte, 18)
	copy(vp8x, "VP8X")
	binary.LittleEndian.PutUint32(vp8x[4:], 10)
	vp8x[8] = webpFlagEXIF | webpFlagXMP
	put24 := func(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
	put24(vp8x[12:], 64-1)
	put24(vp8x[15:], 48-1)
	chunk := func(typ, data string) []byte {
		c := append([]byte(typ), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
		c = append(c, data...)
		if len(data)%2 == 1 {
			c = append(c, 0)
		}
		return c
	}
	body := append(append([]byte{}, vp8x...), simple[12:]...)
	body = append(body, chunk("EXIF", "MM\x00\x2a"+imagingtest.Secret)...)
	body = append(body, chunk("XMP ", "<x:xmpmeta>"+imagingtest.Secret+"</x:xmpmeta>")...)
	dirty := append([]byte("RIFF\x00\x00\x00\x00WEBP"), body...)
	binary.LittleEndian.PutUint32(dirty[4:], uint32(len(dirty)-8))
	dirty = append(dirty, "trailing "+imagingtest.Secret...)
	if _, _, _, err := Sniff(dirty); err != nil {
		t.Fatalf("the planted WebP must be a valid upload: %v", err)
	}
	out, err := StripMetadata(dirty)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(imagingtest.Secret)) || out[20]&(webpFlagEXIF|webpFlagXMP) != 0 {
		t.Fatal("WebP metadata survived")
	}
	if int(binary.LittleEndian.Uint32(out[4:])) != len(out)-8 {
		t.Fatal("RIFF size not rewritten")
	}
	a, err := webp.Decode(bytes.NewReader(simple))
	if err != nil {
		t.Fatal(err)
	}
	c, err := webp.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped WebP does not decode: %v", err)
	}
	samePixels(t, a, c)
}

func TestStripRefusesBrokenContainers(t *testing.T) {
	t.Parallel()
	plain, dirty := imagingtest.JPEGWithMetadata(t)
	for name, data := range map[string][]byte{
		"jpeg without EOI":      plain[:len(plain)-40],
		"jpeg segment past end": append(append([]byte{}, plain[:2]...), 0xFF, 0xE1, 0xFF, 0xFF, 'E'),
		"jpeg garbage marker":   append(append([]byte{}, plain[:2]...), 0x00, 0x00, 0x00),
		"png cut short":         append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", make([]byte, 13))[:10]...),
		"webp size too large":   []byte("RIFF\xff\xff\x00\x00WEBPVP8 "),
		"not an image":          []byte("<svg onload=alert(1)>"),
	} {
		if _, err := StripMetadata(data); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := StripMetadata(dirty); err != nil {
		t.Fatal(err)
	}
}

// FuzzStripMetadata checks that no input makes the walker panic or grow a
// file, and that what it returns still starts like the same format.
func FuzzStripMetadata(f *testing.F) {
	plain, dirty := imagingtest.JPEGWithMetadata(f)
	f.Add(plain)
	f.Add(dirty)
	var b bytes.Buffer
	_ = png.Encode(&b, imagingtest.Picture(64, 48))
	f.Add(b.Bytes())
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPVP8X\x02\x00\x00\x00\x0c\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := StripMetadata(data)
		if err != nil {
			return
		}
		if len(out) > len(data) {
			t.Fatalf("grew from %d to %d bytes", len(data), len(out))
		}
		if len(data) >= 4 && len(out) >= 4 && !bytes.Equal(out[:2], data[:2]) {
			t.Fatalf("format changed: %q → %q", data[:4], out[:4])
		}
	})
}
