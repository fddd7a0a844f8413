package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// frameCount is the number of frames the pipeline works with: six keyframes.
const frameCount = 6

// doFrames crops the six frames out of the newest contact sheet.
func (e *Engine) doFrames(ctx context.Context, w Work, s *shoot.Session) error {
	if len(s.Options.Frames) > 0 {
		return e.doOwnFrames(ctx, s)
	}
	started := e.now()
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	sheet := l.get(shoot.AssetContactSheet, 0)
	if sheet == nil {
		return shoot.Errorf(shoot.ECONFLICT, "there is no contact sheet to crop")
	}
	m := readMeta(s)
	inputs := framesInputs(l, m, s)
	if l.upToDate(shoot.AssetFrame, 1, inputs) && l.upToDate(shoot.AssetFrame, frameCount, inputs) {
		return nil // an earlier run of this work finished
	}
	data, err := e.readBlob(ctx, sheet.Key)
	if err != nil {
		return err
	}
	img, _, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return shoot.Wrap(err, shoot.EINVALID, "the contact sheet is not a readable image")
	}
	cells, grid, err := detectSix(img, m.Frames)
	if err != nil {
		return err
	}
	for _, warn := range grid.Warnings {
		e.notice(ctx, s.ID, shoot.StageFrames, 0.5, warn, nil)
	}
	if grid.Mismatch() {
		e.notice(ctx, s.ID, shoot.StageFrames, 0.5, fmt.Sprintf("The contact sheet shows a %d×%d grid, not the %d×%d asked for", grid.Rows, grid.Cols, grid.AskedRows, grid.AskedCols),
			map[string]any{"gridMismatch": gridMismatch(grid)})
	}
	sz := imaging.Equalize(cells)
	conf := roundConfs(grid.Confidence[:len(cells)])
	gridJSON, _ := json.Marshal(map[string]any{"method": grid.Method, "rows": grid.Rows, "cols": grid.Cols,
		"cells": rects(sz.Src), "warnings": grid.Warnings, "width": img.Bounds().Dx(), "height": img.Bounds().Dy(),
		"sizing": sz.Mode, "frameWidth": sz.Width, "frameHeight": sz.Height, "confidence": conf,
		"gridMismatch": gridMismatch(grid)})
	frames := sz.Frames(img)
	if s.Options.FrameAspect != "" {
		for i := range frames {
			frames[i] = imaging.CropToAspect(frames[i], s.Options.FrameAspect)
		}
	}
	var scene image.Image // the offline check judges the backdrop by the hero
	if s.Options.QAOn() && e.inspector() == nil {
		scene = e.heroPicture(ctx, l)
	}
	report := e.checkFrames(ctx, s, scene, frames[:len(cells)])
	limits := prompt.QA()
	for i := range cells {
		n := i + 1
		if l.get(shoot.AssetFrame, n) != nil && l.upToDate(shoot.AssetFrame, n, inputs) {
			continue // saved by an earlier run of this work that was cut short
		}
		frame := frames[i]
		var buf bytes.Buffer
		if err := imaging.Encode(&buf, frame, "png"); err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "could not encode a frame")
		}
		v := 1
		if cur := l.get(shoot.AssetFrame, n); cur != nil {
			v = cur.Version + 1
		}
		meta := shoot.AssetMeta{Provider: "imaging", Model: "grid-" + grid.Method, Inputs: inputs, Grid: gridJSON,
			Width: frame.Bounds().Dx(), Height: frame.Bounds().Dy(), DurationMS: e.now().Sub(started).Milliseconds()}
		if report != nil {
			meta.QA = report.forFrame(n, limits).raw()
		}
		if _, err := e.saveAsset(ctx, s.ID, shoot.AssetFrame, n, v, buf.Bytes(), "image/png", meta); err != nil {
			return err
		}
	}
	// New frames make every clip and the film stale; flagging by the sheet
	// would flag the frames just saved as well.
	for n := 1; n <= frameCount; n++ {
		e.markStale(ctx, s.ID, shoot.AssetFrame, n, s.Options.Loop)
	}
	e.progress(ctx, s.ID, shoot.StageFrames, 1, fmt.Sprintf("Cropped %d frames (%s)", len(cells), grid.Method), nil)
	return nil
}

// detectSix finds the sheet's grid and insists on six cells, since the
// clips run between six keyframes. A grid of another size found by the
// gutters is not forced into 2×3: with more than six cells the first six
// are used, with fewer the sheet cannot be used (and is reported so); only
// an auto-detected grid of another size falls back to 2×3.
func detectSix(img image.Image, p FramesParams) ([]image.Rectangle, *imaging.Grid, error) {
	rows, cols := p.Rows, p.Cols
	if rows == 0 {
		rows = 2
	}
	if cols == 0 {
		cols = 3
	}
	if p.Grid != "auto" && rows*cols != frameCount {
		return nil, nil, shoot.Errorf(shoot.EINVALID, "the pipeline needs six frames: use 2×3 or 3×2, not %d×%d", rows, cols)
	}
	auto := p.Grid == "auto"
	grid, err := imaging.DetectGrid(img, imaging.GridOptions{Rows: rows, Cols: cols, Auto: auto})
	if err != nil {
		return nil, nil, shoot.Wrap(err, shoot.EINVALID, "could not find the frames on the contact sheet")
	}
	switch n := len(grid.Cells); {
	case n > frameCount && !auto:
		grid.Warnings = append(grid.Warnings, fmt.Sprintf("the sheet has %d frames: used the first six", n))
	case n < frameCount && !auto:
		return nil, nil, shoot.Errorf(shoot.EINVALID, "the contact sheet shows a %d×%d grid, fewer than the six frames needed: regenerate the contact sheet", grid.Rows, grid.Cols)
	case n != frameCount:
		grid, err = imaging.DetectGrid(img, imaging.GridOptions{Rows: 2, Cols: 3})
		if err != nil {
			return nil, nil, shoot.Wrap(err, shoot.EINVALID, "could not find the frames on the contact sheet")
		}
		grid.Warnings = append(grid.Warnings, "the detected grid did not have six cells; used 2×3")
		if len(grid.Cells) != frameCount {
			return nil, nil, shoot.Errorf(shoot.EINVALID, "the contact sheet shows a %d×%d grid, not six frames: regenerate the contact sheet", grid.Rows, grid.Cols)
		}
	}
	return grid.Cells[:frameCount], grid, nil
}

