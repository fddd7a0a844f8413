package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // Decode accepts GIF uploads
	"image/jpeg"
	"image/png"
	"io"
	"os/exec"
	"strings"
	"time"

	_ "golang.org/x/image/webp" // Decode accepts WebP uploads

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// Output format names accepted by Encode. (The Format values in sniff.go
// describe upload formats; these are plain names for encoders and flags.)
const (
	encPNG  = "png"
	encJPEG = "jpeg"
	encWebP = "webp"
)

const (
	// maxDecodeBytes and maxDecodePixels refuse inputs that would use
	// unbounded memory (a 10 000 × 8 000 sheet is already far beyond what
	// any image model returns).
	maxDecodeBytes  = 256 << 20
	maxDecodePixels = 80_000_000
	jpegQuality     = 92
	webpQuality     = 90
	webpTimeout     = 2 * time.Minute
)

// Decode reads a PNG, JPEG, GIF (first frame) or WebP image and returns it
// with its format name. Anything else, truncated data or an image over 80
// megapixels is an *shoot.Error (EINVALID or ETOOLARGE).
func Decode(r io.Reader) (image.Image, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDecodeBytes+1))
	if err != nil {
		return nil, "", shoot.Wrap(err, shoot.EINVALID, "could not read the image")
	}
	if len(data) > maxDecodeBytes {
		return nil, "", shoot.Errorf(shoot.ETOOLARGE, "the image is larger than %d MB", maxDecodeBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", shoot.Wrap(err, shoot.EINVALID, "not a PNG, JPEG, GIF or WebP image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodePixels {
		return nil, "", shoot.Errorf(shoot.ETOOLARGE, "the image is %d×%d; at most %d megapixels are accepted", cfg.Width, cfg.Height, maxDecodePixels/1_000_000)
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("the %s image is damaged or truncated", format))
	}
	return img, format, nil
}

// ParseFormat normalises an output format name ("jpg" is "jpeg") and
// rejects unknown ones.
func ParseFormat(s string) (string, error) {
	switch strings.ToLower(s) {
	case "png":
		return encPNG, nil
	case "jpeg", "jpg":
		return encJPEG, nil
	case "webp":
		return encWebP, nil
	}
	return "", shoot.Errorf(shoot.EINVALID, "output format %q is not png, jpeg or webp", s)
}

// Ext returns the file extension for an output format, with its dot.
func Ext(format string) string {
	if f, _ := ParseFormat(format); f == encJPEG {
		return ".jpg"
	}
	return "." + strings.ToLower(format)
}

// Encode writes img as PNG, JPEG (quality 92) or WebP. Go has no WebP
// encoder, so WebP goes through ffmpeg's libwebp (see EncodeWebP) with a
// two-minute limit; call EncodeWebP directly to pass a context.
func Encode(w io.Writer, img image.Image, format string) error {
	f, err := ParseFormat(format)
	if err != nil {
		return err
	}
	switch f {
	case encPNG:
		return wrapEncode(png.Encode(w, img), f)
	case encJPEG:
		return wrapEncode(jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality}), f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), webpTimeout)
	defer cancel()
	return EncodeWebP(ctx, w, img)
}

func wrapEncode(err error, format string) error {
	if err == nil {
		return nil
	}
	return shoot.Wrap(err, shoot.EINTERNAL, "could not encode the "+format+" image")
}

// EncodeWebP writes img as lossy WebP (quality 90) by piping a PNG through
// the ffmpeg on PATH, which must be built with libwebp (Debian's is). Without
// it the error says so: choose png or jpeg instead.
func EncodeWebP(ctx context.Context, w io.Writer, img image.Image) error {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return shoot.Errorf(shoot.EINVALID, "WebP output needs ffmpeg (with libwebp) on PATH; use png or jpeg")
	}
	var in bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed} // a pipe, not a file: speed over size
	if err := enc.Encode(&in, img); err != nil {
		return wrapEncode(err, encPNG)
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "png_pipe", "-i", "pipe:0", "-c:v", "libwebp", "-quality", fmt.Sprint(webpQuality), "-f", "webp", "pipe:1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &out, &stderr
	cmd.Env = []string{} // the encoder needs nothing from our environment, least of all keys
	end := telemetry.StartProcess(ctx, "ffmpeg", "encode webp")
	err = cmd.Run()
	end(err)
	if err != nil {
		if ctx.Err() != nil {
			return shoot.Wrap(ctx.Err(), shoot.EUNAVAILABLE, "WebP encoding was cancelled")
		}
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "libwebp") || strings.Contains(msg, "Unknown encoder") {
			return shoot.Errorf(shoot.EINVALID, "this ffmpeg cannot write WebP (no libwebp); use png or jpeg")
		}
		return shoot.Wrap(errors.New(msg), shoot.EINTERNAL, "ffmpeg could not encode WebP")
	}
	if out.Len() == 0 {
		return shoot.Errorf(shoot.EINTERNAL, "ffmpeg wrote an empty WebP image")
	}
	_, err = w.Write(out.Bytes())
	return err
}

// EncodeForKling encodes img in at most KlingMaxBytes: PNG when it fits,
// otherwise JPEG at falling quality, and as a last resort smaller, until it
// fits. It returns the bytes and their format ("png" or "jpeg"), the two
// Kling accepts. Call FitForKling first for the size and aspect limits.
func EncodeForKling(img image.Image) ([]byte, string, error) {
	return encodeWithin(img, KlingMaxBytes)
}

func encodeWithin(img image.Image, limit int) ([]byte, string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, "", wrapEncode(err, encPNG)
	}
	if buf.Len() <= limit {
		return buf.Bytes(), encPNG, nil
	}
	for {
		for _, q := range []int{92, 85, 75, 60} {
			buf.Reset()
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, "", wrapEncode(err, encJPEG)
			}
			if buf.Len() <= limit {
				return buf.Bytes(), encJPEG, nil
			}
		}
		b := img.Bounds()
		if b.Dx() < 16 || b.Dy() < 16 {
			return nil, "", shoot.Errorf(shoot.ETOOLARGE, "cannot encode the image in %d bytes", limit)
		}
		// Each pass keeps 80 % of each side: about two thirds of the bytes.
		img = scale(img, b.Dx()*4/5, b.Dy()*4/5)
	}
}
