package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// A shoot from the user's own frames skips the hero and the contact sheet:
// the stills they uploaded, in order, become the frames, cropped to one
// aspect ratio and scaled to one size (the clips need matching keyframes),
// and the session starts at the frames checkpoint.

// ownFramesBrief stands in for a brief the user did not write.
const ownFramesBrief = "A fashion film from my own frames."

// maxOwnFrameSide bounds the long side of a frame made from a user's still:
// larger than any video model takes, small enough to keep clips fast.
const maxOwnFrameSide = 2048

// resolveFrames maps options.frames to the upload keys they name, in
// order; a still may appear twice. Any reference that is not an upload this
// server issued is EINVALID naming its position.
func (e *Engine) resolveFrames(ctx context.Context, refs []string) ([]string, error) {
	keys := make([]string, len(refs))
	for i, ref := range refs {
		name, err := ParseReference(ref)
		if err != nil {
			return nil, shoot.Errorf(shoot.EINVALID, "options.frames[%d]: %s", i, shoot.ErrorMessage(err))
		}
		u, err := e.store.GetUpload(ctx, name)
		if shoot.ErrorCode(err) == shoot.ENOTFOUND {
			return nil, shoot.Errorf(shoot.EINVALID, "options.frames[%d]: unknown upload %q", i, name)
		}
		if err != nil {
			return nil, err
		}
		keys[i] = u.Key
	}
	return keys, nil
}

// ownFramesInputs are what frames made from the user's stills depend on.
func ownFramesInputs(s *shoot.Session) []string {
	return append(slices.Clone(s.Options.Frames), "params:"+digest("own-frames", s.Options.FrameAspect))
}

// doOwnFrames turns the user's stills into the session's frames.
func (e *Engine) doOwnFrames(ctx context.Context, s *shoot.Session) error {
	started := e.now()
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	inputs := ownFramesInputs(s)
	n := len(s.Options.Frames)
	if l.upToDate(shoot.AssetFrame, 1, inputs) && l.upToDate(shoot.AssetFrame, n, inputs) {
		return nil // an earlier run of this work finished
	}
	stills, err := e.readStills(ctx, s.Options.Frames)
	if err != nil {
		return err
	}
	aspect := s.Options.FrameAspect
	if aspect == "" {
		aspect = commonAspect(stills)
	}
	frames, w, h := uniformFrames(stills, aspect)
	for i, img := range frames {
		idx := i + 1
		if l.get(shoot.AssetFrame, idx) != nil && l.upToDate(shoot.AssetFrame, idx, inputs) {
			continue // saved by an earlier run cut short
		}
		var buf bytes.Buffer
		if err := imaging.Encode(&buf, img, "png"); err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "could not encode a frame")
		}
		v := 1
		if cur := l.get(shoot.AssetFrame, idx); cur != nil {
			v = cur.Version + 1
		}
		meta := shoot.AssetMeta{Provider: "imaging", Model: "own-frames-" + aspect, Inputs: inputs,
			Width: w, Height: h, DurationMS: e.now().Sub(started).Milliseconds()}
		if _, err := e.saveAsset(ctx, s.ID, shoot.AssetFrame, idx, v, buf.Bytes(), "image/png", meta); err != nil {
			return err
		}
	}
	e.progress(ctx, s.ID, shoot.StageFrames, 1, fmt.Sprintf("Prepared your %d frames at %s, %d×%d", n, aspect, w, h), nil)
	return nil
}

// readStills decodes the user's stills, naming the one that fails.
func (e *Engine) readStills(ctx context.Context, keys []string) ([]image.Image, error) {
	out := make([]image.Image, len(keys))
	for i, k := range keys {
		data, err := e.readBlob(ctx, k)
		if err != nil {
			return nil, err
		}
		img, _, err := imaging.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("frame %d (%s) is not a readable image", i+1, strings.TrimPrefix(k, "uploads/")))
		}
		out[i] = img
	}
	return out, nil
}

// commonAspect picks, from the ratios frames can take, the one nearest the
// median shape of the stills: a mix of portrait and landscape goes the
// majority's way, and each still loses as little as it can.
func commonAspect(stills []image.Image) string {
	logs := make([]float64, len(stills))
	for i, img := range stills {
		b := img.Bounds()
		logs[i] = math.Log(float64(b.Dx()) / float64(b.Dy()))
	}
	slices.Sort(logs)
	median := (logs[(len(logs)-1)/2] + logs[len(logs)/2]) / 2
	best, bestDist := shoot.FrameAspectRatios[0], math.Inf(1)
	for _, a := range shoot.FrameAspectRatios {
		w, h, err := imaging.ParseAspect(a)
		if err != nil {
			continue
		}
		if d := math.Abs(math.Log(float64(w)/float64(h)) - median); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

// uniformFrames centre-crops every still to aspect and scales them all to
// one size: the smallest crop's, capped at maxOwnFrameSide on its long side.
func uniformFrames(stills []image.Image, aspect string) ([]image.Image, int, int) {
	aw, ah, _ := imaging.ParseAspect(aspect)
	crops := make([]image.Image, len(stills))
	w := math.MaxInt
	for i, img := range stills {
		crops[i] = imaging.CropToAspect(img, aspect)
		w = min(w, crops[i].Bounds().Dx())
	}
	if long := max(w, w*ah/aw); long > maxOwnFrameSide {
		w = w * maxOwnFrameSide / long
	}
	w -= w % 2 // video encoders want even sizes
	h := int(math.Round(float64(w)*float64(ah)/float64(aw))) &^ 1
	for i, c := range crops {
		crops[i] = imaging.Fill(c, w, h)
	}
	return crops, w, h
}