// gridMismatch describes a grid found other than the one asked for, or is
// nil.
func gridMismatch(g *imaging.Grid) map[string]int {
	if !g.Mismatch() {
		return nil
	}
	return map[string]int{"askedRows": g.AskedRows, "askedCols": g.AskedCols, "rows": g.Rows, "cols": g.Cols}
}

func roundConfs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, c := range v {
		out[i] = math.Round(c*100) / 100
	}
	return out
}

// frameGrid is the part of a frame's grid metadata the manifest and the
// checkpoint read back.
type frameGrid struct {
	Confidence   []float64      `json:"confidence"`
	GridMismatch map[string]int `json:"gridMismatch"`
}

// frameFacts returns the confidence of frame n (1-based) and the grid
// mismatch recorded with it, from its asset metadata.
func frameFacts(meta shoot.AssetMeta, n int) (*float64, map[string]int) {
	var g frameGrid
	if len(meta.Grid) == 0 || json.Unmarshal(meta.Grid, &g) != nil {
		return nil, nil
	}
	if n < 1 || n > len(g.Confidence) {
		return nil, g.GridMismatch
	}
	return &g.Confidence[n-1], g.GridMismatch
}

// frameDoubts names the frames whose confidence is below
// imaging.DoubtfulBelow, for the frames checkpoint, or returns "".
func (e *Engine) frameDoubts(ctx context.Context, s *shoot.Session, stage string) string {
	if stage != shoot.StageFrames {
		return ""
	}
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return ""
	}
	confs := make([]*float64, frameCount)
	for n := 1; n <= frameCount; n++ {
		confs[n-1], _ = frameFacts(assetMeta(l.get(shoot.AssetFrame, n)), n)
	}
	return doubtNotice(confs)
}

// doubtNotice names every frame (confs[i] is frame i+1) whose confidence
// is known and below imaging.DoubtfulBelow.
func doubtNotice(confs []*float64) string {
	var msg string
	for i, c := range confs {
		if c != nil && *c < imaging.DoubtfulBelow {
			msg += fmt.Sprintf(` Frame %d looks doubtful (confidence %.2f): check it, or reply "regenerate frame %d".`, i+1, *c, i+1)
		}
	}
	return msg
}

func rects(cells []image.Rectangle) []map[string]int {
	out := make([]map[string]int, len(cells))
	for i, c := range cells {
		out[i] = map[string]int{"x": c.Min.X, "y": c.Min.Y, "w": c.Dx(), "h": c.Dy()}
	}
	return out
}

// doResize re-crops every current frame to the session's frame aspect.
func (e *Engine) doResize(ctx context.Context, w Work, s *shoot.Session) error {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return err
	}
	aspect := s.Options.FrameAspect
	for n := 1; n <= s.Options.FrameCount(); n++ {
		cur := l.get(shoot.AssetFrame, n)
		if cur == nil {
			continue
		}
		if assetMeta(cur).Model == "resize-"+aspect {
			continue // this frame was resized by an earlier run of this work
		}
		data, err := e.readBlob(ctx, cur.Key)
		if err != nil {
			return err
		}
		img, _, err := imaging.Decode(bytes.NewReader(data))
		if err != nil {
			return shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("frame %d is not a readable image", n))
		}
		out := imaging.CropToAspect(img, aspect)
		var buf bytes.Buffer
		if err := imaging.Encode(&buf, out, "png"); err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "could not encode a frame")
		}
		meta := assetMeta(cur)
		meta.Provider, meta.Model = "imaging", "resize-"+aspect
		meta.Inputs = framesInputs(l, readMeta(s), s)
		meta.Width, meta.Height = out.Bounds().Dx(), out.Bounds().Dy()
		if _, err := e.saveAsset(ctx, s.ID, shoot.AssetFrame, n, cur.Version+1, buf.Bytes(), "image/png", meta); err != nil {
			return err
		}
		e.markStale(ctx, s.ID, shoot.AssetFrame, n, s.Options.Loop)
	}
	return nil
}

// matchFrame makes an edited frame the same size as the frame it replaces,
// so clips on both sides of it get consistent keyframes.
func matchFrame(edited, original []byte) ([]byte, error) {
	src, _, err := imaging.Decode(bytes.NewReader(edited))
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "the provider returned an unreadable image")
	}
	orig, _, err := image.DecodeConfig(bytes.NewReader(original))
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "the original frame is unreadable")
	}
	out := imaging.Fill(src, orig.Width, orig.Height)
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, out, "png"); err != nil {
		return nil, shoot.Wrap(err, shoot.EINTERNAL, "could not encode a frame")
	}
	return buf.Bytes(), nil
}

// heroPicture decodes the newest hero, the scene the frames' backdrop is
// judged against, or returns nil.
func (e *Engine) heroPicture(ctx context.Context, l slots) image.Image {
	hero := l.get(shoot.AssetHero, 0)
	if hero == nil {
		return nil
	}
	data, err := e.readBlob(ctx, hero.Key)
	if err != nil {
		return nil
	}
	img, _, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return img
}
