package studio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Model ids of the studio image kinds.
const (
	ModelComposite = "studio-composite-v1"
	ModelSheet     = "studio-sheet-v1"
	ModelEdit      = "studio-edit-v1"
)

// maxHeroReferences is how many references a hero uses: the subject and
// up to three prints beside it.
const maxHeroReferences = 4

// Images is the offline image generator. It satisfies the pipeline's
// ImageGenerator: SubmitImage stamps a handle, PollImage renders.
type Images struct {
	opts      Options
	cancelled cancellations
	jobs      jobs
}

// NewImages returns an image generator with the given options.
func NewImages(opts Options) *Images { return &Images{opts: opts.withDefaults()} }

// Name returns "studio".
func (im *Images) Name() string { return ProviderName }

// Local reports that polls cost nothing: the studio renders on this machine.
func (im *Images) Local() bool { return true }

// Model returns the model id for the request's kind.
func (im *Images) Model(req shoot.ImageRequest) string {
	switch req.Kind {
	case shoot.ImageContactSheet:
		return ModelSheet
	case shoot.ImageFrameEdit:
		return ModelEdit
	}
	return ModelComposite
}

// SubmitImage checks the request and returns a handle at once; no pixels
// are made until PollImage.
func (im *Images) SubmitImage(ctx context.Context, req shoot.ImageRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", shoot.Wrap(err, shoot.EUNAVAILABLE, "image request was cancelled")
	}
	if err := checkImageRequest(req); err != nil {
		return "", err
	}
	h := handle{kind: req.Kind, submitted: im.opts.Now(), fingerprint: imageFingerprint(req)}
	return h.String(), nil
}

// PollImage reports not-done until the configured latency has passed, then
// renders the picture and returns it as a PNG artifact.
func (im *Images) PollImage(ctx context.Context, req shoot.ImageRequest, handleStr string) (shoot.TaskStatus, error) {
	h, err := parseHandle(handleStr)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	if h.kind != req.Kind || h.fingerprint != imageFingerprint(req) {
		return shoot.TaskStatus{}, shoot.Errorf(shoot.EINVALID, "handle %s was issued for a different request", handleStr)
	}
	if im.cancelled.has(handleStr) {
		return shoot.TaskStatus{}, errCancelled(handleStr)
	}
	if err := checkImageRequest(req); err != nil {
		return shoot.TaskStatus{}, err
	}
	render := func(ctx context.Context, report func(float64)) (shoot.TaskStatus, error) {
		return im.render(ctx, req, report)
	}
	if st, wait := pending(im.opts, h, func() float64 { return im.jobs.early(ctx, handleStr, render) }); wait {
		return st, nil
	}
	st, frac, done, err := im.jobs.poll(ctx, handleStr, im.opts.PollWait, render)
	if !done {
		st.Progress = overall(im.opts, frac)
	}
	return st, err
}

// CancelImage forgets a job: later polls of its handle fail with
// ECONFLICT. A render already running stops when its context ends.
func (im *Images) CancelImage(ctx context.Context, handleStr string) error {
	if _, err := parseHandle(handleStr); err != nil {
		return err
	}
	im.cancelled.add(handleStr)
	im.jobs.stop(handleStr)
	return nil
}

// checkImageRequest validates what can be validated without decoding
// pixels: the kind, the size, and the headers of the references used.
func checkImageRequest(req shoot.ImageRequest) error {
	for i, ref := range req.References[:min(len(req.References), usedReferences(req.Kind))] {
		if err := checkHeader(ref, referenceName(i, ref)); err != nil {
			return err
		}
	}
	switch req.Kind {
	case shoot.ImageHero, shoot.ImageContactSheet:
		_, _, err := outputSize(req.AspectRatio, req.Resolution)
		return err
	case shoot.ImageFrameEdit:
		if len(req.References) == 0 {
			return shoot.Errorf(shoot.EINVALID, "a frame edit needs the frame as its first reference")
		}
		return nil
	}
	return shoot.Errorf(shoot.EINVALID, "image kind %q is not one of %s, %s, %s", req.Kind, shoot.ImageHero, shoot.ImageContactSheet, shoot.ImageFrameEdit)
}

// drawing is a rendered picture and what the studio says about it.
type drawing struct {
	img    *image.RGBA
	logs   []string
	notes  *previzNotes // how the references were used (hero and sheet)
	recipe string       // the stage recipe a hero carries for its sheet
}

