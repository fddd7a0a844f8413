package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Format is an image file format the studio accepts from users.
type Format struct {
	Ext      string // file extension without the dot: jpg, png, webp or gif
	MimeType string
}

// The accepted upload formats.
var (
	FormatJPEG = Format{Ext: "jpg", MimeType: "image/jpeg"}
	FormatPNG  = Format{Ext: "png", MimeType: "image/png"}
	FormatWebP = Format{Ext: "webp", MimeType: "image/webp"}
	FormatGIF  = Format{Ext: "gif", MimeType: "image/gif"}
)

// MaxUploadPixels is the largest image (width × height) Sniff accepts. A
// few kilobytes of PNG can claim a gigapixel; the limit is checked on the
// header, before any pixel is decoded.
const MaxUploadPixels = 40_000_000

// sniffer decodes one format: its header, then the whole file.
type sniffer struct {
	format       Format
	name         string
	magic        func([]byte) bool
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func([]byte) error
}

var sniffers = []sniffer{
	{FormatJPEG, "JPEG", sniffIsJPEG, jpeg.DecodeConfig, sniffDecodeWith(jpeg.Decode)},
	{FormatPNG, "PNG", sniffIsPNG, png.DecodeConfig, sniffDecodeWith(png.Decode)},
	{FormatWebP, "WebP", sniffIsWebP, webp.DecodeConfig, sniffDecodeWith(webp.Decode)},
	{FormatGIF, "GIF", sniffIsGIF, gif.DecodeConfig, sniffDecodeGIF},
}

// Sniff decides what image data is from its content alone (magic bytes,
// then a header decode), checks its dimensions against MaxUploadPixels and
// then decodes it fully, so a truncated or corrupt file is refused rather
// than stored. It returns the format and the size in pixels.
//
// Errors are *shoot.Error with a reason fit to show the user: EINVALID for
// data that is not an accepted image or does not decode, ETOOLARGE for too
// many pixels. A full decode holds the pixels in memory (up to about 8 bytes
// per pixel for 16-bit PNG), so callers bound how many run at once.
func Sniff(data []byte) (Format, int, int, error) {
	s, ok := sniffDetect(data)
	if !ok {
		return Format{}, 0, 0, shoot.Errorf(shoot.EINVALID, "not a JPEG, PNG, WebP or GIF image")
	}
	cfg, err := s.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return Format{}, 0, 0, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("unreadable %s header", s.name))
	}
	if err := sniffCheckDimensions(cfg.Width, cfg.Height); err != nil {
		return Format{}, 0, 0, err
	}
	if err := s.decode(data); err != nil {
		return Format{}, 0, 0, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("%s image is truncated or corrupt", s.name))
	}
	return s.format, cfg.Width, cfg.Height, nil
}

func sniffDetect(data []byte) (sniffer, bool) {
	for _, s := range sniffers {
		if s.magic(data) {
			return s, true
		}
	}
	return sniffer{}, false
}

func sniffCheckDimensions(w, h int) error {
	if w <= 0 || h <= 0 {
		return shoot.Errorf(shoot.EINVALID, "image has no pixels (%d×%d)", w, h)
	}
	if px := int64(w) * int64(h); px > MaxUploadPixels {
		return shoot.Errorf(shoot.ETOOLARGE, "image is %d×%d pixels (%.1f megapixels); the limit is %d megapixels",
			w, h, float64(px)/1e6, MaxUploadPixels/1_000_000)
	}
	return nil
}

func sniffIsJPEG(b []byte) bool { return len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF }

func sniffIsPNG(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }

func sniffIsWebP(b []byte) bool {
	return len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

func sniffIsGIF(b []byte) bool {
	return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
}

func sniffDecodeWith(decode func(io.Reader) (image.Image, error)) func([]byte) error {
	return func(data []byte) error {
		_, err := decode(bytes.NewReader(data))
		return err
	}
}

// sniffDecodeGIF decodes the first frame and walks the block structure of the
// rest. Decoding every frame of an animation could need frames × 40 MP of
// memory, so later frames are checked for completeness (every block present,
// the trailer at the end) rather than decoded.
func sniffDecodeGIF(data []byte) error {
	if _, err := gif.Decode(bytes.NewReader(data)); err != nil {
		return err
	}
	return sniffWalkGIF(data)
}

// sniffWalkGIF checks that data holds a complete GIF block structure: header,
// logical screen, colour table, then extensions and images whose data
// sub-blocks are all present, up to the trailer byte.
func sniffWalkGIF(data []byte) error {
	r := sniffGIFWalker{data: data, pos: 13}
	if len(data) < 13 {
		return io.ErrUnexpectedEOF
	}
	r.skipColorTable(data[10])
	for r.err == nil {
		switch r.next() {
		case 0x21: // extension: label, then sub-blocks
			r.skip(1)
			r.skipSubBlocks()
		case 0x2C: // image: descriptor, optional local colour table, LZW code size, data
			desc := r.skip(9)
			if r.err == nil {
				r.skipColorTable(desc[8])
			}
			r.skip(1)
			r.skipSubBlocks()
		case 0x3B:
			return nil
		default:
			if r.err == nil {
				r.err = fmt.Errorf("gif: unknown block at byte %d", r.pos-1)
			}
		}
	}
	return r.err
}

// sniffGIFWalker reads GIF blocks, remembering the first error; every read past
// the end is io.ErrUnexpectedEOF.
type sniffGIFWalker struct {
	data []byte
	pos  int
	err  error
}

func (w *sniffGIFWalker) next() byte {
	b := w.skip(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (w *sniffGIFWalker) skip(n int) []byte {
	if w.err != nil {
		return nil
	}
	if w.pos+n > len(w.data) {
		w.err = io.ErrUnexpectedEOF
		return nil
	}
	b := w.data[w.pos : w.pos+n]
	w.pos += n
	return b
}

// skipColorTable skips the colour table a packed flags byte announces.
func (w *sniffGIFWalker) skipColorTable(flags byte) {
	if flags&0x80 != 0 {
		w.skip(3 << ((flags & 7) + 1))
	}
}

func (w *sniffGIFWalker) skipSubBlocks() {
	for w.err == nil {
		n := w.next()
		if n == 0 {
			return
		}
		w.skip(int(n))
	}
}
