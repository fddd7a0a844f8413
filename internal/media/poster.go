package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Poster limits: the animated preview lasts PreviewSeconds and must stay
// under PreviewMaxBytes so galleries can autoplay it.
const (
	PreviewSeconds  = 3.0
	PreviewMaxBytes = 2 << 20
)

// PosterResult describes the stills written for a film.
type PosterResult struct {
	// Frame is the film frame chosen; Sharpness its Laplacian variance
	// and Coverage the share of the picture its subject box fills.
	Frame     int     `json:"frame"`
	Sharpness float64 `json:"sharpness"`
	Coverage  float64 `json:"coverage"`
	JPEG      string  `json:"jpeg"`
	WebP      string  `json:"webp"`
	Preview   string  `json:"preview"`
	// PreviewBytes is the animated preview's size.
	PreviewBytes int64 `json:"preview_bytes"`
}

// posterWidth is the width frames are scored at.
const posterWidth = 160

// Posters picks the film's best still and writes it to dir as poster.jpg
// and poster.webp, with a PreviewSeconds animated preview.webp. The best
// still is the sharpest (variance of the Laplacian of its luma) among the
// frames whose subject fills a good share of the picture: each frame's
// score is its sharpness times a coverage weight that peaks when the
// subject's box covers 15–60 % of the frame.
func Posters(ctx context.Context, film, dir string) (*PosterResult, error) {
	info, err := probeClip(ctx, 0, film)
	if err != nil {
		return nil, err
	}
	raw, sw, sh, err := smallFrames(ctx, "poster frames", film, info, posterWidth)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "decoding the film for its poster failed")
	}
	size := sw * sh * 4
	if len(raw) < size {
		return nil, shoot.Errorf(shoot.EINVALID, "the film has no frame to make a poster of")
	}
	best := &PosterResult{Frame: -1}
	bestScore := -1.0
	r := bytes.NewReader(raw)
	for i := 0; (i+1)*size <= len(raw); i++ {
		img := image.NewRGBA(image.Rect(0, 0, sw, sh))
		if _, err := io.ReadFull(r, img.Pix); err != nil {
			break
		}
		sharp := laplacianVariance(img)
		b := reframe.Saliency(img)
		cover := b.W() * b.H() / float64(sw*sh)
		if score := sharp * coverageWeight(cover); score > bestScore {
			bestScore = score
			best.Frame, best.Sharpness, best.Coverage = i, sharp, cover
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "cannot create the poster folder")
	}
	best.JPEG, best.WebP, best.Preview = filepath.Join(dir, "poster.jpg"), filepath.Join(dir, "poster.webp"), filepath.Join(dir, "preview.webp")
	still := fmt.Sprintf("select=eq(n\\,%d)", best.Frame)
	for _, out := range []struct {
		path  string
		codec []string
	}{
		{best.JPEG, []string{"-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"}},
		{best.WebP, []string{"-c:v", "libwebp", "-quality", "85"}},
	} {
		a := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, localInput(film)...)
		a = append(a, "-map", "0:v:0", "-vf", still, "-frames:v", "1", "-fps_mode", "passthrough")
		a = append(append(a, out.codec...), "-f", "image2", "file:"+out.path)
		if _, err := runTool(ctx, "poster", ffmpegBin, a...); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "writing the poster failed")
		}
	}
	// The preview: the first seconds, smaller and at a gallery frame rate;
	// if it comes out over the limit, again smaller.
	for _, width := range []int{480, 360, 240, 160} {
		a := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, localInput(film)...)
		a = append(a, "-map", "0:v:0", "-t", fmt.Sprint(PreviewSeconds),
			"-vf", fmt.Sprintf("fps=15,scale='min(%d,iw)':-2", width),
			"-c:v", "libwebp_anim", "-quality", "60", "-loop", "0", "-f", "webp", "file:"+best.Preview)
		if _, err := runTool(ctx, "preview", ffmpegBin, a...); err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "writing the preview failed")
		}
		st, err := os.Stat(best.Preview)
		if err != nil {
			return nil, shoot.Wrap(err, shoot.EINTERNAL, "the preview is missing")
		}
		best.PreviewBytes = st.Size()
		if st.Size() <= PreviewMaxBytes {
			return best, nil
		}
	}
	return nil, shoot.Errorf(shoot.EINTERNAL, "the preview stays over %d bytes even at 160 pixels", PreviewMaxBytes)
}

// laplacianVariance is the variance of the 4-neighbour Laplacian of an
// image's luma: high for a crisp frame, low for motion blur.
func laplacianVariance(img *image.RGBA) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	lum := make([]float64, w*h)
	for y := range h {
		for x := range w {
			p := img.Pix[y*img.Stride+4*x:]
			lum[y*w+x] = 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		}
	}
	var s, s2 float64
	n := 0
	for y := 1; y+1 < h; y++ {
		for x := 1; x+1 < w; x++ {
			v := 4*lum[y*w+x] - lum[y*w+x-1] - lum[y*w+x+1] - lum[(y-1)*w+x] - lum[(y+1)*w+x]
			s += v
			s2 += v * v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	m := s / float64(n)
	return s2/float64(n) - m*m
}

// coverageWeight prefers frames whose subject fills 15–60 % of the picture:
// 1 inside, falling off outside (an empty set or a subject too tight).
func coverageWeight(c float64) float64 {
	switch {
	case c < 0.15:
		return 0.2 + 0.8*c/0.15
	case c > 0.6:
		return math.Max(0.2, 1-(c-0.6))
	}
	return 1
}