// render makes the picture of a request and wraps it as an artifact whose
// details tell the manifest its real pixel size and, for a previz, how each
// reference was used.
func (im *Images) render(ctx context.Context, req shoot.ImageRequest, report func(float64)) (shoot.TaskStatus, error) {
	report(0.1)
	d, err := im.draw(ctx, req)
	if err != nil {
		return shoot.TaskStatus{}, err
	}
	if err := ctx.Err(); err != nil {
		return shoot.TaskStatus{}, shoot.Wrap(err, shoot.EUNAVAILABLE, "image rendering was cancelled")
	}
	report(0.8)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, d.img); err != nil {
		return shoot.TaskStatus{}, shoot.Wrap(err, shoot.EINTERNAL, "could not encode the studio image")
	}
	data := buf.Bytes()
	if d.recipe != "" {
		data = withText(data, stageKeyword, d.recipe)
	}
	details, _ := json.Marshal(imageDetails{Width: d.img.Bounds().Dx(), Height: d.img.Bounds().Dy(), Previz: d.notes})
	art := &shoot.Artifact{Data: data, ContentType: "image/png", Provider: ProviderName,
		Model: im.Model(req), Seed: req.Seed, Units: 1, Unit: "image", Details: details}
	return shoot.TaskStatus{Done: true, Progress: 1, Logs: d.logs, Result: art}, nil
}

// imageDetails are the artifact details of a studio image.
type imageDetails struct {
	Width  int          `json:"width"`
	Height int          `json:"height"`
	Previz *previzNotes `json:"previz,omitempty"`
}

// usedReferences is how many references a kind looks at; the rest are
// ignored (a hosted model would read them, the studio cannot).
func usedReferences(kind string) int {
	switch kind {
	case shoot.ImageHero:
		return maxHeroReferences
	case shoot.ImageContactSheet: // the hero, then the references it was made from
		return 1 + maxHeroReferences
	}
	return 1
}

func referenceName(i int, ref shoot.Reference) string {
	if ref.Name != "" {
		return fmt.Sprintf("reference %d (%s)", i+1, ref.Name)
	}
	return fmt.Sprintf("reference %d", i+1)
}

// draw dispatches on the request kind.
func (im *Images) draw(ctx context.Context, req shoot.ImageRequest) (drawing, error) {
	used := req.References[:min(len(req.References), usedReferences(req.Kind))]
	refs, err := decodeReferences(used)
	if err != nil {
		return drawing{}, err
	}
	if err := ctx.Err(); err != nil {
		return drawing{}, shoot.Wrap(err, shoot.EUNAVAILABLE, "image rendering was cancelled")
	}
	if req.Kind == shoot.ImageFrameEdit {
		img := renderEdit(req, refs[0], im.opts.Workers)
		return drawing{img: img, logs: []string{fmt.Sprintf("studio: edited frame %d×%d", img.Bounds().Dx(), img.Bounds().Dy())}}, nil
	}
	W, H, err := outputSize(req.AspectRatio, req.Resolution)
	if err != nil {
		return drawing{}, err
	}
	if req.Kind == shoot.ImageContactSheet {
		st := sheetStage(req, used, refs, W, H)
		img := renderSheet(req, st, W, H, im.opts.Workers)
		return drawing{img: img, notes: &st.notes,
			logs: []string{fmt.Sprintf("studio: contact sheet %d×%d, 2×3 cells aimed at the subject", W, H)}}, nil
	}
	rec := stageRecipe{Seed: req.Seed, Prompt: req.Prompt, Background: req.Background}
	img, st := heroStage(req, refs, W, H, im.opts.Workers)
	return drawing{img: img, notes: &st.notes, recipe: rec.String(),
		logs: []string{fmt.Sprintf("studio: hero %d×%d on %s; %s", W, H, st.preset, st.notes)}}, nil
}

// sheetStage rebuilds the hero's stage from the recipe the hero carries and
// the references after it; a hero without one (made elsewhere) becomes a
// stage of its own picture. Without any hero the stage is drawn afresh.
func sheetStage(req shoot.ImageRequest, used []shoot.Reference, refs []*image.RGBA, W, H int) *stage {
	if len(refs) == 0 {
		return buildStage(req.Seed, req.Prompt, req.Background, nil, W, H)
	}
	hero := refs[0]
	var rec stageRecipe
	if text, ok := textOf(used[0].Data, stageKeyword); ok && json.Unmarshal([]byte(text), &rec) == nil {
		return buildStage(rec.Seed, rec.Prompt, rec.Background, refs[1:], hero.Bounds().Dx(), hero.Bounds().Dy())
	}
	return stageFromPicture(hero)
}

func decodeReferences(refs []shoot.Reference) ([]*image.RGBA, error) {
	out := make([]*image.RGBA, 0, len(refs))
	for i, ref := range refs {
		img, err := decodeReference(ref, referenceName(i, ref))
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}
