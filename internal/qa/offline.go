package qa

import (
	"image"
	"slices"

	"github.com/fashionshoot/shoot/internal/prompt"
)

// Offline is the checker of the rules director: measured heuristics, no
// model, no network.
type Offline struct {
	Limits prompt.QALimits
}

// NewOffline returns an offline checker with the editorial thresholds.
func NewOffline() Offline { return Offline{Limits: prompt.QA()} }

// notChecked lists what pixels alone cannot judge.
var notChecked = []Item{
	{Item: "print and logo", Status: NotChecked, Reason: "the offline check cannot read prints or logos"},
	{Item: "model identity", Status: NotChecked, Reason: "the offline check cannot compare faces, hair or skin tone"},
	{Item: "accessory shapes", Status: NotChecked, Reason: "the offline check compares colours, not shapes"},
}

// CheckPicture compares one picture (a hero or a contact sheet) with the
// references: the main colour of each reference must be in it.
func (o Offline) CheckPicture(refs []Ref, img image.Image) Verdict {
	p := newPicture(img)
	mask := subjectMask(p, fitBackdrop(p))
	if countTrue(mask) < minPatch(p) {
		mask = allTrue(len(mask))
	}
	mask = interior(p, mask)
	items := make([]Item, 0, len(refs)+len(notChecked))
	prepared := make([]refColours, len(refs))
	for i, r := range refs {
		prepared[i] = prepareRef(r)
	}
	for i, r := range prepared {
		others := append(slices.Clone(prepared[:i]), prepared[i+1:]...)
		items = append(items, colourItem(r, others, p, mask, o.Limits.ColourDeltaE))
	}
	items = append(items, notChecked...)
	return Verdict{Checker: "rules", Items: items}.Finish()
}

// CheckFrames judges a set of frames, numbered from 1: a subject in each,
// no strip along an edge, no two the same framing. scene is a picture of
// the whole set-up (the hero), whose backdrop tells an empty frame from one
// filled by the subject; nil takes the backdrop most frames show.
func (o Offline) CheckFrames(scene image.Image, frames []image.Image) Verdict {
	l := o.Limits
	pics := make([]*picture, len(frames))
	fits := make([]backdrop, len(frames))
	centres := make([]lab, len(frames))
	for i, f := range frames {
		pics[i] = newPicture(f)
		fits[i] = fitBackdrop(pics[i])
		centres[i] = centre(pics[i], fits[i])
	}
	view := backdropView{median(centres)} // most frames show the backdrop
	if scene != nil {
		view = viewOf(newPicture(scene))
	}
	var items []Item
	prints := make([]print, len(frames))
	for i, p := range pics {
		items = append(items, subjectItem(i+1, p, fits[i], view, l.SubjectShare),
			stripItem(i+1, p, l.StripStep, l.StripCover, l.StripDepth))
		prints[i] = fingerprint(p)
	}
	items = append(items, duplicateItems(prints, l.DuplicateBits, l.DuplicateDeltaE)...)
	items = append(items, notChecked...)
	return Verdict{Checker: "rules", Items: items}.Finish()
}
