package pipeline

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"

	"golang.org/x/image/draw"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// modelMaxSide is the longest side of a reference shown to the director
// model: large enough to judge styling, far under the API's 5 MB limit.
const modelMaxSide = 1568

// modelRefs returns the session's references downscaled for the director:
// JPEG, at most 1568 px on the long side. The raw uploads never go to it.
func (e *Engine) modelRefs(ctx context.Context, sid string) ([]shoot.Reference, error) {
	l, err := e.latest(ctx, sid)
	if err != nil {
		return nil, err
	}
	raw, err := e.inputRefs(ctx, l)
	if err != nil {
		return nil, err
	}
	out := make([]shoot.Reference, 0, len(raw))
	for _, r := range raw {
		small, err := downscaleJPEG(r.Data, modelMaxSide)
		if err != nil {
			e.logger.Warn("reference unreadable for the director", "session_id", sid, "err", err)
			continue
		}
		out = append(out, shoot.Reference{Name: r.Name, ContentType: "image/jpeg", Data: small})
	}
	return out, nil
}

func downscaleJPEG(data []byte, maxSide int) ([]byte, error) {
	src, _, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > maxSide || h > maxSide {
		if w >= h {
			w, h = maxSide, max(1, h*maxSide/b.Dx())
		} else {
			w, h = max(1, w*maxSide/b.Dy()), maxSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
